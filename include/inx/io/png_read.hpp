// PNG decoding with libspng (fuzzed continuously by OSS-Fuzz): every colour type and bit depth, interlaced or not,
// CRCs checked, the declared size checked against the limits and the file's size before any pixel is allocated.
// Samples come back as stored: palettes expand to RGB (RGBA when a tRNS chunk gives alpha), gray below 8 bits is
// scaled to 8 bits, 16-bit samples stay 16-bit. Gamma and colour chunks are ignored, as PIL and OpenCV ignore them.
#pragma once

#include <spng.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "inx/core/error.hpp"
#include "inx/io/decoded.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

struct SpngFree {
  void operator()(spng_ctx* c) const noexcept { spng_ctx_free(c); }
};

inline DecodedImage decode_png(const unsigned char* data, std::size_t size, const std::string& where,
                               const Limits& limits) {
  std::unique_ptr<spng_ctx, SpngFree> ctx(spng_ctx_new(0));
  require<io_error>(ctx != nullptr, where, ": cannot create a PNG decoder (out of memory)");
  auto fail = [&](int rc, const char* what) {
    throw io_error(inx::detail::msg(where, ": cannot ", what, " the PNG image (", spng_strerror(rc), ")"));
  };
  const auto side = static_cast<std::uint32_t>(std::min<std::uint64_t>(limits.image_side, 0x7FFFFFFF));
  // Ancillary chunks (text, ICC profiles) are capped at 16 MB each and 64 MB in all; pixels are checked below.
  if (int rc = spng_set_image_limits(ctx.get(), side, side)) fail(rc, "configure");
  if (int rc = spng_set_chunk_limits(ctx.get(), std::size_t{1} << 24, std::size_t{1} << 26)) fail(rc, "configure");
  if (int rc = spng_set_png_buffer(ctx.get(), data, size)) fail(rc, "read");
  spng_ihdr ihdr{};
  if (int rc = spng_get_ihdr(ctx.get(), &ihdr)) {
    if (rc == SPNG_EWIDTH || rc == SPNG_EHEIGHT || rc == SPNG_EUSER_WIDTH || rc == SPNG_EUSER_HEIGHT)
      throw io_error(inx::detail::msg(where, ": the PNG header declares a width or height beyond the limit of ",
                                      side, " pixels per side (io::Limits::image_side)"));
    fail(rc, "read the header of");
  }
  DecodedImage img;
  img.width = ihdr.width;
  img.height = ihdr.height;
  img.wide = ihdr.bit_depth == 16;
  // Sizes first, before any further chunk is read: at most 4 channels of up to 2 bytes.
  check_image_size(where, "PNG header", img.width, img.height,
                   std::uint64_t(ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE ? 1 : 4) * (img.wide ? 2 : 1), size,
                   limits);
  int fmt = SPNG_FMT_PNG, flags = 0;
  switch (ihdr.color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE: img.channels = 1; break;
    case SPNG_COLOR_TYPE_TRUECOLOR: img.channels = 3; break;
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA: img.channels = 2; break;
    case SPNG_COLOR_TYPE_TRUECOLOR_ALPHA: img.channels = 4; break;
    case SPNG_COLOR_TYPE_INDEXED: {
      spng_trns trns{};
      const int rc = spng_get_trns(ctx.get(), &trns);
      if (rc != 0 && rc != SPNG_ECHUNKAVAIL) fail(rc, "read the chunks of");
      const bool alpha = rc == 0;
      img.channels = alpha ? 4 : 3;
      fmt = alpha ? SPNG_FMT_RGBA8 : SPNG_FMT_RGB8;
      flags = alpha ? SPNG_DECODE_TRNS : 0;
      break;
    }
    default: fail(SPNG_ECOLOR_TYPE, "decode");
  }
  if (ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE && ihdr.bit_depth < 8) fmt = SPNG_FMT_G8;
  if (ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE || ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR) {
    spng_trns trns{};
    const int rc = spng_get_trns(ctx.get(), &trns);
    if (rc != 0 && rc != SPNG_ECHUNKAVAIL) fail(rc, "read the chunks of");
    if (rc == 0) {
      img.has_key = true;
      if (ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE) {
        // Gray below 8 bits is scaled to 8 bits on decoding; so is its key.
        const unsigned max = (1u << ihdr.bit_depth) - 1;
        const unsigned g = trns.gray & max;
        img.key[0] = static_cast<std::uint16_t>(ihdr.bit_depth < 8 ? g * 255u / max : g);
      } else {
        img.key[0] = trns.red;
        img.key[1] = trns.green;
        img.key[2] = trns.blue;
      }
    }
  }
  std::size_t out = 0;
  if (int rc = spng_decoded_image_size(ctx.get(), fmt, &out)) fail(rc, "decode");
  require<io_error>(out == img.width * img.height * std::size_t(img.channels) * (img.wide ? 2 : 1), where,
                    ": the PNG decoder reports an unexpected image size");
  img.bytes.resize(out);
  if (int rc = spng_decode_image(ctx.get(), img.bytes.data(), out, fmt, flags)) fail(rc, "decode");
  return img;
}

}  // namespace io::detail
INX_END_NAMESPACE
