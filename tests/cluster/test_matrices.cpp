// The n x n matrices under linkage, Ward, correlation and DBSCAN: the tiled symmetrising pass, the padded stride,
// the upper-triangle distance matrix, and the linkage tree's entry points (vector or padded pointer, Ward on
// distances or on their squares), each against a direct computation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "inx/cluster/cluster.hpp"

namespace {

namespace cl = inx::cluster;
using inx::Tensor;

Tensor<float> gaussian(std::size_t n, std::size_t d, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  auto x = Tensor<float>::uninitialized({n, d});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) x(i, j) = g(rng) + static_cast<float>(i % 5);  // five loose groups
  return x;
}

TEST(Matrices, SymmetrizeVisitsEveryPairOnceAndNothingElse) {
  // Sizes around the 16-row tile and across the parallel threshold, with padding that must stay untouched.
  for (std::size_t n : {1u, 2u, 15u, 16u, 17u, 33u, 100u, 1025u}) {
    const std::size_t ld = n + 3;
    std::mt19937 rng(static_cast<unsigned>(n));
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> a(n * ld), before;
    for (auto& v : a) v = u(rng);
    before = a;
    cl::detail::symmetrize(a.data(), n, ld, [](float lo, float up) { return 2 * lo - up; });
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        const float want = 2 * before[i * ld + j] - before[j * ld + i];
        ASSERT_EQ(a[i * ld + j], want) << n << ": " << i << "," << j;
        ASSERT_EQ(a[j * ld + i], want) << n << ": " << j << "," << i;
      }
      ASSERT_EQ(a[i * ld + i], before[i * ld + i]) << n << ": the diagonal is left alone";
      for (std::size_t p = n; p < ld; ++p) ASSERT_EQ(a[i * ld + p], before[i * ld + p]) << n << ": padding";
    }
  }
}

TEST(Matrices, PaddedStrideIsAnOddNumberOfLinesAndNoShorterThanARow) {
  for (std::size_t n : {1u, 7u, 8u, 9u, 64u, 1000u, 1024u, 2048u, 4096u}) {
    const std::size_t ld = cl::detail::padded_stride(n);
    EXPECT_GE(ld, n);
    EXPECT_LT(ld, n + 16);
    EXPECT_EQ(ld % 8, 0u);
    EXPECT_EQ((ld / 8) % 2, 1u) << n;
  }
}

TEST(Matrices, PairwiseMatrixIsSymmetricAndMatchesDoublePrecisionDistances) {
  for (std::size_t n : {1u, 5u, 70u, 600u}) {
    const std::size_t d = 13, ld = cl::detail::padded_stride(n) + 8;
    const auto x = gaussian(n, d, 7);
    std::vector<double> m(n * ld, -1.0);
    cl::pairwise_matrix<cl::Euclidean>(cl::Euclidean::prepare(x).view(), m.data(), ld);
    std::vector<double> sq(n * ld, -1.0);
    cl::pairwise_matrix<cl::SquaredEuclidean>(cl::SquaredEuclidean::prepare(x).view(), sq.data(), ld);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(m[i * ld + i], 0.0);
      ASSERT_EQ(sq[i * ld + i], 0.0);
      for (std::size_t p = n; p < ld; ++p) ASSERT_EQ(m[i * ld + p], -1.0) << "padding written";
      for (std::size_t j = 0; j < n; ++j) {
        ASSERT_EQ(m[i * ld + j], m[j * ld + i]) << "not symmetric bit for bit";
        ASSERT_EQ(sq[i * ld + j], sq[j * ld + i]);
        double s = 0;
        for (std::size_t k = 0; k < d; ++k) s += (double(x(i, k)) - x(j, k)) * (double(x(i, k)) - x(j, k));
        EXPECT_NEAR(m[i * ld + j], std::sqrt(s), 1e-5 * (1 + std::sqrt(s))) << i << "," << j;
        EXPECT_NEAR(sq[i * ld + j], s, 1e-5 * (1 + s)) << i << "," << j;
      }
    }
    // The vector entry point is the same matrix without padding.
    const auto v = cl::pairwise_distances<cl::Euclidean>(x);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(v[i * n + j], m[i * ld + j]);
  }
}

