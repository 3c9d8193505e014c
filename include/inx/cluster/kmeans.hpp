// k-means as scikit-learn's KMeans(algorithm="lloyd"): greedy k-means++ initialisation (2 + floor(ln k) local
// trials), n_init restarts from one seeded std::mt19937_64, Lloyd iterations whose assignment step is one GEMM
// (||x||² - 2 x·c + ||c||²), stopping on unchanged labels or on a centroid shift below tol x mean column variance.
// Initialisation and empty-cluster handling are policies (concepts KMeansInit, EmptyClusterPolicy).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <exception>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/tensor/gemm.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

// Picks k initial centres (k x d) from rows x (with squared norms sqn).
template <class I>
concept KMeansInit = requires(const I& init, TensorView<const float> x, std::span<const double> sqn, std::size_t k,
                              std::mt19937_64& rng) {
  { init(x, sqn, k, rng) } -> std::same_as<Tensor<float>>;
};

// Repairs clusters left empty by an update step. Given each row's label and squared distance to its centre and
// the per-cluster counts, it may move rows and must leave centres consistent with the labels it changes.
template <class E>
concept EmptyClusterPolicy = requires(const E& e, TensorView<const float> x, std::span<std::int64_t> labels,
                                      std::span<const double> dist, TensorView<float> centres,
                                      std::span<std::int64_t> counts) { e(x, labels, dist, centres, counts); };

namespace detail {
// Squared distances from rows `cand` (m x d) to all rows x (n x d), out is m x n.
inline void sq_distances(TensorView<const float> cand, std::span<const double> cand_sqn, TensorView<const float> x,
                         std::span<const double> sqn, std::vector<double>& out) {
  const std::size_t m = cand.dim(0), n = x.dim(0), d = x.dim(1);
  auto dots = Tensor<float>::uninitialized({m, n});
  ops::gemm<cpu>(false, true, m, n, d, 1.0f, cand.data(), d, x.data(), d, 0.0f, dots.data(), n);
  out.resize(m * n);
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(m); ++i)
    for (std::size_t j = 0; j < n; ++j)
      out[i * n + j] = std::max(cand_sqn[i] + sqn[j] - 2.0 * dots.data()[i * n + j], 0.0);
}
}  // namespace detail

// scikit-learn's greedy k-means++: each new centre is the best of 2 + floor(ln k) candidates drawn with probability
// proportional to the squared distance to the nearest chosen centre.
struct KMeansPlusPlus {
  Tensor<float> operator()(TensorView<const float> x, std::span<const double> sqn, std::size_t k,
                           std::mt19937_64& rng) const {
    const std::size_t n = x.dim(0), d = x.dim(1);
    const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
    auto centres = Tensor<float>::uninitialized({k, d});
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::size_t first = std::min<std::size_t>(n - 1, static_cast<std::size_t>(u(rng) * n));
    std::copy_n(x.data() + first * d, d, centres.data());
    std::vector<double> closest, cand_d;
    detail::sq_distances(x.slice(first, first + 1), sqn.subspan(first, 1), x, sqn, closest);
    double pot = std::accumulate(closest.begin(), closest.end(), 0.0);
    std::vector<double> cum(n);
    auto cand = Tensor<float>::uninitialized({trials, d});
    std::vector<std::size_t> ids(trials);
    std::vector<double> cand_sqn(trials);
    for (std::size_t c = 1; c < k; ++c) {
      std::partial_sum(closest.begin(), closest.end(), cum.begin());
      for (std::size_t t = 0; t < trials; ++t) {
        const double r = u(rng) * cum.back();
        ids[t] = std::min<std::size_t>(n - 1, std::lower_bound(cum.begin(), cum.end(), r) - cum.begin());
        std::copy_n(x.data() + ids[t] * d, d, cand.data() + t * d);
        cand_sqn[t] = sqn[ids[t]];
      }
      detail::sq_distances(cand, cand_sqn, x, sqn, cand_d);
      std::size_t best = 0;
      double best_pot = std::numeric_limits<double>::infinity();
      for (std::size_t t = 0; t < trials; ++t) {
        double p = 0;
        for (std::size_t j = 0; j < n; ++j) p += std::min(closest[j], cand_d[t * n + j]);
        if (p < best_pot) best_pot = p, best = t;
      }
      for (std::size_t j = 0; j < n; ++j) closest[j] = std::min(closest[j], cand_d[best * n + j]);
      pot = best_pot;
      std::copy_n(x.data() + ids[best] * d, d, centres.data() + c * d);
    }
    (void)pot;
    return centres;
  }
};

