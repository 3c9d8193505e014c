#include <gtest/gtest.h>

#include <cmath>

#include "io_test_util.hpp"

using namespace iotest;
namespace io = inx::io;
using inx::Shape;

TEST(Idx, RawAndGzipGiveTheSameTensor) {
  for (const char* f : {"idx/images-idx3-ubyte", "idx/images-idx3-ubyte.gz"}) {
    const auto t = io::load_idx(data(f));
    ASSERT_EQ(t.shape(), (Shape{3, 4, 5}));
    for (std::size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t.data()[i], pattern<std::uint8_t>(std::int64_t(i)));
  }
  const auto l = io::load_idx(data("idx/labels-idx1-ubyte.gz"));
  ASSERT_EQ(l.shape(), Shape{6});
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(l.data()[i], i % 10);
}

TEST(Idx, FashionMnistLoads) {
  const std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir / "train-images-idx3-ubyte.gz")) GTEST_SKIP() << "no Fashion-MNIST at " << dir;
  const auto train = io::load_idx(dir / "train-images-idx3-ubyte.gz");
  EXPECT_EQ(train.shape(), (Shape{60000, 28, 28}));
  const auto train_labels = io::load_idx(dir / "train-labels-idx1-ubyte.gz");
  EXPECT_EQ(train_labels.shape(), Shape{60000});
  const auto test = io::load_idx(dir / "t10k-images-idx3-ubyte.gz");
  EXPECT_EQ(test.shape(), (Shape{10000, 28, 28}));
  const auto labels = io::load_idx(dir / "t10k-labels-idx1-ubyte.gz");
  ASSERT_EQ(labels.shape(), Shape{10000});
  std::size_t per_class[10] = {};
  for (auto v : labels.span()) {
    ASSERT_LT(v, 10);
    ++per_class[v];
  }
  for (auto n : per_class) EXPECT_EQ(n, 1000u);  // the test set is balanced
  double mean = 0;
  for (auto v : test.span()) mean += v;
  EXPECT_NEAR(mean / test.size() / 255.0, 0.2868, 0.002);  // the known Fashion-MNIST test mean
}

namespace {
// expected: (H, W, C) or (H, W) integers from a NumPy fixture; got: (C, H, W) floats.
void expect_pixels(const inx::Tensor<float>& got, const std::filesystem::path& expected, double scale, double tol) {
  const auto a = io::read_npy(expected);
  const std::size_t h = a.shape[0], w = a.shape[1], c = a.shape.rank() == 3 ? a.shape[2] : 1;
  ASSERT_EQ(got.shape(), (Shape{c, h, w}));
  std::vector<double> want(h * w * c);
  if (a.type == io::dtype::u8) {
    const auto t = a.to<std::uint8_t>();
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = t.data()[i];
  } else {
    const auto t = a.to<std::int32_t>();
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = t.data()[i];
  }
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x)
      for (std::size_t k = 0; k < c; ++k)
        ASSERT_NEAR(got(k, y, x), want[(y * w + x) * c + k] / scale, tol) << "pixel " << y << "," << x << "," << k;
}
}  // namespace

TEST(Image, PngChannelsAsStored) {
  expect_pixels(io::load_image(data("image/rgb_6x9.png")), data("image/rgb_6x9.npy"), 255.0, 1e-7);
  expect_pixels(io::load_image(data("image/gray_5x4.png")), data("image/gray_5x4.npy"), 255.0, 1e-7);
  expect_pixels(io::load_image(data("image/rgba_3x7.png")), data("image/rgba_3x7.npy"), 255.0, 1e-7);
  expect_pixels(io::load_image(data("image/gray16_4x6.png")), data("image/gray16_4x6.npy"), 65535.0, 1e-7);
}

TEST(Image, ChannelConversion) {
  const auto g = io::load_image(data("image/rgb_6x9.png"), 1);
  EXPECT_EQ(g.shape(), (Shape{1, 6, 9}));
  const auto rgb = io::load_image(data("image/rgb_6x9.png"));
  // PIL's luma: (19595 r + 38470 g + 7471 b + 2^15) >> 16
  const int r = int(std::lround(rgb(0, 2, 3) * 255)), gg = int(std::lround(rgb(1, 2, 3) * 255)),
            b = int(std::lround(rgb(2, 2, 3) * 255));
  EXPECT_EQ(std::lround(g(0, 2, 3) * 255), (19595 * r + 38470 * gg + 7471 * b + 0x8000) >> 16);
  const auto c3 = io::load_image(data("image/gray_5x4.png"), 3);
  ASSERT_EQ(c3.shape(), (Shape{3, 5, 4}));
  EXPECT_EQ(c3(0, 1, 2), c3(2, 1, 2));
  EXPECT_THROW(io::load_image(data("image/gray_5x4.png"), 7), inx::value_error);
}

