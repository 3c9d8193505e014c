// CPU batch-norm training kernels: one OpenMP region per call, parallel over channels; each channel's statistics are
// accumulated in double (two passes for the variance, as PyTorch's CPU kernel does), so large batches stay exact.
#pragma once

#include <cmath>
#include <cstddef>

#include "inx/tensor/batchnorm.hpp"

INX_BEGIN_NAMESPACE

template <>
struct batchnorm_kernel<cpu> {
  static void train_forward(std::size_t outer, std::size_t c, std::size_t inner, const float* x, const float* gamma,
                            const float* beta, float eps, float* y, float* xhat, float* mean, float* var,
                            float* inv_std) {
    const double m = double(outer * inner);
#pragma omp parallel for schedule(static) if (outer * c * inner > 32768)
    for (long ch = 0; ch < long(c); ++ch) {
      double sum = 0;
      for (std::size_t n = 0; n < outer; ++n) {
        const float* p = x + (n * c + std::size_t(ch)) * inner;
        float part = 0;
        for (std::size_t i = 0; i < inner; ++i) part += p[i];
        sum += part;
      }
      const double mu = sum / m;
      double sq = 0;
      for (std::size_t n = 0; n < outer; ++n) {
        const float* p = x + (n * c + std::size_t(ch)) * inner;
        const float fmu = float(mu);
        float part = 0;
        for (std::size_t i = 0; i < inner; ++i) part += (p[i] - fmu) * (p[i] - fmu);
        sq += part;
      }
      const double v = sq / m;
      const float is = float(1.0 / std::sqrt(v + double(eps)));
      const float g = gamma[ch], b = beta[ch], fmu = float(mu);
      for (std::size_t n = 0; n < outer; ++n) {
        const std::size_t off = (n * c + std::size_t(ch)) * inner;
        const float* p = x + off;
        float* h = xhat + off;
        float* q = y + off;
        for (std::size_t i = 0; i < inner; ++i) {
          const float xh = (p[i] - fmu) * is;
          h[i] = xh;
          q[i] = g * xh + b;
        }
      }
      mean[ch] = fmu;
      var[ch] = float(v);
      inv_std[ch] = is;
    }
  }

  static void train_backward(std::size_t outer, std::size_t c, std::size_t inner, const float* dy, const float* xhat,
                             const float* gamma, const float* inv_std, float* dx, float* dgamma, float* dbeta) {
    const double m = double(outer * inner);
#pragma omp parallel for schedule(static) if (outer * c * inner > 32768)
    for (long ch = 0; ch < long(c); ++ch) {
      double sdy = 0, sdyx = 0;
      for (std::size_t n = 0; n < outer; ++n) {
        const std::size_t off = (n * c + std::size_t(ch)) * inner;
        float a = 0, b = 0;
        for (std::size_t i = 0; i < inner; ++i) {
          a += dy[off + i];
          b += dy[off + i] * xhat[off + i];
        }
        sdy += a;
        sdyx += b;
      }
      const float k = gamma[ch] * inv_std[ch];
      const float mean_dy = float(sdy / m), mean_dyx = float(sdyx / m);
      for (std::size_t n = 0; n < outer; ++n) {
        const std::size_t off = (n * c + std::size_t(ch)) * inner;
        for (std::size_t i = 0; i < inner; ++i) dx[off + i] = k * (dy[off + i] - mean_dy - xhat[off + i] * mean_dyx);
      }
      dgamma[ch] = float(sdyx);
      dbeta[ch] = float(sdy);
    }
  }
};

INX_END_NAMESPACE
