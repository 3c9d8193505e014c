// sgemm throughput (ops::gemm, oneDNN) on square matrices and on the shapes a CNN's im2col convolutions and
// classifier layers produce. Counters are in GFLOP/s.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>

#include "inx/tensor/gemm.hpp"
#include "timing.hpp"

namespace {

inx::Tensor<float> random_matrix(std::size_t r, std::size_t c) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  auto t = inx::Tensor<float>::uninitialized({r, c});
  for (auto& v : t.span()) v = u(rng);
  return t;
}

void run_gemm(benchmark::State& state, std::size_t m, std::size_t n, std::size_t k) {
  auto a = random_matrix(m, k), b = random_matrix(k, n);
  auto c = inx::Tensor<float>::uninitialized({m, n});
  auto call = [&] { inx::ops::gemm<inx::cpu>(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n); };
  call();  // warm-up outside the timed loop: oneDNN's first call JIT-compiles its kernels
  inx_bench::timed_loop(state, 2.0 * double(m) * double(n) * double(k), call);
}

struct GemmShape {
  const char* what;
  std::size_t m, n, k;
};

// m = output channels, n = output pixels, k = input channels x kernel taps, as im2col convolution lays them out.
constexpr GemmShape kShapes[] = {
    {"square", 256, 256, 256},       {"square", 512, 512, 512},        {"square", 1024, 1024, 1024},
    {"square", 2048, 2048, 2048},    {"vgg_conv1_2", 64, 50176, 576},  {"vgg_conv3_2", 256, 3136, 2304},
    {"vgg_conv5_2", 512, 196, 4608}, {"resnet_1x1_56", 256, 3136, 64}, {"resnet_1x1_7", 2048, 49, 512},
    {"resnet_3x3_14", 256, 196, 2304}, {"fc_vgg", 1, 4096, 25088},     {"fc_batch32", 32, 4096, 4096},
};

const bool registered = [] {
  for (const auto& s : kShapes) {
    char name[128];
    std::snprintf(name, sizeof name, "gemm/%s/m%zu_n%zu_k%zu", s.what, s.m, s.n, s.k);
    benchmark::RegisterBenchmark(name, [s](benchmark::State& st) { run_gemm(st, s.m, s.n, s.k); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace
