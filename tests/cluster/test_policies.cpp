// Properties of every policy on synthetic data, and defined behaviour on bad input (errors, constant rows, tiny n).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "inx/cluster/cluster.hpp"

namespace {

namespace cl = inx::cluster;
using inx::Tensor;

// k well-separated Gaussian blobs of m rows each in d dimensions; truth holds the blob of each row.
Tensor<float> blobs(std::size_t k, std::size_t m, std::size_t d, std::vector<std::int64_t>& truth, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> centres(k * d);
  for (auto& c : centres) c = 20 * g(rng);
  auto x = Tensor<float>::uninitialized({k * m, d});
  truth.clear();
  for (std::size_t i = 0; i < k * m; ++i) {
    const std::size_t b = (i * 7) % k;  // interleaved, so row order says nothing
    truth.push_back(static_cast<std::int64_t>(b));
    for (std::size_t j = 0; j < d; ++j) x(i, j) = centres[b * d + j] + g(rng);
  }
  return x;
}

template <class P>
void expect_recovers(const P& policy, const Tensor<float>& x, const std::vector<std::int64_t>& truth) {
  const auto r = policy.fit(x);
  ASSERT_EQ(r.labels.size(), truth.size());
  EXPECT_DOUBLE_EQ(cl::adjusted_rand_index(r.labels, truth), 1.0) << P::name;
  for (auto l : r.labels) EXPECT_TRUE(l >= -1 && l < r.n_clusters);
  EXPECT_TRUE(std::isfinite(r.score));
}

TEST(Policies, RecoverSeparatedBlobs) {
  std::vector<std::int64_t> truth;
  const auto x = blobs(4, 30, 20, truth);
  expect_recovers(cl::KMeans<>{.k = 4, .seed = 3}, x, truth);
  expect_recovers(cl::KMeans<cl::RandomRows, cl::KeepEmpty>{.k = 4, .n_init = 20, .seed = 3}, x, truth);
  expect_recovers(cl::DBSCAN<>{.eps = 10, .min_samples = 3}, x, truth);
  expect_recovers(cl::Ward{4}, x, truth);
  expect_recovers(cl::CorrelationMerge{.threshold = 0.9, .linkage = cl::Linkage::single}, x, truth);
  expect_recovers(cl::CorrelationMerge{.k = 4, .linkage = cl::Linkage::average}, x, truth);
  expect_recovers(cl::CorrelationMerge{.k = 4, .linkage = cl::Linkage::complete}, x, truth);
  const auto paper = cl::PaperPreset{}.fit(x);
  EXPECT_EQ(paper.n_clusters, 4);
  EXPECT_DOUBLE_EQ(cl::adjusted_rand_index(paper.labels, truth), 1.0);
  EXPECT_GT(paper.score, 0.5);
}

TEST(Policies, DeterministicWithSeed) {
  std::vector<std::int64_t> truth;
  const auto x = blobs(5, 20, 10, truth, 9);
  const cl::KMeans<> km{.k = 7, .seed = 5};
  EXPECT_EQ(km.fit(x).labels, km.fit(x).labels);
  const auto a = cl::TSNE{.seed = 2}.fit(x), b = cl::TSNE{.seed = 2}.fit(x);
  EXPECT_EQ(a.kl_divergence, b.kl_divergence);
  EXPECT_EQ(cl::PaperPreset{.seed = 4}.fit(x).labels, cl::PaperPreset{.seed = 4}.fit(x).labels);
}

TEST(Policies, BlockSizeDoesNotChangeDbscan) {
  std::vector<std::int64_t> truth;
  const auto x = blobs(3, 40, 8, truth, 4);
  const auto a = cl::DBSCAN<>{.eps = 4, .min_samples = 4, .block = 1}.fit(x);
  const auto b = cl::DBSCAN<>{.eps = 4, .min_samples = 4, .block = 7}.fit(x);
  const auto c = cl::DBSCAN<>{.eps = 4, .min_samples = 4, .block = 1000}.fit(x);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.labels, c.labels);
}

TEST(Policies, DbscanBorderGoesToFirstCluster) {
  // Two groups of 4 cores; row 8 (x = 5.75) is within eps of one core of each but has only 3 neighbours, so it is a
  // border row of both clusters. scikit-learn gives it to the cluster found first (lowest core index).
  const std::vector<float> a{10, 10.5, 11, 11.5}, b{0, 0.5, 1, 1.5};
  for (bool a_first : {true, false}) {
    std::vector<float> v = a_first ? a : b;
    v.insert(v.end(), (a_first ? b : a).begin(), (a_first ? b : a).end());
    v.push_back(5.75f);
    const auto x = Tensor<float>::from_host({9, 1}, v);
    const auto r = cl::DBSCAN<>{.eps = 4.3, .min_samples = 4}.fit(x);
    EXPECT_EQ(r.labels, (std::vector<std::int64_t>{0, 0, 0, 0, 1, 1, 1, 1, 0}));
  }
}

