#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "inx/tensor/elementwise.hpp"

#include "random.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace ops = inx::ops;

Tensor<float> random_tensor(Shape s, unsigned seed, float lo = -8.0f, float hi = 8.0f) {
  return inx_test::uniform(s, seed, lo, hi);
}

// Both a small (serial) and a large (parallel) size, so both code paths are checked.
const Shape kShapes[] = {{3, 5}, {2, 3, 101, 111}};

void expect_map(const Tensor<float>& got, const Tensor<float>& x, const std::function<float(float)>& f) {
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_FLOAT_EQ(got.data()[i], f(x.data()[i])) << i;
}

TEST(Elementwise, BinaryAxpyScaleFillCopy) {
  for (const auto& s : kShapes) {
    auto a = random_tensor(s, 1), b = random_tensor(s, 2);
    auto out = Tensor<float>::uninitialized(s);
    ops::add<inx::cpu>(a, b, out.view());
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(out.data()[i], a.data()[i] + b.data()[i]);
    ops::sub<inx::cpu>(a, b, out.view());
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(out.data()[i], a.data()[i] - b.data()[i]);
    ops::mul<inx::cpu>(a, b, out.view());
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(out.data()[i], a.data()[i] * b.data()[i]);

    ops::copy<inx::cpu>(b, out.view());
    ops::axpy<inx::cpu>(0.5f, a, out.view());
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_FLOAT_EQ(out.data()[i], b.data()[i] + 0.5f * a.data()[i]);
    ops::scale<inx::cpu>(out.view(), -2.0f);
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_FLOAT_EQ(out.data()[i], -2.0f * (b.data()[i] + 0.5f * a.data()[i]));
    ops::fill<inx::cpu>(out.view(), 3.25f);
    for (float v : out.span()) ASSERT_EQ(v, 3.25f);
  }
}

TEST(Elementwise, CopyLargeAndOverlapping) {
  auto a = random_tensor({1000003}, 20);
  auto b = Tensor<float>::uninitialized({1000003});
  ops::copy<inx::cpu>(a, b.view());
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]) << i;
  // Overlapping views of one buffer (shift by one) behave like memmove.
  auto c = random_tensor({100001}, 21), d = c.clone();
  ops::copy<inx::cpu>(inx::TensorView<const float>(c.data(), {100000}), inx::TensorView<float>(c.data() + 1, {100000}));
  for (std::size_t i = 0; i < 100000; ++i) ASSERT_EQ(c.data()[i + 1], d.data()[i]) << i;
}

TEST(Elementwise, InPlaceAliasing) {
  auto a = random_tensor({4, 7}, 3), b = random_tensor({4, 7}, 4);
  auto want = Tensor<float>::uninitialized({4, 7});
  ops::add<inx::cpu>(a, b, want.view());
  ops::add<inx::cpu>(a, b, a.view());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.data()[i], want.data()[i]);
  ops::relu_forward<inx::cpu>(a, a.view());
  for (float v : a.span()) EXPECT_GE(v, 0.0f);
}

TEST(Elementwise, ActivationsAndTheirGradients) {
  for (const auto& s : kShapes) {
    auto x = random_tensor(s, 5);
    x.data()[0] = 0.0f;  // kinks: PyTorch gives gradient 0 at relu(0), relu6(0) and relu6(6)
    x.data()[1] = 6.0f;
    auto dy = random_tensor(s, 6);
    auto y = Tensor<float>::uninitialized(s), dx = Tensor<float>::uninitialized(s);
    ops::relu_forward<inx::cpu>(x, y.view());
    expect_map(y, x, [](float v) { return std::max(v, 0.0f); });
    ops::relu6_forward<inx::cpu>(x, y.view());
    expect_map(y, x, [](float v) { return std::min(std::max(v, 0.0f), 6.0f); });
    ops::leaky_relu_forward<inx::cpu>(x, y.view(), 0.2f);
    expect_map(y, x, [](float v) { return v > 0 ? v : 0.2f * v; });

    ops::relu_backward<inx::cpu>(x, dy, dx.view());
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(dx.data()[i], x.data()[i] > 0 ? dy.data()[i] : 0.0f) << i;
    ops::relu6_backward<inx::cpu>(x, dy, dx.view());
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_EQ(dx.data()[i], x.data()[i] > 0 && x.data()[i] < 6 ? dy.data()[i] : 0.0f) << i;
    ops::leaky_relu_backward<inx::cpu>(x, dy, dx.view(), 0.2f);
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_FLOAT_EQ(dx.data()[i], x.data()[i] > 0 ? dy.data()[i] : 0.2f * dy.data()[i]) << i;
  }
}

