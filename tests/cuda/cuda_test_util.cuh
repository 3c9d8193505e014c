// Helpers shared by the CUDA tests: skipping without a GPU, and random host tensors to compare devices on.
#pragma once

#include <gtest/gtest.h>

#include <random>

#include "inx/cuda/device.cuh"
#include "inx/tensor/tensor.hpp"

#define INX_REQUIRE_GPU()                                                                       \
  do {                                                                                          \
    if (const auto why = inx::cuda::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;   \
  } while (0)

namespace inx_test {

inline inx::Tensor<float> random_tensor(inx::Shape shape, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  auto t = inx::Tensor<float>::uninitialized(shape);
  for (auto& v : t.span()) v = u(rng);
  return t;
}

}  // namespace inx_test
