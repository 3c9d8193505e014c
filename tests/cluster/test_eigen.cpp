#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "inx/cluster/eigen.hpp"

namespace {

using inx::cluster::symmetric_eigen;

std::vector<double> random_symmetric(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  std::vector<double> a(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j) a[i * n + j] = a[j * n + i] = g(rng);
  return a;
}

class EigenSizes : public ::testing::TestWithParam<int> {};

TEST_P(EigenSizes, ReconstructsAndIsOrthonormal) {
  const std::size_t n = GetParam();
  const auto a = random_symmetric(n, 7 + n);
  const auto r = symmetric_eigen(a, n);
  ASSERT_EQ(r.values.size(), n);
  for (std::size_t i = 1; i < n; ++i) EXPECT_LE(r.values[i - 1], r.values[i]);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = 0, av = 0;
      for (std::size_t k = 0; k < n; ++k) s += r.vectors[i * n + k] * r.vectors[j * n + k];
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-10);
      // (A v_i)_j = lambda_i v_i[j]
      for (std::size_t k = 0; k < n; ++k) av += a[j * n + k] * r.vectors[i * n + k];
      EXPECT_NEAR(av, r.values[i] * r.vectors[i * n + j], 1e-9 * (1 + n));
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, EigenSizes, ::testing::Values(1, 2, 3, 10, 67, 150));

TEST(Eigen, DiagonalAndZeroAndRepeated) {
  std::vector<double> a = {3, 0, 0, 0, 1, 0, 0, 0, 2};
  auto r = symmetric_eigen(a, 3);
  EXPECT_DOUBLE_EQ(r.values[0], 1);
  EXPECT_DOUBLE_EQ(r.values[2], 3);
  r = symmetric_eigen(std::vector<double>(16, 0.0), 4);
  for (double v : r.values) EXPECT_EQ(v, 0);
  r = symmetric_eigen(std::vector<double>(16, 1.0), 4);  // rank one: 0, 0, 0, 4
  EXPECT_NEAR(r.values[3], 4, 1e-12);
  EXPECT_NEAR(r.values[0], 0, 1e-12);
  EXPECT_THROW(symmetric_eigen(std::vector<double>(5), 2), inx::shape_error);
}

}  // namespace
