// Shared by the zoo tests: fixture paths, the fixture input, and relative-error comparison (as tests/nn).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "inx/io/npz.hpp"
#include "inx/tensor/tensor.hpp"

namespace zoo_test {

inline std::string data_path(const std::string& rel) { return std::string(INX_TEST_DATA_DIR) + "/" + rel; }

// max |a - b| / max |b|: the relative error the issue states tolerances in.
inline double rel_error(inx::TensorView<const float> a, inx::TensorView<const float> b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    diff = std::max(diff, double(std::fabs(a.data()[i] - b.data()[i])));
    scale = std::max(scale, double(std::fabs(b.data()[i])));
  }
  return scale > 0 ? diff / scale : diff;
}

inline ::testing::AssertionResult close(inx::TensorView<const float> a, inx::TensorView<const float> b, double tol) {
  if (!(a.shape() == b.shape()))
    return ::testing::AssertionFailure() << "shape " << a.shape().str() << " != " << b.shape().str();
  const double e = rel_error(a, b);
  if (e <= tol) return ::testing::AssertionSuccess() << "relative error " << e;
  return ::testing::AssertionFailure() << "relative error " << e << " > " << tol;
}

// The preprocessed photograph every zoo fixture was made from: (1, 3, 128, 128).
inline inx::Tensor<float> fixture_input() {
  return inx::io::load_npz(data_path("models/input.npz")).at("x").to<float>();
}

}  // namespace zoo_test
