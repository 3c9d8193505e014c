// Heat-map overlays: a saliency map, coloured by a colour map, blended over the image it explains, as Grad-CAM
// pictures are usually shown (alpha * colour + (1 - alpha) * image).
#pragma once

#include <algorithm>
#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/render/colormap.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace render {

// A (C, H, W) image as RGB: 1 channel (gray) is replicated, 3 are copied, and 2 (gray + alpha) or 4 (RGBA), as
// io::load_image returns them, lose their alpha channel (not composited: the colour values are kept as they are).
inline Tensor<float> to_rgb(TensorView<const float> image) {
  require<shape_error>(image.rank() == 3 && image.dim(0) >= 1 && image.dim(0) <= 4,
                       "to_rgb: expected a (C, H, W) image with C = 1 to 4, found shape ", image.shape().str());
  const std::size_t c = image.dim(0), n = image.dim(1) * image.dim(2);
  auto out = Tensor<float>::uninitialized(Shape{3, image.dim(1), image.dim(2)});
  const bool gray = c <= 2;
  for (std::size_t k = 0; k < 3; ++k) {
    const float* s = image.data() + (gray ? 0 : k) * n;
    std::copy(s, s + n, out.data() + k * n);
  }
  return out;
}

// Blends the coloured heat map (H, W) over image (C, H, W), C = 1 (gray, replicated) or 3: returns (3, H, W)
// alpha * colormap(heat) + (1 - alpha) * image. Heat values are meant in [0, 1]; outside they take the end colours.
inline Tensor<float> overlay(TensorView<const float> image, TensorView<const float> heat,
                             Colormap cmap = Colormap::jet, float alpha = 0.4f) {
  require<shape_error>(image.rank() == 3 && (image.dim(0) == 1 || image.dim(0) == 3),
                       "overlay: expected a (C, H, W) image with C = 1 or 3 (to_rgb converts others), found shape ",
                       image.shape().str());
  require<shape_error>(heat.rank() == 2 && heat.dim(0) == image.dim(1) && heat.dim(1) == image.dim(2),
                       "overlay: expected a (", image.dim(1), ", ", image.dim(2), ") heat map for image of shape ",
                       image.shape().str(), ", found heat map of shape ", heat.shape().str());
  require<value_error>(alpha >= 0.0f && alpha <= 1.0f, "overlay: expected alpha in [0, 1], found ", alpha);
  auto out = apply_colormap(heat, cmap);
  const std::size_t n = heat.size();
  const bool gray = image.dim(0) == 1;
  const float beta = 1.0f - alpha;
  for (std::size_t k = 0; k < 3; ++k) {
    const float* s = image.data() + (gray ? 0 : k) * n;
    float* d = out.data() + k * n;
    for (std::size_t i = 0; i < n; ++i) d[i] = alpha * d[i] + beta * s[i];
  }
  return out;
}

}  // namespace render
INX_END_NAMESPACE
