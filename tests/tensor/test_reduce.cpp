#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "inx/tensor/reduce.hpp"

#include "random.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace ops = inx::ops;

Tensor<float> random_tensor(Shape s, unsigned seed, float lo = -4.0f, float hi = 4.0f) {
  return inx_test::uniform(s, seed, lo, hi);
}

// Small (serial) and large (parallel) row layouts, including one column.
const Shape kRows[] = {{3, 5}, {7, 1}, {257, 300}};

TEST(Reduce, RowReductionsMatchLoops) {
  for (const auto& s : kRows) {
    auto x = random_tensor(s, 1);
    auto out = Tensor<float>::uninitialized({s[0]});
    Tensor<std::int64_t> arg(Shape{s[0]});
    for (auto r : {ops::row_reduction::sum, ops::row_reduction::mean, ops::row_reduction::max,
                   ops::row_reduction::min}) {
      ops::reduce_rows<inx::cpu>(r, x, out.view());
      for (std::size_t i = 0; i < s[0]; ++i) {
        double sum = 0, mx = -INFINITY, mn = INFINITY;
        for (std::size_t j = 0; j < s[1]; ++j) sum += x(i, j), mx = std::max<double>(mx, x(i, j)), mn = std::min<double>(mn, x(i, j));
        const double want = r == ops::row_reduction::sum    ? sum
                            : r == ops::row_reduction::mean ? sum / double(s[1])
                            : r == ops::row_reduction::max  ? mx
                                                            : mn;
        ASSERT_NEAR(out.data()[i], want, 1e-5 * (1 + std::abs(want))) << i;
      }
    }
    ops::argmax_rows<inx::cpu>(x, arg.view());
    for (std::size_t i = 0; i < s[0]; ++i) {
      std::size_t best = 0;
      for (std::size_t j = 1; j < s[1]; ++j)
        if (x(i, j) > x(i, best)) best = j;
      ASSERT_EQ(arg.data()[i], std::int64_t(best)) << i;
    }
  }
}

TEST(Reduce, ArgmaxTiesAndNan) {
  auto x = Tensor<float>::from_host({2, 4}, std::vector<float>{1, 3, 3, 2, 1, NAN, 5, NAN});
  Tensor<std::int64_t> arg(Shape{2});
  ops::argmax_rows<inx::cpu>(x, arg.view());
  EXPECT_EQ(arg.data()[0], 1);  // first of the tied maxima
  EXPECT_EQ(arg.data()[1], 1);  // NaN counts as the largest, as torch.argmax
  auto m = Tensor<float>::uninitialized({2});
  ops::max_rows<inx::cpu>(x, m.view());
  EXPECT_EQ(m.data()[0], 3.0f);
  EXPECT_TRUE(std::isnan(m.data()[1]));
}

TEST(Reduce, SoftmaxIsStableAndMatchesLoops) {
  for (const auto& s : kRows) {
    auto x = random_tensor(s, 2, -30.0f, 30.0f);
    x.data()[0] = 1000.0f;  // exp(1000) overflows a float: the max shift must keep this finite
    auto y = Tensor<float>::uninitialized(s), ly = Tensor<float>::uninitialized(s);
    ops::softmax_rows<inx::cpu>(x, y.view());
    ops::log_softmax_rows<inx::cpu>(x, ly.view());
    for (std::size_t i = 0; i < s[0]; ++i) {
      double mx = -INFINITY, z = 0, total = 0;
      for (std::size_t j = 0; j < s[1]; ++j) mx = std::max<double>(mx, x(i, j));
      for (std::size_t j = 0; j < s[1]; ++j) z += std::exp(double(x(i, j)) - mx);
      for (std::size_t j = 0; j < s[1]; ++j) {
        const double p = std::exp(double(x(i, j)) - mx) / z;
        ASSERT_NEAR(y(i, j), p, 1e-6) << i << "," << j;
        ASSERT_NEAR(ly(i, j), double(x(i, j)) - mx - std::log(z), 1e-4) << i << "," << j;
        total += y(i, j);
      }
      ASSERT_NEAR(total, 1.0, 1e-5);
    }
    EXPECT_TRUE(std::isfinite(y.data()[0]) && std::isfinite(ly.data()[0]));
  }
}

