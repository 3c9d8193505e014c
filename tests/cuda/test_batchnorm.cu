// CUDA batch normalisation (training mode). The composition of passes runs on the host on every machine and must
// agree with the CPU backend to float rounding (the channel sums are added in another order); with a GPU, the
// launched kernels must agree within 1e-4.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cuda/batchnorm.cuh"
#include "inx/tensor/cpu/batchnorm.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace ops = inx::ops;
namespace cd = inx::cuda_detail;

// |got - want| <= abs + rel * |want| element by element.
void expect_close(const std::vector<float>& got, const std::vector<float>& want, double abs, double rel,
                  const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_LE(std::abs(double(got[i]) - want[i]), abs + rel * std::abs(want[i]))
        << what << " at " << i << ": " << got[i] << " vs " << want[i];
}
double max_abs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) m = std::max(m, double(std::abs(x)));
  return m;
}
std::vector<float> values(std::size_t n, unsigned seed, float lo, float hi) {
  auto t = inx_test::random_tensor({n}, seed, lo, hi);
  return {t.data(), t.data() + n};
}

struct Out {
  std::vector<float> y, xhat, mean, var, inv_std, dx, dgamma, dbeta;
  Out(std::size_t n, std::size_t c) : y(n), xhat(n), mean(c), var(c), inv_std(c), dx(n), dgamma(c), dbeta(c) {}
};

// (N, C, H*W): a ResNet stem batch, a linear layer's features (inner 1), two values per channel, an offset input
// whose variance is small against its mean (where a one-pass variance would lose digits).
const std::vector<std::array<std::size_t, 3>> kShapes = {{4, 64, 28 * 28}, {32, 10, 1}, {2, 3, 1}, {3, 5, 49}};

TEST(CudaBatchNormBodies, ForwardAndBackwardAgreeWithTheCpuOnTheHost) {
  unsigned seed = 1;
  for (auto [n, c, in] : kShapes) {
    const std::size_t total = n * c * in;
    const float offset = c == 5 ? 1000.0f : 0.0f;
    const auto x = values(total, seed++, offset - 2, offset + 3), gamma = values(c, seed++, 0.5f, 2.0f),
               beta = values(c, seed++, -1, 1), dy = values(total, seed++, -1, 1);
    Out want(total, c), got(total, c);
    inx::batchnorm_kernel<inx::cpu>::train_forward(n, c, in, x.data(), gamma.data(), beta.data(), 1e-5f,
                                                   want.y.data(), want.xhat.data(), want.mean.data(), want.var.data(),
                                                   want.inv_std.data());
    const cd::BatchNorm<cd::HostExec> host{};
    host.train_forward(n, c, in, x.data(), gamma.data(), beta.data(), 1e-5f, got.y.data(), got.xhat.data(),
                       got.mean.data(), got.var.data(), got.inv_std.data());
    // The CPU adds each plane in float before the double sum, so the two means differ by about one float ulp of the
    // input; xhat and y inherit that difference, scaled by inv_std and gamma. A sum that missed or doubled one
    // element would be off by orders of magnitude more.
    const double ulp_x = 1.2e-7 * max_abs(x), is = max_abs(want.inv_std), g = max_abs(gamma);
    expect_close(got.mean, want.mean, 2 * ulp_x, 0, "mean");
    expect_close(got.var, want.var, 1e-6, 1e-5, "var");
    expect_close(got.inv_std, want.inv_std, 0, 1e-5, "inv_std");
    expect_close(got.xhat, want.xhat, 4 * ulp_x * is + 1e-5, 1e-5, "xhat");
    expect_close(got.y, want.y, 4 * ulp_x * is * g + 1e-5, 1e-5, "y");

    inx::batchnorm_kernel<inx::cpu>::train_backward(n, c, in, dy.data(), want.xhat.data(), gamma.data(),
                                                    want.inv_std.data(), want.dx.data(), want.dgamma.data(),
                                                    want.dbeta.data());
    host.train_backward(n, c, in, dy.data(), want.xhat.data(), gamma.data(), want.inv_std.data(), got.dx.data(),
                        got.dgamma.data(), got.dbeta.data());
    // Channel sums of n * in terms, the CPU's with float partials per plane: rounding grows with the terms' total.
    const double sum_tol = 1e-7 * double(n * in) * (max_abs(dy) * (1 + max_abs(want.xhat)));
    expect_close(got.dbeta, want.dbeta, sum_tol, 0, "dbeta");
    expect_close(got.dgamma, want.dgamma, sum_tol, 0, "dgamma");
    expect_close(got.dx, want.dx, 1e-5, 1e-4, "dx");
  }
}

