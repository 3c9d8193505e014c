// render/plot.hpp: line charts of curves on [0, 1]. Each series is drawn in its tab10 colour where its values say
// (a line at y = 1 above one at y = 0, a rising line rising), the legend shows every colour, and bad input is a
// clear error.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "inx/render/plot.hpp"

namespace {
using inx::render::Panel;
using inx::render::Series;

struct Found {
  std::size_t count = 0;
  double mean_y = 0, min_x = 1e9, max_x = -1;
};

// Pixels within 0.02 of colour c in every channel.
Found find(const inx::Tensor<float>& img, std::array<float, 3> c, std::size_t x_end = 1u << 30) {
  const std::size_t h = img.dim(1), w = img.dim(2), plane = h * w;
  Found f;
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < std::min(w, x_end); ++x) {
      const std::size_t i = y * w + x;
      bool same = true;
      for (std::size_t k = 0; k < 3; ++k) same = same && std::abs(img.data()[k * plane + i] - c[k]) < 0.02f;
      if (!same) continue;
      ++f.count;
      f.mean_y += double(y);
      f.min_x = std::min(f.min_x, double(x));
      f.max_x = std::max(f.max_x, double(x));
    }
  if (f.count) f.mean_y /= double(f.count);
  return f;
}

TEST(LineChart, SeriesAreDrawnWhereTheirValuesSay) {
  const std::vector<Panel> panels{{"Deletion", "fraction", "p", {{"top", {1.0, 1.0, 1.0}}, {"bottom", {0.0, 0.0}}}}};
  const auto img = inx::render::line_chart(panels, "legend", 300, 200);
  ASSERT_EQ(img.dim(0), 3u);
  EXPECT_GT(img.dim(1), 200u);
  EXPECT_GT(img.dim(2), 300u);
  for (float v : img.span()) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
  const std::size_t plot_end = 16 + 54 + 300;  // left of the legend
  const auto top = find(img, inx::render::tab10[0], plot_end), bottom = find(img, inx::render::tab10[1], plot_end);
  ASSERT_GE(top.count, 295u);  // a line across a 300-pixel plot, at least one pixel of it full colour per column
  ASSERT_GE(bottom.count, 295u);
  EXPECT_LT(top.mean_y + 150, bottom.mean_y);  // y = 1 is drawn ~200 pixels above y = 0
  EXPECT_GT(top.max_x - top.min_x, 290);
  // The legend (right of the plots) shows both colours.
  const auto all0 = find(img, inx::render::tab10[0]), all1 = find(img, inx::render::tab10[1]);
  EXPECT_GT(all0.count, top.count);
  EXPECT_GT(all1.count, bottom.count);
}

TEST(LineChart, PanelsSideBySideAndValuesClipped) {
  const std::vector<Panel> one{{"a", "x", "y", {{"s", {0.0, 0.5, 1.0}}}}};
  const std::vector<Panel> two{{"a", "x", "y", {{"s", {-3.0, 0.5, 7.0}}}}, {"b", "x", "y", {{"s", {1.0, 0.0}}}}};
  const auto a = inx::render::line_chart(one), b = inx::render::line_chart(two);
  EXPECT_EQ(a.dim(1), b.dim(1));
  EXPECT_GT(b.dim(2), a.dim(2) + 300);
}

TEST(LineChart, BadInput) {
  auto expect_error = [](const std::vector<Panel>& p, const char* fragment) {
    try {
      (void)inx::render::line_chart(p);
      ADD_FAILURE() << "no error";
    } catch (const inx::value_error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error({}, "at least one panel");
  expect_error({{"a", "x", "y", {{"s", {1.0}}}}}, "needs at least two values");
  expect_error({{"a", "x", "y", {{"s", {0.0, 1.0}}}}, {"b", "x", "y", {}}}, "same series");
  expect_error({{"a", "x", "y", {{"s", {0.0, std::numeric_limits<double>::quiet_NaN()}}}}}, "NaN or Inf");
}

}  // namespace
