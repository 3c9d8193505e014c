// Images: PNG (libspng, png_read.hpp) and JPEG (libjpeg-turbo, jpeg_read.hpp) decoded into float (C, H, W) tensors
// in [0, 1], and PNG encoding with zlib (png_write.hpp). Declared sizes are checked against io::Limits and the file's
// size before any pixel is allocated; a file the decoders call corrupt is an io_error naming the file.
#pragma once

#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "inx/io/decoded.hpp"
#include "inx/io/file.hpp"
#include "inx/io/jpeg_read.hpp"
#include "inx/io/limits.hpp"
#include "inx/io/png_read.hpp"
#include "inx/io/png_write.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace io {
namespace detail {

// PIL's luma (ITU-R 601-2 in 16-bit fixed point, as Image.convert("L") computes it), for 8- and 16-bit samples.
constexpr std::uint32_t luma(std::uint32_t r, std::uint32_t g, std::uint32_t b) noexcept {
  return static_cast<std::uint32_t>((std::uint64_t{r} * 19595 + std::uint64_t{g} * 38470 + std::uint64_t{b} * 7471 +
                                     0x8000) >> 16);
}

// Converts the decoded samples to `out_c` channels as PIL's convert does: gray is replicated into RGB, RGB becomes
// gray by luma, alpha is dropped without compositing or added: opaque, or transparent where a PNG's tRNS key
// colour matches.
template <class S>
void convert_channels(const S* s, const DecodedImage& img, int out_c, float* out) {
  const std::size_t plane = img.width * img.height;
  const int c = img.channels;
  const float scale = sizeof(S) == 1 ? 255.0f : 65535.0f;
  const std::uint32_t opaque = sizeof(S) == 1 ? 255 : 65535;
  const bool color_in = c >= 3, alpha_in = c == 2 || c == 4;
  for (std::size_t i = 0; i < plane; ++i) {
    const S* p = s + i * std::size_t(c);
    std::uint32_t v[4];
    if (out_c == c) {
      for (int k = 0; k < c; ++k) v[k] = p[k];
    } else {
      const bool keyed = img.has_key && p[0] == img.key[0] && (c == 1 || (p[1] == img.key[1] && p[2] == img.key[2]));
      const std::uint32_t alpha = alpha_in ? p[c - 1] : keyed ? 0 : opaque;
      if (out_c <= 2) {
        v[0] = color_in ? luma(p[0], p[1], p[2]) : p[0];
        v[1] = alpha;
      } else {
        for (int k = 0; k < 3; ++k) v[k] = color_in ? p[k] : p[0];
        v[3] = alpha;
      }
    }
    for (int k = 0; k < out_c; ++k) out[std::size_t(k) * plane + i] = static_cast<float>(v[k]) / scale;
  }
}
}  // namespace detail

// Reads a PNG or JPEG as (C, H, W) floats in [0, 1]. channels: 0 keeps the file's channels (1 to 4; a palette gives
// RGB, or RGBA with transparency), 1 converts to grayscale, 3 to RGB (2 and 4 add alpha), the way PIL's convert()
// does. 16-bit PNGs keep their precision. Pixel for pixel what PIL's Image.open(path).convert(mode) gives.
inline Tensor<float> load_image(const std::filesystem::path& path, int channels = 0, const Limits& limits = {}) {
  require<value_error>(channels >= 0 && channels <= 4, "load_image ", path, ": channels must be 0 to 4, got ",
                       channels);
  detail::InFile f(path);
  const std::string where = inx::detail::msg("file ", path);
  require<io_error>(f.size() <= (std::uint64_t{1} << 32), where, ": ", f.size(), " bytes is too large for an image");
  std::vector<unsigned char> buf(static_cast<std::size_t>(f.size()));
  f.read(buf.data(), buf.size());
  static constexpr unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  const bool is_png = buf.size() >= 8 && std::memcmp(buf.data(), png, 8) == 0;
  const bool is_jpeg = buf.size() >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF;
  require<io_error>(is_png || is_jpeg, where, ": expected a PNG or JPEG image (wrong magic)");
  const auto img = is_png ? detail::decode_png(buf.data(), buf.size(), where, limits)
                          : detail::decode_jpeg(buf.data(), buf.size(), where, limits);
  const int out_c = channels ? channels : img.channels;
  auto t = Tensor<float>::uninitialized(Shape{std::size_t(out_c), img.height, img.width});
  if (img.wide)
    detail::convert_channels(reinterpret_cast<const std::uint16_t*>(img.bytes.data()), img, out_c, t.data());
  else
    detail::convert_channels(img.bytes.data(), img, out_c, t.data());
  return t;
}

// Encodes a (C, H, W) float image with C = 1, 2, 3 or 4 as 8-bit PNG bytes; values are clamped to [0, 1] (NaN to 0)
// and rounded.
inline std::vector<unsigned char> png_bytes(TensorView<const float> chw, const std::string& what = "png_bytes") {
  require<shape_error>(chw.rank() == 3 && chw.dim(0) >= 1 && chw.dim(0) <= 4, what,
                       ": expected a (C, H, W) image with C = 1 to 4, found shape ", chw.shape().str());
  const std::size_t c = chw.dim(0), h = chw.dim(1), w = chw.dim(2);
  require<shape_error>(h >= 1 && w >= 1 && h <= (1u << 24) && w <= (1u << 24) && h * w * c <= INT_MAX, what,
                       ": image of shape ", chw.shape().str(), " is empty or too large for PNG");
  std::vector<unsigned char> px(c * h * w);
  const float* in = chw.data();
  for (std::size_t i = 0; i < h * w; ++i)
    for (std::size_t k = 0; k < c; ++k) {
      const float v = in[k * h * w + i];
      const float clamped = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
      px[i * c + k] = static_cast<unsigned char>(clamped * 255.0f + 0.5f);
    }
  return encode_png(px.data(), w, h, c);
}

// Writes a (C, H, W) float image as an 8-bit PNG (png_bytes). Atomic: temporary file + rename.
inline void save_png(const std::filesystem::path& path, TensorView<const float> chw) {
  const auto png = png_bytes(chw, inx::detail::msg("save_png ", path));
  detail::OutFile f(path);
  f.write(png.data(), png.size());
  f.commit();
}

}  // namespace io
INX_END_NAMESPACE
