// Optimisers against torch.optim (fixtures from tools/make_optim_fixtures.py: five steps of SGD and Adam variants
// with given gradients), their bad-input errors, and the seeded default initialisation (nn/init.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "inx/io/npz.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/nn/init.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/optim.hpp"
#include "parity_util.hpp"

namespace {

namespace nn = inx::nn;
using inx::Tensor;

// The smallest thing an optimiser can step: one parameter and one buffer, visited like a network's.
struct OneParam {
  Tensor<float> value, grad, buffer = Tensor<float>::full({2}, 7.0f);
  template <class V>
  void visit(V&& v) {
    v("w", value, &grad, nn::TensorRole::parameter);
    v("running", buffer, static_cast<Tensor<float>*>(nullptr), nn::TensorRole::buffer);
  }
};

class OptimParity : public ::testing::Test {
 protected:
  void SetUp() override { fx = inx::io::load_npz(inx_test::data_path("optim/optim.npz")); }
  template <class Opt>
  void run(Opt opt, const std::string& expected) {
    OneParam p{fx.at("p0").to<float>(), Tensor<float>(inx::Shape{3, 5})};
    for (int k = 0; k < 5; ++k) {
      p.grad = fx.at("g" + std::to_string(k)).to<float>();
      opt.step(p);
    }
    EXPECT_TRUE(inx_test::close(p.value, fx.at(expected).to<float>(), 1e-6)) << expected;
    EXPECT_EQ(p.buffer.data()[0], 7.0f) << "buffers are not parameters";
    EXPECT_EQ(opt.steps(), 5);
  }
  std::map<std::string, inx::io::NpyArray> fx;
};

TEST_F(OptimParity, SgdPlain) { run(nn::Sgd<>({.lr = 0.1}), "sgd_plain"); }
TEST_F(OptimParity, SgdMomentum) { run(nn::Sgd<>({.lr = 0.05, .momentum = 0.9}), "sgd_momentum"); }
TEST_F(OptimParity, SgdNesterovWeightDecay) {
  run(nn::Sgd<>({.lr = 0.05, .momentum = 0.8, .weight_decay = 0.01, .nesterov = true}), "sgd_nesterov_wd");
}
TEST_F(OptimParity, SgdDampening) {
  run(nn::Sgd<>({.lr = 0.05, .momentum = 0.9, .dampening = 0.3}), "sgd_dampening");
}
TEST_F(OptimParity, Adam) { run(nn::Adam<>({.lr = 1e-2}), "adam"); }
TEST_F(OptimParity, AdamBetasEpsWeightDecay) {
  run(nn::Adam<>({.lr = 3e-3, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .weight_decay = 0.05}), "adam_wd_betas");
}

TEST(Optim, BadOptionsAreErrors) {
  EXPECT_THROW(nn::Sgd<>({.lr = -1}), inx::value_error);
  EXPECT_THROW(nn::Sgd<>({.lr = 0.1, .nesterov = true}), inx::value_error);
  EXPECT_THROW(nn::Adam<>({.beta1 = 1.0}), inx::value_error);
  EXPECT_THROW(nn::Adam<>({.eps = -1e-8}), inx::value_error);
  nn::Adam<> a;
  EXPECT_THROW(a.set_lr(-0.5), inx::value_error);
}

TEST(Optim, AnotherNetworkIsAnError) {
  OneParam p{Tensor<float>::full({3}, 1.0f), Tensor<float>::full({3}, 0.5f)};
  OneParam q{Tensor<float>::full({4}, 1.0f), Tensor<float>::full({4}, 0.5f)};
  nn::Adam<> a;
  a.step(p);
  EXPECT_THROW(a.step(q), inx::value_error);
  OneParam bad_grad{Tensor<float>::full({3}, 1.0f), Tensor<float>::full({2}, 0.5f)};
  nn::Sgd<> s;
  EXPECT_THROW(s.step(bad_grad), inx::value_error);
}

TEST(Optim, SatisfiesTheConcept) {
  static_assert(nn::Optimizer<nn::Adam<>, nn::Network<inx::models::fmnist>>);
  static_assert(nn::Optimizer<nn::Sgd<>, OneParam>);
}

// ---- initialisation -------------------------------------------------------------------------------------------

TEST(Init, TorchDefaultBoundsAndBatchNorm) {
  nn::Network<inx::models::fmnist> net;
  nn::initialize(net, 3);
  std::size_t seen = 0;
  net.visit([&](std::string_view name, Tensor<float>& v, Tensor<float>*, nn::TensorRole) {
    SCOPED_TRACE(std::string(name));
    const std::string n(name);
    if (n == "features.1.weight") {
      EXPECT_EQ(v.data()[5], 1.0f);
    }
    if (n == "features.1.bias" || n.ends_with("running_mean")) {
      EXPECT_EQ(v.data()[5], 0.0f);
    }
    if (n.ends_with("running_var")) {
      EXPECT_EQ(v.data()[5], 1.0f);
    }
    double bound = 0;
    if (n == "features.0.weight") bound = 1.0 / 3.0;                 // fan_in 1 * 3 * 3
    if (n == "features.3.weight") bound = 1.0 / std::sqrt(288.0);    // 32 * 3 * 3
    if (n == "classifier.weight" || n == "classifier.bias") bound = 1.0 / std::sqrt(128.0);
    if (bound > 0) {
      double lo = 1e9, hi = -1e9, sq = 0;
      for (float f : v.span()) lo = std::min(lo, double(f)), hi = std::max(hi, double(f)), sq += double(f) * f;
      EXPECT_GE(lo, -bound);
      EXPECT_LT(hi, bound);
      // U(-b, b) has variance b^2 / 3: catches a wrong fan-in (off by the kernel area or the channel count)
      if (v.size() >= 1000) {
        EXPECT_NEAR(sq / double(v.size()), bound * bound / 3, 0.1 * bound * bound / 3);
      }
      EXPECT_GT(hi, 0.8 * bound);
    }
    ++seen;
  });
  EXPECT_EQ(seen, 27u);
}

TEST(Init, SeededAndReproducible) {
  nn::Network<inx::models::fmnist> a, b, c;
  nn::initialize(a, 11);
  nn::initialize(b, 11);
  nn::initialize(c, 12);
  auto sa = a.state(), sb = b.state(), sc = c.state();
  EXPECT_TRUE(inx_test::close(sa.at("features.7.weight"), sb.at("features.7.weight"), 0));
  EXPECT_FALSE(inx_test::close(sa.at("features.7.weight"), sc.at("features.7.weight"), 0.1));
}

}  // namespace