TEST(Policies, WardTreeIsMonotoneAndCutsNest) {
  std::vector<std::int64_t> truth;
  const auto x = blobs(3, 15, 5, truth, 2);
  const auto tree = cl::ward_tree(x);
  ASSERT_EQ(tree.size(), x.dim(0) - 1);
  for (std::size_t i = 1; i < tree.size(); ++i) EXPECT_LE(tree[i - 1].height, tree[i].height);
  EXPECT_EQ(tree.back().size, static_cast<std::int64_t>(x.dim(0)));
  const auto k1 = cl::cut_tree(tree, x.dim(0), 1);
  EXPECT_EQ(std::set<std::int64_t>(k1.begin(), k1.end()).size(), 1u);
  const auto kn = cl::cut_tree(tree, x.dim(0), x.dim(0));
  EXPECT_EQ(std::set<std::int64_t>(kn.begin(), kn.end()).size(), x.dim(0));
  EXPECT_EQ(cl::cut_tree_at(tree, x.dim(0), tree[tree.size() - 3].height), cl::cut_tree(tree, x.dim(0), 3));
}

TEST(Preprocess, RowsAndConstantRows) {
  auto x = Tensor<float>::from_host({3, 4}, std::vector<float>{1, 2, 3, 5, 7, 7, 7, 7, -1, 0, 0, 1});
  const auto mm = cl::minmax_rows(x), z = cl::zscore_rows(x), l2 = cl::l2_rows(x);
  EXPECT_FLOAT_EQ(mm(0, 0), 0);
  EXPECT_FLOAT_EQ(mm(0, 3), 1);
  EXPECT_FLOAT_EQ(mm(0, 1), 0.25f);
  for (int j = 0; j < 4; ++j) EXPECT_EQ(mm(1, j), 0.0f) << "constant row";
  for (int j = 0; j < 4; ++j) EXPECT_EQ(z(1, j), 0.0f);
  double m = 0, v = 0, n2 = 0;
  for (int j = 0; j < 4; ++j) m += z(0, j), v += z(0, j) * z(0, j), n2 += l2(2, j) * l2(2, j);
  EXPECT_NEAR(m, 0, 1e-6);
  EXPECT_NEAR(v / 4, 1, 1e-6);
  EXPECT_NEAR(n2, 1, 1e-6);
  auto zero = Tensor<float>(inx::Shape{1, 3});
  const auto zl2 = cl::l2_rows(zero);
  for (float t : zl2.span()) EXPECT_EQ(t, 0.0f);
}

TEST(Metrics, AdjustedRandIndexAsSklearn) {
  const std::vector<std::int64_t> a{0, 0, 1, 1}, b{0, 0, 1, 2}, p{5, 5, 3, 3};
  EXPECT_NEAR(cl::adjusted_rand_index(a, b), 0.5714285714285715, 1e-12);  // sklearn.metrics.adjusted_rand_score
  EXPECT_DOUBLE_EQ(cl::adjusted_rand_index(a, p), 1.0);
  EXPECT_THROW((cl::adjusted_rand_index(a, std::vector<std::int64_t>{0})), inx::shape_error);
}

TEST(Correlation, MatrixMatchesDirectPearsonAndConstantRowsAreZero) {
  std::mt19937 rng(3);
  std::normal_distribution<float> g;
  auto x = Tensor<float>::uninitialized({6, 50});
  for (auto& v : x.span()) v = g(rng);
  for (int j = 0; j < 50; ++j) x(4, j) = 2.5f;  // constant row
  const auto c = cl::correlation_matrix(x);
  for (int i = 0; i < 6; ++i)
    for (int k = 0; k < 6; ++k) {
      if (i == 4 || k == 4) {
        EXPECT_EQ(c(i, k), i == k ? 1.0f : 0.0f);
        continue;
      }
      double mi = 0, mk = 0, sik = 0, sii = 0, skk = 0;
      for (int j = 0; j < 50; ++j) mi += x(i, j) / 50.0, mk += x(k, j) / 50.0;
      for (int j = 0; j < 50; ++j)
        sik += (x(i, j) - mi) * (x(k, j) - mk), sii += (x(i, j) - mi) * (x(i, j) - mi), skk += (x(k, j) - mk) * (x(k, j) - mk);
      EXPECT_NEAR(c(i, k), sik / std::sqrt(sii * skk), 1e-5);
    }
  const auto r = cl::CorrelationMerge{.threshold = 0.99, .linkage = cl::Linkage::single}.fit(x);
  EXPECT_EQ(r.n_clusters, 6);  // random rows and a constant row: nothing correlates at 0.99
}

