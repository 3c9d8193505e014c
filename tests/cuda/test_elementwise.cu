#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>

#include "cuda_test_util.cuh"
#include "inx/cuda/elementwise.cuh"

namespace {

using inx::Tensor;

// Sizes around the block size and past the grid cap (4096 blocks of 256), so the grid-stride loop is exercised.
class CudaElementwise : public ::testing::TestWithParam<std::size_t> {};

TEST_P(CudaElementwise, ReluMatchesHost) {
  INX_REQUIRE_GPU();
  auto x = inx_test::random_tensor({GetParam()}, 1);
  auto dx = x.to<inx::cuda>();
  auto dy = Tensor<float, inx::cuda>::uninitialized(x.shape());
  inx::cuda_ops::relu(dx, dy);
  auto y = dy.to<inx::cpu>();
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y.data()[i], std::max(x.data()[i], 0.0f)) << i;
}

TEST_P(CudaElementwise, ReluBackwardMatchesHost) {
  INX_REQUIRE_GPU();
  auto x = inx_test::random_tensor({GetParam()}, 2), g = inx_test::random_tensor({GetParam()}, 3);
  auto dx = x.to<inx::cuda>(), dg = g.to<inx::cuda>();
  inx::cuda_ops::relu_backward(dx, dg, dg.view());  // in place on the gradient
  auto got = dg.to<inx::cpu>();
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(got.data()[i], x.data()[i] > 0 ? g.data()[i] : 0.0f) << i;
}

TEST_P(CudaElementwise, AddMatchesHost) {
  INX_REQUIRE_GPU();
  auto a = inx_test::random_tensor({GetParam()}, 4), b = inx_test::random_tensor({GetParam()}, 5);
  auto da = a.to<inx::cuda>(), db = b.to<inx::cuda>();
  inx::cuda_ops::add(da, db, da.view());  // in place on the first operand
  auto got = da.to<inx::cpu>();
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(got.data()[i], a.data()[i] + b.data()[i]) << i;
}

INSTANTIATE_TEST_SUITE_P(Sizes, CudaElementwise,
                         ::testing::Values(0, 1, 255, 256, 257, 100003, std::size_t(4096) * 256 * 3 + 17));

TEST(CudaElementwiseShapes, MismatchedShapesAreErrors) {
  inx::TensorView<float, inx::cuda> a(nullptr, {4}), b(nullptr, {5});
  EXPECT_THROW(inx::cuda_ops::add(a, b, a), inx::shape_error);
  EXPECT_THROW(inx::cuda_ops::relu(a, b), inx::shape_error);
  EXPECT_THROW(inx::cuda_ops::relu_backward(a, a, b), inx::shape_error);
}

}  // namespace
