#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <unistd.h>

#include "inx/io/image.hpp"
#include "inx/render/sheet.hpp"
#include "render_test_util.hpp"

using namespace rendertest;
namespace render = inx::render;
using inx::Shape;
using inx::Tensor;
using render::Tile;

namespace {
Tensor<float> solid(std::size_t c, std::size_t h, std::size_t w, float r, float g = 0, float b = 0) {
  auto t = Tensor<float>::uninitialized(Shape{c, h, w});
  const float v[] = {r, g, b, 1.0f};  // a fourth channel is opaque alpha
  for (std::size_t k = 0; k < c; ++k) std::fill_n(t.data() + k * h * w, h * w, v[k]);
  return t;
}
Tensor<float> checker(std::size_t side) {
  Tensor<float> t(Shape{1, side, side});
  for (std::size_t i = 0; i < side; ++i)
    for (std::size_t j = 0; j < side; ++j) t(0, i, j) = static_cast<float>((i + j) % 2);
  return t;
}
std::vector<std::vector<Tile>> grid(const std::vector<std::size_t>& lengths, std::size_t side = 32) {
  std::vector<std::vector<Tile>> rows;
  for (const auto n : lengths) {
    rows.emplace_back();
    for (std::size_t i = 0; i < n; ++i)
      rows.back().push_back({solid(3, side, side, 0.2f, 0.4f, 0.6f), "c" + std::to_string(i)});
  }
  return rows;
}
render::SheetOptions tile_of(std::size_t side) {
  render::SheetOptions o;
  o.tile = side;
  return o;
}
struct Box {
  std::size_t x0 = SIZE_MAX, y0 = SIZE_MAX, x1 = 0, y1 = 0;  // inclusive
  bool empty() const { return x0 == SIZE_MAX; }
};
// The bounding box of the pixels (within rows [ya, yb)) where pred(r, g, b) holds.
Box find(const Tensor<float>& s, const std::function<bool(float, float, float)>& pred, std::size_t ya = 0,
         std::size_t yb = SIZE_MAX) {
  Box b;
  for (std::size_t y = ya; y < std::min(yb, s.dim(1)); ++y)
    for (std::size_t x = 0; x < s.dim(2); ++x)
      if (pred(s(0, y, x), s(1, y, x), s(2, y, x))) {
        b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x), b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y);
      }
  return b;
}
bool is_white(float r, float g, float b) { return r == 1 && g == 1 && b == 1; }
}  // namespace

TEST(Sheet, GrowsByOneTilePerColumnAndRow) {
  const std::vector<std::string> none;
  const auto w1 = render::contact_sheet(grid({1}), none), w2 = render::contact_sheet(grid({2}), none),
             w3 = render::contact_sheet(grid({3}), none);
  ASSERT_EQ(w1.rank(), 3u);
  EXPECT_EQ(w1.dim(0), 3u);
  const std::size_t step = w2.dim(2) - w1.dim(2);
  EXPECT_EQ(w3.dim(2) - w2.dim(2), step);
  EXPECT_GT(step, 160u);  // a tile (160 px by default) and a gap
  EXPECT_LT(step, 200u);
  EXPECT_EQ(w1.dim(1), w3.dim(1));
  const auto h2 = render::contact_sheet(grid({1, 1}), none), h3 = render::contact_sheet(grid({1, 1, 1}), none);
  const std::size_t row = h2.dim(1) - w1.dim(1);
  EXPECT_EQ(h3.dim(1) - h2.dim(1), row);
  EXPECT_GT(row, 160u + render::text_height());  // a tile and its caption
  EXPECT_LT(row, 220u);
  // Ragged rows: as wide as the longest; the tile size scales every cell.
  EXPECT_EQ(render::contact_sheet(grid({1, 3, 0, 2}), none).dim(2), w3.dim(2));
  const auto small = render::contact_sheet(grid({3, 3}), none, tile_of(60));
  const auto large = render::contact_sheet(grid({3, 3}), none, tile_of(100));
  EXPECT_EQ(large.dim(2) - small.dim(2), 3u * 40u);
  EXPECT_EQ(large.dim(1) - small.dim(1), 2u * 40u);
  // Labels widen, a title heightens, neither changes the other direction.
  const auto labelled = render::contact_sheet(grid({2, 1}), {"layer 1", "layer 2"});
  const auto plain = render::contact_sheet(grid({2, 1}), none);
  EXPECT_GT(labelled.dim(2), plain.dim(2) + render::text_width("layer 2", render::FontWeight::bold));
  EXPECT_EQ(labelled.dim(1), plain.dim(1));
  render::SheetOptions titled;
  titled.title = "T-shirt/top: layer features.14";
  const auto with_title = render::contact_sheet(grid({2, 1}), none, titled);
  EXPECT_GE(with_title.dim(1), plain.dim(1) + render::text_height());
  EXPECT_EQ(with_title.dim(2), plain.dim(2));
}

