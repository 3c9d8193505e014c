// Faithfulness-metric timings (issue #9), warm: deletion plus insertion of one 224x224 photograph (skimage's chelsea,
// tests/data/explain) and one map (a seeded random 7x7 map, upsampled: the ranking does not change the work) — 225 +
// 225 forward passes in batches of N — on resnet50 and EfficientNet-Lite0 with synthetic weights (timing only).
// bench/compare_metrics.py runs the same work in PyTorch beside it.
//   BM_deletion_insertion<resnet50>/N, BM_deletion_insertion<efficientnet_lite0>/N   N = 32 inputs per forward
//   BM_confidence<resnet50>/N   AD/IC/AG's pass (input and masked input) for N images
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "inx/io/image.hpp"
#include "inx/metrics/metrics.hpp"
#include "inx/models/efficientnet.hpp"
#include "inx/models/preprocess.hpp"
#include "inx/models/registry.hpp"
#include "inx/models/resnet.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"
#include "timing.hpp"

namespace {
namespace mt = inx::metrics;
using inx::Tensor;

template <class M>
constexpr const char* model_name() {
  if constexpr (std::is_same_v<M, inx::models::resnet50>) return "resnet50";
  return "efficientnet_lite0";
}

template <class M>
inx::nn::Network<M>& network() {
  static auto net = [] {
    auto n = std::make_unique<inx::nn::Network<M>>();
    inx::models::fill_synthetic<inx::cpu>(*n);
    return n;
  }();
  return *net;
}

template <class M>
Tensor<float> photograph() {
  const auto& p = inx::models::model_info(model_name<M>()).preprocess;
  const auto path = std::string(INX_SOURCE_DIR) + "/tests/data/explain/chelsea.png";
  auto img = inx::io::load_image(path, 3);
  auto x = inx::models::preprocess(img.view(), p, path);
  x.reshape_inplace({3, p.crop, p.crop});
  return x;
}

template <class M>
void BM_deletion_insertion(benchmark::State& state) {
  auto& net = network<M>();
  mt::NetworkProbe probe(net, std::size_t(state.range(0)));
  const auto x = photograph<M>();
  const auto map = mt::random_map(7, 7, 0);
  const std::vector<mt::Item> items{{x.view(), map.view(), 281}};
  (void)mt::Deletion{}.scores(probe, items);  // warm-up: oneDNN primitives for the batch shapes
  const std::size_t before = probe.forwards();
  inx_bench::timed_loop(state, 0, [&] {
    auto d = mt::Deletion{}.scores(probe, items);
    auto i = mt::Insertion{}.scores(probe, items);
    benchmark::DoNotOptimize(d.data());
    benchmark::DoNotOptimize(i.data());
  });
  state.counters["forwards"] = double(probe.forwards() - before) / double(state.iterations());
  state.counters["forwards/s"] =
      benchmark::Counter(double(probe.forwards() - before), benchmark::Counter::kIsRate);
  state.counters.erase("GFLOP");
  state.counters.erase("GFLOP/s_median");
}

template <class M>
void BM_confidence(benchmark::State& state) {
  auto& net = network<M>();
  const auto n = std::size_t(state.range(0));
  mt::NetworkProbe probe(net, n);
  const auto x = photograph<M>();
  const auto map = mt::random_map(7, 7, 0);
  const std::vector<mt::Item> items(n / 2, mt::Item{x.view(), map.view(), 281});
  (void)mt::masked_confidence(probe, items);
  inx_bench::timed_loop(state, 0, [&] {
    auto c = mt::masked_confidence(probe, items);
    benchmark::DoNotOptimize(c.masked.data());
  });
  state.counters.erase("GFLOP");
  state.counters.erase("GFLOP/s_median");
}

using inx::models::efficientnet_lite0;
using inx::models::resnet50;
BENCHMARK(BM_deletion_insertion<resnet50>)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_deletion_insertion<efficientnet_lite0>)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_confidence<resnet50>)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
