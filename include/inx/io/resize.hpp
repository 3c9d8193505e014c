// Bilinear resizing of (C, H, W) or (N, C, H, W) float images with half-pixel centres, matching PyTorch's
// interpolate(mode="bilinear", align_corners=False); when shrinking with antialias it matches antialias=True,
// whose triangle filter is widened by the scale so every input pixel contributes (no aliasing).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace io {
namespace detail {

// For each output index along one axis: the first input index and `taps` weights (zero-padded); readers stop at
// the input's end, where only zero weights remain.
struct AxisWeights {
  std::size_t taps = 0;
  std::vector<std::size_t> first;
  std::vector<float> w;
};

inline AxisWeights axis_weights(std::size_t in, std::size_t out, bool antialias) {
  AxisWeights a;
  a.first.resize(out);
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  if (antialias && scale > 1.0) {
    // PyTorch's separable antialiased kernel: support = scale, weights tri((j - centre + 0.5) / scale), normalised.
    const double support = scale;
    a.taps = static_cast<std::size_t>(std::ceil(support)) * 2 + 1;
    a.w.assign(out * a.taps, 0.0f);
    for (std::size_t i = 0; i < out; ++i) {
      const double centre = scale * (static_cast<double>(i) + 0.5);
      const auto lo = static_cast<std::int64_t>(centre - support + 0.5);
      const std::size_t xmin = static_cast<std::size_t>(std::max<std::int64_t>(lo, 0));
      const std::size_t xmax = std::min(static_cast<std::size_t>(centre + support + 0.5), in);
      const std::size_t n = std::min(xmax - xmin, a.taps);
      double total = 0;
      std::vector<double> wp(n);
      for (std::size_t j = 0; j < n; ++j) {
        const double x = std::abs((static_cast<double>(j + xmin) - centre + 0.5) / scale);
        wp[j] = x < 1.0 ? 1.0 - x : 0.0;
        total += wp[j];
      }
      a.first[i] = xmin;
      for (std::size_t j = 0; j < n; ++j) a.w[i * a.taps + j] = static_cast<float>(total > 0 ? wp[j] / total : 0.0);
    }
  } else {
    // Plain bilinear: source coordinate (i + 0.5) * scale - 0.5, clamped at 0; the right neighbour clamps at in - 1.
    a.taps = 2;
    a.w.assign(out * 2, 0.0f);
    for (std::size_t i = 0; i < out; ++i) {
      const double src = std::max((static_cast<double>(i) + 0.5) * scale - 0.5, 0.0);
      const std::size_t i0 = std::min(static_cast<std::size_t>(src), in - 1);
      const double l1 = i0 + 1 < in ? src - static_cast<double>(i0) : 0.0;
      a.first[i] = i0;
      a.w[i * 2] = static_cast<float>(1.0 - l1);
      a.w[i * 2 + 1] = static_cast<float>(l1);
    }
  }
  return a;
}

}  // namespace detail

// Resizes every channel plane of x, (C, H, W) or (N, C, H, W), to out_h x out_w.
inline Tensor<float> resize_bilinear(TensorView<const float> x, std::size_t out_h, std::size_t out_w,
                                     bool antialias = true) {
  require<shape_error>(x.rank() == 3 || x.rank() == 4, "resize_bilinear: expected a (C, H, W) or (N, C, H, W) image, "
                       "found shape ", x.shape().str());
  const std::size_t h = x.dim(x.rank() - 2), w = x.dim(x.rank() - 1);
  require<shape_error>(h > 0 && w > 0 && out_h > 0 && out_w > 0, "resize_bilinear: cannot resize ", x.shape().str(),
                       " to ", out_h, "x", out_w);
  Shape os = x.shape();
  os[os.rank() - 2] = out_h;
  os[os.rank() - 1] = out_w;
  auto y = Tensor<float>::uninitialized(os);
  const std::size_t planes = x.size() / (h * w);
  const auto wx = detail::axis_weights(w, out_w, antialias), wy = detail::axis_weights(h, out_h, antialias);
  const auto planes_i = static_cast<std::int64_t>(planes);
  // One plane (a saliency map) runs on the calling thread: a parallel region would idle all but one thread, and on a
  // shared machine costs a scheduler time slice, far more than the resize.
#pragma omp parallel if (planes > 1)
  {
    std::vector<float> tmp(h * out_w);
#pragma omp for
    for (std::int64_t p = 0; p < planes_i; ++p) {
      const float* src = x.data() + static_cast<std::size_t>(p) * h * w;
      float* dst = y.data() + static_cast<std::size_t>(p) * out_h * out_w;
      for (std::size_t r = 0; r < h; ++r)  // horizontal pass first, as PyTorch does
        for (std::size_t j = 0; j < out_w; ++j) {
          const float* s = src + r * w + wx.first[j];
          const float* k = &wx.w[j * wx.taps];
          const std::size_t n = std::min(wx.taps, w - wx.first[j]);
          float acc = 0.0f;
          for (std::size_t t = 0; t < n; ++t) acc += s[t] * k[t];
          tmp[r * out_w + j] = acc;
        }
      for (std::size_t i = 0; i < out_h; ++i) {
        const float* k = &wy.w[i * wy.taps];
        const std::size_t n = std::min(wy.taps, h - wy.first[i]);
        float* d = dst + i * out_w;
        std::fill(d, d + out_w, 0.0f);
        for (std::size_t t = 0; t < n; ++t) {
          const float* s = &tmp[(wy.first[i] + t) * out_w];
          for (std::size_t j = 0; j < out_w; ++j) d[j] += s[j] * k[t];
        }
      }
    }
  }
  return y;
}

}  // namespace io
INX_END_NAMESPACE
