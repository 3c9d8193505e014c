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

// The silhouette of every row with each pair's distance computed once: the rows sorted by cluster (so each cluster
// is a run of consecutive rows), the upper triangle of distances in blocks, and for a pair i < j the distance added
// to i's sum for j's cluster (a sum over a run of row i) and to j's sum for i's cluster (row i added into one row of
// a k x n table). Half the GEMM and square roots of the full matrix, and every pass runs along rows. Memory: 2 k n
// doubles.
template <DistancePolicy Distance>
std::vector<double> silhouette_samples_sorted(TensorView<const float> x, const SilhouetteClusters& cl) {
  const std::size_t n = x.dim(0), d = x.dim(1), kk = cl.k();
  std::vector<std::size_t> order(n), start(kk + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++start[cl.of(i) + 1];
  for (std::size_t c = 0; c < kk; ++c) start[c + 1] += start[c];
  {
    auto next = start;
    for (std::size_t i = 0; i < n; ++i) order[next[cl.of(i)]++] = i;
  }
  auto sorted = Tensor<float>::uninitialized({n, d});
  for (std::size_t i = 0; i < n; ++i) std::copy_n(x.data() + order[i] * d, d, sorted.data() + i * d);
  std::vector<std::size_t> cid(n);  // cluster of sorted row i
  for (std::size_t c = 0; c < kk; ++c) std::fill(cid.begin() + start[c], cid.begin() + start[c + 1], c);
  std::vector<double> rows(n * kk, 0.0);  // rows[i * kk + c]: sorted row i to the rows of cluster c after it
  std::vector<double> cols(kk * n, 0.0);  // cols[c * n + j]: sorted row j to the rows of cluster c before it
  const auto y = Distance::prepare(sorted.view());
  constexpr std::size_t chunk = 256;
  const std::size_t block = std::max<std::size_t>(16, (std::size_t(1) << 19) / n);  // 4 MB of distances
  for_each_upper_distance_block<Distance>(y.view(), block, [&](std::size_t i0, std::size_t i1, const double* dist,
                                                            std::size_t w) {
    const std::size_t m = i1 - i0;
#pragma omp parallel if (m * w >= (std::size_t(1) << 16))
    {
#pragma omp for schedule(dynamic, 8) nowait
      for (std::int64_t r = 0; r < static_cast<std::int64_t>(m); ++r) {
        const std::size_t i = i0 + static_cast<std::size_t>(r);
        const double* row = dist + static_cast<std::size_t>(r) * w;  // row[j - i0]: the distance to j > i
        for (std::size_t c = cid[i]; c < kk; ++c) {
          double t = 0;
          const std::size_t j0 = std::max(start[c], i + 1) - i0, j1 = start[c + 1] - i0;
#pragma omp simd reduction(+ : t)
          for (std::size_t j = j0; j < j1; ++j) t += row[j];
          rows[i * kk + c] += t;
        }
      }
      // Columns in chunks, one thread each, so that no two threads add into the same entries.
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t q = 0; q < static_cast<std::int64_t>((w + chunk - 1) / chunk); ++q) {
        const std::size_t j0 = i0 + static_cast<std::size_t>(q) * chunk, j1 = std::min(i0 + w, j0 + chunk);
        for (std::size_t r = 0; r < m && i0 + r + 1 < j1; ++r) {
          const std::size_t i = i0 + r;
          const std::size_t lo = std::max(j0, i + 1);
          const double* row = dist + r * w + (lo - i0);
          double* out = cols.data() + cid[i] * n + lo;
#pragma omp simd
          for (std::size_t t = 0; t < j1 - lo; ++t) out[t] += row[t];
        }
      }
    }
  });
  std::vector<double> s(n, 0.0);
#pragma omp parallel if (n >= 1024)
  {
    std::vector<double> sums(kk);
#pragma omp for schedule(static)
    for (std::int64_t ii = 0; ii < static_cast<std::int64_t>(n); ++ii) {
      const std::size_t i = static_cast<std::size_t>(ii);
      for (std::size_t c = 0; c < kk; ++c) sums[c] = rows[i * kk + c] + cols[c * n + i];
      s[order[i]] = cl.row(order[i], sums.data());
    }
  }
  return s;
}

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
  if (kk <= 256) return silhouette_samples_sorted<Distance>(x, cl);
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
