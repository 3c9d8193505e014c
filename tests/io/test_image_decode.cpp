// Decoding parity with PIL, pixel for pixel: every PNG colour type and bit depth (palettes with and without tRNS,
// Adam7 interlacing), JPEGs of every chroma subsampling, progressive, gray and a real camera photograph, each in
// every channel conversion load_image offers. Fixtures: tools/make_io_fixtures.py (PIL's decode of each file).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "io_test_util.hpp"

using namespace iotest;
namespace io = inx::io;
using inx::Shape;

namespace {
int channels_of(const std::string& mode) {
  if (mode == "native") return 0;
  if (mode == "L") return 1;
  if (mode == "LA") return 2;
  if (mode == "RGB") return 3;
  return 4;
}

// The image as PIL's (H, W, C) uint8 bytes; every value must be an exact multiple of 1/255.
std::vector<std::uint8_t> hwc_bytes(const inx::Tensor<float>& t) {
  const std::size_t c = t.dim(0), h = t.dim(1), w = t.dim(2);
  std::vector<std::uint8_t> out(c * h * w);
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x)
      for (std::size_t k = 0; k < c; ++k) {
        const float v = t(k, y, x);
        const long q = std::lround(v * 255.0f);
        EXPECT_EQ(v, static_cast<float>(q) / 255.0f) << "not an 8-bit level at " << y << "," << x << "," << k;
        out[(y * w + x) * c + k] = static_cast<std::uint8_t>(q);
      }
  return out;
}
}  // namespace

TEST(ImageDecode, EqualsPilOnEveryColourTypeAndConversion) {
  const auto want = io::load_npz(data("image/pil_decoded.npz"));
  ASSERT_EQ(want.size(), 14u * 5u);  // 14 files x 5 conversions
  for (const auto& [key, a] : want) {
    const auto slash = key.find('/');
    const std::string file = key.substr(0, slash), mode = key.substr(slash + 1);
    SCOPED_TRACE(key);
    const auto got = io::load_image(data("image/" + file), channels_of(mode));
    ASSERT_EQ(got.shape(), (Shape{a.shape[2], a.shape[0], a.shape[1]}));
    const auto bytes = hwc_bytes(got);
    const auto ref = a.to<std::uint8_t>();
    std::size_t differ = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) differ += bytes[i] != ref.data()[i];
    EXPECT_EQ(differ, 0u) << differ << " of " << bytes.size() << " samples differ from PIL";
  }
}

TEST(ImageDecode, RealPhotographEqualsPil) {
  std::ifstream f(data("image/pil_crc32.txt"));
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string key;
    std::size_t h = 0, w = 0, c = 0;
    unsigned long crc = 0;
    in >> key >> h >> w >> c >> crc;
    SCOPED_TRACE(key);
    const auto slash = key.find('/');
    const auto got = io::load_image(data("image/" + key.substr(0, slash)), channels_of(key.substr(slash + 1)));
    ASSERT_EQ(got.shape(), (Shape{c, h, w}));
    const auto bytes = hwc_bytes(got);
    EXPECT_EQ(crc32(0L, bytes.data(), static_cast<uInt>(bytes.size())), crc);
    ++n;
  }
  EXPECT_EQ(n, 5);
}

TEST(ImageDecode, SixteenBitColourKeepsItsPrecision) {
  for (const char* name : {"png_rgb16_13x11", "png_rgba16_interlaced_13x11", "png_la16_13x11"}) {
    SCOPED_TRACE(name);
    const auto got = io::load_image(data(std::string("image/") + name + ".png"));
    const auto a = io::read_npy(data(std::string("image/") + name + ".npy"));
    const auto ref = a.to<std::int32_t>();
    const std::size_t h = a.shape[0], w = a.shape[1], c = a.shape[2];
    ASSERT_EQ(got.shape(), (Shape{c, h, w}));
    for (std::size_t y = 0; y < h; ++y)
      for (std::size_t x = 0; x < w; ++x)
        for (std::size_t k = 0; k < c; ++k)
          ASSERT_EQ(got(k, y, x), static_cast<float>(ref(y, x, k)) / 65535.0f) << y << "," << x << "," << k;
  }
  // Gray from 16-bit RGB uses PIL's luma on the 16-bit samples.
  const auto rgb = io::load_image(data("image/png_rgb16_13x11.png"));
  const auto g = io::load_image(data("image/png_rgb16_13x11.png"), 1);
  const auto s = [&](int k) { return static_cast<std::uint64_t>(std::lround(rgb(k, 4, 7) * 65535.0f)); };
  EXPECT_EQ(g(0, 4, 7), static_cast<float>((s(0) * 19595 + s(1) * 38470 + s(2) * 7471 + 0x8000) >> 16) / 65535.0f);
}
