// The fmnist model against PyTorch (fixtures from tools/make_nn_fixtures.py): eval logits, tapped activations and
// their gradients, the input gradient, and one training step's weight gradients and running statistics.
#include <gtest/gtest.h>

#include "inx/io/npz.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/nn/loss.hpp"
#include "inx/nn/network.hpp"
#include "parity_util.hpp"

namespace {

using inx::Tensor;
using inx_test::close;
using inx_test::data_path;

class FmnistParity : public ::testing::Test {
 protected:
  void SetUp() override {
    net.load(inx::io::load_tensors(data_path("nn/fmnist_weights.npz")), "fmnist_weights.npz");
    fx = inx::io::load_npz(data_path("nn/fmnist_parity.npz"));
    x = fx.at("x").to<float>();
    auto t = fx.at("target").to<std::int64_t>();
    target.assign(t.data(), t.data() + t.size());
  }
  Tensor<float> get(const std::string& k) { return fx.at(k).to<float>(); }

  inx::nn::Network<inx::models::fmnist> net;
  std::map<std::string, inx::io::NpyArray> fx;
  Tensor<float> x;
  std::vector<std::int64_t> target;
};

TEST_F(FmnistParity, EvalLogits) {
  auto logits = net.forward(x.view());
  EXPECT_TRUE(close(logits, get("logits"), 1e-4));
}

TEST_F(FmnistParity, TappedActivationsAndGradients) {
  const std::set<std::string> taps{"features.3", "features.12", "features.14", "features.16", "features"};
  auto g = net.gradients_of_class(x.view(), taps, target, /*input_gradient=*/true);
  EXPECT_TRUE(close(g.logits, get("logits"), 1e-4));
  for (const auto& t : taps) {
    SCOPED_TRACE(t);
    ASSERT_TRUE(g.activations.contains(t));
    ASSERT_TRUE(g.gradients.contains(t));
    EXPECT_TRUE(close(g.activations.at(t), get("act:" + t), 1e-3));
    EXPECT_TRUE(close(g.gradients.at(t), get("grad:" + t), 1e-3));
  }
  EXPECT_TRUE(close(g.input_gradient, get("input_grad"), 1e-3));
}

TEST_F(FmnistParity, BackwardStopsAtTheEarliestTap) {
  auto g = net.gradients_of_class(x.view(), {"features.14"}, target);
  EXPECT_TRUE(g.input_gradient.empty());
  EXPECT_TRUE(close(g.gradients.at("features.14"), get("grad:features.14"), 1e-3));
}

TEST_F(FmnistParity, ForwardTapsWithoutBackward) {
  auto g = net.forward_taps(x.view(), {"features.16"});
  EXPECT_TRUE(close(g.activations.at("features.16"), get("act:features.16"), 1e-3));
  EXPECT_TRUE(g.gradients.empty());
}

TEST_F(FmnistParity, UnknownTapIsAnError) {
  EXPECT_THROW(net.forward_taps(x.view(), {"features.99"}), inx::value_error);
  EXPECT_THROW(net.gradients_of_class(x.view(), {"layer4"}, target), inx::value_error);
}

TEST_F(FmnistParity, TrainingStepGradientsAndRunningStatistics) {
  auto logits = net.train_forward(x.clone());
  EXPECT_TRUE(close(logits, get("train_logits"), 1e-4));
  auto lg = inx::nn::cross_entropy<inx::cpu>(logits.view(), target);
  EXPECT_NEAR(lg.loss, fx.at("train_loss").to<float>().data()[0], 1e-4);
  net.train_backward(std::move(lg.grad));
  std::size_t checked = 0;
  net.visit([&](std::string_view name, Tensor<float>& value, Tensor<float>* grad, inx::nn::TensorRole role) {
    SCOPED_TRACE(std::string(name));
    if (role == inx::nn::TensorRole::parameter) {
      ASSERT_NE(grad, nullptr);
      EXPECT_TRUE(close(*grad, get("wgrad:" + std::string(name)), 1e-4));
    } else {
      EXPECT_TRUE(close(value, get("after:" + std::string(name)), 1e-5));
    }
    ++checked;
  });
  EXPECT_EQ(checked, 27u);  // PyTorch's 32 state_dict entries less the 5 num_batches_tracked
}

}  // namespace