TEST(Image, JpegEqualsLibjpeg) {
  const auto t = io::load_image(data("image/smooth_24x32.jpg"));
  ASSERT_EQ(t.shape(), (Shape{3, 24, 32}));
  const auto ref = io::load_npy<std::uint8_t>(data("image/smooth_24x32_decoded.npy"));
  for (std::size_t y = 0; y < 24; ++y)
    for (std::size_t x = 0; x < 32; ++x)
      for (std::size_t k = 0; k < 3; ++k) ASSERT_EQ(t(k, y, x), ref(y, x, k) / 255.0f) << y << "," << x << "," << k;
}

TEST(Image, PngRoundTripClampsAndRounds) {
  TempDir dir("png");
  auto t = inx::Tensor<float>::uninitialized(Shape{3, 5, 6});
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(i % 256) / 255.0f;
  t(0, 0, 0) = -3.0f;
  t(1, 0, 0) = 7.0f;
  t(2, 0, 0) = std::nanf("");
  io::save_png(dir.path / "a.png", t.view());
  const auto back = io::load_image(dir.path / "a.png");
  ASSERT_EQ(back.shape(), t.shape());
  EXPECT_EQ(back(0, 0, 0), 0.0f);
  EXPECT_EQ(back(1, 0, 0), 1.0f);
  EXPECT_EQ(back(2, 0, 0), 0.0f);
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (i == 30 || i == 60) continue;  // the clamped pixels, checked above
    ASSERT_NEAR(back.data()[i], t.data()[i], 1e-6) << i;
  }
  auto gray = inx::Tensor<float>::full(Shape{1, 2, 3}, 0.5f);
  io::save_png(dir.path / "g.png", gray.view());
  EXPECT_NEAR(io::load_image(dir.path / "g.png")(0, 1, 2), 128 / 255.0, 1e-7);
  auto bad = inx::Tensor<float>::full(Shape{5, 2, 3}, 0.5f);
  EXPECT_THROW(io::save_png(dir.path / "b.png", bad.view()), inx::shape_error);
}

TEST(Resize, MatchesTorchInterpolate) {
  const auto x = io::load_npy<float>(data("resize/input_2x3x9x13.npy"));
  std::size_t checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(data("resize"))) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("out_")) continue;
    unsigned h = 0, w = 0, aa = 0;
    ASSERT_EQ(std::sscanf(name.c_str(), "out_%ux%u_aa%u.npy", &h, &w, &aa), 3) << name;
    const auto want = io::load_npy<float>(e.path());
    const auto got = io::resize_bilinear(x.view(), h, w, aa != 0);
    ASSERT_EQ(got.shape(), want.shape()) << name;
    double worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, double(std::abs(got.data()[i] - want.data()[i])));
    EXPECT_LT(worst, 1e-5) << name;
    // (C, H, W) input gives the same result per image.
    const auto one = io::resize_bilinear(x[1], h, w, aa != 0);
    for (std::size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one.data()[i], got[1].data()[i]);
    ++checked;
  }
  EXPECT_EQ(checked, 12u);
}

TEST(Resize, ConstantStaysConstantAndBadShapesThrow) {
  auto c = inx::Tensor<float>::full(Shape{2, 10, 31}, 0.25f);
  for (bool aa : {false, true})
    for (auto [h, w] : {std::pair{3, 4}, {25, 70}, {1, 1}}) {
      const auto y = io::resize_bilinear(c.view(), h, w, aa);
      for (float v : y.span()) ASSERT_NEAR(v, 0.25f, 1e-6);
    }
  auto flat = inx::Tensor<float>::full(Shape{10, 31}, 0.0f);
  EXPECT_THROW(io::resize_bilinear(flat.view(), 3, 3), inx::shape_error);
  EXPECT_THROW(io::resize_bilinear(c.view(), 0, 3), inx::shape_error);
}
