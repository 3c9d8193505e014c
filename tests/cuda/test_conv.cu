// CUDA convolution (cuDNN). On every machine: the padding copies that stand in for cuDNN's missing asymmetric padding
// run on the host, and cuDNN's own output size for inx's descriptors matches inx's geometry. With a GPU: forward,
// backward data and backward weights against the CPU (oneDNN) within 1e-4, TF32 off. This file includes the CPU
// convolution under nvcc, which oneDNN's C API (dnnl.h) allows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cuda/conv.cuh"
#include "inx/tensor/cpu/conv.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace ops = inx::ops;
namespace cd = inx::cuda_detail;

struct Case {
  const char* name;
  Shape x, w;
  ops::Conv2dParams p;
  bool bias;
};

// ResNet's stem, a 3x3 and a 1x1 of its blocks, a strided 1x1 shortcut, EfficientNet's depthwise 3x3 and 5x5 with
// TensorFlow SAME padding at stride 2 (one more row and column after than before), a dilated and a grouped kernel.
std::vector<Case> cases() {
  ops::Conv2dParams stem{2, 2, 3, 3}, same3{1, 1, 1, 1}, one{}, shortcut{2, 2, 0, 0};
  ops::Conv2dParams dw_same{2, 2, 0, 0, 1, 1, 32, true}, dw5_same{2, 2, 0, 0, 1, 1, 8, true};
  ops::Conv2dParams dilated{1, 1, 2, 2, 2, 2}, grouped{1, 1, 1, 1, 1, 1, 4};
  return {
      {"stem", {2, 3, 32, 32}, {16, 3, 7, 7}, stem, false},
      {"3x3", {2, 16, 14, 14}, {16, 16, 3, 3}, same3, true},
      {"1x1", {2, 16, 14, 14}, {32, 16, 1, 1}, one, false},
      {"shortcut", {1, 16, 14, 14}, {32, 16, 1, 1}, shortcut, true},
      {"depthwise same", {2, 32, 16, 16}, {32, 1, 3, 3}, dw_same, false},
      {"depthwise 5x5 same", {1, 8, 15, 15}, {8, 1, 5, 5}, dw5_same, true},
      {"dilated", {1, 4, 12, 12}, {6, 4, 3, 3}, dilated, true},
      {"grouped", {2, 8, 9, 9}, {12, 2, 3, 3}, grouped, false},
  };
}

TEST(CudaConvBodies, AsymmetricPaddingIsAPaddedCopyAndItsGradientACrop) {
  const auto g = ops::conv2d_geometry({2, 3, 5, 6}, {4, 3, 3, 3}, {2, 2, 0, 0, 1, 1, 1, true});
  const auto s = cd::cudnn_conv_shape(g);
  ASSERT_TRUE(s.padded_copy);
  EXPECT_EQ(s.pad_h + s.pad_w, 0u);
  EXPECT_EQ(s.h, g.h + g.pad_top + g.pad_bottom);
  EXPECT_EQ(s.w, g.w + g.pad_left + g.pad_right);
  EXPECT_EQ(g.pad_top, g.pad_bottom);  // SAME at stride 2: symmetric on the odd height,
  EXPECT_LT(g.pad_left, g.pad_right);  // one more after on the even width

  const auto x = inx_test::random_tensor({2, 3, 5, 6}, 1);
  std::vector<float> xp(2 * 3 * s.h * s.w, -9.0f), back(x.size(), -9.0f);
  cd::host_for_each_index(xp.size(), cd::PadPlanes{g.h, g.w, s.h, s.w, g.pad_top, g.pad_left, x.data(), xp.data()});
  for (std::size_t pl = 0; pl < 6; ++pl)
    for (std::size_t y = 0; y < s.h; ++y)
      for (std::size_t c = 0; c < s.w; ++c) {
        const bool inside = y >= g.pad_top && y < g.pad_top + g.h && c >= g.pad_left && c < g.pad_left + g.w;
        const float want = inside ? x.data()[(pl * g.h + y - g.pad_top) * g.w + c - g.pad_left] : 0.0f;
        ASSERT_EQ(xp[(pl * s.h + y) * s.w + c], want) << pl << " " << y << " " << c;
      }
  cd::host_for_each_index(back.size(), cd::CropPlanes{g.h, g.w, s.h, s.w, g.pad_top, g.pad_left, xp.data(), back.data()});
  EXPECT_EQ(back, std::vector<float>(x.data(), x.data() + x.size()));

  const auto sym = cd::cudnn_conv_shape(ops::conv2d_geometry({1, 3, 8, 8}, {4, 3, 3, 3}, {1, 1, 1, 1}));
  EXPECT_FALSE(sym.padded_copy);
  EXPECT_EQ(sym.pad_h, 1u);
  EXPECT_EQ(sym.h, 8u);
}

