#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "inx/render/font.hpp"
#include "render_test_util.hpp"

using namespace rendertest;
namespace render = inx::render;
using render::FontWeight;
using inx::Shape;
using inx::Tensor;

namespace {
constexpr std::array<float, 3> white{1, 1, 1};

bool same(const Tensor<float>& a, const Tensor<float>& b) {
  return a.shape() == b.shape() && std::equal(a.span().begin(), a.span().end(), b.span().begin());
}
Tensor<float> drawn(std::string_view text, FontWeight w = FontWeight::regular, std::size_t width = 120) {
  Tensor<float> c(Shape{3, render::text_height(), width});
  render::draw_text(c, 2, 0, text, white, w);
  return c;
}
}  // namespace

TEST(Font, GlyphsAreDejaVuAsPillowDrawsThem) {
  for (const auto& [name, weight] : {std::pair{"regular", FontWeight::regular}, std::pair{"bold", FontWeight::bold}}) {
    const auto want = member<std::uint8_t>("glyphs.npz", name);
    ASSERT_EQ(want.shape(), (Shape{95, render::text_height(), 40})) << name;
    std::size_t inked = 0;
    for (std::size_t g = 0; g < 95; ++g) {
      Tensor<float> canvas(Shape{3, render::text_height(), 40});
      const char ch = static_cast<char>(32 + g);
      render::draw_text(canvas, 8, 0, std::string_view(&ch, 1), white, weight);
      for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t r = 0; r < render::text_height(); ++r)
          for (std::size_t c = 0; c < 40; ++c)
            ASSERT_NEAR(canvas(k, r, c), want(g, r, c) / 255.0f, 1e-6f) << name << " '" << ch << "' at " << r << ","
                                                                        << c;
      for (std::size_t i = 0; i < want[g].size(); ++i) inked += want[g].data()[i] > 0;
    }
    EXPECT_GT(inked, 95u * 10) << name;  // the fixture is not blank
  }
}

TEST(Font, WidthsAddUpAndMatchWhereGlyphsAreDrawn) {
  EXPECT_EQ(render::text_width(""), 0u);
  EXPECT_EQ(render::text_width("", FontWeight::bold), 0u);
  EXPECT_GE(render::text_height(), 12u);
  EXPECT_LE(render::text_height(), 18u);
  EXPECT_GT(render::text_width("W"), render::text_width("i"));
  EXPECT_GT(render::text_width("Hello world", FontWeight::bold), render::text_width("Hello world"));
  // 100 'x' advance like 100 times one, within the rounding of one glyph.
  const std::size_t one = render::text_width("x"), hundred = render::text_width(std::string(100, 'x'));
  EXPECT_NEAR(static_cast<double>(hundred), 100.0 * one, 50.0);
  EXPECT_GT(hundred, 99 * one - 50);
  // Each glyph of a string sits where text_width of the text before it says, so centring by text_width is right.
  const std::string s = "Tile 3: 41.7% (x_y)";
  for (const auto w : {FontWeight::regular, FontWeight::bold}) {
    const auto whole = drawn(s, w, 200);
    Tensor<float> parts(Shape{3, render::text_height(), 200});
    for (std::size_t i = 0; i < s.size(); ++i)
      render::draw_text(parts, 2 + static_cast<std::ptrdiff_t>(render::text_width(s.substr(0, i), w)), 0,
                        s.substr(i, 1), white, w);
    EXPECT_TRUE(same(whole, parts));
  }
}

TEST(Font, ClipsAtEveryEdgeAndNeverWritesOutside) {
  constexpr std::size_t H = 20, W = 50, guard = 4096;
  constexpr float sentinel = 7.0f, bg = 0.25f;
  const std::string text = "Quick {jumps} @ 9|g";
  // The reference: the same text drawn well inside a large canvas.
  constexpr std::ptrdiff_t ox = 120, oy = 90;
  auto big = Tensor<float>::full(Shape{3, 200, 300}, bg);
  render::draw_text(big, ox, oy, text, {0.9f, 0.1f, 0.3f});
  std::vector<float> buf(guard + 3 * H * W + guard, sentinel);
  const inx::TensorView<float> canvas(buf.data() + guard, Shape{3, H, W});
  for (std::ptrdiff_t y = -22; y <= 24; y += 3)
    for (std::ptrdiff_t x = -110; x <= 55; x += 7) {
      std::fill_n(canvas.data(), 3 * H * W, bg);
      render::draw_text(canvas, x, y, text, {0.9f, 0.1f, 0.3f});
      for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t r = 0; r < H; ++r)
          for (std::size_t c = 0; c < W; ++c)
            ASSERT_EQ(canvas(k, r, c), big(k, r + oy - y, c + ox - x)) << "text at " << x << "," << y;
    }
  const std::ptrdiff_t far[] = {std::numeric_limits<std::ptrdiff_t>::min(), -1000000, 1000000,
                                std::numeric_limits<std::ptrdiff_t>::max()};
  std::fill_n(canvas.data(), 3 * H * W, bg);
  for (const auto x : far)
    for (const auto y : far) {
      render::draw_text(canvas, x, y, text, {0, 0, 0});
      render::draw_text(canvas, x, 0, text, {0, 0, 0});
      render::draw_text(canvas, 0, y, text, {0, 0, 0});
    }
  for (std::size_t i = 0; i < 3 * H * W; ++i) ASSERT_EQ(canvas.data()[i], bg);
  for (std::size_t i = 0; i < guard; ++i) {
    ASSERT_EQ(buf[i], sentinel);
    ASSERT_EQ(buf[guard + 3 * H * W + i], sentinel);
  }
  // A tiny canvas: one pixel.
  Tensor<float> dot(Shape{3, 1, 1});
  for (std::ptrdiff_t y = -14; y <= 1; ++y)
    for (std::ptrdiff_t x = -12; x <= 1; ++x) render::draw_text(dot, x, y, "M#", white);
  EXPECT_EQ(dot.size(), 3u);
}

