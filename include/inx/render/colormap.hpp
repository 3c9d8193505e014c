// Colour maps for saliency maps: a (H, W) map of values in [0, 1] becomes a (3, H, W) RGB image, pixel for pixel the
// colours matplotlib gives (`matplotlib.colormaps[name](x)[..., :3]`, its default 256-entry lookup table).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "inx/core/error.hpp"
#include "inx/render/colormap_tables.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace render {

enum class Colormap { jet, viridis, turbo };

inline constexpr std::array<Colormap, 3> all_colormaps{Colormap::jet, Colormap::viridis, Colormap::turbo};

// The name matplotlib knows the map by.
inline constexpr std::string_view colormap_name(Colormap c) noexcept {
  switch (c) {
    case Colormap::jet: return "jet";
    case Colormap::viridis: return "viridis";
    case Colormap::turbo: return "turbo";
  }
  return "?";
}

// Parses a matplotlib colour map name (exact, lower case, as matplotlib spells it).
inline Colormap colormap_from_name(std::string_view name) {
  std::string valid;
  for (const Colormap c : all_colormaps) {
    if (colormap_name(c) == name) return c;
    if (!valid.empty()) valid += ", ";
    valid += colormap_name(c);
  }
  throw value_error(inx::detail::msg("colormap: expected one of ", valid, ", found \"", name, "\""));
}

namespace detail {
inline const ColormapTable& colormap_table(Colormap c) noexcept {
  switch (c) {
    case Colormap::viridis: return viridis_table;
    case Colormap::turbo: return turbo_table;
    case Colormap::jet: break;
  }
  return jet_table;
}

// matplotlib's float lookup: floor(x * 256) clipped to [0, 255] (so 1.0 is the last entry, values below 0 take the
// first and above 1 the last); -1 marks NaN, which matplotlib colours with its "bad" colour (transparent black).
// x * 256 is exact in binary floating point, so no input lands in a different bin than in NumPy.
inline int colormap_index(float x) noexcept {
  if (std::isnan(x)) return -1;
  const float s = x * 256.0f;
  if (!(s >= 0.0f)) return 0;
  if (s >= 255.0f) return 255;
  return static_cast<int>(s);
}
}  // namespace detail

// The colour of one value, as matplotlib's colormap(x)[:3].
inline std::array<float, 3> colormap_rgb(float x, Colormap c) noexcept {
  const int i = detail::colormap_index(x);
  if (i < 0) return {0.0f, 0.0f, 0.0f};
  return detail::colormap_table(c)[static_cast<std::size_t>(i)];
}

// Colours a (H, W) map: returns (3, H, W) RGB in [0, 1].
inline Tensor<float> apply_colormap(TensorView<const float> map, Colormap c) {
  require<shape_error>(map.rank() == 2, "apply_colormap: expected a (H, W) map, found shape ", map.shape().str());
  const std::size_t n = map.size();
  auto out = Tensor<float>::uninitialized(Shape{3, map.dim(0), map.dim(1)});
  const auto& table = detail::colormap_table(c);
  const float* in = map.data();
  float* r = out.data();
  float* g = r + n;
  float* b = g + n;
  for (std::size_t i = 0; i < n; ++i) {
    const int k = detail::colormap_index(in[i]);
    if (k < 0) {
      r[i] = g[i] = b[i] = 0.0f;
    } else {
      const auto& rgb = table[static_cast<std::size_t>(k)];
      r[i] = rgb[0];
      g[i] = rgb[1];
      b[i] = rgb[2];
    }
  }
  return out;
}

}  // namespace render
INX_END_NAMESPACE
