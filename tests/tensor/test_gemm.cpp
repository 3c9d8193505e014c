#include <gtest/gtest.h>

#include <random>
#include <tuple>

#include "inx/tensor/gemm.hpp"

namespace {

using inx::Tensor;

Tensor<float> random_matrix(std::size_t r, std::size_t c, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  auto t = Tensor<float>::uninitialized({r, c});
  for (auto& v : t.span()) v = u(rng);
  return t;
}

// Plain triple loop in double precision: the reference every gemm result is checked against.
Tensor<float> reference(const Tensor<float>& a, const Tensor<float>& b, bool ta, bool tb) {
  const std::size_t m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1), n = tb ? b.dim(0) : b.dim(1);
  Tensor<float> c(inx::Shape{m, n});
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = 0;
      for (std::size_t p = 0; p < k; ++p) s += double(ta ? a(p, i) : a(i, p)) * double(tb ? b(j, p) : b(p, j));
      c(i, j) = float(s);
    }
  return c;
}

class GemmShapes : public ::testing::TestWithParam<std::tuple<int, int, int, bool, bool>> {};

TEST_P(GemmShapes, MatchesReferenceLoops) {
  auto [m, n, k, ta, tb] = GetParam();
  auto a = ta ? random_matrix(k, m, 1) : random_matrix(m, k, 1);
  auto b = tb ? random_matrix(n, k, 2) : random_matrix(k, n, 2);
  auto c = inx::ops::matmul<inx::cpu>(a, b, ta, tb);
  auto r = reference(a, b, ta, tb);
  ASSERT_EQ(c.shape(), r.shape());
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(c.data()[i], r.data()[i], 1e-4 * (1 + k)) << i;
}

INSTANTIATE_TEST_SUITE_P(Odd, GemmShapes,
                         ::testing::Combine(::testing::Values(1, 7, 64), ::testing::Values(1, 13, 65),
                                            ::testing::Values(1, 3, 129), ::testing::Bool(), ::testing::Bool()));

TEST(Gemm, AlphaBetaAccumulate) {
  auto a = random_matrix(5, 4, 3), b = random_matrix(4, 6, 4);
  auto c = Tensor<float>::full({5, 6}, 1.0f);
  inx::ops::matmul<inx::cpu>(a, b, c.view(), false, false, 2.0f, 0.5f);
  auto r = reference(a, b, false, false);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(c.data()[i], 2.0f * r.data()[i] + 0.5f, 1e-4);
}

TEST(Gemm, MismatchedShapesAreErrors) {
  auto a = random_matrix(5, 4, 3), b = random_matrix(5, 6, 4);
  EXPECT_THROW(inx::ops::matmul<inx::cpu>(a, b), inx::shape_error);
  Tensor<float> v(inx::Shape{4});
  EXPECT_THROW(inx::ops::matmul<inx::cpu>(v, b), inx::shape_error);
}

}  // namespace
