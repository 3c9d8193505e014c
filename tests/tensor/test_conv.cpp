#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

#include "inx/tensor/conv.hpp"

#include "random.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
using inx::ops::Conv2dParams;

Tensor<float> random_tensor(Shape s, unsigned seed) { return inx_test::uniform(s, seed); }

// The input position that output (oy, ox) reads through kernel tap (ky, kx), or -1 when it falls in the padding.
struct Taps {
  const inx::ops::Conv2dGeometry& g;
  long iy(std::size_t oy, std::size_t ky) const {
    const long v = long(oy * g.p.stride_h + ky * g.p.dilation_h) - long(g.p.pad_h);
    return v >= 0 && v < long(g.h) ? v : -1;
  }
  long ix(std::size_t ox, std::size_t kx) const {
    const long v = long(ox * g.p.stride_w + kx * g.p.dilation_w) - long(g.p.pad_w);
    return v >= 0 && v < long(g.w) ? v : -1;
  }
};

// Visits every (n, o, oy, ox, ci, ky, kx, iy, ix) term of the convolution sum: the single source of truth that the
// forward and both backward references are written against.
template <class F>
void for_each_term(const inx::ops::Conv2dGeometry& g, F&& f) {
  const Taps t{g};
  const std::size_t cg = g.c / g.p.groups, og = g.o / g.p.groups;
  for (std::size_t n = 0; n < g.n; ++n)
    for (std::size_t o = 0; o < g.o; ++o)
      for (std::size_t oy = 0; oy < g.oh; ++oy)
        for (std::size_t ox = 0; ox < g.ow; ++ox)
          for (std::size_t ci = 0; ci < cg; ++ci)
            for (std::size_t ky = 0; ky < g.kh; ++ky)
              for (std::size_t kx = 0; kx < g.kw; ++kx) {
                const long iy = t.iy(oy, ky), ix = t.ix(ox, kx);
                if (iy < 0 || ix < 0) continue;
                f(n, o, oy, ox, (o / og) * cg + ci, ci, ky, kx, std::size_t(iy), std::size_t(ix));
              }
}

std::vector<double> ref_forward(const inx::ops::Conv2dGeometry& g, const Tensor<float>& x, const Tensor<float>& w,
                                const float* bias) {
  std::vector<double> y(g.n * g.o * g.oh * g.ow, 0.0);
  for_each_term(g, [&](auto n, auto o, auto oy, auto ox, auto c, auto ci, auto ky, auto kx, auto iy, auto ix) {
    y[((n * g.o + o) * g.oh + oy) * g.ow + ox] += double(x(n, c, iy, ix)) * double(w(o, ci, ky, kx));
  });
  if (bias)
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += bias[(i / (g.oh * g.ow)) % g.o];
  return y;
}

std::vector<double> ref_backward_data(const inx::ops::Conv2dGeometry& g, const Tensor<float>& dy,
                                      const Tensor<float>& w) {
  std::vector<double> dx(g.n * g.c * g.h * g.w, 0.0);
  for_each_term(g, [&](auto n, auto o, auto oy, auto ox, auto c, auto ci, auto ky, auto kx, auto iy, auto ix) {
    dx[((n * g.c + c) * g.h + iy) * g.w + ix] += double(dy(n, o, oy, ox)) * double(w(o, ci, ky, kx));
  });
  return dx;
}

std::vector<double> ref_backward_weights(const inx::ops::Conv2dGeometry& g, const Tensor<float>& x,
                                         const Tensor<float>& dy, std::vector<double>& dbias) {
  const std::size_t cg = g.c / g.p.groups;
  std::vector<double> dw(g.o * cg * g.kh * g.kw, 0.0);
  dbias.assign(g.o, 0.0);
  for_each_term(g, [&](auto n, auto o, auto oy, auto ox, auto c, auto ci, auto ky, auto kx, auto iy, auto ix) {
    dw[((o * cg + ci) * g.kh + ky) * g.kw + kx] += double(dy(n, o, oy, ox)) * double(x(n, c, iy, ix));
  });
  for (std::size_t i = 0; i < dy.size(); ++i) dbias[(i / (g.oh * g.ow)) % g.o] += dy.data()[i];
  return dw;
}

void expect_close(std::span<const float> got, const std::vector<double>& want, double tol, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (1.0 + std::abs(want[i]))) << what << " element " << i;
}

struct Case {
  Shape x;  // N, C, H, W
  std::size_t o, kh, kw;
  Conv2dParams p;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << "x" << c.x << " o=" << c.o << " k=" << c.kh << "x" << c.kw << " s=" << c.p.stride_h << "x"
            << c.p.stride_w << " pad=" << c.p.pad_h << "x" << c.p.pad_w << " dil=" << c.p.dilation_h << "x"
            << c.p.dilation_w << " g=" << c.p.groups;
}

using inx::cpu_detail::conv_layout;

