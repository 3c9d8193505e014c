// Gaussian blur of float images, matching OpenCV's cv2.GaussianBlur(img, (0, 0), sigmaX=sigma) on float32: the
// kernel size OpenCV picks for float images, its normalised kernel, a separable pass (rows, then columns) and
// BORDER_REFLECT_101 borders. Used to smooth saliency maps and reveal masks.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace render {

// A cap so that a mistyped sigma cannot ask for a kernel of millions of taps; blurs that wide are flat anyway.
inline constexpr double max_blur_sigma = 1e4;

// OpenCV's kernel size for a float image: round(8 sigma + 1), made odd (4 sigma on each side; 8-bit images get 3).
inline std::size_t gaussian_kernel_size(double sigma) {
  require<value_error>(sigma > 0 && sigma <= max_blur_sigma, "gaussian_blur: expected sigma in (0, ", max_blur_sigma,
                       "], found ", sigma);
  return static_cast<std::size_t>(std::llround(sigma * 8.0 + 1.0)) | 1u;
}

// cv2.getGaussianKernel(gaussian_kernel_size(sigma), sigma): exp(-x^2 / (2 sigma^2)) over x = -r..r, summed to 1 in
// double and then rounded to float, as OpenCV does for a float kernel.
inline std::vector<float> gaussian_kernel(double sigma) {
  const std::size_t n = gaussian_kernel_size(sigma);
  std::vector<double> t(n);
  const double scale = -0.5 / (sigma * sigma), centre = (static_cast<double>(n) - 1) * 0.5;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i) - centre;
    t[i] = std::exp(scale * x * x);
    sum += t[i];
  }
  std::vector<float> k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<float>(t[i] / sum);
  return k;
}

namespace detail {
// BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba), reflected again and again when the kernel is wider than the image,
// as OpenCV's borderInterpolate does; a one-pixel axis repeats its pixel.
inline std::size_t reflect101(std::int64_t p, std::int64_t n) noexcept {
  if (n == 1) return 0;
  while (p < 0 || p >= n) p = p < 0 ? -p : 2 * (n - 1) - p;
  return static_cast<std::size_t>(p);
}

// For output index i, the source index of tap j is table[i + j].
inline std::vector<std::size_t> reflect_table(std::size_t n, std::size_t radius) {
  std::vector<std::size_t> t(n + 2 * radius);
  for (std::size_t i = 0; i < t.size(); ++i)
    t[i] = reflect101(static_cast<std::int64_t>(i) - static_cast<std::int64_t>(radius), static_cast<std::int64_t>(n));
  return t;
}
}  // namespace detail

// Blurs a (H, W) or (C, H, W) image, each channel on its own; returns a tensor of the same shape.
inline Tensor<float> gaussian_blur(TensorView<const float> img, double sigma) {
  require<shape_error>(img.rank() == 2 || img.rank() == 3, "gaussian_blur: expected a (H, W) or (C, H, W) image, "
                       "found shape ", img.shape().str());
  const std::size_t h = img.dim(img.rank() - 2), w = img.dim(img.rank() - 1);
  require<shape_error>(h > 0 && w > 0, "gaussian_blur: expected a non-empty image, found shape ", img.shape().str());
  const auto k = gaussian_kernel(sigma);
  const std::size_t taps = k.size(), radius = taps / 2;
  const auto xs = detail::reflect_table(w, radius), ys = detail::reflect_table(h, radius);
  const std::size_t planes = img.size() / (h * w);
  auto tmp = Tensor<float>::uninitialized(img.shape());
  auto out = Tensor<float>::uninitialized(img.shape());
  const auto rows = static_cast<std::int64_t>(planes * h);
  const float* src = img.data();
  float* mid = tmp.data();
  float* dst = out.data();
  // Rows first, then columns, both accumulating in float as OpenCV's separable filter does.
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* s = src + static_cast<std::size_t>(r) * w;
    float* d = mid + static_cast<std::size_t>(r) * w;
    for (std::size_t x = 0; x < w; ++x) {
      const std::size_t* ix = &xs[x];
      float acc = 0.0f;
      for (std::size_t j = 0; j < taps; ++j) acc += k[j] * s[ix[j]];
      d[x] = acc;
    }
  }
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::size_t p = static_cast<std::size_t>(r) / h, y = static_cast<std::size_t>(r) % h;
    const float* plane = mid + p * h * w;
    float* d = dst + static_cast<std::size_t>(r) * w;
    for (std::size_t x = 0; x < w; ++x) d[x] = 0.0f;
    for (std::size_t j = 0; j < taps; ++j) {
      const float* s = plane + ys[y + j] * w;
      const float kj = k[j];
      for (std::size_t x = 0; x < w; ++x) d[x] += kj * s[x];
    }
  }
  return out;
}

}  // namespace render
INX_END_NAMESPACE
