#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "inx/render/reveal.hpp"
#include "render_test_util.hpp"

using namespace rendertest;
namespace render = inx::render;
using inx::Shape;
using inx::Tensor;

namespace {
// A map with many ties: values from a small set, in a scrambled order.
Tensor<float> tied_map(std::size_t h, std::size_t w, std::uint32_t levels) {
  auto t = Tensor<float>::uninitialized(Shape{h, w});
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>((i * 2654435761u) % levels) * 0.25f;
  return t;
}
std::size_t ones(const Tensor<float>& m) {
  return static_cast<std::size_t>(std::count(m.span().begin(), m.span().end(), 1.0f));
}
}  // namespace

TEST(Reveal, CountIsTheCeilingOfQPercent) {
  // Exact integer arithmetic: every level is a multiple of 0.5%, so q% of n pixels is (2q * n) / 200.
  for (const double q : render::reveal_levels)
    for (std::size_t n = 1; n <= 3000; ++n) {
      const auto twice_q = static_cast<std::size_t>(q * 2);
      ASSERT_EQ(render::reveal_count(n, q), (twice_q * n + 199) / 200) << q << "% of " << n;
    }
  // q with one decimal, where binary rounding overshoots an exact count (0.9 / 100 * 1000 = 9.000000000000002).
  for (std::size_t q10 = 1; q10 <= 1000; ++q10)
    for (const std::size_t n : {100u, 200u, 500u, 784u, 1000u, 1024u, 50176u})
      ASSERT_EQ(render::reveal_count(n, static_cast<double>(q10) / 10), (q10 * n + 999) / 1000)
          << q10 / 10.0 << "% of " << n;
  EXPECT_EQ(render::reveal_count(1000, 0.9), 9u);
  EXPECT_EQ(render::reveal_count(784, 2), 16u);  // 15.68 -> 16
  EXPECT_EQ(render::reveal_count(224 * 224, 13), 6523u);
  EXPECT_EQ(render::reveal_count(10, 100), 10u);
  EXPECT_EQ(render::reveal_count(10, 1e-6), 1u);  // any q > 0 reveals at least one pixel
}

TEST(Reveal, TopMaskHoldsExactlyTheHighestPixels) {
  for (const auto& [h, w] : {std::pair<std::size_t, std::size_t>{28, 28}, {7, 7}, {1, 1}, {3, 50}, {224, 224}}) {
    const auto map = tied_map(h, w, 7);
    for (const double q : render::reveal_levels) {
      const auto m = render::top_mask(map, q);
      ASSERT_EQ(m.shape(), map.shape());
      const std::size_t k = render::reveal_count(h * w, q);
      ASSERT_EQ(ones(m), k) << h << "x" << w << " q " << q;
      ASSERT_EQ(std::count(m.span().begin(), m.span().end(), 0.0f), static_cast<std::ptrdiff_t>(h * w - k));
      // Every revealed pixel outranks every hidden one: a higher value, or the same value at a lower index.
      float lowest_in = std::numeric_limits<float>::infinity();
      std::size_t last_in_at_lowest = 0;
      for (std::size_t i = 0; i < map.size(); ++i)
        if (m.data()[i] == 1.0f && map.data()[i] <= lowest_in) {
          last_in_at_lowest = map.data()[i] < lowest_in ? i : std::max(last_in_at_lowest, i);
          lowest_in = map.data()[i];
        }
      for (std::size_t i = 0; i < map.size(); ++i)
        if (m.data()[i] == 0.0f) {
          ASSERT_LE(map.data()[i], lowest_in) << i;
          if (map.data()[i] == lowest_in) {
            ASSERT_GT(i, last_in_at_lowest) << i;
          }
        }
    }
  }
}

TEST(Reveal, TiesGoToTheLowerIndex) {
  const auto flat = Tensor<float>::full(Shape{10, 10}, 0.3f);
  const auto m = render::top_mask(flat, 4.5);  // 5 pixels
  for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(m.data()[i], i < 5 ? 1.0f : 0.0f) << i;
  const float v[] = {1, 5, 5, 2, 5, 5, -std::numeric_limits<float>::infinity(), 5};
  const auto m2 = render::top_mask(inx::TensorView<const float>(v, Shape{2, 4}), 37.5);  // 3 of 8
  const float want[] = {0, 1, 1, 0, 1, 0, 0, 0};
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(m2.data()[i], want[i]) << i;
}

