// Contact sheets: a grid of captioned tiles on white, one row per entry (say, per explained layer, one tile per kept
// cluster map), a label at the left of each row and an optional title, as one (3, H, W) picture io::save_png writes.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/io/resize.hpp"
#include "inx/render/font.hpp"
#include "inx/render/overlay.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace render {

struct Tile {
  Tensor<float> image;  // (C, H, W) in [0, 1]: C = 3, or 1, 2 or 4 (converted as to_rgb does)
  std::string caption;
};

// How tiles are scaled to the tile size.
enum class Scaling {
  // Nearest neighbour when enlarging by 2x or more, else bilinear (antialiased when shrinking). A 28x28
  // Fashion-MNIST image blown up bilinearly to 160 px is a smear that hides the very pixels a saliency map points
  // at; as nearest-neighbour blocks they stay visible. Below 2x, nearest's unevenly doubled rows look jagged.
  automatic,
  nearest,
  bilinear,
};

struct SheetOptions {
  std::size_t tile = 160;  // side of the square each tile is fitted into (aspect ratio kept)
  std::string title;       // a bold line at the top; none if empty
  Scaling scaling = Scaling::automatic;
  std::string empty_note = "no cluster kept";  // written in grey in a row without tiles
};

namespace detail {
inline constexpr std::size_t sheet_margin = 12, sheet_gap = 10, sheet_row_gap = 14, sheet_caption_gap = 4,
                             sheet_max_label_width = 200, sheet_max_title_width = 1600;
inline constexpr std::array<float, 3> sheet_ink{0.10f, 0.10f, 0.10f}, sheet_note{0.55f, 0.55f, 0.55f},
    sheet_frame{0.80f, 0.80f, 0.80f};

// Nearest neighbour with centred sampling (source index floor((i + 0.5) * in / out)), as PyTorch's "nearest-exact".
inline Tensor<float> resize_nearest(TensorView<const float> x, std::size_t out_h, std::size_t out_w) {
  const std::size_t c = x.dim(0), h = x.dim(1), w = x.dim(2);
  auto y = Tensor<float>::uninitialized(Shape{c, out_h, out_w});
  std::vector<std::size_t> xs(out_w);
  for (std::size_t j = 0; j < out_w; ++j) xs[j] = std::min(w - 1, (2 * j + 1) * w / (2 * out_w));
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t i = 0; i < out_h; ++i) {
      const float* s = x.data() + (k * h + std::min(h - 1, (2 * i + 1) * h / (2 * out_h))) * w;
      float* d = y.data() + (k * out_h + i) * out_w;
      for (std::size_t j = 0; j < out_w; ++j) d[j] = s[xs[j]];
    }
  return y;
}

// The tile's image as RGB, fitted into a side x side square with its aspect ratio kept.
inline Tensor<float> fit_tile(TensorView<const float> image, std::size_t side, Scaling scaling) {
  auto rgb = to_rgb(image);
  const std::size_t h = rgb.dim(1), w = rgb.dim(2), longest = std::max(h, w);
  const auto scaled = [&](std::size_t n) {
    const double exact = static_cast<double>(n) * static_cast<double>(side) / static_cast<double>(longest);
    return std::clamp<std::size_t>(static_cast<std::size_t>(std::llround(exact)), 1, side);
  };
  const std::size_t oh = scaled(h), ow = scaled(w);
  if (oh == h && ow == w) return rgb;
  const bool nearest = scaling == Scaling::nearest || (scaling == Scaling::automatic && side >= 2 * longest);
  return nearest ? resize_nearest(rgb, oh, ow) : io::resize_bilinear(rgb, oh, ow, true);
}

inline void paste(TensorView<float> canvas, TensorView<const float> img, std::size_t x, std::size_t y) {
  const std::size_t ch = canvas.dim(1), cw = canvas.dim(2), h = img.dim(1), w = img.dim(2);
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t r = 0; r < h; ++r)
      std::copy_n(img.data() + (k * h + r) * w, w, canvas.data() + (k * ch + y + r) * cw + x);
}

// A one-pixel frame just outside the box (x, y, w, h), so white parts of a tile do not melt into the background.
inline void frame(TensorView<float> canvas, std::size_t x, std::size_t y, std::size_t w, std::size_t h) {
  const std::size_t ch = canvas.dim(1), cw = canvas.dim(2);
  const auto put = [&](std::size_t px, std::size_t py) {
    for (std::size_t k = 0; k < 3; ++k) canvas.data()[(k * ch + py) * cw + px] = sheet_frame[k];
  };
  for (std::size_t i = x - 1; i <= x + w; ++i) put(i, y - 1), put(i, y + h);
  for (std::size_t j = y; j < y + h; ++j) put(x - 1, j), put(x + w, j);
}
}  // namespace detail