TEST(Sheet, PastesTilesUnscaledAndCentred) {
  auto img = Tensor<float>::uninitialized(Shape{3, 64, 64});
  for (std::size_t i = 0; i < img.size(); ++i) img.data()[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f;
  std::vector<std::vector<Tile>> rows(1);
  rows[0].push_back({img.clone(), "x"});
  const auto s = render::contact_sheet(rows, {}, tile_of(64));
  // The image sits pixel for pixel somewhere; the sheet's left and right margins are equal.
  std::size_t found = 0, at_x = 0, at_y = 0;
  for (std::size_t y = 0; y + 64 <= s.dim(1); ++y)
    for (std::size_t x = 0; x + 64 <= s.dim(2); ++x) {
      bool eq = true;
      for (std::size_t k = 0; k < 3 && eq; ++k)
        for (std::size_t r = 0; r < 64 && eq; ++r)
          for (std::size_t c = 0; c < 64 && eq; ++c) eq = s(k, y + r, x + c) == img(k, r, c);
      if (eq) ++found, at_x = x, at_y = y;
    }
  ASSERT_EQ(found, 1u);
  EXPECT_EQ(at_x, s.dim(2) - (at_x + 64));
  EXPECT_GT(at_y, 0u);
  // A tall image keeps its aspect ratio and is centred in its cell.
  rows[0].clear();
  rows[0].push_back({solid(3, 28, 14, 1.0f, 0.0f, 0.0f), ""});
  const auto t = render::contact_sheet(rows, {});
  const auto red = find(t, [](float r, float g, float b) { return r == 1 && g == 0 && b == 0; });
  ASSERT_FALSE(red.empty());
  EXPECT_EQ(red.y1 - red.y0 + 1, 160u);
  EXPECT_EQ(red.x1 - red.x0 + 1, 80u);
  EXPECT_EQ(red.x0, t.dim(2) - 1 - red.x1);
}

TEST(Sheet, NearestForLargeEnlargementsBilinearOtherwise) {
  auto values_in_tile = [](const Tensor<float>& s) {
    // The tile's interior: everything strictly inside the (gray) frame, which is the non-white box minus captions.
    const auto box = find(s, [](float r, float g, float b) { return r < 0.5f && r == g && g == b; });
    bool only_ends = true, any_between = false;
    for (std::size_t y = box.y0; y <= box.y1; ++y)
      for (std::size_t x = box.x0; x <= box.x1; ++x) {
        const float v = s(0, y, x);
        if (v == 1.0f || v == 0.0f) continue;
        only_ends = false;
        any_between |= v > 0.02f && v < 0.98f;
      }
    return std::pair{only_ends, any_between};
  };
  auto sheet_of = [](Tensor<float> img, render::Scaling scaling) {
    std::vector<std::vector<Tile>> rows(1);
    rows[0].push_back({std::move(img), ""});
    render::SheetOptions o;
    o.scaling = scaling;
    return render::contact_sheet(rows, {}, o);
  };
  using render::Scaling;
  EXPECT_EQ(values_in_tile(sheet_of(checker(28), Scaling::automatic)), std::pair(true, false));  // 28 -> 160: crisp
  EXPECT_EQ(values_in_tile(sheet_of(checker(28), Scaling::bilinear)).second, true);
  EXPECT_EQ(values_in_tile(sheet_of(checker(100), Scaling::automatic)).second, true);  // 1.6x: smooth
  EXPECT_EQ(values_in_tile(sheet_of(checker(100), Scaling::nearest)), std::pair(true, false));
  EXPECT_EQ(values_in_tile(sheet_of(checker(400), Scaling::automatic)).second, true);  // shrinking: antialiased
}

TEST(Sheet, CaptionsAreCentredAndStayInTheirColumn) {
  std::vector<std::vector<Tile>> rows(1);
  rows[0].push_back({solid(3, 40, 40, 0.0f, 0.0f, 1.0f), "cluster 2: 17.5%"});
  const auto s = render::contact_sheet(rows, {});
  const auto tile = find(s, [](float r, float g, float b) { return r == 0 && g == 0 && b == 1; });
  const auto ink = find(s, [](float r, float g, float b) { return r < 0.9f && r == g && g == b; }, tile.y1 + 2);
  ASSERT_FALSE(ink.empty());
  const double tile_mid = (tile.x0 + tile.x1) / 2.0, ink_mid = (ink.x0 + ink.x1) / 2.0;
  EXPECT_NEAR(ink_mid, tile_mid, 2.0);
  EXPECT_LE(ink.y1 - ink.y0 + 1, render::text_height());
  // A wide image sits at the bottom of its cell, its caption right under it.
  rows[0][0].image = solid(3, 60, 200, 0.0f, 0.0f, 1.0f);
  const auto w = render::contact_sheet(rows, {});
  const auto wide = find(w, [](float r, float g, float b) { return r == 0 && g == 0 && b == 1; });
  EXPECT_EQ(wide.x1 - wide.x0 + 1, 160u);
  EXPECT_EQ(wide.y1 - wide.y0 + 1, 48u);
  EXPECT_EQ(wide.y1, tile.y1);
  // A caption far too long is shortened to the tile's width.
  rows[0][0].caption = std::string(300, 'W');
  const auto t = render::contact_sheet(rows, {});
  const auto all = find(t, [](float r, float g, float b) { return !is_white(r, g, b); });
  EXPECT_GE(all.x0 + 1, tile.x0);  // nothing beyond the tile's frame
  EXPECT_LE(all.x1, tile.x1 + 1);
}

TEST(Sheet, LabelsTitleAndEmptyRows) {
  auto rows = grid({2, 0, 1});
  render::SheetOptions o;
  o.title = "Pullover, layer features.14";
  const std::vector<std::string> labels{"features.7", "a label much too long to fit in the label column at all", "x"};
  const auto s = render::contact_sheet(rows, labels, o);
  const auto tiles = find(s, [](float r, float g, float b) { return r == 0.2f && g == 0.4f && b == 0.6f; });
  ASSERT_FALSE(tiles.empty());
  // Labels end left of the tiles (the long one shortened), the title sits above them.
  const auto left = find(s, [&](float r, float g, float b) { return !is_white(r, g, b); }, tiles.y0, tiles.y1);
  EXPECT_LT(left.x0 + 20, tiles.x0);
  const auto labels_ink = [&](std::size_t ya, std::size_t yb) {
    Box b;
    for (std::size_t y = ya; y < yb; ++y)
      for (std::size_t x = 0; x + 1 < tiles.x0; ++x)
        if (!is_white(s(0, y, x), s(1, y, x), s(2, y, x))) b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x);
    return b;
  };
  const auto label_box = labels_ink(tiles.y0, s.dim(1));
  ASSERT_FALSE(label_box.empty());
  EXPECT_LT(label_box.x1 + 2, tiles.x0);
  const auto title = find(s, [](float r, float g, float b) { return !is_white(r, g, b); }, 0, tiles.y0);
  ASSERT_FALSE(title.empty());
  EXPECT_LT(title.y1, tiles.y0);
  // The empty middle row carries the grey note: neutral grey ink only, none of the tiles' colour.
  const std::size_t row_h = (s.dim(1) - tiles.y0) / 3;  // rows are evenly spaced below the title
  const std::size_t mid0 = tiles.y0 + row_h, mid1 = tiles.y0 + 2 * row_h - 20;
  bool note = false;
  for (std::size_t y = mid0; y < mid1; ++y)
    for (std::size_t x = tiles.x0; x < s.dim(2); ++x) {
      const float r = s(0, y, x), g = s(1, y, x), b = s(2, y, x);
      ASSERT_TRUE(r == g && g == b) << x << "," << y;
      note |= r < 0.7f;
    }
  EXPECT_TRUE(note);
  // Only empty rows: one column's width, the note, no crash.
  const auto e = render::contact_sheet(grid({0, 0}), {"a", "b"});
  EXPECT_EQ(e.dim(2), render::contact_sheet(grid({1, 1}), {"a", "b"}).dim(2));
  EXPECT_FALSE(find(e, [](float r, float, float) { return r < 0.7f; }).empty());
}

