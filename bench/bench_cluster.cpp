// Clustering policies on CNN-shaped matrices: n feature maps (rows) x d = H*W pixels. By default a short grid;
// INX_BENCH_FULL=1 runs every n in {64, 256, 512, 2048} x d in {49, 196, 784, 3136}; INX_BENCH_SHAPES=NxD,... runs
// exactly those shapes (bench/compare_sklearn.py and bench/cluster_scaling.py set it). With INX_BENCH_DATA set to a
// folder holding x_n<N>_d<D>.npy (bench/compare_sklearn.py writes them) those matrices are used, so inx and
// scikit-learn see the same data; otherwise a seeded synthetic matrix (ReLU of 8 Gaussian groups) is used.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "inx/cluster/cluster.hpp"
#include "inx/io/npy.hpp"
#include "timing.hpp"

namespace {

namespace cl = inx::cluster;

inx::Tensor<float> matrix(std::size_t n, std::size_t d) {
  if (const char* dir = std::getenv("INX_BENCH_DATA")) {
    const auto p = std::filesystem::path(dir) / ("x_n" + std::to_string(n) + "_d" + std::to_string(d) + ".npy");
    if (std::filesystem::exists(p)) return inx::io::load_npy<float>(p);
  }
  std::mt19937 rng(1);
  std::normal_distribution<float> g;
  std::vector<float> centres(8 * d);
  for (auto& c : centres) c = g(rng);
  auto x = inx::Tensor<float>::uninitialized({n, d});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) x(i, j) = std::max(0.0f, centres[(i % 8) * d + j] + 0.7f * g(rng));
  return x;
}

// An eps that makes DBSCAN find structure: the 10% quantile of a sample of pairwise distances.
double dbscan_eps(const inx::Tensor<float>& x) {
  const std::size_t n = x.dim(0), d = x.dim(1);
  std::vector<double> s;
  for (std::size_t i = 0; i < std::min<std::size_t>(n, 64); ++i)
    for (std::size_t j = i + 1; j < n; j += 3) s.push_back(std::sqrt(cl::detail::exact_sqdist(&x(i, 0), &x(j, 0), d)));
  std::nth_element(s.begin(), s.begin() + s.size() / 10, s.end());
  return s[s.size() / 10];
}

template <class Fn>
void run(benchmark::State& state, std::size_t n, std::size_t d, Fn fn) {
  const auto x = matrix(n, d);
  auto call = [&] { benchmark::DoNotOptimize(fn(x)); };
  call();  // warm-up: oneDNN JIT, page faults
  inx_bench::timed_loop(state, 0.0, call);
  state.counters["n"] = static_cast<double>(n);
  state.counters["d"] = static_cast<double>(d);
}

using Bench = std::pair<const char*, void (*)(benchmark::State&, std::size_t, std::size_t)>;

const Bench kBenches[] = {
    {"kmeans", [](benchmark::State& s, std::size_t n, std::size_t d) {
       run(s, n, d, [](const auto& x) { return cl::KMeans<>{.k = 8, .n_init = 10}.fit(x).score; });
     }},
    {"dbscan", [](benchmark::State& s, std::size_t n, std::size_t d) {
       const double eps = dbscan_eps(matrix(n, d));
       run(s, n, d, [eps](const auto& x) { return cl::DBSCAN<>{.eps = eps, .min_samples = 5}.fit(x).score; });
     }},
    {"ward", [](benchmark::State& s, std::size_t n, std::size_t d) {
       run(s, n, d, [](const auto& x) { return cl::Ward{8}.fit(x).score; });
     }},
    {"corrcoef", [](benchmark::State& s, std::size_t n, std::size_t d) {
       run(s, n, d, [](const auto& x) { return cl::correlation_matrix(x).data()[1]; });
     }},
    {"correlation_average", [](benchmark::State& s, std::size_t n, std::size_t d) {
       run(s, n, d, [](const auto& x) { return cl::CorrelationMerge{.k = 8}.fit(x).score; });
     }},
    {"pca50", [](benchmark::State& s, std::size_t n, std::size_t d) {
       run(s, n, d, [](const auto& x) { return cl::PCA{50}.apply(x).data()[0]; });
     }},
    {"tsne", [](benchmark::State& s, std::size_t n, std::size_t d) {
       run(s, n, d, [](const auto& x) { return cl::TSNE{}.fit(cl::PCA{50}.apply(x)).kl_divergence; });
     }},
    {"silhouette", [](benchmark::State& s, std::size_t n, std::size_t d) {
       std::vector<std::int64_t> labels(n);
       for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<std::int64_t>(i % 8);
       run(s, n, d, [labels](const auto& x) { return cl::silhouette_score(x, labels); });
     }},
    {"paper", [](benchmark::State& s, std::size_t n, std::size_t d) {
       run(s, n, d, [](const auto& x) { return cl::PaperPreset{}.fit(x).score; });
     }},
};

const bool registered = [] {
  std::vector<std::pair<std::size_t, std::size_t>> shapes = {{64, 49}, {256, 196}, {512, 3136}};
  if (const char* full = std::getenv("INX_BENCH_FULL"); full && std::string(full) == "1") {
    shapes.clear();
    for (std::size_t n : {64, 256, 512, 2048})
      for (std::size_t d : {49, 196, 784, 3136}) shapes.emplace_back(n, d);
  }
  if (const char* list = std::getenv("INX_BENCH_SHAPES")) {  // "NxD,NxD,...": exactly these shapes
    shapes.clear();
    std::string s(list);
    for (std::size_t at = 0; at < s.size();) {
      const std::size_t end = std::min(s.find(',', at), s.size());
      std::size_t n = 0, d = 0;
      if (std::sscanf(s.substr(at, end - at).c_str(), "%zux%zu", &n, &d) == 2 && n > 0 && d > 0)
        shapes.emplace_back(n, d);
      else
        std::fprintf(stderr, "bench_cluster: INX_BENCH_SHAPES: ignoring '%s' (expected NxD)\n",
                     s.substr(at, end - at).c_str());
      at = end + 1;
    }
  }
  for (const auto& [name, fn] : kBenches)
    for (const auto& [n, d] : shapes) {
      char label[96];
      std::snprintf(label, sizeof label, "cluster/%s/n%zu_d%zu", name, n, d);
      benchmark::RegisterBenchmark(label, [fn = fn, n = n, d = d](benchmark::State& st) { fn(st, n, d); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MinTime(0.05);
    }
  return true;
}();

}  // namespace
