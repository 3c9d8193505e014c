// GPU timings for issue 11's targets, on whatever NVIDIA GPU runs it (bench/gpu_check.sh): resnet50 at 224x224 —
// inference at batch 1, the network part of an INV explanation of its four stage outputs at batch 1 (forward keeping
// what backward needs, data-only backward from the top logit to layer1), and Grad-CAM's network pass at batch 64
// (layer4, images/s) — and correlation merging's matrix for C = 2048 maps of 56x56 and 7x7: the bare GEMM and the
// whole matrix (cluster::correlation_matrix on the GPU) — and one k-means iteration at n = 100,000, d = 64, k = 100. Each iteration ends with a device synchronisation, so the times are the GPU's, copies of the small
// results to the host included. Without a GPU every benchmark reports why and skips.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "inx/cuda/backend.cuh"
#include "inx/cuda/correlation.cuh"
#include "inx/cuda/kmeans.cuh"
#include "inx/models/resnet.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"
#include "inx/tensor/gemm.hpp"

namespace {

using inx::Tensor;
using Gpu = inx::cuda;

bool skip_without_gpu(benchmark::State& state) {
  const auto why = Gpu::unavailable_reason();
  if (!why.empty()) state.SkipWithError(why.c_str());
  return !why.empty();
}

Tensor<float, Gpu> gpu_input(std::size_t n, std::size_t side) {
  auto x = Tensor<float>::uninitialized({n, 3, side, side});
  inx::models::synthetic_values("input", x.shape(), x.data());
  for (auto& v : x.span()) v *= 20.0f;
  return x.to<Gpu>();
}

std::unique_ptr<inx::nn::Network<inx::models::resnet50, Gpu>> resnet50() {
  auto net = std::make_unique<inx::nn::Network<inx::models::resnet50, Gpu>>();
  inx::models::fill_synthetic<Gpu>(*net);
  return net;
}

void BM_Resnet50Forward(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const std::size_t n = std::size_t(state.range(0));
  auto net = resnet50();
  const auto x = gpu_input(n, 224);
  for (auto _ : state) {
    auto y = net->forward(x.view());
    Gpu::synchronize();
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["images/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Resnet50Forward)->Arg(1)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

// The network part of explaining `taps`: forward, the seed of each image's top logit, backward to the earliest tap.
void explain_pass(benchmark::State& state, std::set<std::string> taps) {
  if (skip_without_gpu(state)) return;
  const std::size_t n = std::size_t(state.range(0));
  auto net = resnet50();
  const auto x = gpu_input(n, 224);
  const std::vector<std::int64_t> target(n, 281);
  for (auto _ : state) {
    auto g = net->gradients_of_class(x.view(), taps, target);
    Gpu::synchronize();
    benchmark::DoNotOptimize(g.logits.data());
  }
  state.counters["images/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
void BM_Resnet50InvNetworkPass(benchmark::State& state) {
  explain_pass(state, {"layer1", "layer2", "layer3", "layer4"});
}
BENCHMARK(BM_Resnet50InvNetworkPass)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
void BM_Resnet50GradCamNetworkPass(benchmark::State& state) { explain_pass(state, {"layer4"}); }
BENCHMARK(BM_Resnet50GradCamNetworkPass)->Arg(1)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

// Correlation merging's product of C maps of HW pixels with themselves: (C x HW) times its transpose.
void BM_MapGram(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const std::size_t c = std::size_t(state.range(0)), hw = std::size_t(state.range(1));
  auto maps = Tensor<float>::uninitialized({c, hw});
  inx::models::synthetic_values("maps", maps.shape(), maps.data());
  const auto m = maps.to<Gpu>();
  auto gram = Tensor<float, Gpu>::uninitialized({c, c});
  for (auto _ : state) {
    inx::ops::matmul<Gpu>(m.view(), m.view(), gram.view(), false, true);
    Gpu::synchronize();
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * double(c) * double(c) * double(hw) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MapGram)->Args({2048, 56 * 56})->Args({2048, 7 * 7})->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole correlation matrix of C maps (row statistics, unit rows, SYRK, mirror), left in GPU memory.
void BM_CorrelationMatrix(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const std::size_t c = std::size_t(state.range(0)), hw = std::size_t(state.range(1));
  auto maps = Tensor<float>::uninitialized({c, hw});
  inx::models::synthetic_values("maps", maps.shape(), maps.data());
  const auto m = maps.to<Gpu>();
  for (auto _ : state) {
    auto corr = inx::cluster::correlation_matrix(m.view());
    Gpu::synchronize();
    benchmark::DoNotOptimize(corr.data());
  }
}
BENCHMARK(BM_CorrelationMatrix)->Args({2048, 56 * 56})->Args({2048, 7 * 7})->Unit(benchmark::kMillisecond)->UseRealTime();

// One Lloyd iteration of k-means (assignment GEMM and arg-min, one-hot GEMM update, shift) at issue 11's size.
void BM_KMeansIteration(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const std::size_t n = std::size_t(state.range(0)), d = std::size_t(state.range(1)), k = std::size_t(state.range(2));
  auto x = Tensor<float>::uninitialized({n, d});
  inx::models::synthetic_values("rows", x.shape(), x.data());
  std::vector<double> sqn(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) sqn[i] += double(x.data()[i * d + j]) * x.data()[i * d + j];
  const auto xg = x.to<Gpu>();
  const auto sqng = Tensor<double>::from_host({n}, sqn).to<Gpu>();
  auto centres = Tensor<float, Gpu>::uninitialized({k, d});
  Gpu::copy(centres.data(), xg.data(), centres.bytes());
  auto next = centres.clone();
  auto labels = Tensor<std::int64_t, Gpu>::uninitialized({n});
  inx::cuda_detail::KMeansStep<inx::cuda_detail::DeviceExec> step({}, n, d, k);
  for (auto _ : state) {
    step.assign(xg.data(), sqng.data(), centres.data(), labels.data());
    benchmark::DoNotOptimize(step.update(xg.data(), labels.data(), centres.data(), next.data()));
  }
}
BENCHMARK(BM_KMeansIteration)->Args({100000, 64, 100})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
