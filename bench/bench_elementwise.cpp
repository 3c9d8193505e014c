// Why inx's CPU elementwise kernels are plain loops and not xtensor expressions (DESIGN.md names xtensor for CPU
// elementwise maths): the fused expression y = max(x, 0) * b + x through xtensor 0.24 over adapted buffers (as inx
// would use it), through the same fused plain loop (both single-threaded), and through three of inx's unfused
// OpenMP ops. Bytes/s. Run: build/release/bench/bench_elementwise
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "inx/core/xtensor.hpp"
#include "inx/tensor/elementwise.hpp"

namespace {

constexpr std::size_t kN = std::size_t{1} << 22;

struct Buffers {
  inx::Tensor<float> x = inx::Tensor<float>::uninitialized({kN});
  inx::Tensor<float> b = inx::Tensor<float>::full({kN}, 0.5f);
  inx::Tensor<float> y = inx::Tensor<float>::uninitialized({kN});
  Buffers() {
    for (std::size_t i = 0; i < kN; ++i) x.data()[i] = float(i % 97) - 48.0f;
  }
};

void set_rate(benchmark::State& state) {
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(kN * sizeof(float) * 3));
}

void BM_xtensor_expression(benchmark::State& state) {
  Buffers buf;
  const std::vector<std::size_t> shape{kN};
  auto x = inx::xview(buf.x.data(), kN, shape);
  auto b = inx::xview(buf.b.data(), kN, shape);
  auto y = inx::xview(buf.y.data(), kN, shape);
  for (auto _ : state) {
    y = xt::maximum(x, 0.0f) * b + x;
    benchmark::DoNotOptimize(buf.y.data());
  }
  set_rate(state);
}

void BM_plain_fused_loop(benchmark::State& state) {
  Buffers buf;
  const float* x = buf.x.data();
  const float* b = buf.b.data();
  float* y = buf.y.data();
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) y[i] = std::max(x[i], 0.0f) * b[i] + x[i];
    benchmark::DoNotOptimize(y);
  }
  set_rate(state);
}

void BM_inx_ops_unfused(benchmark::State& state) {
  Buffers buf;
  for (auto _ : state) {
    inx::ops::relu_forward<inx::cpu>(buf.x.view(), buf.y.view());
    inx::ops::mul<inx::cpu>(buf.y.view(), buf.b.view(), buf.y.view());
    inx::ops::add<inx::cpu>(buf.y.view(), buf.x.view(), buf.y.view());
    benchmark::DoNotOptimize(buf.y.data());
  }
  set_rate(state);
}

BENCHMARK(BM_xtensor_expression)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_plain_fused_loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_inx_ops_unfused)->Unit(benchmark::kMillisecond);

}  // namespace
