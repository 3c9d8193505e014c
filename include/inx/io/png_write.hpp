// PNG encoding with zlib: 8-bit grayscale, grey+alpha, RGB or RGBA, every row with the "Up" filter, deflate level 1 by
// default. Replaces stb_image_write's encoder: on a 224x224 RGB overlay it took 18-23 ms and 111 KB, zlib level 1
// takes 2.5-5 ms and 82 KB (level 6: 22 ms, 78 KB) — and an explanation writes dozens of PNGs per image.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace io {
namespace detail {

inline void png_u32(std::vector<unsigned char>& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<unsigned char>((v >> s) & 0xFF));
}

inline void png_chunk(std::vector<unsigned char>& out, const char type[4], const unsigned char* data, std::size_t n) {
  png_u32(out, static_cast<std::uint32_t>(n));
  const std::size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  if (n) out.insert(out.end(), data, data + n);
  const auto crc = crc32_z(0, out.data() + start, n + 4);
  png_u32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace detail

// Encodes interleaved 8-bit pixels (h rows of w * c bytes, c = 1 to 4) as a complete PNG file in memory.
inline std::vector<unsigned char> encode_png(const unsigned char* px, std::size_t w, std::size_t h, std::size_t c,
                                             int level = 1) {
  require<value_error>(c >= 1 && c <= 4 && w >= 1 && h >= 1 && w <= 0x7FFFFFFF && h <= 0x7FFFFFFF,
                       "encode_png: expected 1 to 4 channels and a non-empty image, got ", w, "x", h, "x", c);
  static constexpr unsigned char color_type[5] = {0, 0, 4, 2, 6};  // gray, gray+alpha, RGB, RGBA
  const std::size_t stride = w * c;
  // Filtered scanlines: a filter byte (2 = Up: each byte minus the one above) then the row.
  std::vector<unsigned char> raw((stride + 1) * h);
  for (std::size_t y = 0; y < h; ++y) {
    unsigned char* dst = &raw[y * (stride + 1)];
    const unsigned char* row = px + y * stride;
    dst[0] = 2;
    if (y == 0) {
      std::memcpy(dst + 1, row, stride);
    } else {
      const unsigned char* up = row - stride;
      for (std::size_t i = 0; i < stride; ++i) dst[1 + i] = static_cast<unsigned char>(row[i] - up[i]);
    }
  }
  uLongf zn = compressBound(static_cast<uLong>(raw.size()));
  std::vector<unsigned char> z(zn);
  require<io_error>(compress2(z.data(), &zn, raw.data(), static_cast<uLong>(raw.size()), level) == Z_OK,
                    "encode_png: zlib compression failed");
  std::vector<unsigned char> out{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  out.reserve(zn + 64);
  std::vector<unsigned char> ihdr;
  detail::png_u32(ihdr, static_cast<std::uint32_t>(w));
  detail::png_u32(ihdr, static_cast<std::uint32_t>(h));
  ihdr.insert(ihdr.end(), {8, color_type[c], 0, 0, 0});  // bit depth 8, deflate, adaptive filtering, no interlace
  detail::png_chunk(out, "IHDR", ihdr.data(), ihdr.size());
  detail::png_chunk(out, "IDAT", z.data(), zn);
  detail::png_chunk(out, "IEND", nullptr, 0);
  return out;
}

}  // namespace io
INX_END_NAMESPACE
