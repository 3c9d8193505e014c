// Exact DBSCAN (scikit-learn's definition): the eps-neighbourhood of a row includes the row itself and every row at
// distance <= eps; a row with at least min_samples neighbours is a core row; cores within eps of each other share a
// cluster (union-find); a non-core row within eps of a core is a border row, other rows are noise (-1).
// Neighbourhoods come from GEMM over blocks of rows, kept as lists of the pairs within eps (O(pairs) memory: up to
// max_pairs of 4 bytes, 128 MB by default, twice that at most with the lists' growth; past it the lists are dropped
// and the distances computed twice instead, in O(block x n) memory, never O(n²)).
//
// Border rows reachable from several clusters: scikit-learn expands clusters in order of their lowest-index core
// row and a border row keeps the first cluster that reaches it. inx does the same: a border row joins, among the
// clusters of its core neighbours, the one whose lowest core index is smallest. Clusters are numbered in that order
// too, so labels equal scikit-learn's exactly, not only up to renaming.
#pragma once

#include <algorithm>
#include <atomic>
#include <optional>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/union_find.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

template <DistancePolicy Distance = Euclidean>
struct DBSCAN {
  static constexpr std::string_view name = "dbscan";
  double eps = 0.5;
  std::int64_t min_samples = 5;
  std::size_t block = 0;  // rows per GEMM block; 0: as many as fit 4 MB of distances (kept in cache: see fit)
  std::size_t max_pairs = std::size_t(1) << 25;  // pairs within eps kept as lists (4 bytes each); beyond: see fit

