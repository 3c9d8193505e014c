#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "inx/render/blur.hpp"
#include "render_test_util.hpp"

using namespace rendertest;
namespace render = inx::render;
using inx::Shape;
using inx::Tensor;

namespace {
std::size_t blur_cases() {
  std::size_t n = 0;
  while (fixture("blur.npz").count("in_" + std::to_string(n))) ++n;
  return n;
}
}  // namespace

TEST(Blur, MatchesOpenCV) {
  const std::size_t cases = blur_cases();
  ASSERT_GE(cases, 20u);
  for (std::size_t i = 0; i < cases; ++i) {
    const auto in = member("blur.npz", "in_" + std::to_string(i));
    const auto want = member("blur.npz", "out_" + std::to_string(i));
    const double sigma = member<double>("blur.npz", "sigma_" + std::to_string(i)).data()[0];
    const auto got = render::gaussian_blur(in, sigma);
    ASSERT_EQ(got.shape(), want.shape()) << "case " << i;
    float scale = 1.0f;
    for (const float v : in.span()) scale = std::max(scale, std::abs(v));
    for (std::size_t j = 0; j < got.size(); ++j)
      ASSERT_NEAR(got.data()[j], want.data()[j], 1e-5f * scale)
          << "case " << i << ": shape " << in.shape() << ", sigma " << sigma << ", element " << j;
  }
}

TEST(Blur, KernelMatchesOpenCV) {
  for (std::size_t i = 0; i < blur_cases(); ++i) {
    const double sigma = member<double>("blur.npz", "sigma_" + std::to_string(i)).data()[0];
    const auto want = member("blur.npz", "kernel_" + std::to_string(i));
    const auto got = render::gaussian_kernel(sigma);
    ASSERT_EQ(got.size(), want.size()) << "sigma " << sigma;
    for (std::size_t j = 0; j < got.size(); ++j) EXPECT_NEAR(got[j], want.data()[j], 1e-7f) << "sigma " << sigma;
  }
  EXPECT_EQ(render::gaussian_kernel_size(1.0), 9u);
  EXPECT_EQ(render::gaussian_kernel_size(0.5), 5u);
  EXPECT_EQ(render::gaussian_kernel_size(0.05), 1u);
  EXPECT_EQ(render::gaussian_kernel_size(2.5), 21u);
}

TEST(Blur, ReflectsLikeOpenCVBorderReflect101) {
  // gfedcb|abcdefgh|gfedcba, folded again while the index is still outside.
  const std::int64_t n3[][2] = {{-1, 1}, {-2, 2}, {-3, 1}, {-4, 0}, {-5, 1}, {3, 1}, {4, 0}, {5, 1}, {6, 2}, {7, 1}};
  for (const auto& [p, want] : n3) EXPECT_EQ(render::detail::reflect101(p, 3), std::size_t(want)) << p;
  const std::int64_t n2[][2] = {{-1, 1}, {-2, 0}, {-3, 1}, {2, 0}, {3, 1}};
  for (const auto& [p, want] : n2) EXPECT_EQ(render::detail::reflect101(p, 2), std::size_t(want)) << p;
  for (std::int64_t p = -20; p <= 20; ++p) EXPECT_EQ(render::detail::reflect101(p, 1), 0u);
}

TEST(Blur, KeepsConstantImagesAndTheSum) {
  for (const Shape& s : {Shape{1, 1}, Shape{2, 3}, Shape{3, 5, 4}, Shape{31, 17}}) {
    const auto flat = Tensor<float>::full(s, 0.625f);
    for (const double sigma : {0.4, 1.0, 6.0}) {
      const auto b = render::gaussian_blur(flat, sigma);
      for (const float v : b.span()) ASSERT_NEAR(v, 0.625f, 2e-6f) << s << " sigma " << sigma;
    }
  }
  // Far from the borders an impulse spreads into the kernel's outer product, which sums to 1.
  Tensor<float> impulse(Shape{41, 41});
  impulse(20, 20) = 1.0f;
  const auto b = render::gaussian_blur(impulse, 2.0);
  const auto k = render::gaussian_kernel(2.0);
  double sum = 0;
  for (const float v : b.span()) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-5);
  for (std::size_t i = 0; i < k.size(); ++i) EXPECT_NEAR(b(20 - 8 + i, 20), k[i] * k[8], 1e-7f);
}

TEST(Blur, ChannelsAreBlurredOnTheirOwn) {
  auto img = Tensor<float>::uninitialized(Shape{2, 6, 7});
  for (std::size_t i = 0; i < img.size(); ++i) img.data()[i] = static_cast<float>((i * 37) % 11) / 10.0f;
  const auto both = render::gaussian_blur(img, 1.5);
  for (std::size_t c = 0; c < 2; ++c) {
    const auto one = render::gaussian_blur(img[c], 1.5);
    for (std::size_t j = 0; j < one.size(); ++j) ASSERT_EQ(both.data()[c * 42 + j], one.data()[j]);
  }
}

TEST(Blur, RejectsBadSigmaAndShapes) {
  const auto img = Tensor<float>::zeros(Shape{4, 4});
  for (const double s : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity(), 1e9}) {
    const auto m = message_of<inx::value_error>([&] { render::gaussian_blur(img, s); });
    EXPECT_NE(m.find("sigma"), std::string::npos) << m;
  }
  for (const Shape& s : {Shape{5}, Shape{1, 1, 2, 2}, Shape{0, 3}, Shape{2, 3, 0}}) {
    const auto t = Tensor<float>::zeros(s);
    const auto m = message_of<inx::shape_error>([&] { render::gaussian_blur(t, 1.0); });
    EXPECT_NE(m.find(s.str()), std::string::npos) << m;
  }
}