TEST(Reveal, MaskIsTheBlurredTopMaskWithPeakOne) {
  const auto map = tied_map(28, 28, 11);
  for (const double sigma : {0.8, 2.0, 5.0}) {
    const auto soft = render::reveal_mask(map, 8, sigma);
    const auto hard = render::top_mask(map, 8);
    const auto blurred = render::gaussian_blur(hard, sigma);
    const float peak = *std::max_element(blurred.span().begin(), blurred.span().end());
    ASSERT_GT(peak, 0.0f);
    ASSERT_LT(peak, 1.0f);  // the normalisation does something
    for (std::size_t i = 0; i < soft.size(); ++i) ASSERT_FLOAT_EQ(soft.data()[i], blurred.data()[i] / peak);
    EXPECT_EQ(*std::max_element(soft.span().begin(), soft.span().end()), 1.0f);
    EXPECT_GE(*std::min_element(soft.span().begin(), soft.span().end()), 0.0f);
  }
  // One pixel and a wide blur: still a peak of exactly 1.
  const float one = 0.5f;
  const auto m = render::reveal_mask(inx::TensorView<const float>(&one, Shape{1, 1}), 2, 3.0);
  EXPECT_EQ(m.data()[0], 1.0f);
  const auto hard = render::reveal_mask(map, 13, 0.0);
  EXPECT_EQ(ones(hard), render::reveal_count(784, 13));
}

TEST(Reveal, RejectsBadQSigmaAndMaps) {
  const auto map = tied_map(8, 8, 5);
  for (const double q : {0.0, -2.0, 100.5, std::nan("")}) {
    const auto m = message_of<inx::value_error>([&] { render::reveal_mask(map, q, 1.0); });
    EXPECT_NE(m.find("q_percent"), std::string::npos) << m;
    message_of<inx::value_error>([&] { render::top_mask(map, q); });
  }
  for (const double s : {-1.0, std::nan("")}) message_of<inx::value_error>([&] { render::reveal_mask(map, 2, s); });
  auto with_nan = tied_map(8, 8, 5);
  with_nan(3, 6) = std::nanf("");
  const auto m = message_of<inx::value_error>([&] { render::reveal_mask(with_nan, 2, 1.0); });
  EXPECT_NE(m.find("NaN"), std::string::npos) << m;
  EXPECT_NE(m.find("(3, 6)"), std::string::npos) << m;
  for (const Shape& s : {Shape{1, 8, 8}, Shape{64}, Shape{0, 8}}) {
    const auto bad = Tensor<float>::zeros(s);
    const auto e = message_of<inx::shape_error>([&] { render::reveal_mask(bad, 2, 1.0); });
    EXPECT_NE(e.find(s.str()), std::string::npos) << e;
  }
}

TEST(Reveal, BlendsImageOverGrey) {
  auto img = Tensor<float>::uninitialized(Shape{3, 2, 2});
  for (std::size_t i = 0; i < 12; ++i) img.data()[i] = static_cast<float>(i) / 12.0f;
  const float mv[] = {1.0f, 0.0f, 0.25f, 1.0f};
  const inx::TensorView<const float> mask(mv, Shape{2, 2});
  const auto out = render::reveal(img, mask);
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t i = 0; i < 4; ++i)
      EXPECT_FLOAT_EQ(out.data()[k * 4 + i], mv[i] * img.data()[k * 4 + i] + (1 - mv[i]) * 0.5f) << k << "," << i;
  EXPECT_EQ(out.data()[1], 0.5f);  // hidden: the neutral grey
  EXPECT_EQ(out.data()[0], img.data()[0]);
  const auto black = render::reveal(img, mask, 0.0f);
  EXPECT_EQ(black.data()[1], 0.0f);
  const auto gray = render::reveal(img[0].reshape(Shape{1, 2, 2}), mask);
  EXPECT_EQ(gray.shape(), (Shape{1, 2, 2}));
}

TEST(Reveal, RejectsMismatchedOrInvalidMasks) {
  const auto img = Tensor<float>::zeros(Shape{3, 4, 5});
  const auto wrong = Tensor<float>::zeros(Shape{5, 4});
  auto m = message_of<inx::shape_error>([&] { render::reveal(img, wrong); });
  EXPECT_NE(m.find("(3, 4, 5)"), std::string::npos) << m;
  EXPECT_NE(m.find("(5, 4)"), std::string::npos) << m;
  const auto flat = Tensor<float>::zeros(Shape{4, 5});
  message_of<inx::shape_error>([&] { render::reveal(flat, flat); });  // a (H, W) image has no channel axis
  auto over = Tensor<float>::full(Shape{4, 5}, 1.0f);
  over(2, 3) = 1.5f;
  m = message_of<inx::value_error>([&] { render::reveal(img, over); });
  EXPECT_NE(m.find("1.5"), std::string::npos) << m;
  EXPECT_NE(m.find("(2, 3)"), std::string::npos) << m;
  over(2, 3) = std::nanf("");
  message_of<inx::value_error>([&] { render::reveal(img, over); });
  const auto ok = Tensor<float>::zeros(Shape{4, 5});
  message_of<inx::value_error>([&] { render::reveal(img, ok, 1.5f); });
}
