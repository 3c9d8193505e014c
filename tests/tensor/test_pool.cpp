#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <tuple>
#include <vector>

#include "inx/tensor/pool.hpp"

#include "random.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
using inx::ops::Pool2dParams;

Tensor<float> random_tensor(Shape s, unsigned seed) { return inx_test::uniform(s, seed); }

// Reference pooling written from PyTorch's definition: window (oy, ox) covers padded rows oy*s - pad .. + k,
// clipped to the padded input for the count_include_pad divisor and to the input for the values.
struct RefPool {
  std::vector<float> max, avg;
  std::vector<std::int32_t> arg;
};

RefPool ref_pool(const Tensor<float>& x, const Pool2dParams& p, std::size_t oh, std::size_t ow) {
  const std::size_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
  RefPool r;
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t ch = 0; ch < c; ++ch)
      for (std::size_t oy = 0; oy < oh; ++oy)
        for (std::size_t ox = 0; ox < ow; ++ox) {
          double best = -INFINITY, sum = 0;
          int arg = -1, inside = 0, padded = 0;
          for (std::size_t ky = 0; ky < p.kernel_h; ++ky)
            for (std::size_t kx = 0; kx < p.kernel_w; ++kx) {
              const long iy = long(oy * p.stride_h + ky) - long(p.pad_h);
              const long ix = long(ox * p.stride_w + kx) - long(p.pad_w);
              if (iy < long(h + p.pad_h) && ix < long(w + p.pad_w)) ++padded;
              if (iy < 0 || ix < 0 || iy >= long(h) || ix >= long(w)) continue;
              ++inside;
              const float v = x(b, ch, iy, ix);
              sum += v;
              if (v > best) best = v, arg = int(iy * long(w) + ix);
            }
          r.max.push_back(float(best));
          r.arg.push_back(arg);
          r.avg.push_back(float(sum / (p.count_include_pad ? padded : inside)));
        }
  return r;
}

}  // namespace
namespace inx::ops {
void PrintTo(const Pool2dParams& p, std::ostream* os) {
  *os << "k=" << p.kernel_h << "x" << p.kernel_w << " s=" << p.stride_h << "x" << p.stride_w << " pad=" << p.pad_h
      << "x" << p.pad_w << " ceil=" << p.ceil_mode << " include_pad=" << p.count_include_pad;
}
}  // namespace inx::ops
namespace {

class PoolCases : public ::testing::TestWithParam<std::tuple<Shape, Pool2dParams>> {};

TEST_P(PoolCases, MatchReferenceLoops) {
  const auto& [xs, p] = GetParam();
  auto x = random_tensor(xs, 1);
  if (xs[2] + 2 * p.pad_h < p.kernel_h || xs[3] + 2 * p.pad_w < p.kernel_w) {
    EXPECT_THROW(inx::ops::pool2d_output_shape(xs, p), inx::shape_error);
    return;
  }
  const auto ys = inx::ops::pool2d_output_shape(xs, p);
  const auto ref = ref_pool(x, p, ys[2], ys[3]);

  auto y = Tensor<float>::uninitialized(ys);
  std::vector<std::int32_t> arg(y.size(), -7);
  inx::ops::max_pool2d_forward<inx::cpu>(x, y.view(), p, arg.data());
  for (std::size_t i = 0; i < y.size(); ++i) {
    ASSERT_EQ(y.data()[i], ref.max[i]) << i;
    ASSERT_EQ(arg[i], ref.arg[i]) << i;
  }
  inx::ops::avg_pool2d_forward<inx::cpu>(x, y.view(), p);
  for (std::size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(y.data()[i], ref.avg[i], 1e-5) << i;

  // Backward: max scatters to the argmax; average pooling is linear, so <dy, avg(x)> == <avg^T(dy), x> for any x.
  auto dy = random_tensor(ys, 2);
  auto dx = Tensor<float>::full(xs, 9.0f);
  inx::ops::max_pool2d_backward<inx::cpu>(dy, arg.data(), dx.view());
  std::vector<double> want(x.size(), 0.0);
  const std::size_t plane = xs[2] * xs[3], out = ys[2] * ys[3];
  for (std::size_t i = 0; i < dy.size(); ++i) want[(i / out) * plane + ref.arg[i]] += dy.data()[i];
  for (std::size_t i = 0; i < dx.size(); ++i) ASSERT_NEAR(dx.data()[i], want[i], 1e-5) << i;

  inx::ops::avg_pool2d_backward<inx::cpu>(dy, dx.view(), p);
  double lhs = 0, rhs = 0;
  for (std::size_t i = 0; i < dy.size(); ++i) lhs += double(dy.data()[i]) * ref.avg[i];
  for (std::size_t i = 0; i < dx.size(); ++i) rhs += double(dx.data()[i]) * x.data()[i];
  EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + std::abs(lhs)));
}