TEST(Font, BlendsByCoverage) {
  auto canvas = Tensor<float>::full(Shape{3, render::text_height(), 60}, 0.5f);
  render::draw_text(canvas, 0, 0, "Ab|", {0.5f, 0.5f, 0.5f});  // the canvas colour: nothing changes
  for (const float v : canvas.span()) ASSERT_EQ(v, 0.5f);
  render::draw_text(canvas, 0, 0, "Ab|", {1.0f, 0.0f, 0.5f});
  bool full = false, partial = false;
  for (std::size_t i = 0; i < canvas[0].size(); ++i) {
    const float r = canvas.data()[i], g = canvas.data()[canvas[0].size() + i];
    ASSERT_GE(r, 0.5f);
    ASSERT_LE(r, 1.0f);
    ASSERT_NEAR(r - 0.5f, 0.5f - g, 1e-6f);  // the same coverage moves every channel toward its target
    full |= r == 1.0f;
    partial |= r > 0.5f && r < 1.0f;
  }
  EXPECT_TRUE(full);     // '|' has fully covered pixels
  EXPECT_TRUE(partial);  // and antialiased edges
}

TEST(Font, NonAsciiIsOneQuestionMarkPerCharacter) {
  const auto q = drawn("caf?");
  EXPECT_TRUE(same(drawn("caf\xC3\xA9"), q));  // UTF-8 e-acute: two bytes, one character
  EXPECT_TRUE(same(drawn("caf\xE9"), q));      // Latin-1 e-acute
  EXPECT_TRUE(same(drawn("caf\t"), q));        // control characters too
  EXPECT_TRUE(same(drawn("caf\x80"), q));      // a stray continuation byte
  EXPECT_TRUE(same(drawn("\xE2\x82\xAC!"), drawn("?!")));  // the euro sign, three bytes
  EXPECT_EQ(render::text_width("caf\xC3\xA9"), render::text_width("caf?"));
  EXPECT_EQ(render::text_width("\xF0\x9F\x98\x80\xF0\x9F\x98\x80"), render::text_width("??"));
}

TEST(Font, FitTextShortensWithDots) {
  EXPECT_EQ(render::fit_text("short", 100), "short");
  EXPECT_EQ(render::fit_text("", 0), "");
  const std::string long_text = "a very long caption that cannot possibly fit";
  for (const std::size_t w : {10u, 30u, 60u, 100u, 200u}) {
    const auto f = render::fit_text(long_text, w);
    ASSERT_GE(f.size(), 1u);
    EXPECT_LE(render::text_width(f), w) << f;
    if (w < render::text_width("...")) {  // not even the dots fit: as many of them as do
      EXPECT_TRUE(f == "." || f == "..") << f;
      continue;
    }
    ASSERT_TRUE(f.ends_with("...")) << f;
    const std::string kept = f.substr(0, f.size() - 3);
    EXPECT_EQ(long_text.substr(0, kept.size()), kept);
    // Maximal: one more character (and its trailing spaces) would not fit.
    std::size_t next = kept.size() + 1;
    while (next < long_text.size() && long_text[next - 1] == ' ') ++next;
    if (next < long_text.size()) {
      EXPECT_GT(render::text_width(long_text.substr(0, next) + "..."), w) << f;
    }
  }
  EXPECT_EQ(render::fit_text(long_text, 0), "");
  // Never cut inside a UTF-8 sequence.
  const std::string seven_e_acute = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";
  const auto u = render::fit_text(seven_e_acute, render::text_width("???..."));
  EXPECT_EQ(u, "\xC3\xA9\xC3\xA9\xC3\xA9...");
}

TEST(Font, RejectsCanvasesThatAreNotRgb) {
  for (const Shape& s : {Shape{1, 10, 10}, Shape{10, 10}, Shape{4, 10, 10}}) {
    Tensor<float> c(s);
    const auto m = message_of<inx::shape_error>([&] { render::draw_text(c, 0, 0, "x", white); });
    EXPECT_NE(m.find(s.str()), std::string::npos) << m;
  }
}
