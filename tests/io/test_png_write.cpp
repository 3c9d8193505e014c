// The zlib PNG encoder: every channel count and odd sizes round-trip exactly through the decoder (libspng), and
// values are clamped and rounded as save_png documents.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "inx/io/image.hpp"
#include "inx/io/png_write.hpp"

namespace {

TEST(PngWrite, RoundTripsEveryChannelCountExactly) {
  std::mt19937 rng(7);
  const auto dir = std::filesystem::temp_directory_path();
  for (std::size_t c = 1; c <= 4; ++c)
    for (auto [h, w] : {std::pair<std::size_t, std::size_t>{1, 1}, {3, 5}, {17, 2}, {64, 33}}) {
      auto t = inx::Tensor<float>::uninitialized({c, h, w});
      for (float& v : t.span()) v = float(rng() % 256) / 255.0f;
      const auto path = dir / ("inx_png_rt_" + std::to_string(c) + "_" + std::to_string(h) + ".png");
      inx::io::save_png(path, t.view());
      auto back = inx::io::load_image(path, 0);
      std::filesystem::remove(path);
      ASSERT_EQ(back.shape(), t.shape()) << c << " channels";
      for (std::size_t i = 0; i < t.size(); ++i) ASSERT_EQ(back.data()[i], t.data()[i]) << "element " << i;
    }
}

TEST(PngWrite, ClampsAndRounds) {
  auto t = inx::Tensor<float>::from_host({1, 1, 5}, std::vector<float>{-1.0f, 2.0f, 0.5f, 1.0f / 510, NAN});
  const auto path = std::filesystem::temp_directory_path() / "inx_png_clamp.png";
  inx::io::save_png(path, t.view());
  auto back = inx::io::load_image(path, 0);
  std::filesystem::remove(path);
  EXPECT_EQ(back.data()[0], 0.0f);
  EXPECT_EQ(back.data()[1], 1.0f);
  EXPECT_EQ(back.data()[2], 128.0f / 255.0f);
  EXPECT_EQ(back.data()[3], 1.0f / 255.0f);  // 0.5 rounds up
  EXPECT_EQ(back.data()[4], 0.0f);           // NaN becomes 0
}

TEST(PngWrite, StartsWithTheSignatureAndHeader) {
  const unsigned char px[6] = {0, 1, 2, 3, 4, 5};
  const auto png = inx::io::encode_png(px, 2, 1, 3);
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(std::memcmp(png.data(), "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), 0);
  EXPECT_EQ(png[24], 8);   // bit depth
  EXPECT_EQ(png[25], 2);   // RGB
  EXPECT_THROW(inx::io::encode_png(px, 0, 1, 3), inx::value_error);
  EXPECT_THROW(inx::io::encode_png(px, 1, 1, 5), inx::value_error);
}

}  // namespace
