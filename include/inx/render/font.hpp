// Text in pictures: captions and labels drawn from an embedded, antialiased DejaVu Sans atlas (font_atlas.hpp, made by
// tools/make_font_atlas.py), so no font file is needed at run time. One size (13 px, a 14 px line), regular or bold.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "inx/core/error.hpp"
#include "inx/render/font_atlas.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace render {

enum class FontWeight { regular, bold };

namespace detail {
inline const Glyph& glyph(unsigned char c, FontWeight weight) noexcept {
  if (c < font_first_char || c > font_last_char) c = '?';
  const auto& glyphs = weight == FontWeight::bold ? bold_glyphs : regular_glyphs;
  return glyphs[c - font_first_char];
}
inline const std::uint8_t* glyph_pixels(FontWeight weight) noexcept {
  return weight == FontWeight::bold ? bold_pixels.data() : regular_pixels.data();
}

// Calls f(glyph, pen) for each drawn glyph, pen in whole pixels from the start of the text. Pens advance in 1/64
// pixel and are rounded per glyph, so a word keeps DejaVu's spacing instead of gathering each glyph's rounding.
// Printable ASCII is drawn as it is; anything else as '?', once per UTF-8 sequence (its continuation bytes, 10xxxxxx
// after a non-ASCII byte, are skipped) so "café" reads "caf?" rather than "caf??".
template <class F>
void for_each_glyph(std::string_view text, FontWeight weight, F&& f) {
  std::uint64_t pen64 = 0;
  bool after_non_ascii = false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool continuation = after_non_ascii && (c & 0xC0u) == 0x80u;
    after_non_ascii = c >= 0x80u;
    if (continuation) continue;
    const Glyph& g = glyph(c, weight);
    f(g, static_cast<std::size_t>((pen64 + 32) / 64));
    pen64 += g.advance;
  }
}
}  // namespace detail

// Height of a line of text in pixels: from the highest ink of any glyph (either weight) to the lowest.
inline constexpr std::size_t text_height() noexcept { return static_cast<std::size_t>(detail::font_line_height); }

// Width of the text in pixels: its total advance, rounded (the last glyph's ink may overhang it by a pixel).
inline std::size_t text_width(std::string_view text, FontWeight weight = FontWeight::regular) {
  std::uint64_t pen64 = 0;
  detail::for_each_glyph(text, weight, [&](const detail::Glyph& g, std::size_t) { pen64 += g.advance; });
  return static_cast<std::size_t>((pen64 + 32) / 64);
}

// The longest prefix of text that fits in max_width pixels with "..." appended, or text itself if it fits.
inline std::string fit_text(std::string_view text, std::size_t max_width, FontWeight weight = FontWeight::regular) {
  if (text_width(text, weight) <= max_width) return std::string(text);
  std::string_view dots = "...";
  while (!dots.empty() && text_width(dots, weight) > max_width) dots.remove_suffix(1);
  // The longest fitting prefix, by bisection: widths never shrink as bytes are added. It never ends inside a UTF-8
  // sequence, since continuation bytes add no width and so always fit after their lead byte.
  std::size_t lo = 0, hi = text.size();  // the prefix of lo bytes fits, that of hi bytes does not
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (text_width(std::string(text.substr(0, mid)) + std::string(dots), weight) <= max_width) lo = mid;
    else hi = mid;
  }
  std::size_t cut = lo;
  while (cut > 0 && text[cut - 1] == ' ') --cut;  // "a long..." rather than "a long ..."
  return std::string(text.substr(0, cut)) + std::string(dots);
}

// Draws text onto a (3, H, W) canvas with the top-left corner of its line box at (x, y), blending rgb over the
// canvas by each glyph pixel's coverage. Whatever falls outside the canvas is clipped, on every side.
inline void draw_text(TensorView<float> canvas, std::ptrdiff_t x, std::ptrdiff_t y, std::string_view text,
                      std::array<float, 3> rgb, FontWeight weight = FontWeight::regular) {
  require<shape_error>(canvas.rank() == 3 && canvas.dim(0) == 3, "draw_text: expected a (3, H, W) canvas, found shape ",
                       canvas.shape().str());
  const auto h = static_cast<std::ptrdiff_t>(canvas.dim(1)), w = static_cast<std::ptrdiff_t>(canvas.dim(2));
  const auto line = static_cast<std::ptrdiff_t>(text_height());
  if (text.empty() || x >= w || y >= h || y <= -line) return;
  // Leaves x far enough from the type's limits that x + pen + ink offset cannot overflow.
  const auto width = static_cast<std::ptrdiff_t>(text_width(text, weight));
  if (x <= -width - 2 * detail::font_pixel_size) return;
  const std::size_t plane = canvas.dim(1) * canvas.dim(2);
  const std::uint8_t* pixels = detail::glyph_pixels(weight);
  float* base = canvas.data();
  detail::for_each_glyph(text, weight, [&](const detail::Glyph& g, std::size_t pen) {
    const std::ptrdiff_t gx = x + static_cast<std::ptrdiff_t>(pen) + g.x, gy = y + g.y;
    const std::ptrdiff_t gw = g.w, gh = g.h;
    const std::ptrdiff_t c0 = std::max<std::ptrdiff_t>(0, -gx), c1 = std::min(gw, w - gx);
    const std::ptrdiff_t r0 = std::max<std::ptrdiff_t>(0, -gy), r1 = std::min(gh, h - gy);
    for (std::ptrdiff_t r = r0; r < r1; ++r)
      for (std::ptrdiff_t c = c0; c < c1; ++c) {
        const std::uint8_t cov = pixels[g.offset + static_cast<std::size_t>(r * gw + c)];
        if (cov == 0) continue;
        const float a = static_cast<float>(cov) / 255.0f;
        const std::size_t at = static_cast<std::size_t>((gy + r) * w + gx + c);
        for (std::size_t k = 0; k < 3; ++k) {
          float& v = base[k * plane + at];
          v += a * (rgb[k] - v);
        }
      }
  });
}

}  // namespace render
INX_END_NAMESPACE
