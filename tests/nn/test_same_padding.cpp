// TensorFlow-style SAME padding in the convolution (ConvSpec::same / Conv2dParams::same): the padding it resolves,
// forward and both backward passes against PyTorch's F.pad + conv2d (fixtures: tools/make_same_padding_fixtures.py)
// on odd and even sizes, stride 1 and 2, and finite-difference checks of the layer.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "gradcheck.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/tensor/conv.hpp"
#include "parity_util.hpp"

namespace {

namespace nn = inx::nn;
namespace ops = inx::ops;
using inx::Shape;
using inx::Tensor;
using inx_test::close;
using inx_test::distinct_input;

ops::Conv2dParams same(std::size_t stride, std::size_t dilation = 1, std::size_t groups = 1) {
  ops::Conv2dParams p;
  p.stride_h = p.stride_w = stride;
  p.dilation_h = p.dilation_w = dilation;
  p.groups = groups;
  p.same = true;
  return p;
}

struct Pads {
  std::size_t top, bottom, left, right, oh, ow;
  friend bool operator==(const Pads&, const Pads&) = default;
};

Pads pads_of(Shape x, std::size_t k, const ops::Conv2dParams& p) {
  const auto g = ops::conv2d_geometry(x, Shape{1, x[1] / p.groups, k, k}, p);
  return {g.pad_top, g.pad_bottom, g.pad_left, g.pad_right, g.oh, g.ow};
}

TEST(SamePadding, ResolvesLikeTensorFlow) {
  // 224 with a 3x3 stride-2 kernel: 0 before, 1 after (the EfficientNet stem).
  EXPECT_EQ(pads_of({1, 3, 224, 224}, 3, same(2)), (Pads{0, 1, 0, 1, 112, 112}));
  // 5x5 stride 2 on 56: total 3, so 1 before and 2 after.
  EXPECT_EQ(pads_of({1, 8, 56, 56}, 5, same(2)), (Pads{1, 2, 1, 2, 28, 28}));
  // Odd sizes with stride 2 pad symmetrically; rows and columns resolve independently.
  EXPECT_EQ(pads_of({1, 3, 7, 8}, 3, same(2)), (Pads{1, 1, 0, 1, 4, 4}));
  // Stride 1 keeps the size: k - 1 in all, the odd part after for an even kernel.
  EXPECT_EQ(pads_of({1, 3, 7, 7}, 5, same(1)), (Pads{2, 2, 2, 2, 7, 7}));
  EXPECT_EQ(pads_of({1, 3, 6, 6}, 4, same(1)), (Pads{1, 2, 1, 2, 6, 6}));
  // 1x1 kernels need none, whatever the stride.
  EXPECT_EQ(pads_of({1, 3, 9, 9}, 1, same(2)), (Pads{0, 0, 0, 0, 5, 5}));
  // Dilation widens the kernel: 3x3 dilated by 2 spans 5.
  EXPECT_EQ(pads_of({1, 3, 8, 8}, 3, same(1, 2)), (Pads{2, 2, 2, 2, 8, 8}));
}

TEST(SamePadding, SymmetricPaddingUnchanged) {
  ops::Conv2dParams p;
  p.stride_h = p.stride_w = 2;
  p.pad_h = 1;
  p.pad_w = 2;
  EXPECT_EQ(pads_of({1, 3, 9, 10}, 3, p), (Pads{1, 1, 2, 2, 5, 6}));
}

TEST(SamePadding, MatchesPyTorchPadThenConv) {
  const auto fx = inx::io::load_npz(inx_test::data_path("nn/same_padding.npz"));
  int cases = 0;
  for (int i = 0; fx.contains(std::to_string(i) + ":params"); ++i, ++cases) {
    const std::string c = std::to_string(i) + ":";
    SCOPED_TRACE("case " + std::to_string(i));
    auto get = [&](const std::string& k) { return fx.at(c + k).to<float>(); };
    const auto prm = fx.at(c + "params").to<std::int64_t>();
    const auto p = same(std::size_t(prm.data()[0]), std::size_t(prm.data()[1]), std::size_t(prm.data()[2]));
    const bool bias = prm.data()[3] != 0;
    const auto x = get("x"), w = get("w"), dy = get("dy");
    Tensor<float> b = bias ? get("b") : Tensor<float>{};

    auto y = ops::conv2d<inx::cpu>(x.view(), w.view(), bias ? b.data() : nullptr, p);
    EXPECT_TRUE(close(y, get("y"), 1e-5)) << "forward";

    auto dx = Tensor<float>::uninitialized(x.shape());
    ops::conv2d_backward_data<inx::cpu>(dy.view(), w.view(), dx.view(), p);
    EXPECT_TRUE(close(dx, get("dx"), 1e-5)) << "backward data";

    auto dw = Tensor<float>::uninitialized(w.shape());
    auto db = Tensor<float>::uninitialized({w.dim(0)});
    ops::conv2d_backward_weights<inx::cpu>(x.view(), dy.view(), dw.view(), bias ? db.data() : nullptr, p);
    EXPECT_TRUE(close(dw, get("dw"), 1e-5)) << "backward weights";
    if (bias) {
      EXPECT_TRUE(close(db, get("db"), 1e-5)) << "backward bias";
    }
  }
  EXPECT_EQ(cases, 7);
}

template <class L>
void check_layer(Tensor<float> x) {
  inx_test::GradChecker<L> g(nn::Mode::eval, std::move(x));
  const auto failures = g.check({});
  std::string text;
  for (const auto& f : failures) text += f + "\n";
  EXPECT_TRUE(failures.empty()) << text;
  EXPECT_TRUE(close(g.data_only_input_gradient(), g.analytic().first, 1e-6));
}

TEST(SamePadding, GradCheckStride2EvenAndOdd) {
  using L = nn::Conv2d<3, 4, nn::ConvSpec{.kernel = 3, .stride = 2, .same = true}>;
  check_layer<L>(distinct_input({2, 3, 6, 6}, 1));
  check_layer<L>(distinct_input({2, 3, 7, 5}, 2));
}

TEST(SamePadding, GradCheckDepthwise5x5) {
  using S2 = nn::Conv2d<4, 4, nn::ConvSpec{.kernel = 5, .stride = 2, .groups = 4, .bias = false, .same = true}>;
  using S1 = nn::Conv2d<4, 4, nn::ConvSpec{.kernel = 5, .stride = 1, .groups = 4, .bias = false, .same = true}>;
  check_layer<S2>(distinct_input({1, 4, 8, 9}, 3));
  check_layer<S1>(distinct_input({1, 4, 5, 6}, 4));
}

TEST(SamePadding, GradCheckEvenKernelStride1) {
  check_layer<nn::Conv2d<2, 3, nn::ConvSpec{.kernel = 4, .same = true}>>(distinct_input({2, 2, 5, 6}, 5));
}

TEST(SamePadding, LayerOutputIsCeilOfInputOverStride) {
  using L = nn::Conv2d<3, 2, nn::ConvSpec{.kernel = 3, .stride = 2, .bias = false, .same = true}>;
  nn::layer_t<L, inx::cpu> layer;
  nn::Pass<inx::cpu> pass(nn::Mode::eval, nn::Keep::nothing);
  for (std::size_t s : {5u, 6u, 7u, 224u}) {
    auto y = layer.forward(Tensor<float>(Shape{1, 3, s, s + 1}), pass, "conv");
    EXPECT_EQ(y.shape(), (Shape{1, 2, (s + 1) / 2, (s + 2) / 2}));
  }
}

}  // namespace
