// Seeded uniform random tensors for the tensor tests.
#pragma once

#include <random>

#include "inx/tensor/tensor.hpp"

namespace inx_test {

inline inx::Tensor<float> uniform(inx::Shape s, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  auto t = inx::Tensor<float>::uninitialized(s);
  for (auto& v : t.span()) v = u(rng);
  return t;
}

}  // namespace inx_test
