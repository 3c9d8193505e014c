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

// The full merge tree (n - 1 merges) of the dissimilarity matrix dist (row-major n x n, symmetric, zero diagonal;
// it is consumed). For Ward the entries are Euclidean distances and heights are scipy's Ward heights.
inline std::vector<Merge> linkage_tree(std::vector<double> dist, std::size_t n, Linkage method) {
  require<shape_error>(dist.size() == n * n, "linkage: expected ", n * n, " distances, got ", dist.size());
  std::vector<Merge> merges;
  if (n < 2) return merges;
  merges.reserve(n - 1);
  std::vector<std::int64_t> size(n, 1);
  std::vector<std::size_t> chain;
  chain.reserve(n);
  // The clusters still there, ascending: the scans below visit only them (on average half of n over a run) in the
  // order a scan over all of 0..n-1 would, so ties break the same way.
  std::vector<std::size_t> active(n);
  std::iota(active.begin(), active.end(), 0);
  std::vector<double> mask(n, 0.0);  // 0 for a cluster still there, +inf for one merged away
  auto D = [&](std::size_t i, std::size_t j) -> double& { return dist[i * n + j]; };
  for (std::size_t step = 0; step + 1 < n; ++step) {
    if (chain.empty()) chain.push_back(active.front());
    std::size_t x, y = 0;
    double best;
    // Follow nearest neighbours until two clusters are each other's nearest (ties keep the chain's predecessor).
    for (;;) {
      x = chain.back();
      if (chain.size() > 1) {
        y = chain[chain.size() - 2];
        best = D(x, y);
      } else {
        best = std::numeric_limits<double>::infinity();
      }
      // The first nearest cluster (x and merged-away clusters masked by +inf): a vectorised minimum, then the first
      // index that reaches it; it replaces the predecessor only when strictly nearer, as a plain scan would.
      const double* row = &dist[x * n];
      mask[x] = std::numeric_limits<double>::infinity();
      double m = std::numeric_limits<double>::infinity();
#pragma omp simd reduction(min : m)
      for (std::size_t i = 0; i < n; ++i) m = std::min(m, row[i] + mask[i]);
      if (m < best) {
        std::size_t i = 0;
        while (row[i] + mask[i] != m) ++i;
        best = m, y = i;
      }
      mask[x] = 0;
      if (chain.size() > 1 && y == chain[chain.size() - 2]) break;
      chain.push_back(y);
    }
    chain.pop_back();
    chain.pop_back();
    if (x > y) std::swap(x, y);
    const double nx = static_cast<double>(size[x]), ny = static_cast<double>(size[y]);
    merges.push_back({static_cast<std::int64_t>(x), static_cast<std::int64_t>(y), best, size[x] + size[y]});
    // The merged cluster lives on at index y, as in scipy.
    for (const std::size_t i : active) {
      if (i == x || i == y) continue;
      const double dx = D(x, i), dy = D(y, i);
      double v;
      switch (method) {
        case Linkage::single: v = std::min(dx, dy); break;
        case Linkage::complete: v = std::max(dx, dy); break;
        case Linkage::average: v = (nx * dx + ny * dy) / (nx + ny); break;
        default: {
          const double ni = static_cast<double>(size[i]);
          v = std::sqrt(std::max(((nx + ni) * dx * dx + (ny + ni) * dy * dy - ni * best * best) / (nx + ny + ni), 0.0));
        }
      }
      D(y, i) = D(i, y) = v;
    }
    size[y] += size[x];
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
