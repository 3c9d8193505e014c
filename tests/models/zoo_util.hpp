// Shared by the zoo tests: fixture paths, the fixture input, and relative-error comparison (as tests/nn).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "../nn/parity_util.hpp"
#include "inx/io/npz.hpp"
#include "inx/tensor/tensor.hpp"

namespace zoo_test {

using inx_test::close;
using inx_test::data_path;
using inx_test::rel_error;

// The preprocessed photograph every zoo fixture was made from: (1, 3, 128, 128).
inline inx::Tensor<float> fixture_input() {
  return inx::io::load_npz(data_path("models/input.npz")).at("x").to<float>();
}

}  // namespace zoo_test
