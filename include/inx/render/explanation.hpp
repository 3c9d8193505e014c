// Pictures of an explanation record: a map laid over the input picture (optionally blurred first), and the contact
// sheet of one image — the input and the plain Grad-CAM on top, then one row per layer with its ranked cluster
// maps, each captioned with its weight. Knows records and images, no network.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "inx/explain/records.hpp"
#include "inx/render/blur.hpp"
#include "inx/render/colormap.hpp"
#include "inx/render/overlay.hpp"
#include "inx/render/sheet.hpp"

INX_BEGIN_NAMESPACE
namespace render {

struct PictureOptions {
  Colormap colormap = Colormap::jet;
  float alpha = 0.4f;        // weight of the colour map in an overlay (the INV authors': 0.4)
  double blur_sigma = 0;     // Gaussian blur of a map before colouring, in input pixels; 0: none
  std::size_t tile = 160;    // contact-sheet tile side
  // The softening of reveal masks: 2 % of the map's shorter side, at least one pixel.
  double reveal_sigma(std::size_t h, std::size_t w) const { return std::max(1.0, 0.02 * double(std::min(h, w))); }
};

// The picture shown for a map without range (a zero gradient, a class nothing supports): the image faded to grey,
// no colour at all, so that it cannot be read as "low everywhere" the way a uniform colour-map tint would.
inline Tensor<float> neutral_picture(TensorView<const float> picture) {
  auto rgb = to_rgb(picture);
  const std::size_t n = rgb.size() / 3;
  float* p = rgb.data();
  for (std::size_t i = 0; i < n; ++i) {
    const float g = 0.299f * p[i] + 0.587f * p[n + i] + 0.114f * p[2 * n + i];
    for (std::size_t k = 0; k < 3; ++k) p[k * n + i] = 0.35f * g + 0.5f;
  }
  return rgb;
}

// `map` (H, W) in [0, 1] over `picture` (C, H, W), blurred first when the options say so; a constant map gives the
// neutral picture.
inline Tensor<float> overlay_map(TensorView<const float> picture, TensorView<const float> map,
                                 const PictureOptions& o = {}) {
  if (map.size() > 0 && std::all_of(map.data(), map.data() + map.size(), [&](float v) { return v == map.data()[0]; }))
    return neutral_picture(picture);
  if (o.blur_sigma > 0) {
    auto b = gaussian_blur(map, o.blur_sigma);
    return overlay(picture, b.view(), o.colormap, o.alpha);
  }
  return overlay(picture, map, o.colormap, o.alpha);
}

// The contact sheet of one explained image. The records' maps must still be there (cam_input, gradcam_input,
// each cluster's map).
inline Tensor<float> explanation_sheet(TensorView<const float> picture, const explain::ImageRecord& r,
                                       const PictureOptions& o = {}) {
  std::vector<std::vector<Tile>> rows;
  std::vector<std::string> labels;
  char buf[160];
  std::vector<Tile> top;
  top.push_back({to_rgb(picture), "input"});
  if (!r.layers.empty() && !r.layers.back().gradcam_input.empty()) {
    const auto& last = r.layers.back();
    top.push_back({overlay_map(picture, last.gradcam_input.view(), o), "Grad-CAM " + last.name});
  }
  rows.push_back(std::move(top));
  labels.push_back("");
  for (const auto& l : r.layers) {
    std::vector<Tile> row;
    for (const auto& c : l.clusters) {
      std::snprintf(buf, sizeof buf, "%s  %.1f%%  (%zu)%s", l.name.c_str(), c.weight, c.channels.size(),
                    c.constant ? "  constant" : "");
      row.push_back({overlay_map(picture, c.map.view(), o), buf});
    }
    if (l.clusters.empty() && l.kept.empty() && !l.cam_input.empty())
      row.push_back({overlay_map(picture, l.cam_input.view(), o),
                     l.name + (l.cam_constant ? " (classic map, constant)" : " (classic map)")});
    rows.push_back(std::move(row));
    labels.push_back(l.name);
  }
  SheetOptions so;
  so.tile = o.tile;
  const std::string cls = r.class_name.empty() ? "class " + std::to_string(r.class_index)
                                                : r.class_name + " (class " + std::to_string(r.class_index) + ")";
  std::snprintf(buf, sizeof buf, "%s  -  %s, p = %.3f%s", std::filesystem::path(r.image).filename().c_str(),
                cls.c_str(), r.prob, r.class_index == r.predicted ? "" : ", not the predicted class");
  so.title = buf;
  return contact_sheet(rows, labels, so);
}

}  // namespace render
INX_END_NAMESPACE