TEST(Reduce, WholeTensorSumMeanDotNorm) {
  for (std::size_t n : {std::size_t(1), std::size_t(17), std::size_t(100003)}) {
    auto a = random_tensor({n}, 3), b = random_tensor({n}, 4);
    double s = 0, d = 0, q = 0;
    for (std::size_t i = 0; i < n; ++i) s += a.data()[i], d += double(a.data()[i]) * b.data()[i], q += double(a.data()[i]) * a.data()[i];
    EXPECT_NEAR(ops::sum<inx::cpu>(a), s, 1e-5 * (1 + std::abs(s)));
    EXPECT_NEAR(ops::mean<inx::cpu>(a), s / double(n), 1e-5);
    EXPECT_NEAR(ops::dot<inx::cpu>(a, b), d, 1e-5 * (1 + std::abs(d)));
    EXPECT_NEAR(ops::norm2<inx::cpu>(a), std::sqrt(q), 1e-5 * std::sqrt(q));
  }
  EXPECT_EQ(ops::sum<inx::cpu>(Tensor<float>(Shape{0})), 0.0f);
  // Double accumulation: a million 0.1f values sum to 1e5 * 0.1f, where a float accumulator drifts visibly.
  auto ones = Tensor<float>::full({1000000}, 0.1f);
  EXPECT_NEAR(ops::sum<inx::cpu>(ones), 1e6 * double(0.1f), 1e-2);
}

TEST(Reduce, SpatialMeanAndChannelSum) {
  const Shape s{3, 5, 7, 9};
  auto x = random_tensor(s, 5);
  auto m = Tensor<float>::uninitialized({3, 5});
  ops::mean_hw<inx::cpu>(x, m.view());
  auto cs = Tensor<float>::uninitialized({5});
  ops::sum_channels<inx::cpu>(x, cs.view());
  std::vector<double> ch(5, 0.0);
  for (std::size_t n = 0; n < 3; ++n)
    for (std::size_t c = 0; c < 5; ++c) {
      double t = 0;
      for (std::size_t h = 0; h < 7; ++h)
        for (std::size_t w = 0; w < 9; ++w) t += x(n, c, h, w);
      ch[c] += t;
      ASSERT_NEAR(m(n, c), t / 63.0, 1e-5);
    }
  for (std::size_t c = 0; c < 5; ++c) ASSERT_NEAR(cs(c), ch[c], 1e-4);
  auto big = random_tensor({2, 64, 56, 56}, 6);
  auto cb = Tensor<float>::uninitialized({64});
  ops::sum_channels<inx::cpu>(big, cb.view());
  for (std::size_t c = 0; c < 64; ++c) {
    double t = 0;
    for (std::size_t n = 0; n < 2; ++n)
      for (std::size_t i = 0; i < 56 * 56; ++i) t += big.data()[(n * 64 + c) * 56 * 56 + i];
    ASSERT_NEAR(cb(c), t, 1e-3) << c;
  }
}

TEST(Reduce, BadShapesAreErrors) {
  auto x = random_tensor({3, 4}, 1);
  auto bad = Tensor<float>::uninitialized({4});
  EXPECT_THROW(ops::sum_rows<inx::cpu>(x, bad.view()), inx::shape_error);
  Tensor<std::int64_t> arg(Shape{4});
  EXPECT_THROW(ops::argmax_rows<inx::cpu>(x, arg.view()), inx::shape_error);
  auto empty_cols = Tensor<float>::uninitialized({3, 0});
  auto out3 = Tensor<float>::uninitialized({3});
  EXPECT_THROW(ops::max_rows<inx::cpu>(empty_cols, out3.view()), inx::shape_error);
  EXPECT_THROW(ops::softmax_rows<inx::cpu>(x, bad.view()), inx::shape_error);
  EXPECT_THROW(ops::dot<inx::cpu>(x, bad), inx::shape_error);
  EXPECT_THROW(ops::mean<inx::cpu>(Tensor<float>(Shape{0})), inx::shape_error);
  auto img = random_tensor({2, 3, 4, 5}, 2);
  auto m_bad = Tensor<float>::uninitialized({3, 2});
  EXPECT_THROW(ops::mean_hw<inx::cpu>(img, m_bad.view()), inx::shape_error);
  EXPECT_THROW(ops::sum_channels<inx::cpu>(img, bad.view()), inx::shape_error);
  ops::sum_rows<inx::cpu>(empty_cols, out3.view());  // the sum of no columns is 0
  for (float v : out3.span()) EXPECT_EQ(v, 0.0f);
}

}  // namespace
