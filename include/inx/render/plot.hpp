// Line charts for curves on [0, 1] x [0, 1], such as the deletion and insertion curves of `inx evaluate`: one panel
// per chart side by side, each with a title, axes, ticks and a light grid, one coloured line per series (the
// colours of matplotlib's tab10, in order), and one legend for all panels on the right. Returns an RGB (3, H, W)
// image in [0, 1] for io::save_png.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/render/font.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace render {

struct Series {
  std::string label;
  std::vector<double> y;  // values at x = 0, 1/(n-1), ..., 1 (clipped to [0, 1] when drawn)
};

struct Panel {
  std::string title, x_label, y_label;
  std::vector<Series> series;  // the same labels, in the same order, in every panel (one legend serves all)
};

inline constexpr std::array<std::array<float, 3>, 10> tab10{{{0.122f, 0.467f, 0.706f},
                                                             {1.000f, 0.498f, 0.055f},
                                                             {0.173f, 0.627f, 0.173f},
                                                             {0.839f, 0.153f, 0.157f},
                                                             {0.580f, 0.404f, 0.741f},
                                                             {0.549f, 0.337f, 0.294f},
                                                             {0.890f, 0.467f, 0.761f},
                                                             {0.498f, 0.498f, 0.498f},
                                                             {0.737f, 0.741f, 0.133f},
                                                             {0.090f, 0.745f, 0.812f}}};

namespace detail {
inline void blend(TensorView<float> c, std::ptrdiff_t x, std::ptrdiff_t y, std::array<float, 3> rgb, float a) {
  const auto h = std::ptrdiff_t(c.dim(1)), w = std::ptrdiff_t(c.dim(2));
  if (x < 0 || y < 0 || x >= w || y >= h || !(a > 0)) return;
  a = std::min(a, 1.0f);
  const std::size_t plane = c.dim(1) * c.dim(2), i = std::size_t(y * w + x);
  for (std::size_t k = 0; k < 3; ++k) c.data()[k * plane + i] = c.data()[k * plane + i] * (1 - a) + rgb[k] * a;
}

inline void fill_rect(TensorView<float> c, std::ptrdiff_t x0, std::ptrdiff_t y0, std::ptrdiff_t x1, std::ptrdiff_t y1,
                      std::array<float, 3> rgb) {
  for (std::ptrdiff_t y = y0; y < y1; ++y)
    for (std::ptrdiff_t x = x0; x < x1; ++x) blend(c, x, y, rgb, 1.0f);
}

// A line `width` pixels wide with soft edges: each pixel near the segment gets coverage from its distance to it.
inline void draw_line(TensorView<float> c, double x0, double y0, double x1, double y1, std::array<float, 3> rgb,
                      double width) {
  const double r = width / 2;
  const auto lo_x = std::ptrdiff_t(std::floor(std::min(x0, x1) - r - 1)),
             hi_x = std::ptrdiff_t(std::ceil(std::max(x0, x1) + r + 1)),
             lo_y = std::ptrdiff_t(std::floor(std::min(y0, y1) - r - 1)),
             hi_y = std::ptrdiff_t(std::ceil(std::max(y0, y1) + r + 1));
  const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (std::ptrdiff_t y = lo_y; y <= hi_y; ++y)
    for (std::ptrdiff_t x = lo_x; x <= hi_x; ++x) {
      const double px = double(x) - x0, py = double(y) - y0;
      const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
      const double ex = px - t * dx, ey = py - t * dy, d = std::sqrt(ex * ex + ey * ey);
      blend(c, x, y, rgb, float(std::clamp(r + 0.5 - d, 0.0, 1.0)));
    }
}
}  // namespace detail

