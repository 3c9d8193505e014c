// Reveal masks for the labelling game: people see only the q% of an image a saliency map ranks highest, growing
// through reveal_levels, and say what they see. The mask's edge is softened by a Gaussian blur so that no hard
// outline, which would hint at a shape of its own, is drawn around the revealed pixels.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/render/blur.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace render {

// The percentages of an image revealed, level by level.
inline constexpr std::array<double, 6> reveal_levels{2, 4.5, 8, 13, 20, 30};

// How many of `pixels` pixels q percent reveals: ceil(q / 100 * pixels). A relative slack of 1e-12 keeps a count
// that is exact in decimal (0.9% of 1000 is 9) from becoming one more through binary rounding (9.000000000000002).
inline std::size_t reveal_count(std::size_t pixels, double q_percent) {
  require<value_error>(q_percent > 0 && q_percent <= 100, "reveal_mask: expected q_percent in (0, 100], found ",
                       q_percent);
  const double exact = q_percent / 100.0 * static_cast<double>(pixels);
  const auto n = static_cast<std::size_t>(std::ceil(exact * (1.0 - 1e-12)));
  return std::clamp<std::size_t>(n, pixels ? 1 : 0, pixels);
}

// 1 on the reveal_count(H * W, q) highest pixels of the (H, W) map, 0 elsewhere; among equal values the lower flat
// (row-major) index wins, so the mask is the same on every run and platform.
inline Tensor<float> top_mask(TensorView<const float> map, double q_percent) {
  require<shape_error>(map.rank() == 2 && map.size() > 0, "reveal_mask: expected a non-empty (H, W) map, found shape ",
                       map.shape().str());
  const std::size_t n = map.size(), k = reveal_count(n, q_percent);
  const float* v = map.data();
  for (std::size_t i = 0; i < n; ++i)
    require<value_error>(!std::isnan(v[i]), "reveal_mask: expected a map without NaN, found NaN at (", i / map.dim(1),
                         ", ", i % map.dim(1), ")");
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  // A strict total order (value descending, then index ascending), so the k chosen are unique.
  const auto before = [v](std::size_t a, std::size_t b) { return v[a] > v[b] || (v[a] == v[b] && a < b); };
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k - 1), order.end(), before);
  Tensor<float> mask(map.shape());
  for (std::size_t i = 0; i < k; ++i) mask.data()[order[i]] = 1.0f;
  return mask;
}

// top_mask blurred with gaussian_blur(sigma) and scaled so its peak is 1 (sigma = 0: the hard 0/1 mask).
inline Tensor<float> reveal_mask(TensorView<const float> map, double q_percent, double sigma) {
  require<value_error>(sigma >= 0, "reveal_mask: expected sigma >= 0 (0: no blur), found ", sigma);
  auto hard = top_mask(map, q_percent);
  if (sigma == 0) return hard;
  auto soft = gaussian_blur(hard, sigma);
  float peak = 0.0f;
  for (const float x : soft.span()) peak = std::max(peak, x);
  if (peak > 0.0f)
    for (float& x : soft.span()) x /= peak;
  return soft;
}

// The image (C, H, W) seen through the (H, W) mask: mask * image + (1 - mask) * background. The default background
// is a neutral grey, not black: a black one would look like dark image content (Fashion-MNIST's own background is
// black) and people could not tell what is hidden from what is shown dark.
inline Tensor<float> reveal(TensorView<const float> image, TensorView<const float> mask, float background = 0.5f) {
  require<shape_error>(image.rank() == 3, "reveal: expected a (C, H, W) image, found shape ", image.shape().str());
  require<shape_error>(mask.rank() == 2 && mask.dim(0) == image.dim(1) && mask.dim(1) == image.dim(2),
                       "reveal: expected a (", image.dim(1), ", ", image.dim(2), ") mask for image of shape ",
                       image.shape().str(), ", found mask of shape ", mask.shape().str());
  require<value_error>(background >= 0.0f && background <= 1.0f, "reveal: expected background in [0, 1], found ",
                       background);
  const std::size_t n = mask.size();
  const float* m = mask.data();
  for (std::size_t i = 0; i < n; ++i)
    require<value_error>(m[i] >= 0.0f && m[i] <= 1.0f, "reveal: expected mask values in [0, 1], found ", m[i],
                         " at (", i / mask.dim(1), ", ", i % mask.dim(1), ")");
  auto out = Tensor<float>::uninitialized(image.shape());
  for (std::size_t k = 0; k < image.dim(0); ++k) {
    const float* s = image.data() + k * n;
    float* d = out.data() + k * n;
    for (std::size_t i = 0; i < n; ++i) d[i] = m[i] * s[i] + (1.0f - m[i]) * background;
  }
  return out;
}

}  // namespace render
INX_END_NAMESPACE
