// Agglomerative merge trees with the nearest-neighbour chain algorithm (O(n²) time and memory) for the reducible
// linkages single, complete, average and Ward, updated by the Lance-Williams formulas on distances in double.
// The output is scipy's linkage matrix: merges sorted by height, cluster ids 0..n-1 for rows and n+i for the
// cluster formed by merge i. Cuts give flat labels in order of first appearance.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string_view>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/union_find.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

enum class Linkage { single, complete, average, ward };

inline Linkage linkage_from_name(std::string_view s) {
  if (s == "single") return Linkage::single;
  if (s == "complete") return Linkage::complete;
  if (s == "average") return Linkage::average;
  if (s == "ward") return Linkage::ward;
  throw value_error(inx::detail::msg("linkage: expected single, complete, average or ward, got '", s, "'"));
}

struct Merge {
  std::int64_t a, b;  // merged cluster ids, a < b
  double height;
  std::int64_t size;
};

namespace detail {
// The smallest of row[i] + mask[i], i < n (mask: 0 or +inf), and the first i that reaches it (n when all are +inf):
// the minimum of 64-entry chunks first, so that the first index is searched for in one chunk only.
INX_SIMD_CLONES inline double masked_argmin(const double* row, const double* mask, std::size_t n, std::size_t& at) {
  constexpr std::size_t C = 64;
  double best = std::numeric_limits<double>::infinity();
  std::size_t chunk = n;
  for (std::size_t c0 = 0; c0 < n; c0 += C) {
    const std::size_t c1 = std::min(n, c0 + C);
    double m = std::numeric_limits<double>::infinity();
#pragma omp simd reduction(min : m)
    for (std::size_t i = c0; i < c1; ++i) m = std::min(m, row[i] + mask[i]);
    if (m < best) best = m, chunk = c0;
  }
  at = n;
  if (chunk < n)
    for (std::size_t i = chunk;; ++i)
      if (row[i] + mask[i] == best) {
        at = i;
        break;
      }
  return best;
}

// Row y of the merged cluster from rows x and y (the clusters of sizes nx, ny, at distance dxy) over columns
// 0..n-1 by the Lance-Williams formula of the linkage; size[i] holds cluster i's size as a double. Columns of
// clusters merged away get values too (they are masked wherever they are read): one contiguous, vectorised pass.
INX_SIMD_CLONES inline void lance_williams_ward(const double* dx, double* dy, const double* size, std::size_t n,
                                                double nx, double ny, double dxy) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    const double ni = size[i];
    dy[i] = std::max(((nx + ni) * dx[i] + (ny + ni) * dy[i] - ni * dxy) / (nx + ny + ni), 0.0);
  }
}

INX_SIMD_CLONES inline void lance_williams_simple(const double* dx, double* dy, std::size_t n, double nx, double ny,
                                                  int method) {
  if (method == 0) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) dy[i] = std::min(dx[i], dy[i]);
  } else if (method == 1) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) dy[i] = std::max(dx[i], dy[i]);
  } else {
    const double t = nx + ny;
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) dy[i] = (nx * dx[i] + ny * dy[i]) / t;
  }
}
}  // namespace detail