// k distinct rows drawn uniformly (scikit-learn's init="random").
struct RandomRows {
  Tensor<float> operator()(TensorView<const float> x, std::span<const double>, std::size_t k,
                           std::mt19937_64& rng) const {
    const std::size_t n = x.dim(0), d = x.dim(1);
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    for (std::size_t i = 0; i < k; ++i) std::swap(idx[i], idx[i + rng() % (n - i)]);
    auto centres = Tensor<float>::uninitialized({k, d});
    for (std::size_t i = 0; i < k; ++i) std::copy_n(x.data() + idx[i] * d, d, centres.data() + i * d);
    return centres;
  }
};

// scikit-learn's rule: each empty cluster takes the row farthest from its centre (largest first), and the cluster
// it leaves loses it from its mean.
struct RelocateFarthest {
  void operator()(TensorView<const float> x, std::span<std::int64_t> labels, std::span<const double> dist,
                  TensorView<float> centres, std::span<std::int64_t> counts) const {
    const std::size_t n = x.dim(0), d = x.dim(1), k = centres.dim(0);
    std::vector<std::size_t> empty;
    for (std::size_t c = 0; c < k; ++c)
      if (counts[c] == 0) empty.push_back(c);
    if (empty.empty()) return;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return dist[a] > dist[b]; });
    std::size_t next = 0;
    for (std::size_t e : empty) {
      while (next < n && counts[labels[order[next]]] <= 1) ++next;  // never empty another cluster
      if (next == n) break;
      const std::size_t i = order[next++];
      const auto old = static_cast<std::size_t>(labels[i]);
      const double m = static_cast<double>(counts[old]);
      for (std::size_t j = 0; j < d; ++j) {
        float& c = centres.data()[old * d + j];
        c = static_cast<float>((c * m - x.data()[i * d + j]) / (m - 1));
        centres.data()[e * d + j] = x.data()[i * d + j];
      }
      --counts[old];
      counts[e] = 1;
      labels[i] = static_cast<std::int64_t>(e);
    }
  }
};

// Empty clusters keep their previous centre.
struct KeepEmpty {
  void operator()(TensorView<const float>, std::span<std::int64_t>, std::span<const double>, TensorView<float>,
                  std::span<std::int64_t>) const {}
};

static_assert(KMeansInit<KMeansPlusPlus> && KMeansInit<RandomRows>);
static_assert(EmptyClusterPolicy<RelocateFarthest> && EmptyClusterPolicy<KeepEmpty>);

template <KMeansInit Init = KMeansPlusPlus, EmptyClusterPolicy Empty = RelocateFarthest>
struct KMeans {
  static constexpr std::string_view name = "kmeans";
  std::int64_t k = 8;
  int n_init = 10;
  int max_iter = 300;
  double tol = 1e-4;
  std::uint64_t seed = 0;
  Init init{};
  Empty empty{};