  // For each row i, the rows j > i within eps, or nothing where they would pass max_pairs in all.
  std::optional<std::vector<std::vector<std::uint32_t>>> neighbour_lists(TensorView<const float> y,
                                                                         std::size_t block) const {
    const std::size_t n = y.dim(0);
    if (n > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    std::vector<std::vector<std::uint32_t>> lists(n);
    std::atomic<std::size_t> entries{0};
    std::atomic<bool> full{false};
    for_each_upper_distance_block<Distance>(y, block, [&](std::size_t i0, std::size_t i1, const double* dist,
                                                          std::size_t w) -> bool {
      const std::size_t m = i1 - i0;
#pragma omp parallel for schedule(dynamic, 8) if (m * w >= (std::size_t(1) << 16))
      for (std::int64_t rr = 0; rr < static_cast<std::int64_t>(m); ++rr) {
        const std::size_t r = static_cast<std::size_t>(rr);
        const double* row = dist + r * w;
        auto& out = lists[i0 + r];
        for (std::size_t t = r + 1; t < w; ++t)
          if (row[t] <= eps) out.push_back(static_cast<std::uint32_t>(i0 + t));
        if (entries.fetch_add(out.size(), std::memory_order_relaxed) + out.size() > max_pairs)
          full.store(true, std::memory_order_relaxed);
      }
      return !full.load(std::memory_order_relaxed);  // past the cap: no further blocks
    });
    if (full.load()) return std::nullopt;
    return lists;
  }

  // score: the fraction of rows that are noise.
  Clustering fit(TensorView<const float> x) const {
    check_matrix(x, "dbscan");
    require<value_error>(eps > 0 && std::isfinite(eps), "dbscan: expected eps > 0, got ", eps);
    require<value_error>(min_samples >= 1, "dbscan: expected min_samples >= 1, got ", min_samples);
    const std::size_t n = x.dim(0);
    const auto y = Distance::prepare(x);
    // Both passes visit each pair once, from the upper triangle of each block of distances right after its GEMM:
    // blocks of 2^19 entries (4 MB in double) stay in cache, where 2^22 made n = 2048 twice as slow (bench/README.md).
    const std::size_t block = this->block ? this->block : std::max<std::size_t>(1, (std::size_t(1) << 19) / n);
    // One pass over the distances keeps each row's neighbours after it (pairs within eps, each once), in parallel
    // over rows; both steps below then read those lists. Where the lists would pass max_pairs (2^25 pairs, 128 MB:
    // a large eps on many rows), they are dropped and each step recomputes the distances instead, in O(block x n).
    auto lists = neighbour_lists(y.view(), block);
    // Neighbour counts (the row itself included) decide the core rows.
    std::vector<std::int64_t> count(n, 1);
    if (lists) {
      for (std::size_t i = 0; i < n; ++i) {
        count[i] += static_cast<std::int64_t>((*lists)[i].size());
        for (auto j : (*lists)[i]) ++count[j];
      }
    } else {
      for_each_upper_distance_block<Distance>(
          y.view(), block, [&](std::size_t i0, std::size_t i1, const double* dist, std::size_t w) {
            for (std::size_t i = i0; i < i1; ++i) {
              const double* r = dist + (i - i0) * w;  // r[t]: the distance to row i0 + t, for i0 + t > i
              std::int64_t* cnt = count.data() + i0;
              std::int64_t c = 0;
#pragma omp simd reduction(+ : c)
              for (std::size_t t = i - i0 + 1; t < w; ++t) {
                const std::int64_t near = r[t] <= eps;
                c += near;
                cnt[t] += near;
              }
              count[i] += c;
            }
          });
    }
    std::vector<char> core(n);
    bool any_core = false;
    for (std::size_t i = 0; i < n; ++i) any_core |= (core[i] = count[i] >= min_samples);
    std::vector<std::int64_t> labels(n, -1);
    if (any_core) {
      // Cores within eps are joined; each border row records its core neighbours.
      UnionFind uf(n);
      std::vector<std::vector<std::size_t>> border_cores(n);
      auto visit = [&](std::size_t i, std::size_t j) {  // i < j, within eps
        if (core[i] && core[j])
          uf.unite(i, j);
        else if (core[i])
          border_cores[j].push_back(i);
        else if (core[j])
          border_cores[i].push_back(j);
      };
      if (lists) {
        for (std::size_t i = 0; i < n; ++i)
          for (auto j : (*lists)[i]) visit(i, j);
      } else {
        for_each_upper_distance_block<Distance>(
            y.view(), block, [&](std::size_t i0, std::size_t i1, const double* dist, std::size_t w) {
              for (std::size_t i = i0; i < i1; ++i) {
                const double* r = dist + (i - i0) * w;
                for (std::size_t j = i + 1; j < n; ++j)
                  if (r[j - i0] <= eps) visit(i, j);
              }
            });
      }
      // Clusters ordered by their lowest core index, as scikit-learn discovers them.
      std::vector<std::size_t> first(n, std::numeric_limits<std::size_t>::max());
      for (std::size_t i = 0; i < n; ++i)
        if (core[i]) first[uf.find(i)] = std::min(first[uf.find(i)], i);
      std::vector<std::int64_t> id(n, -1);
      std::int64_t next = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (core[i] && id[uf.find(i)] < 0) id[uf.find(i)] = next++;
      for (std::size_t i = 0; i < n; ++i) {
        if (core[i]) {
          labels[i] = id[uf.find(i)];
        } else if (!border_cores[i].empty()) {
          std::size_t best = std::numeric_limits<std::size_t>::max();
          for (std::size_t j : border_cores[i]) best = std::min(best, first[uf.find(j)]);
          labels[i] = id[uf.find(best)];
        }
      }
    }
    Clustering out;
    out.labels = std::move(labels);
    out.n_clusters = 0;
    std::int64_t noise = 0;
    for (auto l : out.labels) out.n_clusters = std::max(out.n_clusters, l + 1), noise += l < 0;
    out.score = static_cast<double>(noise) / static_cast<double>(n);
    out.score_name = "noise_fraction";
    return out;
  }
};

static_assert(ClusteringPolicy<DBSCAN<Euclidean>> && ClusteringPolicy<DBSCAN<Cosine>>);

}  // namespace cluster
INX_END_NAMESPACE
