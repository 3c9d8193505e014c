// The result every clustering policy returns, the concept a clustering policy satisfies, and the input checks all
// policies share. Policies see a plain row-major float matrix X (n rows x d columns, one row per feature map).
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

// Labels are 0..n_clusters-1 in order of first appearance; -1 marks noise (DBSCAN). `score` is the policy's own
// quality measure, named by score_name ("inertia", "silhouette", ...).
struct Clustering {
  std::vector<std::int64_t> labels;
  std::int64_t n_clusters = 0;
  double score = 0;
  std::string score_name;
};

// A clustering policy: a small value type holding its parameters, whose fit() sees only the matrix.
template <class P>
concept ClusteringPolicy = requires(const P& p, TensorView<const float> x) {
  { P::name } -> std::convertible_to<std::string_view>;
  { p.fit(x) } -> std::same_as<Clustering>;
};

// Renumbers labels 0, 1, ... in order of first appearance (noise, any negative label, becomes -1) and returns the
// number of clusters. Makes results comparable and independent of internal cluster ids.
inline std::int64_t canonical_labels(std::vector<std::int64_t>& labels) {
  std::unordered_map<std::int64_t, std::int64_t> ids;
  for (auto& l : labels) {
    if (l < 0) {
      l = -1;
      continue;
    }
    auto [it, fresh] = ids.try_emplace(l, static_cast<std::int64_t>(ids.size()));
    l = it->second;
  }
  return static_cast<std::int64_t>(ids.size());
}

namespace detail {
// Simple passes over fewer elements than this run on one thread: they are memory-bound, and an OpenMP region costs
// a scheduler time slice whenever the cores are shared, far more than such a pass.
inline constexpr std::size_t kParallelElems = std::size_t(1) << 23;
}  // namespace detail

// Throws unless x is a non-empty 2-D matrix of finite values. `who` names the caller in the message.
inline void check_matrix(TensorView<const float> x, std::string_view who) {
  require<shape_error>(x.rank() == 2, who, ": expected a 2-D matrix (rows x features), got shape ", x.shape().str());
  require<shape_error>(x.dim(0) >= 1 && x.dim(1) >= 1, who, ": expected at least one row and one column, got shape ",
                       x.shape().str());
  const std::size_t n = x.dim(0), d = x.dim(1);
  const float* p = x.data();
  std::int64_t bad = -1;
#pragma omp parallel for schedule(static) if (n * d >= detail::kParallelElems)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    // x * 0 is 0 for finite x and NaN for NaN or Inf, so one vectorised sum finds any non-finite value.
    float s = 0;
    const float* r = p + i * d;
#pragma omp simd reduction(+ : s)
    for (std::size_t j = 0; j < d; ++j) s += r[j] * 0.0f;
    if (s != 0) {
#pragma omp critical(inx_cluster_check)
      if (bad < 0 || i < bad) bad = i;
    }
  }
  require<value_error>(bad < 0, who, ": expected finite values, row ", bad, " holds NaN or Inf");
}

// Throws unless 1 <= k <= n.
inline void check_k(std::int64_t k, std::size_t n, std::string_view who) {
  require<value_error>(k >= 1, who, ": expected k >= 1, got ", k);
  require<value_error>(static_cast<std::size_t>(k) <= n, who, ": expected k <= the number of rows ", n, ", got ", k);
}

}  // namespace cluster
INX_END_NAMESPACE