TEST(Elementwise, ExpLogClamp) {
  for (const auto& s : kShapes) {
    auto x = random_tensor(s, 7, 0.01f, 5.0f);
    auto y = Tensor<float>::uninitialized(s);
    ops::exp<inx::cpu>(x, y.view());
    expect_map(y, x, [](float v) { return std::exp(v); });
    ops::log<inx::cpu>(x, y.view());
    expect_map(y, x, [](float v) { return std::log(v); });
    ops::clamp<inx::cpu>(x, y.view(), 1.0f, 2.0f);
    expect_map(y, x, [](float v) { return std::min(std::max(v, 1.0f), 2.0f); });
  }
  auto x = Tensor<float>::full({2}, 1.0f);
  auto y = Tensor<float>::uninitialized({2});
  EXPECT_THROW(ops::clamp<inx::cpu>(x, y.view(), 2.0f, 1.0f), inx::value_error);
}

TEST(Elementwise, PerChannelBiasAndAffine) {
  const Shape s{3, 4, 5, 6};
  auto x = random_tensor(s, 8), bias = random_tensor({4}, 9), sc = random_tensor({4}, 10), sh = random_tensor({4}, 11);
  auto y = x.clone();
  ops::add_channel_bias<inx::cpu>(y.view(), bias);
  for (std::size_t n = 0; n < 3; ++n)
    for (std::size_t c = 0; c < 4; ++c)
      for (std::size_t h = 0; h < 5; ++h)
        for (std::size_t w = 0; w < 6; ++w) ASSERT_FLOAT_EQ(y(n, c, h, w), x(n, c, h, w) + bias(c));
  ops::affine_per_channel<inx::cpu>(x, sc, sh, y.view());
  for (std::size_t n = 0; n < 3; ++n)
    for (std::size_t c = 0; c < 4; ++c)
      for (std::size_t h = 0; h < 5; ++h)
        for (std::size_t w = 0; w < 6; ++w) ASSERT_FLOAT_EQ(y(n, c, h, w), x(n, c, h, w) * sc(c) + sh(c));
  // (N, C) works too: a linear layer's bias.
  auto z = random_tensor({2, 4}, 12), z0 = z.clone();
  ops::add_channel_bias<inx::cpu>(z.view(), bias);
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t c = 0; c < 4; ++c) EXPECT_FLOAT_EQ(z(n, c), z0(n, c) + bias(c));
}

TEST(Elementwise, AllFinite) {
  for (const auto& s : kShapes) {
    auto x = random_tensor(s, 13);
    EXPECT_TRUE(ops::all_finite<inx::cpu>(x));
    x.data()[x.size() - 1] = std::numeric_limits<float>::infinity();
    EXPECT_FALSE(ops::all_finite<inx::cpu>(x));
    x.data()[x.size() - 1] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(ops::all_finite<inx::cpu>(x));
  }
  EXPECT_TRUE(ops::all_finite<inx::cpu>(Tensor<float>(Shape{0})));
}

TEST(Elementwise, BadShapesAreErrors) {
  auto a = random_tensor({2, 3}, 1), b = random_tensor({3, 2}, 2);
  auto out = Tensor<float>::uninitialized({2, 3});
  EXPECT_THROW(ops::add<inx::cpu>(a, b, out.view()), inx::shape_error);
  EXPECT_THROW(ops::axpy<inx::cpu>(1.0f, b, out.view()), inx::shape_error);
  EXPECT_THROW(ops::copy<inx::cpu>(b, out.view()), inx::shape_error);
  EXPECT_THROW(ops::relu_backward<inx::cpu>(a, b, out.view()), inx::shape_error);
  auto x = random_tensor({2, 3, 4, 4}, 3), bias = random_tensor({4}, 4);
  EXPECT_THROW(ops::add_channel_bias<inx::cpu>(x.view(), bias), inx::shape_error);
  EXPECT_THROW(ops::affine_per_channel<inx::cpu>(x, bias, bias, x.view()), inx::shape_error);
  try {
    ops::add<inx::cpu>(a, b, out.view());
  } catch (const inx::shape_error& e) {
    EXPECT_NE(std::string(e.what()).find("(2, 3)"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("(3, 2)"), std::string::npos);
  }
}

}  // namespace
