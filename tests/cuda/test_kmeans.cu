// One k-means iteration on the GPU's steps. On the host (the CPU's GEMM) the assignment must be the CPU KMeans's
// exactly and the update its means to float rounding; Lloyd iterations from the CPU's own k-means++ start must end in
// the CPU's partition. With a GPU, the launched steps must give the host's labels on well-separated data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cluster/kmeans.hpp"
#include "inx/cuda/kmeans.cuh"

namespace {

using inx::Tensor;
namespace cd = inx::cuda_detail;
namespace cl = inx::cluster;

// k well-separated blobs in d dimensions, rows shuffled.
Tensor<float> blobs(std::size_t n, std::size_t d, std::size_t k, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> centre(k * d);
  for (auto& v : centre) v = 12.0f * g(rng);
  auto x = Tensor<float>::uninitialized({n, d});
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = rng() % k;
    for (std::size_t j = 0; j < d; ++j) x.data()[i * d + j] = centre[c * d + j] + g(rng);
  }
  return x;
}

// The CPU KMeans's assignment, written out as its lloyd() does it.
void cpu_assign(const Tensor<float>& x, const std::vector<double>& sqn, const Tensor<float>& centres,
                std::vector<std::int64_t>& labels, std::vector<double>& dist) {
  const std::size_t n = x.dim(0), d = x.dim(1), k = centres.dim(0);
  std::vector<double> csq(k);
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j) csq[c] += double(centres.data()[c * d + j]) * centres.data()[c * d + j];
  auto dots = Tensor<float>::uninitialized({n, k});
  inx::ops::gemm<inx::cpu>(false, true, n, k, d, 1.0f, x.data(), d, centres.data(), d, 0.0f, dots.data(), k);
  labels.assign(n, 0);
  dist.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    double m = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < k; ++c) {
      const double v = csq[c] - 2.0 * dots.data()[i * k + c];
      if (v < m) m = v, labels[i] = std::int64_t(c);
    }
    dist[i] = std::max(m + sqn[i], 0.0);
  }
}

TEST(CudaKMeansBodies, AssignmentIsTheCpusAndTheUpdateItsMeans) {
  const std::size_t n = 700, d = 16, k = 9;
  const auto x = blobs(n, d, 6, 1);
  const auto sqn = cl::detail::row_sqnorms(x.view());
  auto centres = Tensor<float>::uninitialized({k, d});
  for (std::size_t t = 0; t < k * d; ++t) centres.data()[t] = x.data()[t];  // the first k rows
  for (std::size_t j = 0; j < d; ++j) centres.data()[8 * d + j] = 1e4f;      // far away: an empty cluster

  std::vector<std::int64_t> want;
  std::vector<double> want_dist;
  cpu_assign(x, sqn, centres, want, want_dist);
  cd::KMeansStep<cd::HostExec> step({}, n, d, k);
  std::vector<std::int64_t> got(n, -1);
  step.assign(x.data(), sqn.data(), centres.data(), got.data());
  EXPECT_EQ(got, want);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(step.dist.data()[i], want_dist[i]) << i;

  auto next = Tensor<float>::uninitialized({k, d});
  const double shift = step.update(x.data(), got.data(), centres.data(), next.data());
  std::vector<double> sums(k * d, 0.0), counts(k, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    counts[std::size_t(got[i])] += 1;
    for (std::size_t j = 0; j < d; ++j) sums[std::size_t(got[i]) * d + j] += x.data()[i * d + j];
  }
  ASSERT_EQ(counts[8], 0.0);
  double want_shift = 0;
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j) {
      const float mean = counts[c] > 0 ? float(sums[c * d + j] / counts[c]) : centres.data()[c * d + j];
      ASSERT_NEAR(next.data()[c * d + j], mean, 1e-5 * (1 + std::abs(mean))) << c << " " << j;
      want_shift += std::pow(double(mean) - centres.data()[c * d + j], 2);
    }
  EXPECT_NEAR(shift, want_shift, 1e-4 * want_shift);
  for (std::size_t j = 0; j < d; ++j) EXPECT_EQ(next.data()[8 * d + j], 1e4f);  // the empty cluster kept its centre
}

// Lloyd iterations of the GPU's steps (on the host) from the CPU KMeans's own k-means++ start end in its partition.
TEST(CudaKMeansBodies, LloydFromTheCpusStartEndsInTheCpusPartition) {
  const std::size_t n = 1500, d = 8, k = 5;
  const auto x0 = blobs(n, d, k, 2);
  const cl::KMeans<> cpu{.k = std::int64_t(k), .n_init = 1, .seed = 3};
  const auto want = cpu.fit(x0.view());

  const auto xc = cl::detail::centre_columns(x0.view());
  const auto sqn = cl::detail::row_sqnorms(xc.view());
  std::mt19937_64 master(3);
  std::mt19937_64 rng(master());
  auto centres = cl::KMeansPlusPlus{}(xc.view(), sqn, k, rng);
  auto next = Tensor<float>::uninitialized({k, d});
  cd::KMeansStep<cd::HostExec> step({}, n, d, k);
  std::vector<std::int64_t> labels(n), old(n, -1);
  for (int it = 0; it < 300; ++it) {
    step.assign(xc.data(), sqn.data(), centres.data(), labels.data());
    if (labels == old) break;
    (void)step.update(xc.data(), labels.data(), centres.data(), next.data());
    std::swap(centres, next);
    old = labels;
  }
  (void)cl::canonical_labels(labels);
  EXPECT_EQ(labels, want.labels);
}

TEST(CudaKMeans, GpuStepsGiveTheHostsLabels) {
  INX_REQUIRE_GPU();
  const std::size_t n = 20000, d = 64, k = 100;
  const auto x = blobs(n, d, k, 4);
  const auto sqn = cl::detail::row_sqnorms(x.view());
  auto centres = Tensor<float>::uninitialized({k, d});
  for (std::size_t t = 0; t < k * d; ++t) centres.data()[t] = x.data()[t];
  cd::KMeansStep<cd::HostExec> host({}, n, d, k);
  std::vector<std::int64_t> want(n);
  host.assign(x.data(), sqn.data(), centres.data(), want.data());
  auto want_next = Tensor<float>::uninitialized({k, d});
  (void)host.update(x.data(), want.data(), centres.data(), want_next.data());

  const auto xg = x.to<inx::cuda>(), cg = centres.to<inx::cuda>();
  const auto sqng = Tensor<double>::from_host({n}, sqn).to<inx::cuda>();
  auto labels = Tensor<std::int64_t, inx::cuda>::uninitialized({n});
  auto next = Tensor<float, inx::cuda>::uninitialized({k, d});
  cd::KMeansStep<cd::DeviceExec> gpu({}, n, d, k);
  gpu.assign(xg.data(), sqng.data(), cg.data(), labels.data());
  (void)gpu.update(xg.data(), labels.data(), cg.data(), next.data());
  const auto got = labels.to<inx::cpu>();
  EXPECT_EQ(std::vector<std::int64_t>(got.data(), got.data() + n), want);
  const auto got_next = next.to<inx::cpu>();
  for (std::size_t t = 0; t < k * d; ++t)
    ASSERT_NEAR(got_next.data()[t], want_next.data()[t], 1e-4 * (1 + std::abs(want_next.data()[t]))) << t;
}

}  // namespace
