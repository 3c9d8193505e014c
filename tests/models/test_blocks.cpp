// Dropout and the residual blocks: dropout's train-mode mask and its reuse in backward; finite-difference checks of
// the blocks' input gradients (eval and train mode) and weight gradients (train mode), with and without a
// downsample projection, so the split of the gradient between branch and shortcut is checked on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "inx/models/synthetic.hpp"
#include "inx/nn/dropout.hpp"
#include "inx/nn/inverted_residual.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/resnet_blocks.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace nn = inx::nn;

Tensor<float> synthetic(const char* name, Shape s, float scale = 10.0f) {
  auto t = Tensor<float>::uninitialized(s);
  inx::models::synthetic_values(name, s, t.data());  // [-0.1, 0.1)
  for (float& v : t.span()) v *= scale;
  return t;
}

TEST(Dropout, IdentityInEval) {
  nn::Dropout<0.5f>::layer<inx::cpu> d;
  nn::Pass<inx::cpu> pass(nn::Mode::eval, nn::Keep::data, {}, true);
  auto x = synthetic("x", {2, 3, 4, 4});
  auto y = d.forward(x.clone(), pass, "drop");
  EXPECT_TRUE(std::equal(y.span().begin(), y.span().end(), x.span().begin()));
  auto dx = d.backward(x.clone(), pass, "drop");
  EXPECT_TRUE(std::equal(dx.span().begin(), dx.span().end(), x.span().begin()));
}

TEST(Dropout, TrainMaskIsSeededScaledAndReusedInBackward) {
  constexpr float p = 0.3f;
  nn::Dropout<p>::layer<inx::cpu> a, b;
  a.seed(7);
  b.seed(7);
  const auto ones = Tensor<float>::full({4, 8, 16, 16}, 1.0f);
  nn::Pass<inx::cpu> pass(nn::Mode::train, nn::Keep::all);
  auto ya = a.forward(ones.clone(), pass, "drop");
  auto yb = b.forward(ones.clone(), pass, "drop");
  EXPECT_TRUE(std::equal(ya.span().begin(), ya.span().end(), yb.span().begin())) << "same seed, same mask";
  std::size_t zeros = 0;
  for (float v : ya.span()) {
    if (v == 0.0f) {
      ++zeros;
    } else {
      EXPECT_FLOAT_EQ(v, 1.0f / (1.0f - p));
    }
  }
  EXPECT_NEAR(double(zeros) / double(ya.size()), p, 0.02);
  // backward multiplies by the same mask
  auto dx = a.backward(ones.clone(), pass, "drop");
  EXPECT_TRUE(std::equal(dx.span().begin(), dx.span().end(), ya.span().begin()));
  // the next call draws another mask
  auto y2 = a.forward(ones.clone(), pass, "drop");
  EXPECT_FALSE(std::equal(y2.span().begin(), y2.span().end(), ya.span().begin()));
}

// sum(r * model(x)) in double; train mode uses the batch's statistics.
template <class M>
double objective(nn::Network<M>& net, const Tensor<float>& x, const Tensor<float>& r, nn::Mode mode) {
  nn::Pass<inx::cpu> pass(mode, nn::Keep::nothing);
  auto y = net.root().forward(x.clone(), pass, "");
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += double(y.data()[i]) * double(r.data()[i]);
  return s;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double d : v) m = std::max(m, std::fabs(d));
  return m;
}

// Central differences at `count` spread-out entries of `t` (which the objective reads) against `analytic`.
template <class F>
void expect_matches_differences(Tensor<float>& t, const Tensor<float>& analytic, F&& f, const char* what) {
  std::vector<double> num, ana;
  const std::size_t count = std::min<std::size_t>(t.size(), 40);
  constexpr float eps = 1e-3f;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t i = k * t.size() / count;
    const float keep = t.data()[i];
    t.data()[i] = keep + eps;
    const double up = f();
    t.data()[i] = keep - eps;
    const double down = f();
    t.data()[i] = keep;
    num.push_back((up - down) / (2.0 * double(eps)));
    ana.push_back(analytic.data()[i]);
  }
  const double scale = std::max(max_abs(num), 1e-3);
  for (std::size_t k = 0; k < num.size(); ++k)
    EXPECT_NEAR(ana[k], num[k], 2e-2 * scale) << what << " entry " << k * t.size() / count;
}

