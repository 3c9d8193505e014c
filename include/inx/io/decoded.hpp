// A decoded image before conversion (interleaved samples, 8 or 16 bits each, as the file stores them), and the
// check every decoder makes of the size its file declares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/io/limits.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

struct DecodedImage {
  std::size_t width = 0, height = 0;
  int channels = 0;                  // 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA
  bool wide = false;                 // 16-bit samples (host-endian std::uint16_t) rather than 8-bit
  std::vector<unsigned char> bytes;  // height x width x channels samples
  // A PNG's tRNS key colour for gray or RGB images (in the decoded samples' scale): the pixels of exactly that
  // colour become transparent when alpha is asked for, as PIL's convert("LA"/"RGBA") does.
  bool has_key = false;
  std::uint16_t key[3] = {0, 0, 0};
};


// PNG and JPEG both compress by well under this ratio even for a single flat colour (JPEG: >= 1 bit per 8x8 block;
// PNG: deflate's best is ~1:1032 on a flat row, a filter byte per row adds little).
inline constexpr std::uint64_t max_image_ratio = 4096;

inline void check_image_size(const std::string& where, const char* kind, std::uint64_t w, std::uint64_t h,
                             std::uint64_t channels, std::uint64_t file_bytes, const Limits& limits) {
  require<io_error>(w > 0 && h > 0, where, ": the ", kind, " declares an empty image (", w, "x", h, ")");
  require<io_error>(w <= limits.image_side && h <= limits.image_side, where, ": the ", kind, " declares ", w, "x", h,
                    " pixels, more than the limit of ", limits.image_side, " per side (io::Limits::image_side)");
  require<io_error>(w * h <= limits.image_pixels, where, ": the ", kind, " declares ", w, "x", h, " = ", w * h,
                    " pixels, more than the limit of ", limits.image_pixels, " (io::Limits::image_pixels)");
  require<io_error>(w * h * channels <= max_image_ratio * file_bytes + (1u << 20), where, ": the ", kind,
                    " declares ", w, "x", h, " pixels, more than its ", file_bytes, " bytes can hold");
}

}  // namespace io::detail
INX_END_NAMESPACE
