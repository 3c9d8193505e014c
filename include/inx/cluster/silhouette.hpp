// Silhouette coefficient as scikit-learn's silhouette_score (euclidean or cosine distances; a row alone in its
// cluster scores 0; every label value, -1 included, is a cluster), and model selection: the k in [kmin, kmax]
// whose partition has the highest silhouette, ties going to the smaller k.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

namespace detail {
// Labels as cluster ids 0..k-1 (noise, -1, is one more cluster, as in scikit-learn) with each cluster's size, and the
// silhouette of row i from its sums of distances to every cluster.
struct SilhouetteClusters {
  std::vector<std::int64_t> ids;
  std::vector<double> count;

  SilhouetteClusters(std::span<const std::int64_t> labels, std::size_t n) : ids(labels.begin(), labels.end()) {
    require<shape_error>(labels.size() == n, "silhouette: expected ", n, " labels, got ", labels.size());
    const std::int64_t k = canonical_labels(ids) + (std::find(ids.begin(), ids.end(), -1) != ids.end() ? 1 : 0);
    for (auto& l : ids)
      if (l < 0) l = k - 1;
    require<value_error>(k >= 2 && static_cast<std::size_t>(k) <= n - 1,
                         "silhouette: expected 2 <= number of labels <= ", "n - 1 = ", n - 1, ", got ", k);
    count.assign(static_cast<std::size_t>(k), 0.0);
    for (auto l : ids) count[static_cast<std::size_t>(l)] += 1;
  }
  std::size_t k() const noexcept { return count.size(); }
  std::size_t of(std::size_t i) const noexcept { return static_cast<std::size_t>(ids[i]); }

  double row(std::size_t i, const double* sums) const {
    const auto own = of(i);
    if (count[own] <= 1) return 0.0;  // singleton
    const double a = sums[own] / (count[own] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < k(); ++c)
      if (c != own) b = std::min(b, sums[c] / count[c]);
    const double m = std::max(a, b);
    return m > 0 ? (b - a) / m : 0.0;
  }
};

// Per-row sums of distances to each cluster, from distance blocks, then the silhouette per row.
template <DistancePolicy Distance>
std::vector<double> silhouette_samples_impl(TensorView<const float> x, std::span<const std::int64_t> labels) {
  const std::size_t n = x.dim(0), d = x.dim(1);
  const SilhouetteClusters cl(labels, n);
  const std::size_t kk = cl.k();
  const auto& ids = cl.ids;
  std::vector<double> s(n, 0.0);
  auto finish = [&](std::size_t i, const double* sums) { s[i] = cl.row(i, sums); };
  if (d <= 8 && std::is_same_v<Distance, Euclidean>) {
    // Low-dimensional rows (an embedding): direct distances in double are cheaper than a GEMM and exact.
#pragma omp parallel if (n * n >= (std::size_t(1) << 21))
    {
      std::vector<double> sums(kk);
#pragma omp for schedule(static)
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
        std::fill(sums.begin(), sums.end(), 0.0);
        const float* xi = x.data() + i * d;
        for (std::size_t j = 0; j < n; ++j) {
          double t = 0;
          for (std::size_t q = 0; q < d; ++q) {
            const double u = double(xi[q]) - double(x.data()[j * d + q]);
            t += u * u;
          }
          sums[static_cast<std::size_t>(ids[j])] += std::sqrt(t);
        }
        finish(static_cast<std::size_t>(i), sums.data());
      }
    }
    return s;
  }
  const auto y = Distance::prepare(x);
  for_each_distance_row<Distance>(y.view(), [&](std::size_t i, const double* r) {
    std::vector<double> sums(kk, 0.0);
    for (std::size_t j = 0; j < n; ++j) sums[static_cast<std::size_t>(ids[j])] += r[j];
    finish(i, sums.data());
  });
  return s;
}
}  // namespace detail

// The silhouette of every row.
inline std::vector<double> silhouette_samples(TensorView<const float> x, std::span<const std::int64_t> labels,
                                              Metric metric = Metric::euclidean) {
  check_matrix(x, "silhouette");
  require<value_error>(metric != Metric::correlation, "silhouette: expected metric euclidean or cosine, got correlation");
  return with_metric(metric, [&](auto dist) { return detail::silhouette_samples_impl<decltype(dist)>(x, labels); });
}

// The mean silhouette over all rows.
inline double silhouette_score(TensorView<const float> x, std::span<const std::int64_t> labels,
                               Metric metric = Metric::euclidean) {
  const auto s = silhouette_samples(x, labels, metric);
  double m = 0;
  for (double v : s) m += v;
  return m / static_cast<double>(s.size());
}

// The mean silhouette from a precomputed n x n distance matrix (row-major, double), so that many partitions of the
// same rows (model selection over k) pay for the distances once. Same conventions as silhouette_score.
inline double silhouette_score_from_distances(std::span<const double> dist, std::span<const std::int64_t> labels) {
  const std::size_t n = labels.size();
  require<shape_error>(dist.size() == n * n, "silhouette: expected ", n, " x ", n, " distances, got ", dist.size());
  const detail::SilhouetteClusters cl(labels, n);
  std::vector<double> sums(cl.k());
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::fill(sums.begin(), sums.end(), 0.0);
    const double* r = dist.data() + i * n;
    for (std::size_t j = 0; j < n; ++j) sums[cl.of(j)] += r[j];
    total += cl.row(i, sums.data());
  }
  return total / double(n);
}

struct BestK {
  std::int64_t k = 0;
  double score = -1;
  std::vector<std::int64_t> labels;
};

// Calls partition(k) -> labels for each k in [kmin, kmax] and keeps the one with the highest silhouette (ties to the
// smaller k). A partition with fewer than 2 or more than n - 1 distinct labels is skipped; if every one is, the
// result has k = 0.
template <class Partition>
BestK best_k_by_silhouette(TensorView<const float> x, std::int64_t kmin, std::int64_t kmax, Partition&& partition,
                           Metric metric = Metric::euclidean) {
  check_matrix(x, "best_k_by_silhouette");
  require<value_error>(kmin >= 1 && kmin <= kmax, "best_k_by_silhouette: expected 1 <= kmin <= kmax, got [", kmin, ", ",
                       kmax, "]");
  BestK best;
  for (std::int64_t k = kmin; k <= kmax; ++k) {
    std::vector<std::int64_t> labels = partition(k);
    std::vector<std::int64_t> tmp = labels;
    const std::int64_t m = canonical_labels(tmp);
    if (m < 2 || static_cast<std::size_t>(m) > x.dim(0) - 1) continue;
    const double s = silhouette_score(x, labels, metric);
    if (best.k == 0 || s > best.score) best = {k, s, std::move(labels)};
  }
  return best;
}

}  // namespace cluster
INX_END_NAMESPACE
