// Disjoint sets with path halving and union by size: the merging step of DBSCAN, single linkage and tree cuts.
#pragma once

#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n), size_(n, 1) { std::iota(parent_.begin(), parent_.end(), 0); }
  std::size_t find(std::size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  // Joins the sets of a and b; returns false if they were already one set.
  bool unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return true;
  }

 private:
  std::vector<std::size_t> parent_, size_;
};

}  // namespace cluster
INX_END_NAMESPACE
