// Policies that choose their own parameter from the data, for callers (the explainer) that cannot know a good k or
// eps in advance: AutoK<P> runs P for every k in [kmin, kmax] and keeps the partition with the best silhouette;
// AutoDBSCAN picks eps as the median distance of a row to its min_samples-th nearest neighbour.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/dbscan.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/silhouette.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

namespace detail {
// Every row its own cluster: what a k-choosing policy returns when there are too few rows to choose from.
inline Clustering singletons(std::size_t n, std::string_view score_name) {
  Clustering c;
  c.labels.resize(n);
  std::iota(c.labels.begin(), c.labels.end(), 0);
  c.n_clusters = static_cast<std::int64_t>(n);
  c.score_name = score_name;
  return c;
}
}  // namespace detail

// P with a member `k`, run for k = kmin..min(kmax, n - 1); the partition with the highest silhouette (euclidean, on
// the rows P saw) wins, ties to the smaller k. With n <= kmin rows every row is its own cluster.
template <ClusteringPolicy P>
  requires requires(P p) { p.k = std::int64_t{}; }
struct AutoK {
  static constexpr std::string_view name = P::name;
  P base{};
  std::int64_t kmin = 3, kmax = 8;

  Clustering fit(TensorView<const float> x) const {
    check_matrix(x, name);
    require<value_error>(kmin >= 2 && kmin <= kmax, name, ": expected 2 <= kmin <= kmax, got [", kmin, ", ", kmax,
                         "]");
    const std::size_t n = x.dim(0);
    if (n <= static_cast<std::size_t>(kmin)) return detail::singletons(n, "silhouette");
    // The distances once, not once per k: they cost more than the partitions themselves for wide rows.
    const auto dist = pairwise_distances(x);
    BestK best;
    for (std::int64_t k = kmin; k <= std::min<std::int64_t>(kmax, std::int64_t(n) - 1); ++k) {
      P p = base;
      p.k = k;
      auto labels = p.fit(x).labels;
      auto ids = labels;
      const std::int64_t m = canonical_labels(ids);
      if (m < 2 || static_cast<std::size_t>(m) > n - 1) continue;
      const double s = silhouette_score_from_distances(dist, labels);
      if (best.k == 0 || s > best.score) best = {k, s, std::move(labels)};
    }
    Clustering out;
    out.score_name = "silhouette";
    if (best.k == 0) {  // every candidate degenerate (identical rows): one cluster
      out.labels.assign(n, 0);
    } else {
      out.labels = std::move(best.labels);
      out.score = best.score;
    }
    out.n_clusters = canonical_labels(out.labels);
    return out;
  }
};

// DBSCAN whose eps is the median, over rows, of the distance to the min_samples-th nearest other row: about half the
// rows are then core rows, whatever the scale of the data.
template <DistancePolicy Distance = Cosine>
struct AutoDBSCAN {
  static constexpr std::string_view name = "dbscan";
  std::int64_t min_samples = 4;

  double choose_eps(TensorView<const float> x) const {
    const std::size_t n = x.dim(0);
    const auto kth = static_cast<std::size_t>(std::clamp<std::int64_t>(min_samples, 1, std::int64_t(n) - 1));
    const auto y = Distance::prepare(x);
    std::vector<double> d(n);
    for_each_distance_row<Distance>(y.view(), [&](std::size_t i, const double* r) {
      std::vector<double> row(r, r + n);
      std::nth_element(row.begin(), row.begin() + std::ptrdiff_t(kth), row.end());  // row[i] = 0 is the 0th
      d[i] = row[kth];
    });
    std::nth_element(d.begin(), d.begin() + std::ptrdiff_t(n / 2), d.end());
    return d[n / 2];
  }

  // score: the fraction of rows that are noise (as DBSCAN's).
  Clustering fit(TensorView<const float> x) const {
    check_matrix(x, name);
    require<value_error>(min_samples >= 1, "dbscan: expected min_samples >= 1, got ", min_samples);
    const std::size_t n = x.dim(0);
    if (n < 2) return detail::singletons(n, "noise fraction");
    const double eps = choose_eps(x);
    if (!(eps > 0)) {  // at least half the rows coincide with their neighbours: those are one cluster
      Clustering c;
      c.labels.assign(n, 0);
      c.n_clusters = 1;
      c.score_name = "noise fraction";
      return c;
    }
    return DBSCAN<Distance>{.eps = eps, .min_samples = min_samples}.fit(x);
  }
};

}  // namespace cluster
INX_END_NAMESPACE
