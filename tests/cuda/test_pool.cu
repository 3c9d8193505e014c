// CUDA pooling. The kernel bodies (index-space functors) run on the host first, on every machine, and must equal the
// CPU backend bit for bit; with a GPU, the launched kernels must too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cuda/pool.cuh"
#include "inx/tensor/cpu/pool.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace ops = inx::ops;
namespace cd = inx::cuda_detail;

struct Case {
  std::size_t n, c, h, w;
  ops::Pool2dParams p;
};

// Padding, strides below, equal to and above the kernel, ceil_mode with a last window that starts in the padding,
// count_include_pad off, rectangular kernels, and the stem of ResNet (3x3, stride 2, padding 1).
std::vector<Case> cases() {
  return {
      {2, 3, 8, 8, {2, 2, 2, 2}},
      {1, 2, 7, 9, {3, 3, 2, 2, 1, 1}},
      {1, 4, 112, 112, {3, 3, 2, 2, 1, 1}},
      {2, 2, 6, 5, {3, 2, 1, 3, 1, 1, true, false}},
      {1, 3, 10, 7, {3, 3, 2, 2, 1, 0, true, true}},
      {1, 1, 5, 5, {2, 2, 3, 3, 0, 0, true, true}},
      {3, 2, 9, 4, {4, 2, 2, 1, 2, 1, false, false}},
  };
}

