// No silent wrong answers: weights that pass the loader (finite) but make the network overflow, or an input holding
// NaN, give a value_error naming the first module whose output went non-finite, on every path that returns logits.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "inx/models/fmnist.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"

namespace {
using Net = inx::nn::Network<inx::models::fmnist>;

inx::Tensor<float> batch() {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  auto x = inx::Tensor<float>::uninitialized({2, 1, 28, 28});
  for (float& v : x.span()) v = u(rng);
  return x;
}

// Every path that returns logits, each expected to fail with `fragment` in its message.
void expect_every_path_fails(Net& net, const inx::Tensor<float>& x, const std::string& fragment) {
  const auto check = [&](auto&& fn, const char* path) {
    try {
      fn();
      ADD_FAILURE() << path << ": no error; expected '" << fragment << "'";
    } catch (const inx::value_error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << path << ": " << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << path << ": not one line";
    }
  };
  check([&] { (void)net.forward(x.view()); }, "forward");
  check([&] { (void)net.forward_taps(x.view(), {"features.14"}); }, "forward_taps");
  const std::int64_t cls[2] = {1, 2};
  check([&] { (void)net.gradients_of_class(x.view(), {"features.14"}, cls); }, "gradients_of_class");
}
}  // namespace

TEST(NonFinite, OverflowingWeightsNameTheFirstModule) {
  Net net;
  inx::models::fill_synthetic<inx::cpu>(net);
  EXPECT_NO_THROW((void)net.forward(batch().view()));
  auto d = net.state();
  for (float& v : d.at("features.7.weight").span()) v = 3e38f;  // finite, so the loader accepts it
  net.load(d, "huge.npz");
  expect_every_path_fails(net, batch(), "the output of module 'features.7' holds NaN or Inf");
}

TEST(NonFinite, NegativeRunningVarianceNamesTheBatchNorm) {
  Net net;
  inx::models::fill_synthetic<inx::cpu>(net);
  auto d = net.state();
  for (float& v : d.at("features.11.running_var").span()) v = -1.0f;
  net.load(d, "negative_var.npz");
  expect_every_path_fails(net, batch(), "the output of module 'features.11' holds NaN or Inf");
}

TEST(NonFinite, InputHoldingNaNIsNamedAsTheInput) {
  Net net;
  inx::models::fill_synthetic<inx::cpu>(net);
  auto x = batch();
  x.data()[100] = std::numeric_limits<float>::quiet_NaN();
  expect_every_path_fails(net, x, "the input batch (2, 1, 28, 28) holds NaN or Inf");
}
