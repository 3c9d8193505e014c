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

inline double spearman(TensorView<const float> a, TensorView<const float> b) {
  detail::check_pair(a, b, "spearman");
  const auto ra = detail::average_ranks({a.data(), a.size()}), rb = detail::average_ranks({b.data(), b.size()});
  const double n = double(ra.size()), mean = (n + 1) / 2;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    const double x = ra[i] - mean, y = rb[i] - mean;
    sab += x * y, saa += x * x, sbb += y * y;
  }
  if (!(saa > 0) || !(sbb > 0)) return 0.0;
  return sab / std::sqrt(saa * sbb);
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
  double total = 0;
  std::size_t count = 0;
  for (std::int64_t y = r; y < h - r; ++y)
    for (std::int64_t x = r; x < w - r; ++x) {
      double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (std::int64_t dy = -r; dy <= r; ++dy)
        for (std::int64_t dx = -r; dx <= r; ++dx) {
          const std::size_t i = std::size_t((y + dy) * w + x + dx);
          const double va = a.data()[i], vb = b.data()[i];
          sa += va, sb += vb, saa += va * va, sbb += vb * vb, sab += va * vb;
        }
      const double ux = sa / np, uy = sb / np;
      const double vx = cov_norm * (saa / np - ux * ux), vy = cov_norm * (sbb / np - uy * uy),
                   vxy = cov_norm * (sab / np - ux * uy);
      total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
      ++count;
    }
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
