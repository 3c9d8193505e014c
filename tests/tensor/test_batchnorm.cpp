// The fused training-mode batch-norm kernels against a double-precision reference written out here.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "inx/tensor/batchnorm.hpp"
#include "random.hpp"

namespace {

using inx::Shape;
using inx::Tensor;

Tensor<float> random(Shape s, unsigned seed, float lo = -2, float hi = 3) { return inx_test::uniform(s, seed, lo, hi); }

struct Reference {
  std::vector<double> mean, var, y, xhat, dx, dgamma, dbeta;
};

Reference reference(const Tensor<float>& x, const Tensor<float>& g, const Tensor<float>& b, const Tensor<float>& dy,
                    double eps) {
  const std::size_t n = x.dim(0), c = x.dim(1), in = x.size() / (n * c);
  const double m = double(n * in);
  Reference r;
  r.mean.assign(c, 0), r.var.assign(c, 0), r.dgamma.assign(c, 0), r.dbeta.assign(c, 0);
  r.y.assign(x.size(), 0), r.xhat.assign(x.size(), 0), r.dx.assign(x.size(), 0);
  auto at = [&](std::size_t i, std::size_t ch, std::size_t k) { return (i * c + ch) * in + k; };
  for (std::size_t ch = 0; ch < c; ++ch) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < in; ++k) r.mean[ch] += x.data()[at(i, ch, k)] / m;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < in; ++k) r.var[ch] += std::pow(x.data()[at(i, ch, k)] - r.mean[ch], 2) / m;
    const double is = 1 / std::sqrt(r.var[ch] + eps);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < in; ++k) {
        const auto j = at(i, ch, k);
        r.xhat[j] = (x.data()[j] - r.mean[ch]) * is;
        r.y[j] = g.data()[ch] * r.xhat[j] + b.data()[ch];
        r.dbeta[ch] += dy.data()[j];
        r.dgamma[ch] += dy.data()[j] * r.xhat[j];
      }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < in; ++k) {
        const auto j = at(i, ch, k);
        r.dx[j] = g.data()[ch] * is / m * (m * dy.data()[j] - r.dbeta[ch] - r.xhat[j] * r.dgamma[ch]);
      }
  }
  return r;
}

void expect_near(const float* got, const std::vector<double>& want, double tol, const char* what) {
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (1 + std::fabs(want[i]))) << what << " at " << i;
}

class BatchNormTrain : public ::testing::TestWithParam<Shape> {};

TEST_P(BatchNormTrain, MatchesReferenceWithOutputsAliasingInputs) {
  const Shape s = GetParam();
  const std::size_t c = s[1];
  auto x = random(s, 1, 5, 9);  // an offset mean tests the two-pass variance
  auto g = random({c}, 2, 0.5f, 1.5f), b = random({c}, 3), dy = random(s, 4);
  const auto r = reference(x, g, b, dy, 1e-5);

  auto y = x.clone();  // y aliases x
  auto xhat = Tensor<float>::uninitialized(s);
  auto mean = Tensor<float>::uninitialized({c}), var = Tensor<float>::uninitialized({c});
  auto inv = Tensor<float>::uninitialized({c});
  inx::ops::batch_norm_train_forward<inx::cpu>(y, g, b, 1e-5f, y.view(), xhat.view(), mean.view(), var.view(),
                                               inv.view());
  expect_near(y.data(), r.y, 1e-5, "y");
  expect_near(xhat.data(), r.xhat, 1e-5, "xhat");
  expect_near(mean.data(), r.mean, 1e-6, "mean");
  expect_near(var.data(), r.var, 1e-5, "var");

  auto dx = dy.clone();  // dx aliases dy
  auto dg = Tensor<float>::uninitialized({c}), db = Tensor<float>::uninitialized({c});
  inx::ops::batch_norm_train_backward<inx::cpu>(dx, xhat, g, inv, dx.view(), dg.view(), db.view());
  expect_near(dx.data(), r.dx, 1e-4, "dx");
  // Sums over M = N*H*W terms: float rounding grows with M, so the tolerance does too (about 1e-7 * M here).
  const double m = double(s.numel() / c);
  expect_near(dg.data(), r.dgamma, 1e-7 * m + 1e-5, "dgamma");
  expect_near(db.data(), r.dbeta, 1e-7 * m + 1e-5, "dbeta");
}

INSTANTIATE_TEST_SUITE_P(Shapes, BatchNormTrain,
                         ::testing::Values(Shape{2, 3, 4, 5}, Shape{64, 32, 14, 14}, Shape{5, 7}, Shape{1, 4, 1, 3}));

TEST(BatchNormTrain, BadShapesAreErrors) {
  auto x = random({2, 3, 4, 4}, 1), y = random({2, 3, 4, 4}, 2), h = random({2, 3, 4, 4}, 3);
  auto v3 = random({3}, 4), v4 = random({4}, 5);
  auto m = Tensor<float>::uninitialized({3}), var = Tensor<float>::uninitialized({3});
  auto inv = Tensor<float>::uninitialized({3});
  EXPECT_THROW(inx::ops::batch_norm_train_forward<inx::cpu>(x, v4, v3, 1e-5f, y.view(), h.view(), m.view(),
                                                            var.view(), inv.view()),
               inx::shape_error);
  auto bad = Tensor<float>::uninitialized({2, 3, 4, 5});
  EXPECT_THROW(inx::ops::batch_norm_train_forward<inx::cpu>(x, v3, v3, 1e-5f, bad.view(), h.view(), m.view(),
                                                            var.view(), inv.view()),
               inx::shape_error);
  auto one = random({1, 3, 1, 1}, 6), one_y = random({1, 3, 1, 1}, 7), one_h = random({1, 3, 1, 1}, 8);
  EXPECT_THROW(inx::ops::batch_norm_train_forward<inx::cpu>(one, v3, v3, 1e-5f, one_y.view(), one_h.view(),
                                                            m.view(), var.view(), inv.view()),
               inx::shape_error);
  EXPECT_THROW(inx::ops::batch_norm_train_forward<inx::cpu>(x, v3, v3, 0.0f, y.view(), h.view(), m.view(),
                                                            var.view(), inv.view()),
               inx::value_error);
}

}  // namespace
