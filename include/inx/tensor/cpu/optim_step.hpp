// CPU optimiser updates: one OpenMP loop per parameter tensor, following torch.optim's operation order (and its
// double-precision bias corrections) so results match PyTorch's to float rounding.
#pragma once

#include <cmath>

#include "inx/tensor/cpu/elementwise.hpp"
#include "inx/tensor/optim_step.hpp"

INX_BEGIN_NAMESPACE

template <>
struct optim_step_kernel<cpu> {
  static void sgd(const ops::SgdStep& s, std::size_t n, float* p, const float* g, float* buf) {
    const long m = long(n);
    const float lr = float(s.lr), wd = float(s.weight_decay), mom = float(s.momentum),
                keep = float(1.0 - s.dampening);
    const bool first = s.first, nesterov = s.nesterov;
#pragma omp parallel for simd if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) {
      float d = g[i];
      if (wd != 0) d += wd * p[i];
      if (buf) {
        const float b = first ? d : mom * buf[i] + keep * d;
        buf[i] = b;
        d = nesterov ? d + mom * b : b;
      }
      p[i] -= lr * d;
    }
  }
  static void adam(const ops::AdamStep& s, std::size_t n, float* p, const float* g, float* m1, float* m2) {
    const long m = long(n);
    const float b1 = float(s.beta1), b2 = float(s.beta2), c1 = float(1.0 - s.beta1), c2 = float(1.0 - s.beta2);
    const float wd = float(s.weight_decay), eps = float(s.eps);
    const float step_size = float(s.lr / (1.0 - std::pow(s.beta1, double(s.step))));
    const float bc2_sqrt = float(std::sqrt(1.0 - std::pow(s.beta2, double(s.step))));
#pragma omp parallel for simd if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) {
      float d = g[i];
      if (wd != 0) d += wd * p[i];
      const float a = m1[i] * b1 + c1 * d;
      const float v = m2[i] * b2 + c2 * (d * d);
      m1[i] = a;
      m2[i] = v;
      p[i] -= step_size * (a / (std::sqrt(v) / bc2_sqrt + eps));
    }
  }
};

INX_END_NAMESPACE
