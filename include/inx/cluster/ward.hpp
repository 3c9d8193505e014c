// Ward agglomerative clustering, exact: the nearest-neighbour chain over Euclidean distances with the Lance-Williams
// Ward update (O(n²) time and memory), giving scipy's ward linkage matrix and, cut to k clusters, the partition of
// scipy's ward / scikit-learn's AgglomerativeClustering(linkage="ward").
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/linkage.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

// Ward's full merge tree of the rows of x.
inline std::vector<Merge> ward_tree(TensorView<const float> x) {
  check_matrix(x, "ward");
  const std::size_t n = x.dim(0), ld = detail::padded_stride(n);
  auto dist = Tensor<double>::uninitialized({n, ld});  // every entry the linkage reads is written
  pairwise_matrix<SquaredEuclidean>(SquaredEuclidean::prepare(x).view(), dist.data(), ld);
  return linkage_tree(dist.data(), n, ld, Linkage::ward, /*squared=*/true);
}

// The within-cluster sum of squares of a partition (noise rows excluded), in double.
inline double within_sum_of_squares(TensorView<const float> x, const std::vector<std::int64_t>& labels) {
  const std::size_t n = x.dim(0), d = x.dim(1);
  std::int64_t k = 0;
  for (auto l : labels) k = std::max(k, l + 1);
  std::vector<double> sum(static_cast<std::size_t>(k) * d, 0.0), sq(static_cast<std::size_t>(k), 0.0);
  std::vector<double> cnt(static_cast<std::size_t>(k), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] < 0) continue;
    const auto c = static_cast<std::size_t>(labels[i]);
    cnt[c] += 1;
    for (std::size_t j = 0; j < d; ++j) {
      const double v = x.data()[i * d + j];
      sum[c * d + j] += v;
      sq[c] += v * v;
    }
  }
  double w = 0;
  for (std::size_t c = 0; c < static_cast<std::size_t>(k); ++c) {
    double s2 = 0;
    for (std::size_t j = 0; j < d; ++j) s2 += sum[c * d + j] * sum[c * d + j];
    if (cnt[c] > 0) w += sq[c] - s2 / cnt[c];
  }
  return std::max(w, 0.0);
}

struct Ward {
  static constexpr std::string_view name = "ward";
  std::int64_t k = 2;

  // score: the within-cluster sum of squares.
  Clustering fit(TensorView<const float> x) const {
    check_matrix(x, "ward");
    check_k(k, x.dim(0), "ward");
    Clustering out;
    out.labels = cut_tree(ward_tree(x), x.dim(0), static_cast<std::size_t>(k));
    out.n_clusters = k;
    out.score = within_sum_of_squares(x, out.labels);
    out.score_name = "inertia";
    return out;
  }
};

static_assert(ClusteringPolicy<Ward>);

}  // namespace cluster
INX_END_NAMESPACE