  // One restart: initialisation then Lloyd iterations on centred rows x; returns the inertia.
  double lloyd(TensorView<const float> x, std::span<const double> sqn, double tol_abs, std::mt19937_64& rng,
               std::vector<std::int64_t>& labels, Tensor<float>& centres) const {
    const std::size_t n = x.dim(0), d = x.dim(1), kk = static_cast<std::size_t>(k);
    labels.assign(n, 0);
    std::vector<std::int64_t> old(n), counts(kk);
    std::vector<double> dist(n), csq(kk), sums(kk * d);
    auto dots = Tensor<float>::uninitialized({n, kk});
    centres = init(x, sqn, kk, rng);
    auto next = Tensor<float>::uninitialized({kk, d});
    auto assign = [&] {
      for (std::size_t c = 0; c < kk; ++c) {
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) s += double(centres.data()[c * d + j]) * centres.data()[c * d + j];
        csq[c] = s;
      }
      ops::gemm<cpu>(false, true, n, kk, d, 1.0f, x.data(), d, centres.data(), d, 0.0f, dots.data(), kk);
      for (std::size_t i = 0; i < n; ++i) {
        std::size_t arg = 0;
        double m = std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < kk; ++c) {
          const double v = csq[c] - 2.0 * dots.data()[i * kk + c];
          if (v < m) m = v, arg = c;
        }
        labels[i] = static_cast<std::int64_t>(arg);
        dist[i] = std::max(m + sqn[i], 0.0);
      }
    };
    bool strict = false;
    for (int it = 0; it < max_iter; ++it) {
      assign();
      // Update: means of the assigned rows (double sums), then the empty-cluster policy.
      std::fill(sums.begin(), sums.end(), 0.0);
      std::fill(counts.begin(), counts.end(), 0);
      for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<std::size_t>(labels[i]);
        ++counts[c];
        const float* xi = x.data() + i * d;
        double* sc = sums.data() + c * d;
        for (std::size_t j = 0; j < d; ++j) sc[j] += xi[j];
      }
      for (std::size_t c = 0; c < kk; ++c)
        for (std::size_t j = 0; j < d; ++j)
          next.data()[c * d + j] =
              counts[c] ? static_cast<float>(sums[c * d + j] / counts[c]) : centres.data()[c * d + j];
      empty(x, labels, dist, next.view(), counts);
      double shift = 0;
      for (std::size_t t = 0; t < kk * d; ++t) {
        const double s = double(next.data()[t]) - centres.data()[t];
        shift += s * s;
      }
      std::swap(centres, next);
      if (it > 0 && labels == old) {
        strict = true;
        break;
      }
      if (shift <= tol_abs) break;
      old = labels;
    }
    if (!strict) assign();
    // Inertia in double from the rows themselves, not from the GEMM expansion.
    double inertia = 0;
    for (std::size_t i = 0; i < n; ++i)
      inertia += detail::exact_sqdist(x.data() + i * d, centres.data() + labels[i] * d, d);
    return inertia;
  }

  // Result of one fit: labels (canonical order), inertia as score, and the centres in input coordinates.
  Clustering fit(TensorView<const float> x) const { return fit_with_centres(x, nullptr); }

  Clustering fit_with_centres(TensorView<const float> x0, Tensor<float>* centres_out) const {
    check_matrix(x0, "kmeans");
    check_k(k, x0.dim(0), "kmeans");
    require<value_error>(n_init >= 1 && max_iter >= 1 && tol >= 0, "kmeans: expected n_init >= 1, max_iter >= 1 ",
                         "and tol >= 0, got ", n_init, ", ", max_iter, ", ", tol);
    const std::size_t n = x0.dim(0), d = x0.dim(1), kk = static_cast<std::size_t>(k);
    // Centred data, as scikit-learn does, for accurate distances; the mean is added back to the centres.
    const auto xc = detail::centre_columns(x0);
    const TensorView<const float> x = xc.view();
    const auto sqn = detail::row_sqnorms(x);
    double var = 0;
    for (double s : sqn) var += s;
    const double tol_abs = tol * var / static_cast<double>(n) / static_cast<double>(d);

    // Restarts run in parallel, one per thread (each single-threaded): coarse tasks keep their speed when cores
    // are shared, where many short parallel regions per Lloyd step would not. Each restart has its own seed drawn
    // from the master generator, so results do not depend on the thread count.
    std::mt19937_64 master(seed);
    std::vector<std::uint64_t> seeds(static_cast<std::size_t>(n_init));
    for (auto& s : seeds) s = master();
    std::vector<double> inertias(seeds.size());
    std::vector<std::vector<std::int64_t>> run_labels(seeds.size());
    std::vector<Tensor<float>> run_centres(seeds.size());
    std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) if (n_init > 1)
    for (std::int64_t run = 0; run < n_init; ++run) {
      try {
        std::mt19937_64 rng(seeds[static_cast<std::size_t>(run)]);
        inertias[run] = lloyd(x, sqn, tol_abs, rng, run_labels[run], run_centres[run]);
      } catch (...) {
#pragma omp critical(inx_kmeans_failure)
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
    const auto best = static_cast<std::size_t>(std::min_element(inertias.begin(), inertias.end()) - inertias.begin());
    const double best_inertia = inertias[best];
    std::vector<std::int64_t> best_labels = std::move(run_labels[best]);
    Tensor<float> best_centres = std::move(run_centres[best]);
    Clustering out;
    out.labels = std::move(best_labels);
    out.score = best_inertia;
    out.score_name = "inertia";
    if (centres_out) {
      // Centres follow the canonical label order and are moved back by the column means.
      std::vector<double> mean(d, 0.0);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) mean[j] += x0.data()[i * d + j];
      std::vector<std::int64_t> first(kk, -1), rank;
      std::vector<std::int64_t> seen;
      for (auto l : out.labels)
        if (first[l] < 0) first[l] = static_cast<std::int64_t>(seen.size()), seen.push_back(l);
      *centres_out = Tensor<float>(Shape{seen.size(), d});
      for (std::size_t r = 0; r < seen.size(); ++r)
        for (std::size_t j = 0; j < d; ++j)
          centres_out->data()[r * d + j] =
              static_cast<float>(best_centres.data()[seen[r] * d + j] + mean[j] / static_cast<double>(n));
    }
    out.n_clusters = canonical_labels(out.labels);
    return out;
  }
};

static_assert(ClusteringPolicy<KMeans<>>);

}  // namespace cluster
INX_END_NAMESPACE
