// Dropout and the residual blocks: dropout's train-mode mask and its reuse in backward; the blocks' channel counts.
// The blocks' gradients are checked elsewhere, tightly: by finite differences of every tensor in both modes, with a
// mutation test that a 1 % error fails (tests/nn/test_gradcheck.cpp: ResNetBlocks, InvertedResidualBlocks; MBConv in
// test_efficientnet.cpp), and one training step of each block against PyTorch (test_train_step.cpp).
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
