// The GPU correlation matrix. Its steps (row statistics, unit rows, the Gram product, the mirror) run on the host with
// the CPU's GEMM on every machine and must give the CPU's cluster::correlation_matrix to float rounding; with a GPU,
// cuBLAS's SYRK version must agree within 1e-4.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cluster/correlation.hpp"
#include "inx/cuda/correlation.cuh"

namespace {

using inx::Tensor;
namespace cd = inx::cuda_detail;

// Rows of maps as a network gives them (ReLU outputs: many zeros), with a constant row, a row of zeros, a row whose
// spread is at rounding level of its values (constant to the CPU too), a row and its negative, and a row and its
// rescaled copy.
Tensor<float> maps(std::size_t n, std::size_t d, unsigned seed) {
  auto x = inx_test::random_tensor({n, d}, seed, -1.0f, 2.0f);
  for (auto& v : x.span()) v = v > 0 ? v : 0.0f;
  float* r = x.data();
  for (std::size_t j = 0; j < d; ++j) {
    r[0 * d + j] = 3.0f;
    r[1 * d + j] = 0.0f;
    r[2 * d + j] = 1000.0f + (j % 2 ? 1e-5f : 0.0f);
    r[4 * d + j] = -r[3 * d + j];
    r[6 * d + j] = 7.0f * r[5 * d + j];
  }
  return x;
}

TEST(CudaCorrelationBodies, TheStepsOnTheHostGiveTheCpusMatrix) {
  for (auto [n, d] : {std::pair<std::size_t, std::size_t>{8, 1}, {64, 49}, {300, 784}}) {
    SCOPED_TRACE(std::to_string(n) + "x" + std::to_string(d));
    const auto x = maps(n, d, unsigned(n + d));
    const auto want = inx::cluster::correlation_matrix(x.view());
    std::vector<float> got(n * n, -5.0f);
    cd::correlation_matrix(cd::HostExec{}, n, d, x.data(), got.data());
    for (std::size_t i = 0; i < n * n; ++i)
      ASSERT_NEAR(got[i], want.data()[i], 2e-6) << "at (" << i / n << ", " << i % n << ")";
    if (d > 1) {
      EXPECT_NEAR(got[3 * n + 4], -1.0f, 1e-6);  // a row and its negative
      EXPECT_NEAR(got[5 * n + 6], 1.0f, 1e-6);
      EXPECT_EQ(got[0 * n + 5], 0.0f);  // constant rows correlate with nothing
      EXPECT_EQ(got[2 * n + 5], 0.0f);
    }
  }
}

TEST(CudaCorrelationBodies, MirrorCopiesTheLowerTriangleClampsAndSetsTheDiagonal) {
  std::vector<float> c = {9, -7, -7,  //
                          0.5f, 9, 8,  //
                          -1.5f, 0.25f, 9};
  cd::host_for_each_index(9, cd::MirrorLowerClamped{3, c.data()});
  EXPECT_EQ(c, (std::vector<float>{1, 0.5f, -1, 0.5f, 1, 0.25f, -1, 0.25f, 1}));
}

TEST(CudaCorrelation, GpuAgreesWithTheCpuAndChecksItsInput) {
  INX_REQUIRE_GPU();
  const auto x = maps(512, 196, 3);
  const auto want = inx::cluster::correlation_matrix(x.view());
  const auto got = inx::cluster::correlation_matrix(x.to<inx::cuda>().view()).to<inx::cpu>();
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got.data()[i], want.data()[i], 1e-4) << i;
  for (std::size_t i = 0; i < 512; ++i)
    for (std::size_t j = 0; j < i; ++j) ASSERT_EQ(got.data()[i * 512 + j], got.data()[j * 512 + i]);
  auto bad = x.clone();
  bad.data()[7] = std::nanf("");
  EXPECT_THROW((void)inx::cluster::correlation_matrix(bad.to<inx::cuda>().view()), inx::value_error);
  EXPECT_THROW((void)inx::cluster::correlation_matrix(Tensor<float, inx::cuda>({0, 4}).view()), inx::shape_error);
}

}  // namespace