// `legend_title`, when given, heads the legend (bold).
inline Tensor<float> line_chart(std::span<const Panel> panels, std::string_view legend_title = {},
                                std::size_t plot_w = 360, std::size_t plot_h = 300) {
  require<value_error>(!panels.empty(), "line_chart: expected at least one panel");
  const std::size_t n_series = panels[0].series.size();
  for (const auto& p : panels) {
    require<value_error>(p.series.size() == n_series, "line_chart: every panel needs the same series");
    for (const auto& s : p.series) {
      require<value_error>(s.y.size() >= 2, "line_chart: series '", s.label, "' needs at least two values");
      for (double v : s.y) require<value_error>(std::isfinite(v), "line_chart: series '", s.label, "' holds NaN or Inf");
    }
  }
  const std::ptrdiff_t line = std::ptrdiff_t(text_height()), margin = 16, left = 54, top = line + 14,
                       bottom = 2 * line + 16, gap = 28, pw = std::ptrdiff_t(plot_w), ph = std::ptrdiff_t(plot_h);
  std::size_t legend_w = 0;
  for (const auto& s : panels[0].series) legend_w = std::max(legend_w, text_width(s.label) + 32);
  legend_w = std::max(legend_w, text_width(legend_title, FontWeight::bold));
  const std::ptrdiff_t legend = std::ptrdiff_t(legend_w) + 12, row_h = line + 6,
                       legend_h = std::ptrdiff_t(n_series + (legend_title.empty() ? 0 : 1)) * row_h;
  const std::ptrdiff_t panel_w = left + pw, w = margin + std::ptrdiff_t(panels.size()) * (panel_w + gap) + legend,
                       h = margin + top + std::max(ph + bottom, legend_h) + margin;
  auto canvas = Tensor<float>::full({3, std::size_t(h), std::size_t(w)}, 1.0f);
  auto c = canvas.view();
  const std::array<float, 3> ink{0.12f, 0.12f, 0.12f}, grid{0.90f, 0.90f, 0.90f}, axis{0.35f, 0.35f, 0.35f};
  for (std::size_t pi = 0; pi < panels.size(); ++pi) {
    const auto& p = panels[pi];
    const std::ptrdiff_t ox = margin + std::ptrdiff_t(pi) * (panel_w + gap) + left, oy = margin + top;
    draw_text(c, ox + (pw - std::ptrdiff_t(text_width(p.title, FontWeight::bold))) / 2, margin, p.title, ink,
              FontWeight::bold);
    for (int t = 0; t <= 4; ++t) {  // grid, ticks and tick labels at 0, 0.25, ..., 1
      const double f = t / 4.0;
      const std::ptrdiff_t gx = ox + std::ptrdiff_t(std::lround(f * double(pw - 1))),
                           gy = oy + std::ptrdiff_t(std::lround((1 - f) * double(ph - 1)));
      detail::fill_rect(c, gx, oy, gx + 1, oy + ph, grid);
      detail::fill_rect(c, ox, gy, ox + pw, gy + 1, grid);
      char label[16];
      std::snprintf(label, sizeof label, "%g", f);
      draw_text(c, gx - std::ptrdiff_t(text_width(label)) / 2, oy + ph + 4, label, ink);
      draw_text(c, ox - 8 - std::ptrdiff_t(text_width(label)), gy - line / 2, label, ink);
    }
    detail::fill_rect(c, ox, oy + ph - 1, ox + pw, oy + ph, axis);
    detail::fill_rect(c, ox, oy, ox + 1, oy + ph, axis);
    draw_text(c, ox + (pw - std::ptrdiff_t(text_width(p.x_label))) / 2, oy + ph + line + 8, p.x_label, ink);
    draw_text(c, ox - left + 2, oy - line - 2, p.y_label, ink);
    for (std::size_t si = 0; si < p.series.size(); ++si) {
      const auto& y = p.series[si].y;
      const auto col = tab10[si % tab10.size()];
      auto at = [&](std::size_t k) {
        const double fx = double(k) / double(y.size() - 1), fy = std::clamp(y[k], 0.0, 1.0);
        return std::array<double, 2>{double(ox) + fx * double(pw - 1), double(oy) + (1 - fy) * double(ph - 1)};
      };
      for (std::size_t k = 0; k + 1 < y.size(); ++k) {
        const auto a = at(k), b = at(k + 1);
        detail::draw_line(c, a[0], a[1], b[0], b[1], col, 2.0);
      }
    }
  }
  const std::ptrdiff_t lx = margin + std::ptrdiff_t(panels.size()) * (panel_w + gap);
  std::ptrdiff_t ly = margin + top;
  if (!legend_title.empty()) {
    draw_text(c, lx, ly, legend_title, ink, FontWeight::bold);
    ly += row_h;
  }
  for (std::size_t si = 0; si < n_series; ++si) {
    const std::ptrdiff_t y = ly + std::ptrdiff_t(si) * row_h;
    detail::draw_line(c, double(lx), double(y + line / 2), double(lx + 24), double(y + line / 2),
                      tab10[si % tab10.size()], 3.0);
    draw_text(c, lx + 32, y, panels[0].series[si].label, ink);
  }
  return canvas;
}

}  // namespace render
INX_END_NAMESPACE
