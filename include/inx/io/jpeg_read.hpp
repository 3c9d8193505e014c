// JPEG decoding with libjpeg-turbo's TurboJPEG API (the decoder behind PIL and OpenCV, fuzzed continuously by
// OSS-Fuzz), with libjpeg's defaults as PIL uses them: accurate integer IDCT, smooth ("fancy") chroma upsampling,
// so the pixels equal PIL's exactly. Strict where PIL is lenient: a warning (corrupt entropy data, a premature end,
// a bad Huffman code) is an error, not a silently grey image, and progressive files with an absurd number of scans
// (a known decoding-time attack) are refused. Gray files stay gray; colour files decode to RGB; CMYK is refused.
#pragma once

#include <turbojpeg.h>

#include <cstdint>
#include <memory>
#include <string>

#include "inx/core/error.hpp"
#include "inx/io/decoded.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

struct TjFree {
  void operator()(void* h) const noexcept { tjDestroy(h); }
};

inline DecodedImage decode_jpeg(const unsigned char* data, std::size_t size, const std::string& where,
                                const Limits& limits) {
  require<io_error>(size <= 0xFFFFFFFFu, where, ": ", size, " bytes is too large for a JPEG file");
  std::unique_ptr<void, TjFree> h(tjInitDecompress());
  require<io_error>(h != nullptr, where, ": cannot create a JPEG decoder (", tjGetErrorStr2(nullptr), ")");
  auto fail = [&](const char* what) {
    throw io_error(inx::detail::msg(where, ": cannot ", what, " the JPEG image (", tjGetErrorStr2(h.get()), ")"));
  };
  int w = 0, hgt = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(h.get(), data, static_cast<unsigned long>(size), &w, &hgt, &subsamp, &colorspace) != 0)
    fail("read the header of");
  require<io_error>(w > 0 && hgt > 0, where, ": cannot read the JPEG header (no frame header before the data ends)");
  require<io_error>(colorspace != TJCS_CMYK && colorspace != TJCS_YCCK, where,
                    ": CMYK JPEG images are not supported (expected gray or colour)");
  DecodedImage img;
  img.width = static_cast<std::size_t>(w);
  img.height = static_cast<std::size_t>(hgt);
  img.channels = colorspace == TJCS_GRAY ? 1 : 3;
  check_image_size(where, "JPEG header", img.width, img.height, std::uint64_t(img.channels), size, limits);
  img.bytes.resize(img.width * img.height * std::size_t(img.channels));
  const int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS | TJFLAG_ACCURATEDCT;
  if (tjDecompress2(h.get(), data, static_cast<unsigned long>(size), img.bytes.data(), w, 0, hgt,
                    img.channels == 1 ? TJPF_GRAY : TJPF_RGB, flags) != 0)
    fail("decode");
  return img;
}

}  // namespace io::detail
INX_END_NAMESPACE
