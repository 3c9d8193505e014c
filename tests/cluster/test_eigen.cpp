#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "inx/cluster/eigen.hpp"

namespace {

using inx::cluster::symmetric_eigen;
using inx::cluster::symmetric_eigen_top;

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

// The top-k solver (inverse iteration) agrees with the full one up to each vector's sign, and its vectors are
// orthonormal eigenvectors even where eigenvalues repeat.
void expect_top_matches_full(const std::vector<double>& a, std::size_t n, std::size_t k, double tol) {
  const auto full = symmetric_eigen(a, n);
  const auto top = symmetric_eigen_top(a, n, k);
  ASSERT_EQ(top.values.size(), k);
  ASSERT_EQ(top.vectors.size(), k * n);
  double scale = 1;
  for (double v : full.values) scale = std::max(scale, std::abs(v));
  for (std::size_t c = 0; c < k; ++c) {
    EXPECT_NEAR(top.values[c], full.values[n - 1 - c], 1e-12 * scale) << "c=" << c;
    for (std::size_t j = 0; j < n; ++j) {
      double av = 0;
      for (std::size_t t = 0; t < n; ++t) av += a[j * n + t] * top.vectors[c * n + t];
      EXPECT_NEAR(av, top.values[c] * top.vectors[c * n + j], tol * scale) << "c=" << c;
    }
    for (std::size_t q = 0; q <= c; ++q) {
      double s = 0;
      for (std::size_t t = 0; t < n; ++t) s += top.vectors[c * n + t] * top.vectors[q * n + t];
      EXPECT_NEAR(s, q == c ? 1.0 : 0.0, 1e-10) << "c=" << c << " q=" << q;
    }
  }
}

TEST(Eigen, TopKMatchesFull) {
  for (std::size_t n : {1, 2, 3, 10, 67, 150, 300}) {
    const std::size_t k = std::min<std::size_t>(n, 50);
    expect_top_matches_full(random_symmetric(n, 11 + n), n, k, 1e-10);
    // A Gram matrix (PSD, decaying spectrum, as in PCA), with sign-consistent vectors.
    std::mt19937_64 rng(n);
    std::normal_distribution<double> g;
    const std::size_t d = 40;
    std::vector<double> x(n * d), gram(n * n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j) x[i * d + j] = g(rng) * std::exp(-0.1 * double(j));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t t = 0; t < d; ++t) gram[i * n + j] += x[i * d + t] * x[j * d + t];
    expect_top_matches_full(gram, n, std::min(k, d), 1e-10);
    const auto full = symmetric_eigen(gram, n);
    const auto top = symmetric_eigen_top(gram, n, std::min(k, d));
    for (std::size_t c = 0; c < std::min({k, d, std::size_t{10}}); ++c) {  // well-separated: same vector up to sign
      double dot = 0;
      for (std::size_t t = 0; t < n; ++t) dot += full.vectors[(n - 1 - c) * n + t] * top.vectors[c * n + t];
      EXPECT_NEAR(std::abs(dot), 1.0, 1e-8) << "n=" << n << " c=" << c;
    }
  }
}

TEST(Eigen, TopKRepeatedAndZero) {
  // Identity, zero, rank one and a diagonal with a repeated eigenvalue: orthonormal vectors every time.
  std::vector<double> eye(25, 0.0);
  for (std::size_t i = 0; i < 5; ++i) eye[i * 5 + i] = 1;
  expect_top_matches_full(eye, 5, 5, 1e-12);
  expect_top_matches_full(std::vector<double>(16, 0.0), 4, 4, 1e-12);
  expect_top_matches_full(std::vector<double>(16, 1.0), 4, 3, 1e-12);
  expect_top_matches_full({2, 0, 0, 0, 5, 0, 0, 0, 5}, 3, 3, 1e-12);
  EXPECT_THROW(symmetric_eigen_top(std::vector<double>(4), 2, 3), inx::value_error);
  EXPECT_THROW(symmetric_eigen_top(std::vector<double>(5), 2, 1), inx::shape_error);
  EXPECT_TRUE(symmetric_eigen_top(std::vector<double>(4), 2, 0).values.empty());
}

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