// ---- bad input ---------------------------------------------------------------------------------------------------

template <class F>
void expect_rejects_bad_matrices(F fit) {
  auto nan = Tensor<float>::full({5, 3}, 1.0f);
  nan(2, 1) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(fit(nan.view()), inx::value_error);
  auto inf = Tensor<float>::full({5, 3}, 1.0f);
  inf(4, 0) = -std::numeric_limits<float>::infinity();
  EXPECT_THROW(fit(inf.view()), inx::value_error);
  auto one_d = Tensor<float>::full({5}, 1.0f);
  EXPECT_THROW(fit(one_d.view()), inx::shape_error);
  auto empty = Tensor<float>(inx::Shape{0, 3});
  EXPECT_THROW(fit(empty.view()), inx::shape_error);
  auto no_cols = Tensor<float>(inx::Shape{4, 0});
  EXPECT_THROW(fit(no_cols.view()), inx::shape_error);
}

TEST(BadInput, EveryEntryPointRejectsNonFiniteEmptyAndOneD) {
  using V = inx::TensorView<const float>;
  expect_rejects_bad_matrices([](V x) { return cl::KMeans<>{.k = 2}.fit(x); });
  expect_rejects_bad_matrices([](V x) { return cl::DBSCAN<>{}.fit(x); });
  expect_rejects_bad_matrices([](V x) { return cl::Ward{2}.fit(x); });
  expect_rejects_bad_matrices([](V x) { return cl::CorrelationMerge{}.fit(x); });
  expect_rejects_bad_matrices([](V x) { return cl::PaperPreset{}.fit(x); });
  expect_rejects_bad_matrices([](V x) { return cl::TSNE{}.fit(x); });
  expect_rejects_bad_matrices([](V x) { return cl::pca(x, 1); });
  expect_rejects_bad_matrices([](V x) { return cl::minmax_rows(x); });
  expect_rejects_bad_matrices([](V x) { return cl::correlation_matrix(x); });
  expect_rejects_bad_matrices([](V x) { return cl::silhouette_score(x, std::vector<std::int64_t>{0, 0, 1, 1, 1}); });
}

TEST(BadInput, ParametersOutOfRange) {
  auto x = Tensor<float>::full({4, 3}, 1.0f);
  x(0, 0) = 2;
  EXPECT_THROW((cl::KMeans<>{.k = 0}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::KMeans<>{.k = -2}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::KMeans<>{.k = 5}.fit(x)), inx::value_error);  // n < k
  EXPECT_THROW((cl::KMeans<>{.k = 2, .n_init = 0}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::Ward{0}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::Ward{5}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::CorrelationMerge{.k = 5}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::CorrelationMerge{.k = -1}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::CorrelationMerge{.threshold = 2}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::CorrelationMerge{.linkage = cl::Linkage::ward}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::DBSCAN<>{.eps = 0}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::DBSCAN<>{.eps = -1}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::DBSCAN<>{.eps = std::numeric_limits<double>::quiet_NaN()}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::DBSCAN<>{.eps = 1, .min_samples = 0}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::PaperPreset{.kmin = 1}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::PaperPreset{.kmin = 5, .kmax = 4}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::TSNE{.perplexity = 0}.fit(x)), inx::value_error);
  EXPECT_THROW((cl::TSNE{.n_components = 3}.fit(x)), inx::value_error);
  EXPECT_THROW(cl::pca(x, 0), inx::value_error);
  EXPECT_THROW(cl::pca(x, 4), inx::value_error);
  EXPECT_THROW((cl::silhouette_score(x, std::vector<std::int64_t>{0, 0, 0, 0})), inx::value_error);  // one label
  EXPECT_THROW((cl::silhouette_score(x, std::vector<std::int64_t>{0, 1, 2, 3})), inx::value_error);  // n labels
  EXPECT_THROW((cl::silhouette_score(x, std::vector<std::int64_t>{0, 1})), inx::shape_error);
  EXPECT_THROW((cl::silhouette_score(x, std::vector<std::int64_t>{0, 0, 1, 1}, cl::Metric::correlation)), inx::value_error);
  EXPECT_THROW(cl::metric_from_name("manhattan"), inx::value_error);
  EXPECT_THROW(cl::linkage_from_name("centroid"), inx::value_error);
}

void expect_valid(const cl::Clustering& r, std::size_t n) {
  ASSERT_EQ(r.labels.size(), n);
  for (auto l : r.labels) EXPECT_TRUE(l >= -1 && l < r.n_clusters);
  EXPECT_TRUE(std::isfinite(r.score));
}

