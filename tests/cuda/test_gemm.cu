#include <gtest/gtest.h>

#include <cstddef>
#include <tuple>

#include "cuda_test_util.cuh"
#include "inx/cuda/gemm.cuh"

namespace {

using inx::Tensor;

class CudaGemm : public ::testing::TestWithParam<std::tuple<int, int, int, bool, bool>> {};

// cuBLAS (through the row-major transposition trick) against oneDNN on the same inputs.
TEST_P(CudaGemm, MatchesCpuMatmul) {
  INX_REQUIRE_GPU();
  auto [m, n, k, ta, tb] = GetParam();
  const std::size_t M = m, N = n, K = k;
  auto a = ta ? inx_test::random_tensor({K, M}, 1) : inx_test::random_tensor({M, K}, 1);
  auto b = tb ? inx_test::random_tensor({N, K}, 2) : inx_test::random_tensor({K, N}, 2);
  auto expected = inx::ops::matmul<inx::cpu>(a, b, ta, tb);
  auto da = a.to<inx::cuda>();
  auto db = b.to<inx::cuda>();
  auto got = inx::ops::matmul<inx::cuda>(da, db, ta, tb).to<inx::cpu>();
  ASSERT_EQ(got.shape(), expected.shape());
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got.data()[i], expected.data()[i], 1e-4 * (1 + K)) << i;
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudaGemm,
                         ::testing::Combine(::testing::Values(1, 7, 64), ::testing::Values(1, 13, 65),
                                            ::testing::Values(1, 3, 129), ::testing::Bool(), ::testing::Bool()));

TEST(CudaGemmOps, AlphaBetaAccumulateLikeCpu) {
  INX_REQUIRE_GPU();
  auto a = inx_test::random_tensor({5, 4}, 3), b = inx_test::random_tensor({4, 6}, 4);
  auto c = inx_test::random_tensor({5, 6}, 5);
  auto dc = c.to<inx::cuda>();
  inx::ops::matmul<inx::cpu>(a, b, c.view(), false, false, 2.0f, 0.5f);
  auto da = a.to<inx::cuda>(), db = b.to<inx::cuda>();
  inx::ops::matmul<inx::cuda>(da, db, dc.view(), false, false, 2.0f, 0.5f);
  auto got = dc.to<inx::cpu>();
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(got.data()[i], c.data()[i], 1e-4) << i;
}

TEST(CudaGemmOps, EmptyInnerDimensionScalesC) {
  INX_REQUIRE_GPU();
  auto c = inx_test::random_tensor({3, 4}, 6);
  auto dc = c.to<inx::cuda>();
  Tensor<float, inx::cuda> a(inx::Shape{3, 0}), b(inx::Shape{0, 4});
  inx::ops::matmul<inx::cuda>(a, b, dc.view(), false, false, 1.0f, 2.0f);
  auto got = dc.to<inx::cpu>();
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_FLOAT_EQ(got.data()[i], 2.0f * c.data()[i]) << i;
}

// Shape checks run before any CUDA call, so they hold on every machine.
TEST(CudaGemmOps, MismatchedShapesAreErrors) {
  inx::TensorView<const float, inx::cuda> a(nullptr, {5, 4}), b(nullptr, {5, 6}), v(nullptr, {4});
  inx::TensorView<float, inx::cuda> c(nullptr, {5, 6});
  EXPECT_THROW(inx::ops::matmul<inx::cuda>(a, b, c), inx::shape_error);
  EXPECT_THROW(inx::ops::matmul<inx::cuda>(v, b), inx::shape_error);
}

TEST(CudaGemmOps, SizesBeyondCublasIntAreShapeErrors) {
  const std::size_t big = std::size_t(1) << 31;
  EXPECT_THROW(inx::ops::gemm<inx::cuda>(false, false, big, 1, 1, 1.0f, nullptr, 1, nullptr, 1, 0.0f, nullptr, 1),
               inx::shape_error);
}

}  // namespace
