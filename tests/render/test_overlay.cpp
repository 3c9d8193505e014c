#include <gtest/gtest.h>

#include <cmath>

#include "inx/render/explanation.hpp"
#include "inx/render/overlay.hpp"
#include "render_test_util.hpp"

using namespace rendertest;
namespace render = inx::render;
using inx::Shape;
using inx::Tensor;

namespace {
Tensor<float> ramp(Shape s, float step = 0.013f) {
  auto t = Tensor<float>::uninitialized(s);
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = std::fmod(static_cast<float>(i) * step, 1.0f);
  return t;
}
}  // namespace

TEST(Overlay, AlphaZeroIsTheImageAndOneIsTheColouredMap) {
  const auto img = ramp(Shape{3, 5, 6}, 0.031f);
  const auto heat = ramp(Shape{5, 6}, 0.029f);
  for (const auto c : render::all_colormaps) {
    const auto at0 = render::overlay(img, heat, c, 0.0f);
    const auto at1 = render::overlay(img, heat, c, 1.0f);
    const auto coloured = render::apply_colormap(heat, c);
    ASSERT_EQ(at0.shape(), (Shape{3, 5, 6}));
    for (std::size_t i = 0; i < img.size(); ++i) {
      ASSERT_EQ(at0.data()[i], img.data()[i]);
      ASSERT_EQ(at1.data()[i], coloured.data()[i]);
    }
  }
}

TEST(Overlay, BlendsColourOverImage) {
  // jet(1.0) is (0.5, 0, 0) and jet(0) is (0, 0, 0.5); the default alpha is 0.4.
  const float img_v[] = {0.2f, 0.8f};
  const float heat_v[] = {1.0f, 0.0f};
  const inx::TensorView<const float> img(img_v, Shape{1, 1, 2}), heat(heat_v, Shape{1, 2});
  const auto o = render::overlay(img, heat);
  const float want[3][2] = {{0.4f * 0.5f + 0.6f * 0.2f, 0.6f * 0.8f},
                            {0.6f * 0.2f, 0.6f * 0.8f},
                            {0.6f * 0.2f, 0.4f * 0.5f + 0.6f * 0.8f}};
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t j = 0; j < 2; ++j) EXPECT_NEAR(o(k, 0, j), want[k][j], 1e-6f) << k << "," << j;
}

TEST(Overlay, GrayImagesAreReplicated) {
  const auto gray = ramp(Shape{1, 4, 3});
  auto rgb = Tensor<float>::uninitialized(Shape{3, 4, 3});
  for (std::size_t k = 0; k < 3; ++k) std::copy_n(gray.data(), 12, rgb.data() + k * 12);
  const auto heat = ramp(Shape{4, 3}, 0.07f);
  const auto a = render::overlay(gray, heat, render::Colormap::turbo, 0.3f);
  const auto b = render::overlay(rgb, heat, render::Colormap::turbo, 0.3f);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
}

TEST(Overlay, RejectsMismatchedShapesAndBadAlpha) {
  const auto img = Tensor<float>::zeros(Shape{1, 4, 5});
  const auto heat = Tensor<float>::zeros(Shape{4, 6});
  auto m = message_of<inx::shape_error>([&] { render::overlay(img, heat); });
  EXPECT_NE(m.find("(1, 4, 5)"), std::string::npos) << m;
  EXPECT_NE(m.find("(4, 6)"), std::string::npos) << m;
  const auto heat3 = Tensor<float>::zeros(Shape{1, 4, 5});
  m = message_of<inx::shape_error>([&] { render::overlay(img, heat3); });
  EXPECT_NE(m.find("(1, 4, 5)"), std::string::npos) << m;
  for (const Shape& s : {Shape{2, 4, 5}, Shape{4, 4, 5}, Shape{4, 5}}) {
    const auto bad = Tensor<float>::zeros(s);
    m = message_of<inx::shape_error>([&] { render::overlay(bad, Tensor<float>::zeros(Shape{4, 5})); });
    EXPECT_NE(m.find(s.str()), std::string::npos) << m;
  }
  const auto ok_heat = Tensor<float>::zeros(Shape{4, 5});
  for (const float a : {-0.01f, 1.01f, std::nanf("")}) {
    m = message_of<inx::value_error>([&] { render::overlay(img, ok_heat, render::Colormap::jet, a); });
    EXPECT_NE(m.find("alpha"), std::string::npos) << m;
  }
}

TEST(ToRgb, ConvertsOneToFourChannels) {
  const auto src = ramp(Shape{4, 2, 3}, 0.041f);
  const std::size_t n = 6;
  for (std::size_t c = 1; c <= 4; ++c) {
    const auto in = src.slice(0, c);
    const auto rgb = render::to_rgb(in);
    ASSERT_EQ(rgb.shape(), (Shape{3, 2, 3}));
    for (std::size_t k = 0; k < 3; ++k)
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t from = c <= 2 ? 0 : k;  // gray (+ alpha) is replicated; RGB(A) keeps its colours
        ASSERT_EQ(rgb.data()[k * n + i], src.data()[from * n + i]) << "C = " << c;
      }
  }
  for (const Shape& s : {Shape{5, 2, 2}, Shape{2, 2}, Shape{0, 2, 2}}) {
    const auto bad = Tensor<float>::zeros(s);
    const auto m = message_of<inx::shape_error>([&] { render::to_rgb(bad); });
    EXPECT_NE(m.find(s.str()), std::string::npos) << m;
  }
}

// A map without range shows nothing: the neutral picture (the image in grey, no colour), not a uniform blue tint.
TEST(Overlay, ConstantMapGivesTheNeutralPicture) {
  const auto img = ramp({3, 6, 7});
  const auto flat = Tensor<float>::zeros({6, 7});
  const auto out = render::overlay_map(img.view(), flat.view());
  ASSERT_EQ(out.shape(), (Shape{3, 6, 7}));
  const std::size_t n = 42;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(out.data()[i], out.data()[n + i]);
    EXPECT_EQ(out.data()[i], out.data()[2 * n + i]);
    EXPECT_GE(out.data()[i], 0.5f);
    EXPECT_LE(out.data()[i], 0.85f + 1e-6f);
  }
  // A varying map is coloured as before.
  const auto heat = ramp({6, 7}, 0.02f);
  const auto coloured = render::overlay_map(img.view(), heat.view());
  const auto direct = render::overlay(img.view(), heat.view());
  for (std::size_t i = 0; i < coloured.size(); ++i) ASSERT_EQ(coloured.data()[i], direct.data()[i]);
}
