// batchnorm_kernel<cuda>: training-mode batch normalisation (tensor/batchnorm.hpp) on the GPU, in the CPU's steps
// (tensor/cpu/batchnorm.hpp): per-channel sums in double by the strand reduction of reduce.cuh, the mean, a second
// pass for the biased variance around the float mean, then one element per thread for the outputs. Channel sums
// accumulate in another order than the CPU's, so results agree to float rounding; y may alias x and dx may alias dy,
// since every element is read and written by the same thread.
#pragma once

#include <cmath>
#include <cstddef>

#include "inx/cuda/device.cuh"
#include "inx/cuda/launch.cuh"
#include "inx/cuda/reduce.cuh"
#include "inx/tensor/batchnorm.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

struct SquaredDeviationLoad {  // (x - mean[s])^2 in float, as the CPU forms it, for channel s
  const float* x;
  const float* mean;
  std::size_t c, inner;
  INX_HOST_DEVICE double operator()(std::size_t s, std::size_t j) const {
    const float d = x[((j / inner) * c + s) * inner + j % inner] - mean[s];
    return double(d * d);
  }
};
struct ProductChannelLoad {  // a * b in float for channel s
  const float *a, *b;
  std::size_t c, inner;
  INX_HOST_DEVICE double operator()(std::size_t s, std::size_t j) const {
    const std::size_t i = ((j / inner) * c + s) * inner + j % inner;
    return double(a[i] * b[i]);
  }
};
struct BatchNormStats {  // from the two sums per channel: mean (already written), var and inv_std
  const double* sq;
  double m;
  float eps;
  float *var, *inv_std;
  INX_HOST_DEVICE void operator()(std::size_t ch) const {
    const double v = sq[ch] / m;
    var[ch] = float(v);
    inv_std[ch] = float(1.0 / ::sqrt(v + double(eps)));
  }
};
struct BatchNormApply {
  std::size_t c, inner;
  const float *x, *gamma, *beta, *mean, *inv_std;
  float *y, *xhat;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t ch = (i / inner) % c;
    const float xh = (x[i] - mean[ch]) * inv_std[ch];
    xhat[i] = xh;
    y[i] = gamma[ch] * xh + beta[ch];
  }
};
struct BatchNormGradParams {  // dbeta, dgamma, and the two means the input gradient needs
  const double *sdy, *sdyx;
  double m;
  float *dgamma, *dbeta, *mean_dy, *mean_dyx;
  INX_HOST_DEVICE void operator()(std::size_t ch) const {
    dgamma[ch] = float(sdyx[ch]);
    dbeta[ch] = float(sdy[ch]);
    mean_dy[ch] = float(sdy[ch] / m);
    mean_dyx[ch] = float(sdyx[ch] / m);
  }
};
struct BatchNormGradInput {
  std::size_t c, inner;
  const float *dy, *xhat, *gamma, *inv_std, *mean_dy, *mean_dyx;
  float* dx;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t ch = (i / inner) % c;
    const float k = gamma[ch] * inv_std[ch];
    dx[i] = k * (dy[i] - mean_dy[ch] - xhat[i] * mean_dyx[ch]);
  }
};

template <class Exec>
struct BatchNorm {
  Exec ex;

  void train_forward(std::size_t outer, std::size_t c, std::size_t inner, const float* x, const float* gamma,
                     const float* beta, float eps, float* y, float* xhat, float* mean, float* var,
                     float* inv_std) const {
    if (c == 0) return;
    const double m = double(outer * inner);
    auto sums = ex.template scratch<double>(c);
    segment_sums(ex, c, outer * inner, ChannelLoad{x, c, inner}, sums.data(), "kernel launch (batch_norm_forward)");
    ex.run(c, DoubleToFloat{sums.data(), 1.0 / m, mean}, "kernel launch (batch_norm_forward)");
    segment_sums(ex, c, outer * inner, SquaredDeviationLoad{x, mean, c, inner}, sums.data(),
                 "kernel launch (batch_norm_forward)");
    ex.run(c, BatchNormStats{sums.data(), m, eps, var, inv_std}, "kernel launch (batch_norm_forward)");
    ex.run(outer * c * inner, BatchNormApply{c, inner, x, gamma, beta, mean, inv_std, y, xhat},
           "kernel launch (batch_norm_forward)");
  }

  void train_backward(std::size_t outer, std::size_t c, std::size_t inner, const float* dy, const float* xhat,
                      const float* gamma, const float* inv_std, float* dx, float* dgamma, float* dbeta) const {
    if (c == 0) return;
    const double m = double(outer * inner);
    auto sdy = ex.template scratch<double>(c), sdyx = ex.template scratch<double>(c);
    auto means = ex.template scratch<float>(2 * c);
    segment_sums(ex, c, outer * inner, ChannelLoad{dy, c, inner}, sdy.data(), "kernel launch (batch_norm_backward)");
    segment_sums(ex, c, outer * inner, ProductChannelLoad{dy, xhat, c, inner}, sdyx.data(),
                 "kernel launch (batch_norm_backward)");
    ex.run(c, BatchNormGradParams{sdy.data(), sdyx.data(), m, dgamma, dbeta, means.data(), means.data() + c},
           "kernel launch (batch_norm_backward)");
    ex.run(outer * c * inner,
           BatchNormGradInput{c, inner, dy, xhat, gamma, inv_std, means.data(), means.data() + c, dx},
           "kernel launch (batch_norm_backward)");
  }
};

}  // namespace cuda_detail

template <>
struct batchnorm_kernel<cuda> {
  static constexpr cuda_detail::BatchNorm<cuda_detail::DeviceExec> on{};
  static void train_forward(std::size_t outer, std::size_t c, std::size_t inner, const float* x, const float* gamma,
                            const float* beta, float eps, float* y, float* xhat, float* mean, float* var,
                            float* inv_std) {
    on.train_forward(outer, c, inner, x, gamma, beta, eps, y, xhat, mean, var, inv_std);
  }
  static void train_backward(std::size_t outer, std::size_t c, std::size_t inner, const float* dy, const float* xhat,
                             const float* gamma, const float* inv_std, float* dx, float* dgamma, float* dbeta) {
    on.train_backward(outer, c, inner, dy, xhat, gamma, inv_std, dx, dgamma, dbeta);
  }
};

INX_END_NAMESPACE