// Runs the body under one of the CPU layout policies, restoring the library's automatic choice afterwards.
struct LayoutScope {
  explicit LayoutScope(conv_layout l) { inx::cpu_detail::conv_layout_policy() = l; }
  ~LayoutScope() { inx::cpu_detail::conv_layout_policy() = conv_layout::automatic; }
};

class ConvCases : public ::testing::TestWithParam<std::tuple<Case, bool, conv_layout>> {};

TEST_P(ConvCases, ForwardAndBackwardMatchReferenceLoops) {
  const auto& [c, with_bias, layout] = GetParam();
  LayoutScope scope(layout);
  const Shape ws{c.o, c.x[1] / c.p.groups, c.kh, c.kw};
  const auto g = inx::ops::conv2d_geometry(c.x, ws, c.p);
  auto x = random_tensor(c.x, 1), w = random_tensor(ws, 2), b = random_tensor({c.o}, 3);
  const float* bias = with_bias ? b.data() : nullptr;

  auto y = inx::ops::conv2d<inx::cpu>(x, w, bias, c.p);
  ASSERT_EQ(y.shape(), (Shape{g.n, g.o, g.oh, g.ow}));
  expect_close(y.span(), ref_forward(g, x, w, bias), 1e-4, "forward");

  auto dy = random_tensor(y.shape(), 4);
  auto dx = Tensor<float>::full(c.x, 7.0f);  // overwritten, not accumulated
  inx::ops::conv2d_backward_data<inx::cpu>(dy, w, dx.view(), c.p);
  expect_close(dx.span(), ref_backward_data(g, dy, w), 1e-4, "backward_data");

  auto dw = Tensor<float>::full(ws, 7.0f);
  std::vector<float> db(c.o, 7.0f);
  inx::ops::conv2d_backward_weights<inx::cpu>(x, dy, dw.view(), with_bias ? db.data() : nullptr, c.p);
  std::vector<double> ref_db;
  expect_close(dw.span(), ref_backward_weights(g, x, dy, ref_db), 1e-4, "backward_weights");
  if (with_bias) expect_close(db, ref_db, 1e-4, "backward_bias");
}

Conv2dParams params(std::size_t s_h, std::size_t s_w, std::size_t p_h, std::size_t p_w, std::size_t d = 1,
                    std::size_t groups = 1) {
  return {s_h, s_w, p_h, p_w, d, d, groups};
}

INSTANTIATE_TEST_SUITE_P(
    Odd, ConvCases,
    ::testing::Combine(::testing::Values(Case{{1, 3, 5, 7}, 4, 1, 1, params(1, 1, 0, 0)},          // 1x1 kernel
                                         Case{{2, 3, 9, 6}, 5, 3, 2, params(1, 1, 1, 0)},          // non-square
                                         Case{{1, 4, 11, 10}, 3, 2, 2, params(3, 3, 0, 0)},        // stride > kernel
                                         Case{{2, 5, 12, 9}, 6, 3, 3, params(2, 1, 2, 1)},         // padding, strides
                                         Case{{1, 3, 13, 11}, 4, 3, 3, params(1, 1, 2, 2, 2)},     // dilation 2
                                         Case{{2, 4, 8, 7}, 6, 3, 3, params(1, 2, 1, 1, 1, 2)},    // groups 2
                                         Case{{2, 6, 9, 9}, 6, 3, 3, params(2, 2, 1, 1, 1, 6)},    // depthwise
                                         Case{{3, 8, 1, 1}, 5, 1, 1, params(1, 1, 0, 0)},          // 1x1 spatial
                                         Case{{1, 2, 1, 1}, 3, 3, 3, params(1, 1, 1, 1)},          // 1x1, padded 3x3
                                         Case{{2, 16, 10, 10}, 32, 3, 3, params(1, 1, 1, 1)},      // blocked layouts
                                         Case{{1, 32, 7, 5}, 32, 3, 3, params(1, 1, 1, 1, 1, 32)}, // blocked depthwise
                                         Case{{1, 3, 17, 17}, 8, 7, 7, params(2, 2, 3, 3)}),       // ResNet stem-like
                       ::testing::Bool(),
                       ::testing::Values(conv_layout::automatic, conv_layout::blocked, conv_layout::plain)));

// d/dx and d/dw of L = sum(y * r) by central differences. The convolution is linear in each argument, so the
// differences are exact up to float rounding.
TEST(Conv, BackwardMatchesFiniteDifferences) {
  const Conv2dParams p = params(2, 1, 1, 2, 1, 2);
  const Shape xs{2, 4, 5, 6}, ws{4, 2, 3, 2};
  auto x = random_tensor(xs, 11), w = random_tensor(ws, 12), b = random_tensor({4}, 13);
  const auto ys = inx::ops::conv2d_output_shape(xs, ws, p);
  auto r = random_tensor(ys, 14);
  auto loss = [&] {
    auto y = inx::ops::conv2d<inx::cpu>(x, w, b.data(), p);
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += double(y.data()[i]) * r.data()[i];
    return s;
  };
  auto dx = Tensor<float>::uninitialized(xs);
  auto dw = Tensor<float>::uninitialized(ws);
  std::vector<float> db(4);
  inx::ops::conv2d_backward_data<inx::cpu>(r, w, dx.view(), p);
  inx::ops::conv2d_backward_weights<inx::cpu>(x, r, dw.view(), db.data(), p);
  const float eps = 0.05f;
  auto check = [&](Tensor<float>& t, const Tensor<float>& grad, const char* what) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      const float v = t.data()[i];
      t.data()[i] = v + eps;
      const double up = loss();
      t.data()[i] = v - eps;
      const double down = loss();
      t.data()[i] = v;
      ASSERT_NEAR(grad.data()[i], (up - down) / (2 * eps), 2e-3) << what << " " << i;
    }
  };
  check(x, dx, "dx");
  check(w, dw, "dw");
  check(b, Tensor<float>::from_host({4}, db), "dbias");
}

