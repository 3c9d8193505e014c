// Maps that explain nothing, scored beside every method so a table shows what "no explanation" gets: a seeded
// uniform random map, and the Sobel edge magnitude of the input (edges draw the eye, and many saliency maps are
// little more than edge detectors; Adebayo et al. 2018).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace metrics {

// U[0, 1) per pixel from mt19937_64 (whose sequence the C++ standard fixes), the top 24 bits of each draw.
inline Tensor<float> random_map(std::size_t h, std::size_t w, std::uint64_t seed) {
  require<value_error>(h > 0 && w > 0, "random_map: expected a non-empty size, got ", h, "x", w);
  std::mt19937_64 gen(seed);
  auto m = Tensor<float>::uninitialized({h, w});
  for (float& v : m.span()) v = float(gen() >> 40) * 0x1.0p-24f;
  return m;
}

// sqrt(gx^2 + gy^2) of the channel mean of x (C, H, W), with the 3 x 3 Sobel kernels and a reflect-101 border
// (OpenCV's default), at the input's size.
inline Tensor<float> sobel_map(TensorView<const float> x) {
  require<shape_error>(x.rank() == 3 && x.size() > 0, "sobel_map: expected an input (C, H, W), got ",
                       x.shape().str());
  const std::int64_t c = std::int64_t(x.dim(0)), h = std::int64_t(x.dim(1)), w = std::int64_t(x.dim(2));
  std::vector<double> g(std::size_t(h * w), 0.0);
  for (std::int64_t ch = 0; ch < c; ++ch)
    for (std::int64_t i = 0; i < h * w; ++i) g[std::size_t(i)] += x.data()[ch * h * w + i] / double(c);
  auto at = [&](std::int64_t y, std::int64_t xx) {
    auto refl = [](std::int64_t p, std::int64_t n) {
      if (n == 1) return std::int64_t(0);
      while (p < 0 || p >= n) p = p < 0 ? -p : 2 * (n - 1) - p;
      return p;
    };
    return g[std::size_t(refl(y, h) * w + refl(xx, w))];
  };
  auto m = Tensor<float>::uninitialized({std::size_t(h), std::size_t(w)});
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t xx = 0; xx < w; ++xx) {
      const double gx = (at(y - 1, xx + 1) + 2 * at(y, xx + 1) + at(y + 1, xx + 1)) -
                        (at(y - 1, xx - 1) + 2 * at(y, xx - 1) + at(y + 1, xx - 1));
      const double gy = (at(y + 1, xx - 1) + 2 * at(y + 1, xx) + at(y + 1, xx + 1)) -
                        (at(y - 1, xx - 1) + 2 * at(y - 1, xx) + at(y - 1, xx + 1));
      m.data()[y * w + xx] = static_cast<float>(std::sqrt(gx * gx + gy * gy));
    }
  return m;
}

}  // namespace metrics
INX_END_NAMESPACE
