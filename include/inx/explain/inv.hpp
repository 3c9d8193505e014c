// INV's steps for one layer of one image (Bianchi et al., arXiv 2405.03301, as the authors' code does them):
// channel weights as percentages, pruning by a threshold that depends on the channel count, clustering of the kept
// maps, one merged map per cluster at input resolution, and the filter that keeps and ranks the heavy clusters.
// Each step is a function of plain values, so it can be checked on its own (tests/explain, tools/inv_reference.py).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/io/resize.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace explain {

// Step 1: w_k = 100 * alpha_k / sum(alpha). With no positive total (no channel carries evidence for the class) every
// w_k is 0, so step 2 keeps nothing.
inline std::vector<double> percent_weights(std::span<const double> alpha) {
  double total = 0;
  for (double a : alpha) total += a;
  std::vector<double> w(alpha.size(), 0.0);
  if (!(total > 0) || !std::isfinite(total)) return w;
  for (std::size_t k = 0; k < alpha.size(); ++k) w[k] = 100.0 * alpha[k] / total;
  return w;
}

// Step 2's threshold tau(K) in percent: 0.175 for K >= 512 channels, doubling at each halving of K down to 64, and
// 76.8 / K below (the same rule continued).
inline double prune_threshold(std::size_t channels) {
  if (channels >= 512) return 0.175;
  if (channels >= 256) return 0.35;
  if (channels >= 128) return 0.7;
  if (channels >= 64) return 1.4;
  return 76.8 / double(std::max<std::size_t>(channels, 1));
}

// Step 2: the channels with w_k > tau(K), ascending.
inline std::vector<std::int64_t> kept_channels(std::span<const double> w) {
  const double tau = prune_threshold(w.size());
  std::vector<std::int64_t> kept;
  for (std::size_t k = 0; k < w.size(); ++k)
    if (w[k] > tau) kept.push_back(static_cast<std::int64_t>(k));
  return kept;
}

// The rows the clustering policy sees: each kept map A_k flattened, (n_kept, H*W).
inline Tensor<float> kept_rows(TensorView<const float> a, std::span<const std::int64_t> kept) {
  require<shape_error>(a.rank() == 3, "kept_rows: expected an activation (K, H, W), got shape ", a.shape().str());
  const std::size_t hw = a.dim(1) * a.dim(2);
  auto x = Tensor<float>::uninitialized({kept.size(), hw});
  for (std::size_t r = 0; r < kept.size(); ++r) {
    require<value_error>(kept[r] >= 0 && std::size_t(kept[r]) < a.dim(0), "kept_rows: channel ", kept[r],
                         " is outside [0, ", a.dim(0), ")");
    std::copy_n(a.data() + std::size_t(kept[r]) * hw, hw, x.data() + r * hw);
  }
  return x;
}

// Scales a map in place to [0, 1] by its minimum and maximum. A map without range (constant: a zero gradient, a
// class no channel supports) becomes all zeros, never NaN, and the function returns false so that the caller can
// mark it constant; a map that holds NaN is treated the same way.
inline bool minmax_scale(std::span<float> m) {
  if (m.empty()) return false;
  float a = m[0], b = m[0];
  bool finite = true;
  for (float v : m) {
    finite = finite && std::isfinite(v);
    a = std::min(a, v);
    b = std::max(b, v);
  }
  if (!finite || !(b > a)) {
    std::fill(m.begin(), m.end(), 0.0f);
    return false;
  }
  const float span = b - a;
  for (float& v : m) v = (v - a) / span;  // a division, not a reciprocal: the maximum maps to exactly 1
  return true;
}

// Whether a scaled map is constant (minmax_scale's all-zero result; a varying map reaches exactly 1).
inline bool is_constant_map(std::span<const float> m) {
  return std::all_of(m.begin(), m.end(), [&](float v) { return v == m[0]; });
}

// Step 4: A_C = sum_{k in C} w_k U(A_k) / sum_{k in C} w_k, min-max scaled, at out_h x out_w. U is bilinear with
// half-pixel centres (torch interpolate, align_corners=False, no antialias); it is linear, so the weighted sum is
// formed at layer resolution and upsampled once.
inline Tensor<float> cluster_map(TensorView<const float> a, std::span<const std::int64_t> members,
                                 std::span<const double> w, std::size_t out_h, std::size_t out_w) {
  require<shape_error>(a.rank() == 3 && w.size() == a.dim(0), "cluster_map: expected an activation (K, H, W) and K "
                       "weights, got ", a.shape().str(), " and ", w.size());
  require<value_error>(!members.empty(), "cluster_map: a cluster needs at least one member");
  const std::size_t h = a.dim(1), wd = a.dim(2), hw = h * wd;
  std::vector<double> acc(hw, 0.0);
  double total = 0;
  for (auto k : members) {
    require<value_error>(k >= 0 && std::size_t(k) < a.dim(0), "cluster_map: channel ", k, " is outside [0, ",
                         a.dim(0), ")");
    const float* ak = a.data() + std::size_t(k) * hw;
    const double wk = w[std::size_t(k)];
    total += wk;
    for (std::size_t i = 0; i < hw; ++i) acc[i] += wk * double(ak[i]);
  }
  auto small = Tensor<float>::uninitialized({1, h, wd});
  for (std::size_t i = 0; i < hw; ++i) small.data()[i] = static_cast<float>(total != 0 ? acc[i] / total : 0.0);
  auto up = io::resize_bilinear(small.view(), out_h, out_w, /*antialias=*/false);
  up.reshape_inplace({out_h, out_w});
  minmax_scale(up.span());
  return up;
}

// Step 5: the indices of the clusters whose weight reaches max(max w / 3, mean w / 2), heaviest first (ties keep
// their order).
inline std::vector<std::size_t> filter_and_rank(std::span<const double> cluster_weights) {
  std::vector<std::size_t> keep;
  if (cluster_weights.empty()) return keep;
  const double mx = *std::max_element(cluster_weights.begin(), cluster_weights.end());
  const double mean =
      std::accumulate(cluster_weights.begin(), cluster_weights.end(), 0.0) / double(cluster_weights.size());
  const double bar = std::max(mx / 3.0, mean / 2.0);
  for (std::size_t c = 0; c < cluster_weights.size(); ++c)
    if (!(cluster_weights[c] < bar)) keep.push_back(c);
  std::stable_sort(keep.begin(), keep.end(),
                   [&](std::size_t x, std::size_t y) { return cluster_weights[x] > cluster_weights[y]; });
  return keep;
}

}  // namespace explain
INX_END_NAMESPACE
