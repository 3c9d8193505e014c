// Grouping rows by Pearson correlation: the correlation matrix from one GEMM of centred, unit-norm rows (a SYRK-like
// product), then either merging at a threshold (rows, or clusters under the chosen linkage, join while their
// correlation is >= threshold) or cutting the merge tree to k clusters. Linkages: single (union-find over the
// pairs above the threshold: correlation chains), average (mean pairwise correlation), complete (every pair).
// A constant row has correlation 0 with every other row (and 1 with itself).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/linkage.hpp"
#include "inx/cluster/union_find.hpp"
#include "inx/tensor/gemm.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

// The n x n Pearson correlation matrix of the rows (like np.corrcoef, but 0 off the diagonal for constant rows).
inline Tensor<float> correlation_matrix(TensorView<const float> x) {
  check_matrix(x, "correlation");
  const std::size_t n = x.dim(0), d = x.dim(1);
  const auto z = Correlation::prepare(x);
  auto c = Tensor<float>::uninitialized({n, n});
  // Only the lower triangle, as a SYRK would: one GEMM per band of rows against the rows up to the band's end (half
  // the work of the full product; 2048 x 49 took 5.4 ms in full). Then the lower triangle is mirrored into the upper
  // one in cache-sized tiles, so the matrix is exactly symmetric.
  constexpr std::size_t kBand = 256;
  for (std::size_t i0 = 0; i0 < n; i0 += kBand) {
    const std::size_t rows = std::min(kBand, n - i0);
    ops::gemm<cpu>(false, true, rows, i0 + rows, d, 1.0f, z.data() + i0 * d, d, z.data(), d, 0.0f, c.data() + i0 * n,
                   n);
  }
  detail::symmetrize(c.data(), n, n, [](float lo, float) { return std::clamp(lo, -1.0f, 1.0f); });
  for (std::size_t i = 0; i < n; ++i) c.data()[i * n + i] = 1.0f;
  return c;
}

struct CorrelationMerge {
  static constexpr std::string_view name = "correlation";
  double threshold = 0.8;  // used when k == 0
  std::int64_t k = 0;      // > 0: cut the merge tree to k clusters instead
  Linkage linkage = Linkage::average;

  // score: the mean correlation over pairs of rows that share a cluster (0 if every cluster is a single row).
  Clustering fit(TensorView<const float> x) const {
    check_matrix(x, "correlation");
    require<value_error>(linkage != Linkage::ward, "correlation: expected linkage single, average or complete, got ward");
    const std::size_t n = x.dim(0);
    if (k != 0) check_k(k, n, "correlation");
    require<value_error>(k != 0 || (threshold >= -1 && threshold <= 1), "correlation: expected a threshold in [-1, 1], got ",
                         threshold);
    const auto c = correlation_matrix(x);
    Clustering out;
    if (k == 0 && linkage == Linkage::single) {
      UnionFind uf(n);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (c.data()[i * n + j] >= threshold) uf.unite(i, j);
      out.labels.resize(n);
      for (std::size_t i = 0; i < n; ++i) out.labels[i] = static_cast<std::int64_t>(uf.find(i));
    } else {
      const std::size_t ld = detail::padded_stride(n);
      auto dist = Tensor<double>::uninitialized({n, ld});
#pragma omp parallel for schedule(static) if (n * n >= detail::kParallelElems / 8)
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
        const float* ci = c.data() + i * n;
        double* di = dist.data() + i * ld;
#pragma omp simd
        for (std::size_t j = 0; j < n; ++j) di[j] = 1.0 - double(ci[j]);
        di[i] = 0;
      }
      const auto tree = linkage_tree(dist.data(), n, ld, linkage);
      out.labels = k > 0 ? cut_tree(tree, n, static_cast<std::size_t>(k)) : cut_tree_at(tree, n, 1.0 - threshold);
    }
    out.n_clusters = canonical_labels(out.labels);
    double s = 0, pairs = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (out.labels[i] == out.labels[j]) s += c.data()[i * n + j], pairs += 1;
    out.score = pairs > 0 ? s / pairs : 0.0;
    out.score_name = "mean_intra_correlation";
    return out;
  }
};

static_assert(ClusteringPolicy<CorrelationMerge>);

}  // namespace cluster
INX_END_NAMESPACE