TEST(Matrices, LinkageTreeIsTheSameThroughEveryEntryPoint) {
  // n = 512: the vector entry point copies to a padded stride (512 doubles is a power of two bytes).
  const std::size_t n = 512;
  const auto x = gaussian(n, 9, 11);
  const auto dist = cl::pairwise_distances<cl::Euclidean>(x);
  for (auto method : {cl::Linkage::single, cl::Linkage::complete, cl::Linkage::average, cl::Linkage::ward}) {
    const auto a = cl::linkage_tree(dist, n, method);
    auto copy = dist;
    const auto b = cl::linkage_tree(copy.data(), n, n, method);
    ASSERT_EQ(a.size(), n - 1);
    ASSERT_EQ(b.size(), n - 1);
    for (std::size_t i = 0; i + 1 < n; ++i) {
      ASSERT_EQ(a[i].a, b[i].a);
      ASSERT_EQ(a[i].b, b[i].b);
      ASSERT_EQ(a[i].height, b[i].height);
      ASSERT_EQ(a[i].size, b[i].size);
    }
  }
  // Ward on squared distances, as ward_tree runs it, gives the same tree with heights equal to rounding.
  auto squared = dist;
  for (auto& v : squared) v *= v;
  const auto plain = cl::linkage_tree(dist, n, cl::Linkage::ward);
  const auto sq = cl::linkage_tree(squared.data(), n, n, cl::Linkage::ward, /*squared=*/true);
  const auto tree = cl::ward_tree(x);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    ASSERT_EQ(plain[i].a, sq[i].a);
    ASSERT_EQ(plain[i].b, sq[i].b);
    ASSERT_NEAR(plain[i].height, sq[i].height, 1e-12 * plain[i].height);
    ASSERT_EQ(plain[i].a, tree[i].a);
    ASSERT_EQ(plain[i].b, tree[i].b);
    ASSERT_NEAR(plain[i].height, tree[i].height, 1e-6 * plain[i].height);
  }
}

TEST(Matrices, WardHeightsEqualTheDefinitionOnASmallCase) {
  // Ward's height of a merge: sqrt(2 |A| |B| / (|A| + |B|)) times the distance between the centroids.
  const std::size_t n = 40, d = 3;
  const auto x = gaussian(n, d, 5);
  const auto tree = cl::ward_tree(x);
  std::vector<std::vector<double>> centre(2 * n - 1, std::vector<double>(d));
  std::vector<double> size(2 * n - 1, 1);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < d; ++k) centre[i][k] = x(i, k);
  for (std::size_t m = 0; m + 1 < n; ++m) {
    const auto& a = centre[tree[m].a];
    const auto& b = centre[tree[m].b];
    const double na = size[tree[m].a], nb = size[tree[m].b];
    double s = 0;
    for (std::size_t k = 0; k < d; ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
    EXPECT_NEAR(tree[m].height, std::sqrt(2 * na * nb / (na + nb) * s), 1e-4 * (1 + tree[m].height)) << m;
    for (std::size_t k = 0; k < d; ++k) centre[n + m][k] = (na * a[k] + nb * b[k]) / (na + nb);
    size[n + m] = na + nb;
    EXPECT_EQ(static_cast<double>(tree[m].size), na + nb);
  }
}

TEST(Matrices, CorrelationMatrixIsSymmetricAtSizesAcrossTheTiles) {
  for (std::size_t n : {3u, 31u, 1100u}) {
    const auto x = gaussian(n, 20, 3);
    const auto c = cl::correlation_matrix(x);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(c(i, i), 1.0f);
      for (std::size_t j = 0; j < n; ++j) {
        ASSERT_EQ(c(i, j), c(j, i));
        ASSERT_LE(std::abs(c(i, j)), 1.0f);
      }
    }
    // Spot checks against Pearson's formula in double.
    for (std::size_t t = 0; t < 50; ++t) {
      const std::size_t i = (t * 37) % n, j = (t * 101 + 1) % n;
      double mi = 0, mj = 0;
      for (std::size_t k = 0; k < 20; ++k) mi += x(i, k) / 20.0, mj += x(j, k) / 20.0;
      double sij = 0, sii = 0, sjj = 0;
      for (std::size_t k = 0; k < 20; ++k)
        sij += (x(i, k) - mi) * (x(j, k) - mj), sii += (x(i, k) - mi) * (x(i, k) - mi),
            sjj += (x(j, k) - mj) * (x(j, k) - mj);
      EXPECT_NEAR(c(i, j), i == j ? 1.0 : sij / std::sqrt(sii * sjj), 1e-5);
    }
  }
}

TEST(Matrices, DbscanMatchesABruteForceDefinition) {
  // Counts and core/border/noise roles from all pairs in double, against the upper-triangle passes (tiny blocks
  // too, so rows meet columns of earlier blocks).
  const std::size_t n = 300, d = 6;
  const auto x = gaussian(n, d, 9);
  const double eps = 2.2;
  const std::int64_t min_samples = 6;
  std::vector<std::int64_t> count(n, 0);
  std::vector<std::vector<std::size_t>> near(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < d; ++k) s += (double(x(i, k)) - x(j, k)) * (double(x(i, k)) - x(j, k));
      if (std::sqrt(s) <= eps) ++count[i], near[i].push_back(j);
    }
  std::size_t cores = 0, borders = 0, noise = 0;
  for (std::size_t block : {0u, 1u, 7u, 64u}) {
    const auto r = cl::DBSCAN<>{.eps = eps, .min_samples = min_samples, .block = block}.fit(x);
    cores = borders = noise = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool core = count[i] >= min_samples;
      bool near_core = false;
      for (auto j : near[i]) {
        near_core |= count[j] >= min_samples;
        if (core && count[j] >= min_samples) {
          ASSERT_EQ(r.labels[i], r.labels[j]) << "cores within eps share a cluster";
        }
      }
      if (core || near_core) {
        ASSERT_GE(r.labels[i], 0) << i << " is in a cluster";
      } else {
        ASSERT_EQ(r.labels[i], -1) << i << " is noise";
      }
      cores += core, borders += !core && near_core, noise += !core && !near_core;
    }
  }
  // The case has all three roles, or the checks above would say little.
  EXPECT_GT(cores, 0u);
  EXPECT_GT(borders, 0u);
  EXPECT_GT(noise, 0u);
}