bool same_bits(float a, float b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void expect_same(const Tensor<float>& got, const Tensor<float>& want, const char* what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_TRUE(same_bits(got.data()[i], want.data()[i]))
        << what << " at " << i << ": " << got.data()[i] << " vs " << want.data()[i];
}

TEST(CudaPoolBodies, MaxForwardAndBackwardEqualTheCpuOnTheHost) {
  unsigned seed = 1;
  for (const auto& k : cases()) {
    auto x = inx_test::random_tensor({k.n, k.c, k.h, k.w}, seed++);
    x.data()[3] = std::numeric_limits<float>::quiet_NaN();  // NaN propagates
    x.data()[5] = x.data()[6];                               // a tie keeps the first
    const auto g = ops::pool2d_geometry(x.shape(), k.p);
    const std::size_t out = g.n * g.c * g.oh * g.ow;
    auto want = Tensor<float>::uninitialized({g.n, g.c, g.oh, g.ow}), got = want.clone();
    std::vector<std::int32_t> want_at(out), got_at(out, -7);
    inx::pool2d_kernel<inx::cpu>::max_forward(g, x.data(), want.data(), want_at.data());
    cd::host_for_each_index(out, cd::MaxPoolForward{g, x.data(), got.data(), got_at.data()});
    expect_same(got, want, "max forward");
    EXPECT_EQ(got_at, want_at);

    auto dy = inx_test::random_tensor(want.shape(), seed++);
    auto want_dx = Tensor<float>::uninitialized(x.shape()), got_dx = want_dx.clone();
    inx::pool2d_kernel<inx::cpu>::max_backward(g, dy.data(), want_at.data(), want_dx.data());
    int bad = 0;
    cd::host_for_each_index(g.n * g.c, cd::MaxPoolBackwardPlane{g, dy.data(), want_at.data(), got_dx.data(), &bad});
    EXPECT_EQ(bad, 0);
    expect_same(got_dx, want_dx, "max backward");
  }
}

TEST(CudaPoolBodies, MaxBackwardFlagsAnArgmaxOutsideThePlane) {
  const ops::Pool2dGeometry g{1, 2, 4, 4, 2, 2, {2, 2, 2, 2}};
  std::vector<float> dy(8, 1.0f), dx(32, 5.0f);
  std::vector<std::int32_t> at = {0, 2, 8, 10, 0, 2, 16, 10};  // 16 is past the 4x4 plane
  int bad = 0;
  cd::host_for_each_index(2, cd::MaxPoolBackwardPlane{g, dy.data(), at.data(), dx.data(), &bad});
  EXPECT_EQ(bad, 1);
  EXPECT_EQ(dx[0], 1.0f);  // the good entries still land, the plane was cleared first
  EXPECT_EQ(dx[1], 0.0f);
}

TEST(CudaPoolBodies, AverageForwardAndBackwardEqualTheCpuOnTheHost) {
  unsigned seed = 50;
  for (const auto& k : cases()) {
    auto x = inx_test::random_tensor({k.n, k.c, k.h, k.w}, seed++);
    const auto g = ops::pool2d_geometry(x.shape(), k.p);
    auto want = Tensor<float>::uninitialized({g.n, g.c, g.oh, g.ow}), got = want.clone();
    inx::pool2d_kernel<inx::cpu>::avg_forward(g, x.data(), want.data());
    cd::host_for_each_index(want.size(), cd::AvgPoolForward{g, x.data(), got.data()});
    expect_same(got, want, "avg forward");

    auto dy = inx_test::random_tensor(want.shape(), seed++);
    auto want_dx = Tensor<float>::uninitialized(x.shape()), got_dx = want_dx.clone();
    inx::pool2d_kernel<inx::cpu>::avg_backward(g, dy.data(), want_dx.data());
    cd::host_for_each_index(x.size(), cd::AvgPoolBackward{g, dy.data(), got_dx.data()});
    expect_same(got_dx, want_dx, "avg backward");
  }
}

TEST(CudaPoolBodies, AdaptiveAverageEqualsTheCpuOnTheHost) {
  // Down to 1x1 and 7x7, to sizes that do not divide the input, and up (OH > H).
  const std::size_t shapes[][4] = {{9, 9, 1, 1}, {14, 14, 7, 7}, {10, 7, 3, 4}, {3, 2, 5, 7}};
  unsigned seed = 90;
  for (const auto& s : shapes) {
    auto x = inx_test::random_tensor({2, 3, s[0], s[1]}, seed++);
    const ops::Pool2dGeometry g{2, 3, s[0], s[1], s[2], s[3], {1, 1, 1, 1}};
    auto want = Tensor<float>::uninitialized({2, 3, s[2], s[3]}), got = want.clone();
    inx::pool2d_kernel<inx::cpu>::adaptive_avg_forward(g, x.data(), want.data());
    cd::host_for_each_index(want.size(), cd::AdaptiveAvgForward{g, x.data(), got.data()});
    expect_same(got, want, "adaptive forward");

    auto dy = inx_test::random_tensor(want.shape(), seed++);
    auto want_dx = Tensor<float>::uninitialized(x.shape()), got_dx = want_dx.clone();
    inx::pool2d_kernel<inx::cpu>::adaptive_avg_backward(g, dy.data(), want_dx.data());
    cd::host_for_each_index(x.size(), cd::AdaptiveAvgBackward{g, dy.data(), got_dx.data()});
    expect_same(got_dx, want_dx, "adaptive backward");
  }
}

// With a GPU: the device-neutral ops on Tensor<float, cuda> against the same ops on the CPU.
TEST(CudaPool, DeviceOpsEqualTheCpu) {
  INX_REQUIRE_GPU();
  unsigned seed = 200;
  for (const auto& k : cases()) {
    auto x = inx_test::random_tensor({k.n, k.c, k.h, k.w}, seed++);
    const auto ys = ops::pool2d_output_shape(x.shape(), k.p);
    auto y = Tensor<float>::uninitialized(ys);
    std::vector<std::int32_t> at(y.size());
    ops::max_pool2d_forward<inx::cpu>(x, y, k.p, at.data());
    auto dx_gpu = x.to<inx::cuda>();
    auto dy_gpu = Tensor<float, inx::cuda>::uninitialized(ys);
    auto at_gpu = Tensor<std::int32_t, inx::cuda>::uninitialized({y.size()});
    ops::max_pool2d_forward<inx::cuda>(dx_gpu, dy_gpu, k.p, at_gpu.data());
    expect_same(dy_gpu.to<inx::cpu>(), y, "max forward (gpu)");

    auto g = inx_test::random_tensor(ys, seed++);
    auto gx = Tensor<float>::uninitialized(x.shape());
    ops::max_pool2d_backward<inx::cpu>(g, at.data(), gx);
    auto g_gpu = g.to<inx::cuda>();
    auto gx_gpu = Tensor<float, inx::cuda>::uninitialized(x.shape());
    ops::max_pool2d_backward<inx::cuda>(g_gpu, at_gpu.data(), gx_gpu);
    expect_same(gx_gpu.to<inx::cpu>(), gx, "max backward (gpu)");

    ops::avg_pool2d_forward<inx::cpu>(x, y, k.p);
    ops::avg_pool2d_forward<inx::cuda>(dx_gpu, dy_gpu, k.p);
    expect_same(dy_gpu.to<inx::cpu>(), y, "avg forward (gpu)");
    ops::avg_pool2d_backward<inx::cpu>(g, gx, k.p);
    ops::avg_pool2d_backward<inx::cuda>(g_gpu, gx_gpu, k.p);
    expect_same(gx_gpu.to<inx::cpu>(), gx, "avg backward (gpu)");
  }
  auto x = inx_test::random_tensor({2, 8, 14, 14}, 7);
  auto y = Tensor<float>::uninitialized({2, 8, 7, 7});
  ops::adaptive_avg_pool2d_forward<inx::cpu>(x, y);
  auto x_gpu = x.to<inx::cuda>();
  auto y_gpu = Tensor<float, inx::cuda>::uninitialized(y.shape());
  ops::adaptive_avg_pool2d_forward<inx::cuda>(x_gpu, y_gpu);
  expect_same(y_gpu.to<inx::cpu>(), y, "adaptive forward (gpu)");
}

TEST(CudaPool, BadArgmaxOnTheGpuIsAValueError) {
  INX_REQUIRE_GPU();
  std::vector<std::int32_t> at = {0, 2, 8, 99};
  auto at_gpu = Tensor<std::int32_t>::from_host(Shape{4}, at).to<inx::cuda>();
  auto dy = Tensor<float>(Shape{1, 1, 2, 2}).to<inx::cuda>();
  auto dx = Tensor<float, inx::cuda>::uninitialized({1, 1, 4, 4});
  EXPECT_THROW(ops::max_pool2d_backward<inx::cuda>(dy, at_gpu.data(), dx), inx::value_error);
}

}  // namespace