INSTANTIATE_TEST_SUITE_P(
    Odd, PoolCases,
    ::testing::Combine(::testing::Values(Shape{2, 3, 5, 7}, Shape{1, 2, 6, 6}, Shape{1, 1, 1, 1}, Shape{2, 1, 9, 4}),
                       ::testing::Values(Pool2dParams{2, 2, 2, 2}, Pool2dParams{1, 1, 1, 1},
                                         Pool2dParams{3, 3, 2, 2, 1, 1, true, true},
                                         Pool2dParams{3, 3, 2, 2, 1, 1, true, false},
                                         Pool2dParams{2, 1, 3, 2, 1, 0, true, false},  // stride > kernel
                                         Pool2dParams{1, 1, 2, 2, 0, 0, true, true})));

TEST(Pool, OutputShapeFollowsPyTorch) {
  // (H, kernel, stride, pad, ceil_mode) -> torch.nn.functional.max_pool2d's output size
  const std::tuple<std::size_t, std::size_t, std::size_t, std::size_t, bool, std::size_t> cases[] = {
      {5, 2, 2, 0, true, 3},  {6, 3, 2, 1, true, 4},   {7, 3, 3, 1, true, 3}, {5, 3, 2, 1, true, 3}, {4, 2, 3, 0, true, 2},
      {10, 3, 2, 0, false, 4}, {10, 3, 2, 0, true, 5}, {1, 1, 1, 0, true, 1}, {6, 4, 4, 2, true, 2},  // last window dropped
  };
  for (const auto& [h, k, s, pad, ceil, want] : cases) {
    const Pool2dParams p{k, k, s, s, pad, pad, ceil};
    EXPECT_EQ(inx::ops::pool2d_output_shape({1, 1, h, h}, p), (Shape{1, 1, want, want})) << h << " " << k << " " << s;
  }
}

TEST(Pool, AvgMatchesPyTorchValues) {
  auto x = Tensor<float>::uninitialized({1, 1, 5, 7});
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = float(i);
  auto y = Tensor<float>::uninitialized({1, 1, 3, 4});
  // F.avg_pool2d(arange(35).view(1,1,5,7), 3, 2, 1, ceil_mode=True, count_include_pad=...)
  inx::ops::avg_pool2d_forward<inx::cpu>(x, y.view(), {3, 3, 2, 2, 1, 1, true, false});
  const float no_pad[] = {4.0, 5.5, 7.5, 9.0, 14.5, 16.0, 18.0, 19.5, 25.0, 26.5, 28.5, 30.0};
  for (std::size_t i = 0; i < 12; ++i) EXPECT_FLOAT_EQ(y.data()[i], no_pad[i]) << i;
  inx::ops::avg_pool2d_forward<inx::cpu>(x, y.view(), {3, 3, 2, 2, 1, 1, true, true});
  const float with_pad[] = {1.7777777910232544, 3.6666667461395264, 5.0, 4.0, 9.666666984558105, 16.0,
                            18.0, 13.0, 11.11111068725586, 17.66666603088379, 19.0, 13.333333015441895};
  for (std::size_t i = 0; i < 12; ++i) EXPECT_FLOAT_EQ(y.data()[i], with_pad[i]) << i;
  // F.adaptive_avg_pool2d(x, (3, 4))
  inx::ops::adaptive_avg_pool2d_forward<inx::cpu>(x, y.view());
  for (std::size_t i = 0; i < 12; ++i) EXPECT_FLOAT_EQ(y.data()[i], no_pad[i]) << i;
}

class AdaptiveCases : public ::testing::TestWithParam<std::tuple<Shape, std::size_t, std::size_t>> {};

TEST_P(AdaptiveCases, MatchesReferenceLoops) {
  const auto& [xs, oh, ow] = GetParam();
  auto x = random_tensor(xs, 3);
  auto y = Tensor<float>::uninitialized({xs[0], xs[1], oh, ow});
  inx::ops::adaptive_avg_pool2d_forward<inx::cpu>(x, y.view());
  const std::size_t h = xs[2], w = xs[3];
  std::vector<double> ref;
  for (std::size_t b = 0; b < xs[0] * xs[1]; ++b)
    for (std::size_t i = 0; i < oh; ++i)
      for (std::size_t j = 0; j < ow; ++j) {
        const std::size_t y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh;  // floor(i*H/OH), ceil((i+1)*H/OH)
        const std::size_t x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow;
        double s = 0;
        for (std::size_t a = y0; a < y1; ++a)
          for (std::size_t c = x0; c < x1; ++c) s += x.data()[b * h * w + a * w + c];
        ref.push_back(s / double((y1 - y0) * (x1 - x0)));
      }
  for (std::size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(y.data()[i], ref[i], 1e-5) << i;

  auto dy = random_tensor(y.shape(), 4);
  auto dx = Tensor<float>::full(xs, 5.0f);
  inx::ops::adaptive_avg_pool2d_backward<inx::cpu>(dy, dx.view());
  double lhs = 0, rhs = 0;
  for (std::size_t i = 0; i < dy.size(); ++i) lhs += double(dy.data()[i]) * ref[i];
  for (std::size_t i = 0; i < dx.size(); ++i) rhs += double(dx.data()[i]) * x.data()[i];
  EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + std::abs(lhs)));
}

