// Standard input preprocessing per model, as torchvision's transforms do it: ImageNet models resize the shorter side
// to 256 (bilinear, antialiased), centre-crop 224 and normalise with ImageNet's mean and std; fmnist takes 28x28
// grayscale in [0, 1]. Images come from io::load_image as (C, H, W) floats in [0, 1]; the result is (1, C, H, W).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "inx/core/error.hpp"
#include "inx/io/resize.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace models {

struct Preprocess {
  std::size_t channels = 3;    // what the model takes: 3 (RGB) or 1 (grayscale)
  std::size_t resize = 256;    // shorter side after resizing (0: resize both sides to `crop` instead)
  std::size_t crop = 224;      // centre crop, square
  std::size_t min_side = 32;   // smaller images are rejected rather than blown up
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f};
  std::array<float, 3> std{0.229f, 0.224f, 0.225f};
  bool normalise = true;
};

inline constexpr Preprocess imagenet_preprocess{};
// EfficientNet-Lite's checkpoint is converted from TensorFlow's, whose Lite models take (pixel - 127) / 128: the same
// resize and crop as ImageNet models, then mean 127/255 and std 128/255 on [0, 1] values. (The PyPI package's example
// uses ImageNet's mean and std; on the six test photographs 127/128 gives the higher top-1 confidence on five.)
inline constexpr Preprocess efficientnet_preprocess{.mean = {127.0f / 255.0f, 127.0f / 255.0f, 127.0f / 255.0f},
                                                    .std = {128.0f / 255.0f, 128.0f / 255.0f, 128.0f / 255.0f}};
inline constexpr Preprocess fmnist_preprocess{.channels = 1, .resize = 0, .crop = 28, .min_side = 8,
                                              .mean = {0, 0, 0}, .std = {1, 1, 1}, .normalise = false};

namespace detail {
// Python's round() of d / 2 (half to even), as torchvision's center_crop computes its offsets.
inline std::size_t half_round_even(std::size_t d) {
  const std::size_t k = d / 2;
  return d % 2 == 0 ? k : (k % 2 == 0 ? k : k + 1);
}
}  // namespace detail

// Resizes the shorter side to `side` (the longer one to int(side * long / short), as torchvision's Resize(int)).
inline Tensor<float> resize_shorter(TensorView<const float> chw, std::size_t side) {
  const std::size_t h = chw.dim(chw.rank() - 2), w = chw.dim(chw.rank() - 1);
  const bool tall = h > w;
  const std::size_t s = tall ? w : h, l = tall ? h : w;
  const auto long_side = static_cast<std::size_t>(double(side * l) / double(s));
  const std::size_t oh = tall ? long_side : side, ow = tall ? side : long_side;
  return io::resize_bilinear(chw, oh, ow, /*antialias=*/true);
}

// The central crop x crop window of a (C, H, W) image, offsets rounded as torchvision's center_crop.
inline Tensor<float> centre_crop(TensorView<const float> chw, std::size_t crop) {
  const std::size_t c = chw.dim(0), h = chw.dim(1), w = chw.dim(2);
  require<shape_error>(h >= crop && w >= crop, "centre_crop: image ", chw.shape().str(), " is smaller than ", crop,
                       "x", crop);
  const std::size_t top = detail::half_round_even(h - crop), left = detail::half_round_even(w - crop);
  auto out = Tensor<float>::uninitialized({c, crop, crop});
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t i = 0; i < crop; ++i)
      for (std::size_t j = 0; j < crop; ++j) out(k, i, j) = chw(k, top + i, left + j);
  return out;
}

// (v - mean[k]) / std[k] on every channel k of a (C, H, W) or (1, C, H, W) image, in place.
inline void normalise(TensorView<float> img, const Preprocess& p) {
  require<shape_error>(img.rank() == 3 || (img.rank() == 4 && img.dim(0) == 1), "normalise: expected a (C, H, W) or ",
                       "(1, C, H, W) image, got ", img.shape().str());
  const std::size_t c = img.dim(img.rank() - 3), hw = img.dim(img.rank() - 2) * img.dim(img.rank() - 1);
  require<shape_error>(c == p.channels && img.size() == c * hw, "normalise: expected a (", p.channels,
                       ", H, W) image, got ", img.shape().str());
  for (std::size_t k = 0; k < c; ++k)
    for (float* v = img.data() + k * hw; v != img.data() + (k + 1) * hw; ++v) *v = (*v - p.mean[k]) / p.std[k];
}

// A (C, H, W) image in [0, 1] -> the model's (1, C, crop, crop) input. `what` names the image in messages.
// RGBA loses its alpha; an image whose channel count does not fit, or smaller than p.min_side, is a shape_error.
inline Tensor<float> preprocess(TensorView<const float> chw, const Preprocess& p, std::string_view what) {
  require<shape_error>(chw.rank() == 3, "image ", what, ": expected (C, H, W), found shape ", chw.shape().str());
  const std::size_t c = chw.dim(0), h = chw.dim(1), w = chw.dim(2);
  const bool fits = c == p.channels || (p.channels == 3 && c == 4) || (p.channels == 1 && c == 2);
  require<shape_error>(fits, "image ", what, ": expected ",
                       p.channels == 3 ? "an RGB image (3 channels)" : "a grayscale image (1 channel)", ", found ", c,
                       c == 1 ? " channel" : " channels");
  require<shape_error>(h >= p.min_side && w >= p.min_side, "image ", what, ": expected at least ", p.min_side, "x",
                       p.min_side, " pixels, found ", w, "x", h);
  TensorView<const float> rgb{chw.data(), Shape{p.channels, h, w}};  // alpha is the last plane: drop it
  for (float v : rgb.span())
    require<value_error>(std::isfinite(v), "image ", what, ": contains NaN or Inf");
  // Without a shorter-side size the image is resized to crop x crop (the identity when it already is that size).
  Tensor<float> img = p.resize ? centre_crop(resize_shorter(rgb, p.resize).view(), p.crop)
                               : io::resize_bilinear(rgb, p.crop, p.crop, /*antialias=*/true);
  if (p.normalise) normalise(img.view(), p);
  img.reshape_inplace({1, p.channels, p.crop, p.crop});
  return img;
}

}  // namespace models
INX_END_NAMESPACE