TEST(Conv, OutputShapeFollowsPyTorch) {
  // torch.nn.Conv2d(3, 8, 3, stride=2, padding=1, dilation=2) on (2, 3, 10, 11) gives (2, 8, 4, 5).
  EXPECT_EQ(inx::ops::conv2d_output_shape({2, 3, 10, 11}, {8, 3, 3, 3}, {2, 2, 1, 1, 2, 2, 1}), (Shape{2, 8, 4, 5}));
  EXPECT_EQ(inx::ops::conv2d_output_shape({1, 3, 224, 224}, {64, 3, 7, 7}, {2, 2, 3, 3}), (Shape{1, 64, 112, 112}));
}

TEST(Conv, BadShapesAreErrors) {
  using inx::ops::conv2d_output_shape;
  EXPECT_THROW(conv2d_output_shape({1, 3, 8}, {4, 3, 3, 3}, {}), inx::shape_error);         // rank
  EXPECT_THROW(conv2d_output_shape({1, 3, 8, 8}, {4, 2, 3, 3}, {}), inx::shape_error);      // channels
  EXPECT_THROW(conv2d_output_shape({1, 4, 8, 8}, {3, 2, 3, 3}, {1, 1, 0, 0, 1, 1, 2}), inx::shape_error);  // O % g
  EXPECT_THROW(conv2d_output_shape({1, 3, 2, 8}, {4, 3, 3, 3}, {}), inx::shape_error);      // kernel > image
  EXPECT_THROW(conv2d_output_shape({1, 3, 5, 5}, {4, 3, 3, 3}, {1, 1, 0, 0, 3, 3, 1}), inx::shape_error);  // dilated
  EXPECT_THROW(conv2d_output_shape({1, 3, 8, 8}, {4, 3, 3, 3}, {0, 1}), inx::value_error);  // stride 0
  try {
    conv2d_output_shape({1, 3, 8, 8}, {4, 2, 3, 3}, {});
  } catch (const inx::shape_error& e) {
    EXPECT_NE(std::string(e.what()).find("(1, 3, 8, 8)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(4, 2, 3, 3)"), std::string::npos) << e.what();
  }
  auto x = random_tensor({1, 3, 8, 8}, 1), w = random_tensor({4, 3, 3, 3}, 2);
  auto y_bad = Tensor<float>::uninitialized({1, 4, 7, 6});
  EXPECT_THROW(inx::ops::conv2d_forward<inx::cpu>(x, w, nullptr, y_bad.view(), {}), inx::shape_error);
  auto dx_bad = Tensor<float>::uninitialized({1, 3, 9, 8});
  auto dy = random_tensor({1, 4, 6, 6}, 3);
  EXPECT_THROW(inx::ops::conv2d_backward_data<inx::cpu>(dy, w, dx_bad.view(), {}), inx::shape_error);
  auto dw_bad = Tensor<float>::uninitialized({4, 3, 3, 2});
  EXPECT_THROW(inx::ops::conv2d_backward_weights<inx::cpu>(x, dy, dw_bad.view(), nullptr, {}), inx::shape_error);
}

// The primitive cache is shared: many threads running the same and different shapes at once must agree with a
// single-threaded run.
TEST(Conv, ConcurrentCallsAgree) {
  const Conv2dParams p = params(1, 1, 1, 1);
  std::vector<Tensor<float>> xs, ws, want;
  for (unsigned i = 0; i < 4; ++i) {
    xs.push_back(random_tensor({1, 8, 6 + i, 5}, 20 + i));
    ws.push_back(random_tensor({16, 8, 3, 3}, 30 + i));
    want.push_back(inx::ops::conv2d<inx::cpu>(xs[i], ws[i], nullptr, p));
  }
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (unsigned t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      bool good = true;
      for (int rep = 0; rep < 20; ++rep) {
        const unsigned i = (t + rep) % 4;
        auto y = inx::ops::conv2d<inx::cpu>(xs[i], ws[i], nullptr, p);
        for (std::size_t k = 0; k < y.size(); ++k) good = good && y.data()[k] == want[i].data()[k];
      }
      ok[t] = good;
    });
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_TRUE(v);
}

}  // namespace
