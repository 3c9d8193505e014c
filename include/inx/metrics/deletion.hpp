// Deletion and insertion (Petsiuk et al., "RISE", BMVC 2018; as eclique/RISE evaluation.py computes them). The input
// pixels are ranked by the map (upsampled to the input), highest first, ties broken by the lower flat index (a
// stable sort). `step` pixels change per step (default: the input width), so there are n = ceil(HW / step) steps and
// n + 1 probabilities, the first on the start image. Deletion starts from the input and sets the ranked pixels to 0
// in every channel (the mean colour, the input being normalised); insertion starts from RISE's blurred copy and
// copies the original pixels back. The score is the trapezoid area under the curve on [0, 1]:
// (sum p - p_0 / 2 - p_n / 2) / n. Lower deletion and higher insertion are better.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <string_view>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/metrics/metric.hpp"
#include "inx/metrics/probe.hpp"

INX_BEGIN_NAMESPACE
namespace metrics {

// RISE's blur kernel is what scipy.ndimage.gaussian_filter(impulse, sigma=5) makes of a centred unit impulse of
// 11 x 11 (truncate 4, 'reflect' boundary). Being separable, it is k (x) k for this 1-D k: the weights of the
// 41-tap Gaussian (sigma 5) that land on the impulse when the 11-sample row is reflected (d c b a | a b c d | d c b a).
inline std::array<double, 11> rise_kernel_1d() {
  constexpr int n = 11, centre = 5, radius = 20;
  constexpr double sigma = 5;
  std::array<double, 2 * radius + 1> g{};
  double total = 0;
  for (int j = -radius; j <= radius; ++j) total += g[std::size_t(j + radius)] = std::exp(-0.5 * j * j / (sigma * sigma));
  std::array<double, n> k{};
  for (int i = 0; i < n; ++i)
    for (int j = -radius; j <= radius; ++j) {
      int m = ((i + j) % (2 * n) + 2 * n) % (2 * n);
      if (m >= n) m = 2 * n - 1 - m;
      if (m == centre) k[std::size_t(i)] += g[std::size_t(j + radius)] / total;
    }
  return k;
}

// RISE's blurred start image for insertion: each channel filtered with the 11 x 11 kernel, zero padding 5.
inline Tensor<float> rise_blur(TensorView<const float> x) {
  require<shape_error>(x.rank() == 3, "rise_blur: expected an input (C, H, W), got ", x.shape().str());
  const auto k = rise_kernel_1d();
  const std::int64_t c = std::int64_t(x.dim(0)), h = std::int64_t(x.dim(1)), w = std::int64_t(x.dim(2)), r = 5;
  auto out = Tensor<float>::uninitialized(x.shape());
  std::vector<double> rows(std::size_t(h * w));
  for (std::int64_t ch = 0; ch < c; ++ch) {
    const float* src = x.data() + ch * h * w;
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t xx = 0; xx < w; ++xx) {
        double s = 0;
        for (std::int64_t j = -r; j <= r; ++j)
          if (xx + j >= 0 && xx + j < w) s += k[std::size_t(j + r)] * src[y * w + xx + j];
        rows[std::size_t(y * w + xx)] = s;
      }
    float* dst = out.data() + ch * h * w;
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t xx = 0; xx < w; ++xx) {
        double s = 0;
        for (std::int64_t j = -r; j <= r; ++j)
          if (y + j >= 0 && y + j < h) s += k[std::size_t(j + r)] * rows[std::size_t((y + j) * w + xx)];
        dst[y * w + xx] = static_cast<float>(s);
      }
  }
  return out;
}

// Pixel indices of a map (already at input size), highest value first; equal values keep index order.
inline std::vector<std::uint32_t> pixel_order(TensorView<const float> map) {
  std::vector<std::uint32_t> order(map.size());
  std::iota(order.begin(), order.end(), 0u);
  const float* m = map.data();
  std::stable_sort(order.begin(), order.end(), [m](std::uint32_t a, std::uint32_t b) { return m[a] > m[b]; });
  return order;
}

// The trapezoid area of n + 1 equally spaced values on [0, 1].
inline double curve_auc(std::span<const double> p) {
  require<value_error>(p.size() >= 2, "curve_auc: expected at least two values, got ", p.size());
  double s = 0;
  for (double v : p) s += v;
  return (s - p.front() / 2 - p.back() / 2) / double(p.size() - 1);
}

struct Curve {
  std::vector<double> probabilities;  // n + 1 values: the start image, then after each step
  double auc = 0;
};

template <bool Insert>
struct RiseMetric {
  static constexpr std::string_view name = Insert ? "insertion" : "deletion";
  static constexpr bool higher_is_better = Insert;
  std::size_t step = 0;  // pixels per step; 0: the input width

  // The number of steps for an input of H x W.
  std::size_t steps(std::size_t h, std::size_t w) const {
    const std::size_t hw = h * w, st = step ? step : w;
    require<value_error>(st >= 1 && st <= hw, name, ": --step ", st, " pixels: expected 1 to the input's ", hw,
                         " pixels");
    return (hw + st - 1) / st;
  }

  template <Probe P>
  std::vector<Curve> curves(P& probe, std::span<const Item> items) const {
    if (items.empty()) return {};
    const Shape shape = items[0].x.shape();
    for (const auto& it : items) {
      detail::check_item(it, name);
      require<shape_error>(it.x.shape() == shape, name, ": every input must have the same shape; got ",
                           shape.str(), " and ", it.x.shape().str());
    }
    const std::size_t c = shape[0], h = shape[1], w = shape[2], hw = h * w, st = step ? step : w, n = steps(h, w);
    BatchStream<P> stream(probe, shape);
    std::vector<float> current(c * hw);
    for (const auto& it : items) {
      const auto order = pixel_order(map_at(it.map, h, w).view());
      const float* x = it.x.data();
      if constexpr (Insert) {
        const auto blurred = rise_blur(it.x);
        std::copy_n(blurred.data(), c * hw, current.data());
      } else {
        std::copy_n(x, c * hw, current.data());
      }
      for (std::size_t s = 0; s <= n; ++s) {
        if (s > 0)
          for (std::size_t r = (s - 1) * st, end = std::min(s * st, hw); r < end; ++r)
            for (std::size_t ch = 0; ch < c; ++ch) {
              const std::size_t i = ch * hw + order[r];
              current[i] = Insert ? x[i] : 0.0f;
            }
        std::copy(current.begin(), current.end(), stream.slot());
        stream.commit(it.cls);
      }
    }
    const auto& p = stream.finish();
    std::vector<Curve> out(items.size());
    for (std::size_t j = 0; j < items.size(); ++j) {
      out[j].probabilities.assign(p.begin() + std::ptrdiff_t(j * (n + 1)), p.begin() + std::ptrdiff_t((j + 1) * (n + 1)));
      out[j].auc = curve_auc(out[j].probabilities);
    }
    return out;
  }

  template <Probe P>
  std::vector<double> scores(P& probe, std::span<const Item> items) const {
    std::vector<double> s;
    for (const auto& cv : curves(probe, items)) s.push_back(cv.auc);
    return s;
  }
};

using Deletion = RiseMetric<false>;
using Insertion = RiseMetric<true>;

}  // namespace metrics
INX_END_NAMESPACE