// The descriptors are host objects: cuDNN computes the output size from them without a GPU, and it must be inx's.
TEST(CudaConvBodies, CudnnDescriptorsGiveInxsOutputSize) {
  for (const auto& k : cases()) {
    const auto g = ops::conv2d_geometry(k.x, k.w, k.p);
    const cd::CudnnConvDescriptors d(g);
    const auto [n, o, oh, ow] = d.output_dims();
    EXPECT_EQ(std::size_t(n), g.n) << k.name;
    EXPECT_EQ(std::size_t(o), g.o) << k.name;
    EXPECT_EQ(std::size_t(oh), g.oh) << k.name;
    EXPECT_EQ(std::size_t(ow), g.ow) << k.name;
  }
}

void expect_close(const Tensor<float>& got, const Tensor<float>& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  double scale = 0;
  for (float v : want.span()) scale = std::max(scale, double(std::abs(v)));
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got.data()[i], want.data()[i], 1e-4 * (1 + scale)) << what << " at " << i;
}

TEST(CudaConv, GpuAgreesWithTheCpuInEveryPass) {
  INX_REQUIRE_GPU();
  unsigned seed = 10;
  for (const auto& k : cases()) {
    const auto g = ops::conv2d_geometry(k.x, k.w, k.p);
    const Shape ys{g.n, g.o, g.oh, g.ow};
    const auto x = inx_test::random_tensor(k.x, seed++), w = inx_test::random_tensor(k.w, seed++),
               b = inx_test::random_tensor({g.o}, seed++), dy = inx_test::random_tensor(ys, seed++);
    auto y = Tensor<float>::uninitialized(ys), dx = Tensor<float>::uninitialized(k.x),
         dw = Tensor<float>::uninitialized(k.w), db = Tensor<float>::uninitialized({g.o});
    inx::conv2d_kernel<inx::cpu>::forward(g, x.data(), w.data(), k.bias ? b.data() : nullptr, y.data());
    inx::conv2d_kernel<inx::cpu>::backward_data(g, dy.data(), w.data(), dx.data());
    inx::conv2d_kernel<inx::cpu>::backward_weights(g, x.data(), dy.data(), dw.data(), k.bias ? db.data() : nullptr);

    const auto xg = x.to<inx::cuda>(), wg = w.to<inx::cuda>(), bg = b.to<inx::cuda>(), dyg = dy.to<inx::cuda>();
    auto yg = Tensor<float, inx::cuda>::uninitialized(ys), dxg = Tensor<float, inx::cuda>::uninitialized(k.x),
         dwg = Tensor<float, inx::cuda>::uninitialized(k.w), dbg = Tensor<float, inx::cuda>::uninitialized({g.o});
    inx::conv2d_kernel<inx::cuda>::forward(g, xg.data(), wg.data(), k.bias ? bg.data() : nullptr, yg.data());
    inx::conv2d_kernel<inx::cuda>::backward_data(g, dyg.data(), wg.data(), dxg.data());
    inx::conv2d_kernel<inx::cuda>::backward_weights(g, xg.data(), dyg.data(), dwg.data(),
                                                    k.bias ? dbg.data() : nullptr);
    expect_close(yg.to<inx::cpu>(), y, std::string(k.name) + " forward");
    expect_close(dxg.to<inx::cpu>(), dx, std::string(k.name) + " backward data");
    expect_close(dwg.to<inx::cpu>(), dw, std::string(k.name) + " backward weights");
    if (k.bias) expect_close(dbg.to<inx::cpu>(), db, std::string(k.name) + " bias gradient");
  }
}

}  // namespace