// The full merge tree (n - 1 merges) of the dissimilarity matrix dist (n x n with row stride ld, symmetric, zero
// diagonal; it is overwritten). For Ward the entries are Euclidean distances, or their squares with `squared`, and
// heights are scipy's Ward heights; its updates work on squared distances (no square root per update).
//
// The matrix stays full and symmetric, so every nearest-neighbour scan reads one contiguous row; a merge rewrites
// the merged cluster's row in one vectorised pass and copies it into its column for the clusters still there (one
// strided pass). A stride of a power of two bytes makes that copy miss the cache on every entry, even when the
// matrix fits in cache: detail::padded_stride gives one that does not.
inline std::vector<Merge> linkage_tree(double* dist, std::size_t n, std::size_t ld, Linkage method,
                                      bool squared = false) {
  std::vector<Merge> merges;
  if (n < 2) return merges;
  merges.reserve(n - 1);
  std::vector<double> size(n, 1.0);
  std::vector<std::size_t> chain;
  chain.reserve(n);
  // The clusters still there, ascending, for the column copies.
  std::vector<std::size_t> active(n);
  std::iota(active.begin(), active.end(), 0);
  std::vector<double> mask(n, 0.0);  // 0 for a cluster still there, +inf for one merged away
  auto D = [&](std::size_t i, std::size_t j) -> double& { return dist[i * ld + j]; };
  if (method == Linkage::ward && !squared)
    for (std::size_t i = 0; i < n; ++i) {
      double* r = dist + i * ld;
#pragma omp simd
      for (std::size_t j = 0; j < n; ++j) r[j] *= r[j];
    }
  for (std::size_t step = 0; step + 1 < n; ++step) {
    if (chain.empty()) chain.push_back(active.front());
    std::size_t x, y = 0;
    double best;
    // Follow nearest neighbours until two clusters are each other's nearest (ties keep the chain's predecessor, and
    // otherwise go to the lowest index, as a plain scan over 0..n-1 would).
    for (;;) {
      x = chain.back();
      if (chain.size() > 1) {
        y = chain[chain.size() - 2];
        best = D(x, y);
      } else {
        best = std::numeric_limits<double>::infinity();
      }
      mask[x] = std::numeric_limits<double>::infinity();
      std::size_t at;
      const double m = detail::masked_argmin(&dist[x * ld], mask.data(), n, at);
      mask[x] = 0;
      if (m < best) best = m, y = at;
      if (chain.size() > 1 && y == chain[chain.size() - 2]) break;
      chain.push_back(y);
    }
    chain.pop_back();
    chain.pop_back();
    if (x > y) std::swap(x, y);
    const double nx = size[x], ny = size[y];
    merges.push_back({static_cast<std::int64_t>(x), static_cast<std::int64_t>(y), method == Linkage::ward ? std::sqrt(best) : best,
                      static_cast<std::int64_t>(nx + ny)});
    // The merged cluster lives on at index y, as in scipy. Only the span of indices still there is rewritten.
    const std::size_t lo = active.front(), hi = active.back() + 1;
    double* rx = &dist[x * ld];
    double* ry = &dist[y * ld];
    if (method == Linkage::ward)
      detail::lance_williams_ward(rx + lo, ry + lo, size.data() + lo, hi - lo, nx, ny, best);
    else
      detail::lance_williams_simple(rx + lo, ry + lo, hi - lo, nx, ny,
                                    method == Linkage::single ? 0 : method == Linkage::complete ? 1 : 2);
    ry[y] = 0;
    {
      // The column: one cache miss per row once the matrix outgrows the cache, so the lines are asked for ahead.
      constexpr std::size_t ahead = 24;
      const std::size_t m = active.size();
      for (std::size_t k = 0; k < m; ++k) {
        if (k + ahead < m) __builtin_prefetch(&dist[active[k + ahead] * ld + y], 1, 0);
        const std::size_t i = active[k];
        D(i, y) = ry[i];
      }
    }
    size[y] = nx + ny;
    size[x] = 0;
    active.erase(std::lower_bound(active.begin(), active.end(), x));
    mask[x] = std::numeric_limits<double>::infinity();
  }
  // scipy: stable sort by height, then rename clusters so merge i creates id n + i.
  std::vector<std::size_t> order(merges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t p, std::size_t q) { return merges[p].height < merges[q].height; });
  std::vector<Merge> sorted;
  sorted.reserve(merges.size());
  std::vector<std::size_t> parent(2 * n - 1);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::size_t next = n;
  for (std::size_t o : order) {
    std::size_t a = find(static_cast<std::size_t>(merges[o].a)), b = find(static_cast<std::size_t>(merges[o].b));
    if (a > b) std::swap(a, b);
    sorted.push_back({static_cast<std::int64_t>(a), static_cast<std::int64_t>(b), merges[o].height, merges[o].size});
    parent[a] = parent[b] = next++;
  }
  return sorted;
}

// The same for a row-major n x n matrix held in a vector (consumed). Above a few hundred rows it is first copied
// to a padded stride, which costs far less than the cache misses it saves.
inline std::vector<Merge> linkage_tree(std::vector<double> dist, std::size_t n, Linkage method) {
  require<shape_error>(dist.size() == n * n, "linkage: expected ", n * n, " distances, got ", dist.size());
  const std::size_t ld = detail::padded_stride(n);
  if (n < 256 || ld == n) return linkage_tree(dist.data(), n, n, method);
  auto padded = Tensor<double>::uninitialized({n, ld});
  for (std::size_t i = 0; i < n; ++i) std::copy_n(&dist[i * n], n, padded.data() + i * ld);
  dist = {};
  return linkage_tree(padded.data(), n, ld, method);
}

// Flat labels after the first n - k merges (k clusters), numbered in order of first appearance.
inline std::vector<std::int64_t> cut_tree(const std::vector<Merge>& tree, std::size_t n, std::size_t k) {
  require<value_error>(k >= 1 && k <= n, "cut_tree: expected 1 <= k <= ", n, ", got ", k);
  require<shape_error>(tree.size() + 1 == n || n == 0, "cut_tree: a tree of ", tree.size(), " merges does not fit ",
                       n, " rows");
  UnionFind uf(2 * n);
  std::vector<std::size_t> rep(2 * n);
  std::iota(rep.begin(), rep.end(), 0);
  for (std::size_t i = 0; i + k < n; ++i) {
    const std::size_t a = rep[tree[i].a], b = rep[tree[i].b];
    uf.unite(a, b);
    rep[n + i] = a;
  }
  std::vector<std::int64_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<std::int64_t>(uf.find(i));
  canonical_labels(labels);
  return labels;
}

// Flat labels joining every merge with height <= t (scipy's fcluster criterion "distance" for monotone trees).
inline std::vector<std::int64_t> cut_tree_at(const std::vector<Merge>& tree, std::size_t n, double t) {
  std::size_t merges = 0;
  while (merges < tree.size() && tree[merges].height <= t) ++merges;
  return cut_tree(tree, n, n - merges);
}

}  // namespace cluster
INX_END_NAMESPACE
