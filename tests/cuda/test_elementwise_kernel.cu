// elementwise_kernel<cuda>. Its bodies run on the host on every machine and must equal the CPU backend bit for bit,
// special values included; with a GPU, the device-neutral ops on cuda tensors must agree with the CPU to rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cuda/elementwise_kernel.cuh"
#include "inx/tensor/cpu/elementwise.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace ops = inx::ops;
namespace cd = inx::cuda_detail;
using K = inx::elementwise_kernel<inx::cpu>;

// Random values in [-8, 8] with NaN, both infinities, zeros of both signs, 6 (relu6's edge) and a tiny value mixed in.
Tensor<float> values(std::size_t n, unsigned seed) {
  auto t = inx_test::random_tensor({n}, seed, -8.0f, 8.0f);
  const float special[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(), 0.0f, -0.0f, 6.0f, 1e-30f};
  for (std::size_t k = 0; k < std::size(special) && 7 * k < n; ++k) t.data()[7 * k] = special[k];
  return t;
}

bool same_bits(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

void expect_same(const Tensor<float>& got, const Tensor<float>& want, const char* what) {
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_TRUE(same_bits(got.data()[i], want.data()[i]))
        << what << " at " << i << ": " << got.data()[i] << " vs " << want.data()[i];
}

constexpr std::size_t kN = 1000;

TEST(CudaElementwiseBodies, MapsEqualTheCpuOnTheHost) {
  const auto a = values(kN, 1), b = values(kN, 2);
  auto want = Tensor<float>::uninitialized({kN}), got = want.clone();
  for (auto op : {ops::binary_op::add, ops::binary_op::sub, ops::binary_op::mul}) {
    K::binary(op, kN, a.data(), b.data(), want.data());
    cd::host_for_each_index(kN, cd::BinaryAt{op, a.data(), b.data(), got.data()});
    expect_same(got, want, "binary");
  }
  for (auto op : {ops::unary_op::exp, ops::unary_op::log}) {
    K::unary(op, kN, a.data(), want.data());
    cd::host_for_each_index(kN, cd::UnaryAt{op, a.data(), got.data()});
    expect_same(got, want, "unary");
  }
  K::clamp(kN, -1.5f, 2.0f, a.data(), want.data());
  cd::host_for_each_index(kN, cd::ClampAt{-1.5f, 2.0f, a.data(), got.data()});
  expect_same(got, want, "clamp");
  for (auto act : {ops::activation::relu, ops::activation::relu6, ops::activation::leaky_relu}) {
    K::activation_forward(act, 0.2f, kN, a.data(), want.data());
    cd::host_for_each_index(kN, cd::ActivationAt{act, 0.2f, a.data(), got.data()});
    expect_same(got, want, "activation");
    K::activation_backward(act, 0.2f, kN, a.data(), b.data(), want.data());
    cd::host_for_each_index(kN, cd::ActivationBackwardAt{act, 0.2f, a.data(), b.data(), got.data()});
    expect_same(got, want, "activation backward");
  }
  want = b.clone(), got = b.clone();
  K::axpy(kN, -0.75f, a.data(), want.data());
  cd::host_for_each_index(kN, cd::AxpyAt{-0.75f, a.data(), got.data()});
  expect_same(got, want, "axpy");
  K::scale(kN, 3.0f, want.data());
  cd::host_for_each_index(kN, cd::ScaleAt{3.0f, got.data()});
  expect_same(got, want, "scale");
  K::fill(kN, -2.5f, want.data());
  cd::host_for_each_index(kN, cd::FillAt{-2.5f, got.data()});
  expect_same(got, want, "fill");
}

TEST(CudaElementwiseBodies, PerChannelOpsEqualTheCpuOnTheHost) {
  const std::size_t outer = 3, c = 5, inner = 7, n = outer * c * inner;
  const auto x = values(n, 3), scale = values(c, 4), shift = values(c, 5);
  auto want = Tensor<float>::uninitialized({n}), got = want.clone();
  K::affine_per_channel(outer, c, inner, x.data(), scale.data(), shift.data(), want.data());
  cd::host_for_each_index(n, cd::AffineAt{c, inner, x.data(), scale.data(), shift.data(), got.data()});
  expect_same(got, want, "affine_per_channel");
  want = x.clone(), got = x.clone();
  K::add_channel_bias(outer, c, inner, shift.data(), want.data());
  cd::host_for_each_index(n, cd::ChannelBiasAt{c, inner, shift.data(), got.data()});
  expect_same(got, want, "add_channel_bias");
}

TEST(CudaElementwiseBodies, NonFiniteFlagAgreesWithTheCpu) {
  auto x = inx_test::random_tensor({kN}, 6);
  for (float bad : {0.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    x.data()[kN - 1] = bad;
    int flag = 0;
    cd::host_for_each_index(kN, cd::NonFiniteAt{x.data(), &flag});
    EXPECT_EQ(flag == 0, K::all_finite(kN, x.data())) << bad;
  }
}

// With a GPU: the device-neutral ops on cuda tensors against the CPU (exp and log within 2 ulp, affine within one
// rounding of a fused multiply-add).
TEST(CudaElementwiseOps, DeviceOpsAgreeWithTheCpu) {
  INX_REQUIRE_GPU();
  const auto a = values(kN, 11), b = values(kN, 12);
  const auto da = a.to<inx::cuda>(), db = b.to<inx::cuda>();
  auto out = Tensor<float, inx::cuda>::uninitialized({kN});
  auto want = Tensor<float>::uninitialized({kN});
  ops::mul<inx::cpu>(a, b, want);
  ops::mul<inx::cuda>(da, db, out);
  expect_same(out.to<inx::cpu>(), want, "mul (gpu)");
  ops::activation_forward<inx::cpu>(ops::activation::relu6, a, want);
  ops::activation_forward<inx::cuda>(ops::activation::relu6, da, out);
  expect_same(out.to<inx::cpu>(), want, "relu6 (gpu)");
  K::unary(ops::unary_op::exp, kN, a.data(), want.data());
  inx::elementwise_kernel<inx::cuda>::unary(ops::unary_op::exp, kN, da.data(), out.data());
  const auto got = out.to<inx::cpu>();
  for (std::size_t i = 0; i < kN; ++i) {
    const float w = want.data()[i], g = got.data()[i];
    if (std::isnan(w) || std::isinf(w)) {
      EXPECT_TRUE(same_bits(g, w)) << i;
    } else {
      EXPECT_NEAR(g, w, 2.5e-7f * std::abs(w) + 1e-37f) << i;
    }
  }
  EXPECT_FALSE(ops::all_finite<inx::cuda>(da));
  auto finite = inx_test::random_tensor({100003}, 13).to<inx::cuda>();
  EXPECT_TRUE(ops::all_finite<inx::cuda>(finite));
  // Overlapping copy (memmove semantics).
  auto host = inx_test::random_tensor({64}, 14);
  auto dev = host.to<inx::cuda>();
  inx::elementwise_kernel<inx::cuda>::copy(60, dev.data(), dev.data() + 4);
  std::vector<float> ref(host.data(), host.data() + 64);
  std::copy_backward(ref.begin(), ref.begin() + 60, ref.begin() + 64);
  const auto moved = dev.to<inx::cpu>();
  for (std::size_t i = 0; i < 64; ++i) ASSERT_EQ(moved.data()[i], ref[i]) << i;
}

}  // namespace