template <class Block>
void check_block(std::size_t in, std::size_t hw, nn::Mode mode) {
  using M = nn::Sequential<Block>;
  auto net = std::make_unique<nn::Network<M>>();
  inx::models::fill_synthetic<inx::cpu>(*net);
  auto x = synthetic("x", {2, in, hw, hw});
  Tensor<float> r;
  {
    nn::Pass<inx::cpu> probe(mode, nn::Keep::nothing);
    auto y = net->root().forward(x.clone(), probe, "");
    r = synthetic("r", y.shape());
  }
  nn::Pass<inx::cpu> pass(mode, mode == nn::Mode::train ? nn::Keep::all : nn::Keep::data, {}, true);
  net->root().forward(x.clone(), pass, "");
  auto dx = net->root().backward(r.clone(), pass, "");
  ASSERT_EQ(dx.shape(), x.shape());
  expect_matches_differences(x, dx, [&] { return objective(*net, x, r, mode); }, "input gradient");
  if (mode != nn::Mode::train) return;
  // Weight gradients: first and last parameter of the block (the branch's first conv, the shortcut or last BN).
  std::vector<std::pair<Tensor<float>*, Tensor<float>>> params;
  net->visit([&](std::string_view, Tensor<float>& value, Tensor<float>* grad, nn::TensorRole role) {
    if (role == nn::TensorRole::parameter) params.emplace_back(&value, grad->clone());
  });
  ASSERT_GE(params.size(), 2u);
  for (auto* p : {&params.front(), &params.back()})
    expect_matches_differences(*p->first, p->second, [&] { return objective(*net, x, r, mode); }, "weight gradient");
}

TEST(ResidualGradients, BasicBlockIdentityShortcut) {
  check_block<nn::BasicBlock<4, 4, 1>>(4, 5, nn::Mode::eval);
  check_block<nn::BasicBlock<4, 4, 1>>(4, 5, nn::Mode::train);
}
TEST(ResidualGradients, BasicBlockDownsample) {
  check_block<nn::BasicBlock<3, 6, 2>>(3, 6, nn::Mode::eval);
  check_block<nn::BasicBlock<3, 6, 2>>(3, 6, nn::Mode::train);
}
TEST(ResidualGradients, Bottleneck) {
  check_block<nn::Bottleneck<4, 2, 8, 1>>(4, 5, nn::Mode::eval);
  check_block<nn::Bottleneck<8, 2, 8, 1>>(8, 5, nn::Mode::train);
}
TEST(ResidualGradients, InvertedResidual) {
  check_block<nn::InvertedResidual<4, 4, 1, 2>>(4, 5, nn::Mode::eval);   // with the input added back
  check_block<nn::InvertedResidual<4, 6, 2, 1>>(4, 6, nn::Mode::train);  // no residual, no expansion
}

TEST(Residual, ChannelCountsAreCompileTimeProperties) {
  static_assert(nn::BasicBlock<64, 128, 2>::in_channels == 64 && nn::BasicBlock<64, 128, 2>::out_channels == 128);
  static_assert(nn::Bottleneck<256, 64, 256>::identity_shortcut);
  static_assert(!nn::Bottleneck<64, 64, 256>::identity_shortcut);
  static_assert(nn::InvertedResidual<24, 24, 1, 6>::out_channels == 24);
  // A block whose input does not fit is rejected at run time too, naming the block.
  nn::Network<nn::Sequential<nn::BasicBlock<4, 4, 1>>> net;
  EXPECT_THROW(net.forward(Tensor<float>(Shape{1, 3, 5, 5}).view()), inx::shape_error);
}

}  // namespace
