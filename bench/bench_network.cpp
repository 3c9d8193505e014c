// Whole-network timings: forward of resnet50, vgg16 and efficientnet_lite0 at 224x224 (batch 1 and 8), and the
// explanation path one Grad-CAM needs (forward keeping only what backward needs from the tap on, then data-only backward from
// the top logit to layer4 / features.29). bench/compare_network_torch.py runs the same beside PyTorch.
//
// `bench_network --peak-memory MODEL PASS` (PASS: forward | explain, batch 1) runs one pass instead and prints
// {"model", "pass", "rss_model_kb", "peak_kb"}: resident memory once the network is built and filled, and the
// peak during the pass (VmHWM, reset through /proc/self/clear_refs just before it).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "inx/models/efficientnet.hpp"
#include "inx/models/resnet.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/models/vgg.hpp"
#include "inx/nn/network.hpp"
#include "timing.hpp"

namespace {

using inx::Tensor;

template <class M>
struct Setup;
template <>
struct Setup<inx::models::resnet50> {
  static constexpr const char* tap = "layer4";
  static constexpr double gflop = 4.11 * 2;  // multiply-adds x 2 at 224x224
};
template <>
struct Setup<inx::models::vgg16> {
  static constexpr const char* tap = "features.29";
  static constexpr double gflop = 15.47 * 2;
};
template <>
struct Setup<inx::models::efficientnet_lite0> {
  static constexpr const char* tap = "_blocks.15";  // the last MBConv block
  static constexpr double gflop = 0.385 * 2;
};

Tensor<float> input(std::size_t n) {
  std::vector<float> v(n * 3 * 224 * 224);
  inx::models::synthetic_values("input", inx::Shape{v.size()}, v.data());  // values in [-0.1, 0.1): rescale
  for (float& f : v) f *= 20.0f;
  return Tensor<float>::from_host({n, 3, 224, 224}, v);
}

template <class M>
std::unique_ptr<inx::nn::Network<M>> network() {
  auto net = std::make_unique<inx::nn::Network<M>>();
  inx::models::fill_synthetic<inx::cpu>(*net);
  return net;
}

template <class M>
void explain(inx::nn::Network<M>& net, const Tensor<float>& x) {
  auto g = net.gradients(x.view(), {Setup<M>::tap}, [](inx::TensorView<const float> logits) {
    std::vector<float> seed(logits.size(), 0.0f);
    for (std::size_t n = 0; n < logits.dim(0); ++n) {  // the top class of each sample, as Grad-CAM's default
      const float* row = logits.data() + n * logits.dim(1);
      std::size_t best = 0;
      for (std::size_t k = 1; k < logits.dim(1); ++k)
        if (row[k] > row[best]) best = k;
      seed[n * logits.dim(1) + best] = 1.0f;
    }
    return seed;
  });
  benchmark::DoNotOptimize(g.gradients.at(Setup<M>::tap).data());
}

template <class M>
void BM_forward(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto net = network<M>();
  const auto x = input(n);
  net->forward(x.view());  // warm-up: oneDNN primitives for these shapes
  inx_bench::timed_loop(state, Setup<M>::gflop * 1e9 * double(n), [&] {
    auto y = net->forward(x.view());
    benchmark::DoNotOptimize(y.data());
  });
}

template <class M>
void BM_explain(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto net = network<M>();
  const auto x = input(n);
  explain(*net, x);
  inx_bench::timed_loop(state, Setup<M>::gflop * 1e9 * double(n), [&] { explain(*net, x); });
}

BENCHMARK(BM_forward<inx::models::resnet50>)->Name("forward/resnet50")->Arg(1)->Iterations(12)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_forward<inx::models::resnet50>)->Name("forward/resnet50")->Arg(8)->Iterations(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_forward<inx::models::vgg16>)->Name("forward/vgg16")->Arg(1)->Iterations(8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_forward<inx::models::vgg16>)->Name("forward/vgg16")->Arg(8)->Iterations(4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_explain<inx::models::resnet50>)->Name("explain/resnet50")->Arg(1)->Iterations(12)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_explain<inx::models::vgg16>)->Name("explain/vgg16")->Arg(1)->Iterations(8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_forward<inx::models::efficientnet_lite0>)->Name("forward/efficientnet_lite0")->Arg(1)->Iterations(30)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_forward<inx::models::efficientnet_lite0>)->Name("forward/efficientnet_lite0")->Arg(8)->Iterations(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_explain<inx::models::efficientnet_lite0>)->Name("explain/efficientnet_lite0")->Arg(1)->Iterations(30)->Unit(benchmark::kMillisecond);

long status_kb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  return -1;
}

template <class M>
int peak_memory(const char* model, const std::string& pass) {
  auto net = network<M>();
  const auto x = input(1);
  const long rss = status_kb("VmRSS:");
  { std::ofstream("/proc/self/clear_refs") << "5"; }  // resets VmHWM to the current RSS
  if (pass == "explain") {
    explain(*net, x);
  } else {
    auto y = net->forward(x.view());
    benchmark::DoNotOptimize(y.data());
  }
  std::printf("{\"model\": \"%s\", \"pass\": \"%s\", \"rss_model_kb\": %ld, \"peak_kb\": %ld}\n", model, pass.c_str(),
              rss, status_kb("VmHWM:"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--peak-memory") {
    const std::string model = argv[2], pass = argv[3];
    if (pass != "forward" && pass != "explain") return std::fprintf(stderr, "pass: forward or explain\n"), 2;
    if (model == "resnet50") return peak_memory<inx::models::resnet50>("resnet50", pass);
    if (model == "vgg16") return peak_memory<inx::models::vgg16>("vgg16", pass);
    if (model == "efficientnet_lite0")
      return peak_memory<inx::models::efficientnet_lite0>("efficientnet_lite0", pass);
    return std::fprintf(stderr, "model: resnet50, vgg16 or efficientnet_lite0\n"), 2;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