TEST(Matrices, DbscanWithoutNeighbourListsGivesTheSameLabels) {
  // Past max_pairs the lists are dropped and both steps recompute the distances: the labels do not change. Caps of
  // 0 (dropped at once) and just under the number of pairs (dropped after most blocks).
  const std::size_t n = 300, d = 6;
  const auto x = gaussian(n, d, 9);
  const auto y = cl::Euclidean::prepare(x);
  for (std::size_t block : {0u, 7u}) {
    const cl::DBSCAN<> lists{.eps = 2.2, .min_samples = 6, .block = block};
    const auto want = lists.fit(x);
    const auto kept = lists.neighbour_lists(y.view(), block ? block : n);
    ASSERT_TRUE(kept.has_value());
    std::size_t pairs = 0;
    for (const auto& l : *kept) pairs += l.size();
    ASSERT_GT(pairs, 10u);
    for (std::size_t cap : {std::size_t(0), pairs - 1}) {
      auto capped = lists;
      capped.max_pairs = cap;
      EXPECT_FALSE(capped.neighbour_lists(y.view(), block ? block : n).has_value());
      EXPECT_EQ(capped.fit(x).labels, want.labels) << "max_pairs " << cap << ", block " << block;
    }
    auto exact = lists;
    exact.max_pairs = pairs;
    EXPECT_TRUE(exact.neighbour_lists(y.view(), block ? block : n).has_value());
  }
}


// Silhouette of every row against its definition in double (mean distance to the own cluster without the row itself,
// the smallest mean distance to another cluster; a singleton scores 0; -1 is a cluster). Shuffled labels with a noise
// cluster and two singletons, n large enough for several distance blocks, the sorted (k <= 256) and the row-by-row
// (k > 256) paths, both metrics.
TEST(Matrices, SilhouetteSamplesEqualTheDefinition) {
  struct Case {
    std::size_t n, d, k;
  };
  for (const Case c : {Case{1100, 13, 7}, Case{300, 49, 3}, Case{700, 5, 300}}) {
    const auto x = gaussian(c.n, c.d, 11);
    std::mt19937 rng(5);
    std::vector<std::int64_t> labels(c.n);
    for (auto& l : labels) l = static_cast<std::int64_t>(rng() % c.k) - 1;  // -1 .. k-2
    labels[3] = 1000;                                                       // two singletons
    labels[c.n - 1] = 2000;
    for (auto metric : {cl::Metric::euclidean, cl::Metric::cosine}) {
      const auto got = cl::silhouette_samples(x, labels, metric);
      const auto dist = cl::pairwise_distances(x, metric);
      ASSERT_EQ(got.size(), c.n);
      for (std::size_t i = 0; i < c.n; i += 7) {
        std::map<std::int64_t, std::pair<double, double>> sums;  // label -> (sum, count)
        for (std::size_t j = 0; j < c.n; ++j) {
          if (j == i) continue;
          auto& [s, m] = sums[labels[j]];
          s += dist[i * c.n + j];
          m += 1;
        }
        double want = 0;
        if (sums.count(labels[i])) {
          const double a = sums[labels[i]].first / sums[labels[i]].second;
          double b = INFINITY;
          for (const auto& [l, sm] : sums)
            if (l != labels[i]) b = std::min(b, sm.first / sm.second);
          want = (b - a) / std::max(a, b);
        }
        ASSERT_NEAR(got[i], want, 1e-6) << "n=" << c.n << " k=" << c.k << " row " << i;
      }
    }
  }
}

}  // namespace

TEST(Matrices, UpperDistanceBlocksStopWhenTheCallbackSaysSo) {
  // Every block in order with a void callback; with a bool one, the walk ends at the first false.
  const std::size_t n = 50;
  const auto y = cl::Euclidean::prepare(gaussian(n, 4, 3));
  std::vector<std::size_t> starts;
  cl::for_each_upper_distance_block<cl::Euclidean>(y.view(), 8, [&](std::size_t i0, std::size_t, const double*,
                                                                    std::size_t) { starts.push_back(i0); });
  EXPECT_EQ(starts, (std::vector<std::size_t>{0, 8, 16, 24, 32, 40, 48}));
  starts.clear();
  cl::for_each_upper_distance_block<cl::Euclidean>(
      y.view(), 8, [&](std::size_t i0, std::size_t, const double*, std::size_t) -> bool {
        starts.push_back(i0);
        return i0 < 16;
      });
  EXPECT_EQ(starts, (std::vector<std::size_t>{0, 8, 16}));
}
