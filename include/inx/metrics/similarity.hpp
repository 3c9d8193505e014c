// How alike two maps are, as the sanity checks measure it (Adebayo et al. 2018; Quantus' MPRT):
// - spearman(a, b): the rank correlation of the flattened maps (ties get their average rank, as
//   scipy.stats.spearmanr). A constant map has no ranks to correlate; its correlation is defined here as 0.
// - ssim(a, b): scikit-image's structural_similarity on 2-D maps with its defaults (7 x 7 uniform window, K1 = 0.01,
//   K2 = 0.03, sample covariance, 'reflect' filtering, the mean over the window-valid interior), data_range the span
//   of both maps together (1 where both are constant).
// - abs_max_normalised / minmax_normalised: the normalisations the sanity check applies before each.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace metrics {

namespace detail {
// Average ranks (1-based) of v.
inline std::vector<double> average_ranks(std::span<const float> v) {
  std::vector<std::size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), std::size_t(0));
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double avg = 0.5 * double(i + j) + 1.0;
    for (std::size_t t = i; t <= j; ++t) r[idx[t]] = avg;
    i = j + 1;
  }
  return r;
}

inline void check_pair(TensorView<const float> a, TensorView<const float> b, const char* who) {
  require<shape_error>(a.shape() == b.shape() && a.size() > 0, who, ": the maps differ in shape (",
                       a.shape().str(), " and ", b.shape().str(), ") or are empty");
}
}  // namespace detail

// The centred average ranks of a map, computed once when one map is compared with many.
struct Ranks {
  std::vector<double> centred;  // rank - mean rank
  double norm2 = 0;             // sum of squares of `centred` (0 for a constant map)
  Shape shape;
};

inline Ranks ranks_of(TensorView<const float> m) {
  Ranks r;
  r.shape = m.shape();
  r.centred = detail::average_ranks({m.data(), m.size()});
  const double mean = (double(m.size()) + 1) / 2;
  for (double& v : r.centred) {
    v -= mean;
    r.norm2 += v * v;
  }
  return r;
}

inline double spearman(const Ranks& a, const Ranks& b) {
  require<shape_error>(a.shape == b.shape && !a.centred.empty(), "spearman: the maps differ in shape (",
                       a.shape.str(), " and ", b.shape.str(), ") or are empty");
  if (!(a.norm2 > 0) || !(b.norm2 > 0)) return 0.0;
  double sab = 0;
  for (std::size_t i = 0; i < a.centred.size(); ++i) sab += a.centred[i] * b.centred[i];
  return sab / std::sqrt(a.norm2 * b.norm2);
}

inline double spearman(TensorView<const float> a, TensorView<const float> b) {
  detail::check_pair(a, b, "spearman");
  return spearman(ranks_of(a), ranks_of(b));
}

inline double ssim(TensorView<const float> a, TensorView<const float> b) {
  detail::check_pair(a, b, "ssim");
  require<shape_error>(a.rank() == 2 && a.dim(0) >= 7 && a.dim(1) >= 7, "ssim: expected 2-D maps of at least 7 x 7, "
                       "got ", a.shape().str());
  const std::int64_t h = std::int64_t(a.dim(0)), w = std::int64_t(a.dim(1)), r = 3;
  float lo = a.data()[0], hi = a.data()[0];
  for (std::size_t i = 0; i < a.size(); ++i) {
    lo = std::min({lo, a.data()[i], b.data()[i]});
    hi = std::max({hi, a.data()[i], b.data()[i]});
  }
  const double range = hi > lo ? double(hi) - double(lo) : 1.0;
  const double c1 = (0.01 * range) * (0.01 * range), c2 = (0.03 * range) * (0.03 * range), np = 49;
  const double cov_norm = np / (np - 1);
  // Only the windows that lie wholly inside the map are averaged (skimage crops (7 - 1) / 2 pixels at each edge
  // after filtering), so no border rule is ever read.
  // Window sums of a, b, a^2, b^2 and ab, separably: 7-wide row sums at the interior columns, then 7-tall column
  // sums of those at the interior rows (O(HW) per map, so a 224 x 224 map costs well under a millisecond).
  const std::int64_t iw = w - 2 * r, ih = h - 2 * r;
  std::vector<double> rows(std::size_t(5 * h * iw));
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < iw; ++x) {
      double s[5] = {0, 0, 0, 0, 0};
      for (std::int64_t d = 0; d <= 2 * r; ++d) {
        const std::size_t i = std::size_t(y * w + x + d);
        const double va = a.data()[i], vb = b.data()[i];
        s[0] += va, s[1] += vb, s[2] += va * va, s[3] += vb * vb, s[4] += va * vb;
      }
      for (int q = 0; q < 5; ++q) rows[std::size_t((q * h + y) * iw + x)] = s[q];
    }
  double total = 0;
  for (std::int64_t y = 0; y < ih; ++y)
    for (std::int64_t x = 0; x < iw; ++x) {
      double s[5] = {0, 0, 0, 0, 0};
      for (int q = 0; q < 5; ++q)
        for (std::int64_t d = 0; d <= 2 * r; ++d) s[q] += rows[std::size_t((q * h + y + d) * iw + x)];
      const double ux = s[0] / np, uy = s[1] / np;
      const double vx = cov_norm * (s[2] / np - ux * ux), vy = cov_norm * (s[3] / np - uy * uy),
                   vxy = cov_norm * (s[4] / np - ux * uy);
      total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
    }
  const std::size_t count = std::size_t(ih * iw);
  return total / double(count);
}

// |m| / max |m| (all zeros stay zeros).
inline Tensor<float> abs_max_normalised(TensorView<const float> m) {
  auto t = Tensor<float>::uninitialized(m.shape());
  float mx = 0;
  for (std::size_t i = 0; i < m.size(); ++i) mx = std::max(mx, std::abs(m.data()[i]));
  for (std::size_t i = 0; i < m.size(); ++i) t.data()[i] = mx > 0 ? std::abs(m.data()[i]) / mx : 0.0f;
  return t;
}

// (m - min) / (max - min), a constant map becoming 0.
inline Tensor<float> minmax_normalised(TensorView<const float> m) {
  auto t = Tensor<float>::uninitialized(m.shape());
  const auto [lo, hi] = std::minmax_element(m.data(), m.data() + m.size());
  const float a = *lo, span = *hi - a;
  for (std::size_t i = 0; i < m.size(); ++i) t.data()[i] = span > 0 ? (m.data()[i] - a) / span : 0.0f;
  return t;
}

}  // namespace metrics
INX_END_NAMESPACE