// Lays out rows of tiles. row_labels: one per row, or none at all (no label column). Rows may differ in length; an
// empty row shows options.empty_note. Captions are centred under their tiles and, like labels and the title,
// shortened with "..." where they would not fit.
inline Tensor<float> contact_sheet(const std::vector<std::vector<Tile>>& rows,
                                   const std::vector<std::string>& row_labels, const SheetOptions& options = {}) {
  using namespace detail;
  require<value_error>(!rows.empty(), "contact_sheet: expected at least one row of tiles, found none");
  require<value_error>(row_labels.empty() || row_labels.size() == rows.size(), "contact_sheet: expected ",
                       rows.size(), " row labels (one per row) or none, found ", row_labels.size());
  require<value_error>(options.tile >= 16 && options.tile <= 4096,
                       "contact_sheet: expected a tile size of 16 to 4096 pixels, found ", options.tile);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t t = 0; t < rows[r].size(); ++t) {
      const auto& img = rows[r][t].image;
      require<shape_error>(img.rank() == 3 && img.dim(0) >= 1 && img.dim(0) <= 4 && img.dim(1) > 0 && img.dim(2) > 0,
                           "contact_sheet: tile ", t, " of row ", r,
                           ": expected a non-empty (C, H, W) image with C = 1 to 4, found shape ", img.shape().str());
    }

  const std::size_t side = options.tile, line = text_height();
  std::size_t cols = 1;
  for (const auto& row : rows) cols = std::max(cols, row.size());
  std::size_t label_w = 0;
  for (const auto& l : row_labels) label_w = std::max(label_w, text_width(l, FontWeight::bold));
  label_w = std::min(label_w, std::max(side, sheet_max_label_width));  // longer ones are shortened
  const std::size_t grid_x = sheet_margin + (label_w ? label_w + sheet_gap : 0);
  const std::size_t grid_w = grid_x + cols * side + (cols - 1) * sheet_gap + sheet_margin;
  // A title may widen a narrow grid (a class name at its end should not be cut off), up to a sensible page width.
  const std::size_t title_w =
      options.title.empty() ? 0 : text_width(options.title, FontWeight::bold) + 2 * sheet_margin;
  const std::size_t width = std::max(grid_w, std::min(title_w, sheet_max_title_width));
  const std::size_t title_h = options.title.empty() ? 0 : line + sheet_row_gap;
  const std::size_t row_h = side + sheet_caption_gap + line;
  const std::size_t height = sheet_margin + title_h + rows.size() * row_h + (rows.size() - 1) * sheet_row_gap +
                             sheet_margin;

  auto sheet = Tensor<float>::full(Shape{3, height, width}, 1.0f);
  const auto at = [](std::size_t v) { return static_cast<std::ptrdiff_t>(v); };
  if (!options.title.empty())
    draw_text(sheet, at(sheet_margin), at(sheet_margin),
              fit_text(options.title, width - 2 * sheet_margin, FontWeight::bold), sheet_ink, FontWeight::bold);

  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::size_t top = sheet_margin + title_h + r * (row_h + sheet_row_gap);
    const std::ptrdiff_t text_y = at(top + (side - line) / 2);  // vertically centred on the tiles
    if (!row_labels.empty())
      draw_text(sheet, at(sheet_margin), text_y, fit_text(row_labels[r], label_w, FontWeight::bold), sheet_ink,
                FontWeight::bold);
    if (rows[r].empty()) {
      draw_text(sheet, at(grid_x), text_y, fit_text(options.empty_note, grid_w - grid_x - sheet_margin), sheet_note);
      continue;
    }
    for (std::size_t t = 0; t < rows[r].size(); ++t) {
      const std::size_t cell = grid_x + t * (side + sheet_gap);
      const auto img = fit_tile(rows[r][t].image, side, options.scaling);
      // Centred across, at the bottom of the cell: a wide image keeps its caption right under it.
      const std::size_t ix = cell + (side - img.dim(2)) / 2, iy = top + side - img.dim(1);
      paste(sheet, img, ix, iy);
      frame(sheet, ix, iy, img.dim(2), img.dim(1));
      const std::string caption = fit_text(rows[r][t].caption, side);
      draw_text(sheet, at(cell + (side - text_width(caption)) / 2), at(top + side + sheet_caption_gap), caption,
                sheet_ink);
    }
  }
  return sheet;
}

}  // namespace render
INX_END_NAMESPACE