TEST(BadInput, ConstantAndDuplicateRowsGiveDefinedResults) {
  auto same = Tensor<float>::full({12, 5}, 3.0f);  // every row identical and constant
  expect_valid(cl::KMeans<>{.k = 3}.fit(same), 12);
  EXPECT_EQ(cl::KMeans<>{.k = 3}.fit(same).score, 0.0);
  for (auto m : {cl::Metric::euclidean, cl::Metric::cosine, cl::Metric::correlation}) {
    const auto r = cl::with_metric(m, [&](auto d) { return cl::DBSCAN<decltype(d)>{.eps = 0.1, .min_samples = 3}.fit(same); });
    expect_valid(r, 12);
  }
  // Euclidean: all at distance 0, one cluster. Correlation: constant rows correlate with nothing, all noise.
  EXPECT_EQ((cl::DBSCAN<>{.eps = 0.1, .min_samples = 3}.fit(same).n_clusters), 1);
  EXPECT_EQ((cl::DBSCAN<cl::Correlation>{.eps = 0.1, .min_samples = 3}.fit(same).n_clusters), 0);
  expect_valid(cl::Ward{3}.fit(same), 12);
  const auto c = cl::CorrelationMerge{.threshold = 0.5}.fit(same);
  expect_valid(c, 12);
  EXPECT_EQ(c.n_clusters, 12);
  expect_valid(cl::CorrelationMerge{.k = 2}.fit(same), 12);
  const auto p = cl::PaperPreset{}.fit(same);
  expect_valid(p, 12);
  const auto t = cl::TSNE{}.fit(same);
  for (float v : t.embedding.span()) EXPECT_TRUE(std::isfinite(v));
  EXPECT_TRUE(std::isfinite(t.kl_divergence));
  const auto pr = cl::pca(same, 2);  // zero variance: zero components, no NaN
  for (float v : pr.components.span()) EXPECT_EQ(v, 0.0f);
}

TEST(BadInput, TinyInputs) {
  auto one = Tensor<float>::full({1, 4}, 1.0f);
  expect_valid(cl::KMeans<>{.k = 1}.fit(one), 1);
  expect_valid(cl::DBSCAN<>{.eps = 1, .min_samples = 1}.fit(one), 1);
  expect_valid(cl::Ward{1}.fit(one), 1);
  expect_valid(cl::CorrelationMerge{}.fit(one), 1);
  expect_valid(cl::PaperPreset{}.fit(one), 1);
  EXPECT_EQ(cl::TSNE{}.fit(one).embedding.dim(0), 1u);
  auto two = Tensor<float>::from_host({2, 2}, std::vector<float>{0, 1, 5, 3});
  const auto p2 = cl::PaperPreset{}.fit(two);
  EXPECT_EQ(p2.n_clusters, 2);
  for (std::size_t n : {4u, 5u, 9u}) {  // t-SNE perplexity 30 is clamped below n
    std::vector<std::int64_t> truth;
    auto x = blobs(1, n, 3, truth, static_cast<unsigned>(n));
    const auto t = cl::TSNE{}.fit(x);
    for (float v : t.embedding.span()) EXPECT_TRUE(std::isfinite(v));
    EXPECT_TRUE(std::isfinite(t.kl_divergence));
    expect_valid(cl::PaperPreset{}.fit(x), n);
  }
}

TEST(Tsne, BarnesHutAndExactBothSeparateBlobs) {
  std::vector<std::int64_t> truth;
  const auto x = blobs(3, 40, 10, truth, 11);
  for (auto m : {cl::TSNEMethod::exact, cl::TSNEMethod::barnes_hut}) {
    const auto t = cl::TSNE{.method = m}.fit(x);
    EXPECT_GT(t.n_iter, 250);
    const auto w = cl::Ward{3}.fit(t.embedding);
    EXPECT_DOUBLE_EQ(cl::adjusted_rand_index(w.labels, truth), 1.0);
    EXPECT_GT(cl::silhouette_score(t.embedding, truth), 0.7);
  }
}

TEST(Silhouette, BestKPrefersTruthAndTiesGoToSmallerK) {
  std::vector<std::int64_t> truth;
  const auto x = blobs(4, 10, 6, truth, 5);
  const auto tree = cl::ward_tree(x);
  const auto best = cl::best_k_by_silhouette(x, 2, 8, [&](std::int64_t k) { return cl::cut_tree(tree, 40, k); });
  EXPECT_EQ(best.k, 4);
  // Every k gives the same partition: the smallest k wins.
  const auto tie = cl::best_k_by_silhouette(x, 3, 6, [&](std::int64_t) { return truth; });
  EXPECT_EQ(tie.k, 3);
}

}  // namespace
