// Images: PNG and JPEG decoded by stb_image into float (C, H, W) tensors in [0, 1], and PNG encoding with zlib
// (png_write.hpp). The declared image size is checked against the file size before stb allocates anything.
#pragma once

#include <stb_image.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "inx/io/file.hpp"
#include "inx/io/png_write.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace io {
namespace detail {
// PNG and JPEG both compress by well under this ratio even for a single flat colour (JPEG: >= 1 bit per 8x8 block).
inline constexpr std::uint64_t max_image_ratio = 4096;

struct StbiFree {
  void operator()(void* p) const noexcept { stbi_image_free(p); }
};
}  // namespace detail

// Reads a PNG or JPEG as (C, H, W) floats in [0, 1]. channels: 0 keeps the file's channels (1 to 4), 1 converts to
// grayscale, 3 to RGB (2 and 4 add alpha). 16-bit PNGs keep their precision.
inline Tensor<float> load_image(const std::filesystem::path& path, int channels = 0) {
  require<value_error>(channels >= 0 && channels <= 4, "load_image ", path, ": channels must be 0 to 4, got ",
                       channels);
  detail::InFile f(path);
  require<io_error>(f.size() <= INT_MAX, "file ", path, ": ", f.size(), " bytes is too large for an image");
  std::vector<unsigned char> buf(static_cast<std::size_t>(f.size()));
  f.read(buf.data(), buf.size());
  static constexpr unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  const bool is_png = buf.size() >= 8 && std::memcmp(buf.data(), png, 8) == 0;
  const bool is_jpeg = buf.size() >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF;
  require<io_error>(is_png || is_jpeg, "file ", path, ": expected a PNG or JPEG image (wrong magic)");
  const int len = static_cast<int>(buf.size());
  int w = 0, h = 0, c = 0;
  require<io_error>(stbi_info_from_memory(buf.data(), len, &w, &h, &c) == 1 && w > 0 && h > 0 && c >= 1 && c <= 4,
                    "file ", path, ": cannot read the ", is_png ? "PNG" : "JPEG", " header (",
                    stbi_failure_reason() ? stbi_failure_reason() : "unknown", ")");
  const int out_c = channels ? channels : c;
  const std::uint64_t pixels = std::uint64_t(w) * std::uint64_t(h);
  require<io_error>(pixels * std::uint64_t(std::max(c, out_c)) <= detail::max_image_ratio * buf.size() + (1u << 20),
                    "file ", path, ": declared size ", w, "x", h, " is more than ", buf.size(), " bytes can hold");
  const bool wide = is_png && stbi_is_16_bit_from_memory(buf.data(), len);
  int ww = 0, hh = 0, cc = 0;
  std::unique_ptr<void, detail::StbiFree> px(
      wide ? static_cast<void*>(stbi_load_16_from_memory(buf.data(), len, &ww, &hh, &cc, out_c))
           : static_cast<void*>(stbi_load_from_memory(buf.data(), len, &ww, &hh, &cc, out_c)));
  require<io_error>(px != nullptr && ww == w && hh == h, "file ", path, ": cannot decode the ",
                    is_png ? "PNG" : "JPEG", " image (", stbi_failure_reason() ? stbi_failure_reason() : "unknown",
                    ")");
  auto t = Tensor<float>::uninitialized(Shape{std::size_t(out_c), std::size_t(h), std::size_t(w)});
  const std::size_t plane = pixels;
  float* out = t.data();
  if (wide) {
    const auto* s = static_cast<const std::uint16_t*>(px.get());
    for (std::size_t i = 0; i < plane; ++i)
      for (int k = 0; k < out_c; ++k) out[k * plane + i] = s[i * out_c + k] / 65535.0f;
  } else {
    const auto* s = static_cast<const std::uint8_t*>(px.get());
    for (std::size_t i = 0; i < plane; ++i)
      for (int k = 0; k < out_c; ++k) out[k * plane + i] = s[i * out_c + k] / 255.0f;
  }
  return t;
}

// Writes a (C, H, W) float image with C = 1, 2, 3 or 4 as an 8-bit PNG; values are clamped to [0, 1] (NaN to 0) and
// rounded. Atomic: temporary file + rename.
inline void save_png(const std::filesystem::path& path, TensorView<const float> chw) {
  require<shape_error>(chw.rank() == 3 && chw.dim(0) >= 1 && chw.dim(0) <= 4, "save_png ", path,
                       ": expected a (C, H, W) image with C = 1 to 4, found shape ", chw.shape().str());
  const std::size_t c = chw.dim(0), h = chw.dim(1), w = chw.dim(2);
  require<shape_error>(h >= 1 && w >= 1 && h <= (1u << 24) && w <= (1u << 24) && h * w * c <= INT_MAX, "save_png ",
                       path, ": image of shape ", chw.shape().str(), " is empty or too large for PNG");
  std::vector<unsigned char> px(c * h * w);
  const float* in = chw.data();
  for (std::size_t i = 0; i < h * w; ++i)
    for (std::size_t k = 0; k < c; ++k) {
      const float v = in[k * h * w + i];
      const float clamped = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
      px[i * c + k] = static_cast<unsigned char>(clamped * 255.0f + 0.5f);
    }
  const auto png = encode_png(px.data(), w, h, c);
  detail::OutFile f(path);
  f.write(png.data(), png.size());
  f.commit();
}

}  // namespace io
INX_END_NAMESPACE