TEST(Sheet, AcceptsGrayAndRgbaTilesAndWritesAPng) {
  std::vector<std::vector<Tile>> rows(1);
  rows[0].push_back({solid(1, 28, 28, 0.3f), "gray"});
  rows[0].push_back({solid(4, 20, 30, 0.1f, 0.9f, 0.5f), "rgba"});
  const auto s = render::contact_sheet(rows, {"in"});
  for (const float v : s.span()) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
  EXPECT_FALSE(find(s, [](float r, float g, float b) { return r == 0.3f && g == 0.3f && b == 0.3f; }).empty());
  EXPECT_FALSE(find(s, [](float r, float g, float b) { return r == 0.1f && g == 0.9f && b == 0.5f; }).empty());
  const auto path =
      std::filesystem::temp_directory_path() / ("inx_render_sheet_" + std::to_string(::getpid()) + ".png");
  inx::io::save_png(path, s);
  const auto back = inx::io::load_image(path);
  std::filesystem::remove(path);
  ASSERT_EQ(back.shape(), s.shape());
  for (std::size_t i = 0; i < s.size(); ++i) ASSERT_NEAR(back.data()[i], s.data()[i], 0.5f / 255 + 1e-6f);
}

TEST(Sheet, RejectsBadInput) {
  auto m = message_of<inx::value_error>([] { render::contact_sheet({}, {}); });
  EXPECT_NE(m.find("row"), std::string::npos) << m;
  m = message_of<inx::value_error>([] { render::contact_sheet(grid({1, 1}), {"only one"}); });
  EXPECT_NE(m.find("2"), std::string::npos) << m;
  EXPECT_NE(m.find("1"), std::string::npos) << m;
  for (const std::size_t side : {0u, 8u, 100000u}) {
    m = message_of<inx::value_error>([&] { render::contact_sheet(grid({1}), {}, tile_of(side)); });
    EXPECT_NE(m.find(std::to_string(side)), std::string::npos) << m;
  }
  for (const Shape& s : {Shape{28, 28}, Shape{5, 8, 8}, Shape{3, 0, 8}}) {
    auto rows = grid({2, 2});
    rows[1][1].image = Tensor<float>::zeros(s);
    m = message_of<inx::shape_error>([&] { render::contact_sheet(rows, {}); });
    EXPECT_NE(m.find("tile 1 of row 1"), std::string::npos) << m;
    EXPECT_NE(m.find(s.str()), std::string::npos) << m;
  }
}
