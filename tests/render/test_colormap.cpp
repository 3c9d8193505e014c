#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "inx/render/colormap.hpp"
#include "render_test_util.hpp"

using namespace rendertest;
namespace render = inx::render;
using inx::Shape;
using inx::Tensor;

TEST(Colormap, MatchesMatplotlibExactly) {
  const auto x = member("colormap.npz", "x");
  ASSERT_EQ(x.rank(), 1u);
  ASSERT_GT(x.size(), 300u);
  const std::size_t n = x.size();
  for (const auto c : render::all_colormaps) {
    const std::string name(render::colormap_name(c));
    const auto want = member("colormap.npz", name);
    ASSERT_EQ(want.shape(), (Shape{n, 3}));
    const auto got = render::apply_colormap(x.reshape(Shape{1, n}), c);
    ASSERT_EQ(got.shape(), (Shape{3, 1, n}));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < 3; ++k)
        ASSERT_EQ(got.data()[k * n + i], want(i, k)) << name << " at x = " << x.data()[i] << " channel " << k;
  }
}

TEST(Colormap, EndsAndSpecialValues) {
  // Values any matplotlib user can read off: jet runs from (0, 0, 0.5) to (0.5, 0, 0); NaN is the "bad" colour.
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float xs[] = {0.0f, -0.3f, -inf, 1.0f, 7.0f, inf, nan};
  const std::array<float, 3> want[] = {{0, 0, 0.5f}, {0, 0, 0.5f}, {0, 0, 0.5f}, {0.5f, 0, 0},
                                       {0.5f, 0, 0}, {0.5f, 0, 0}, {0, 0, 0}};
  const auto got = render::apply_colormap(inx::TensorView<const float>(xs, Shape{7, 1}), render::Colormap::jet);
  for (std::size_t i = 0; i < 7; ++i)
    for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(got.data()[k * 7 + i], want[i][k]) << "x = " << xs[i];
}

TEST(Colormap, IndexIsMonotonicAndHitsEveryBin) {
  // Over x ascending through [0, 1], the bin never goes back, and each of the 256 bins [k/256, (k+1)/256) is hit.
  int last = 0;
  std::array<int, 256> hits{};
  for (int i = 0; i <= 256 * 16; ++i) {
    const float x = static_cast<float>(i) / (256.0f * 16.0f);
    const int k = render::detail::colormap_index(x);
    ASSERT_GE(k, last) << "x = " << x;
    ASSERT_EQ(k, std::min(i / 16, 255)) << "x = " << x;
    ++hits[static_cast<std::size_t>(k)];
    last = k;
  }
  for (int k = 0; k < 256; ++k) EXPECT_GE(hits[static_cast<std::size_t>(k)], 16) << "bin " << k;
  // Viridis is perceptually ordered: its luminance rises strictly from bin to bin, so the colours follow x too.
  auto lum = [](std::array<float, 3> c) { return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  for (int k = 1; k < 256; ++k)
    EXPECT_GT(lum(render::colormap_rgb((k + 0.5f) / 256.0f, render::Colormap::viridis)),
              lum(render::colormap_rgb((k - 0.5f) / 256.0f, render::Colormap::viridis)))
        << "bin " << k;
}

TEST(Colormap, NamesRoundTrip) {
  for (const auto c : render::all_colormaps) EXPECT_EQ(render::colormap_from_name(render::colormap_name(c)), c);
  EXPECT_EQ(render::colormap_name(render::Colormap::turbo), "turbo");
}

TEST(Colormap, UnknownNameListsTheValidOnes) {
  for (const char* bad : {"Jet", "inferno", "", "viridis "}) {
    const auto m = message_of<inx::value_error>([&] { render::colormap_from_name(bad); });
    EXPECT_NE(m.find("jet, viridis, turbo"), std::string::npos) << m;
    EXPECT_NE(m.find(std::string("\"") + bad + "\""), std::string::npos) << m;
  }
}

TEST(Colormap, RejectsMapsThatAreNotTwoDimensional) {
  const auto t = Tensor<float>::zeros(Shape{1, 4, 4});
  const auto m = message_of<inx::shape_error>([&] { render::apply_colormap(t, render::Colormap::jet); });
  EXPECT_NE(m.find("(1, 4, 4)"), std::string::npos) << m;
}