INSTANTIATE_TEST_SUITE_P(NonDivisible, AdaptiveCases,
                         ::testing::Values(std::make_tuple(Shape{2, 3, 7, 5}, 3, 2), std::make_tuple(Shape{1, 2, 5, 5}, 7, 7),
                                           std::make_tuple(Shape{1, 1, 10, 13}, 1, 1),
                                           std::make_tuple(Shape{1, 4, 14, 14}, 7, 7),
                                           std::make_tuple(Shape{1, 1, 1, 1}, 2, 3)));

TEST(Pool, MaxBackwardMatchesFiniteDifferences) {
  auto x = random_tensor({1, 2, 5, 6}, 8);
  const Pool2dParams p{3, 2, 2, 2, 1, 1, true, true};
  const auto ys = inx::ops::pool2d_output_shape(x.shape(), p);
  auto y = Tensor<float>::uninitialized(ys);
  std::vector<std::int32_t> arg(y.size());
  auto r = random_tensor(ys, 9);
  auto loss = [&] {
    inx::ops::max_pool2d_forward<inx::cpu>(x, y.view(), p, nullptr);
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += double(y.data()[i]) * r.data()[i];
    return s;
  };
  inx::ops::max_pool2d_forward<inx::cpu>(x, y.view(), p, arg.data());
  auto dx = Tensor<float>::uninitialized(x.shape());
  inx::ops::max_pool2d_backward<inx::cpu>(r, arg.data(), dx.view());
  const float eps = 1e-3f;  // far below the gaps between random values, so no window changes its argmax
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float v = x.data()[i];
    x.data()[i] = v + eps;
    const double up = loss();
    x.data()[i] = v - eps;
    const double down = loss();
    x.data()[i] = v;
    ASSERT_NEAR(dx.data()[i], (up - down) / (2 * eps), 1e-2) << i;
  }
}

TEST(Pool, NanPropagatesThroughMax) {
  auto x = Tensor<float>::full({1, 1, 2, 2}, 1.0f);
  x(0, 0, 1, 0) = std::numeric_limits<float>::quiet_NaN();
  auto y = Tensor<float>::uninitialized({1, 1, 1, 1});
  std::int32_t a = -1;
  inx::ops::max_pool2d_forward<inx::cpu>(x, y.view(), {2, 2, 2, 2}, &a);
  EXPECT_TRUE(std::isnan(y.data()[0]));
  EXPECT_EQ(a, 2);
}

TEST(Pool, BadInputsAreErrors) {
  using inx::ops::pool2d_output_shape;
  EXPECT_THROW(pool2d_output_shape({1, 3, 8}, {2, 2, 2, 2}), inx::shape_error);
  EXPECT_THROW(pool2d_output_shape({1, 3, 2, 8}, {3, 3, 1, 1}), inx::shape_error);
  EXPECT_THROW(pool2d_output_shape({1, 3, 8, 8}, {3, 3, 0, 1}), inx::value_error);
  EXPECT_THROW(pool2d_output_shape({1, 3, 8, 8}, {2, 2, 1, 1, 2, 0}), inx::value_error);  // pad > kernel / 2
  auto x = random_tensor({1, 2, 6, 6}, 1);
  auto y = Tensor<float>::uninitialized({1, 2, 4, 3});
  EXPECT_THROW(inx::ops::max_pool2d_forward<inx::cpu>(x, y.view(), {2, 2, 2, 2}), inx::shape_error);
  EXPECT_THROW(inx::ops::avg_pool2d_forward<inx::cpu>(x, y.view(), {2, 2, 2, 2}), inx::shape_error);
  auto dx = Tensor<float>::uninitialized({1, 3, 6, 6});
  EXPECT_THROW(inx::ops::adaptive_avg_pool2d_backward<inx::cpu>(y, dx.view()), inx::shape_error);
  auto dy = random_tensor({1, 2, 3, 3}, 2);
  std::vector<std::int32_t> bad(18, 36);  // one past the 6x6 plane
  auto dx2 = Tensor<float>::uninitialized({1, 2, 6, 6});
  EXPECT_THROW(inx::ops::max_pool2d_backward<inx::cpu>(dy, bad.data(), dx2.view()), inx::value_error);
  EXPECT_THROW(inx::ops::max_pool2d_backward<inx::cpu>(dy, nullptr, dx2.view()), inx::value_error);
}

}  // namespace