// y may alias x and dx may alias dy, as the neutral op allows.
TEST(CudaBatchNormBodies, InPlaceGivesTheSameResults) {
  const std::size_t n = 2, c = 3, in = 20, total = n * c * in;
  const auto x = values(total, 7, -1, 1), gamma = values(c, 8, 0.5f, 2), beta = values(c, 9, -1, 1),
             dy = values(total, 10, -1, 1);
  const cd::BatchNorm<cd::HostExec> host{};
  Out a(total, c);
  host.train_forward(n, c, in, x.data(), gamma.data(), beta.data(), 1e-5f, a.y.data(), a.xhat.data(), a.mean.data(),
                     a.var.data(), a.inv_std.data());
  host.train_backward(n, c, in, dy.data(), a.xhat.data(), gamma.data(), a.inv_std.data(), a.dx.data(),
                      a.dgamma.data(), a.dbeta.data());
  Out b(total, c);
  auto y = x, g = dy;
  host.train_forward(n, c, in, y.data(), gamma.data(), beta.data(), 1e-5f, y.data(), b.xhat.data(), b.mean.data(),
                     b.var.data(), b.inv_std.data());
  host.train_backward(n, c, in, g.data(), b.xhat.data(), gamma.data(), b.inv_std.data(), g.data(), b.dgamma.data(),
                      b.dbeta.data());
  EXPECT_EQ(y, a.y);
  EXPECT_EQ(g, a.dx);
}

TEST(CudaBatchNorm, GpuAgreesWithTheCpu) {
  INX_REQUIRE_GPU();
  const Shape s{8, 64, 28, 28};
  auto x = inx_test::random_tensor(s, 1), dy = inx_test::random_tensor(s, 2);
  auto gamma = inx_test::random_tensor({64}, 3, 0.5f, 2.0f), beta = inx_test::random_tensor({64}, 4);
  auto run = [&]<class D>(D) {
    auto xd = x.to<D>(), dyd = dy.to<D>(), gd = gamma.to<D>(), bd = beta.to<D>();
    auto y = Tensor<float, D>::uninitialized(s), xhat = y.clone(), dx = y.clone();
    auto mean = Tensor<float, D>::uninitialized({64}), var = mean.clone(), is = mean.clone(), dg = mean.clone(),
         db = mean.clone();
    ops::batch_norm_train_forward<D>(xd, gd, bd, 1e-5f, y, xhat, mean, var, is);
    ops::batch_norm_train_backward<D>(dyd, xhat, gd, is, dx, dg, db);
    return std::array<Tensor<float>, 5>{y.template to<inx::cpu>(), mean.template to<inx::cpu>(),
                                         var.template to<inx::cpu>(), dx.template to<inx::cpu>(),
                                         dg.template to<inx::cpu>()};
  };
  const auto want = run(inx::cpu{}), got = run(inx::cuda{});
  for (std::size_t k = 0; k < want.size(); ++k)
    for (std::size_t i = 0; i < want[k].size(); ++i)
      ASSERT_NEAR(got[k].data()[i], want[k].data()[i], 1e-4 * (1 + std::abs(want[k].data()[i]))) << k << " " << i;
}

}  // namespace
