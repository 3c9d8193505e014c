// CPU elementwise kernels: OpenMP loops the compiler vectorises; small arrays stay on one thread, where starting a
// parallel region would cost more than the work.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>

#include "inx/tensor/elementwise.hpp"

INX_BEGIN_NAMESPACE
namespace cpu_detail {
// Below this many elements a loop runs serially.
inline constexpr long kParallelGrain = 1L << 15;
}  // namespace cpu_detail

template <>
struct elementwise_kernel<cpu> {
  static void binary(ops::binary_op op, std::size_t n, const float* a, const float* b, float* out) {
    switch (op) {
      case ops::binary_op::add: map2(n, a, b, out, [](float x, float y) { return x + y; }); break;
      case ops::binary_op::sub: map2(n, a, b, out, [](float x, float y) { return x - y; }); break;
      case ops::binary_op::mul: map2(n, a, b, out, [](float x, float y) { return x * y; }); break;
    }
  }
  static void axpy(std::size_t n, float alpha, const float* x, float* y) {
    map2(n, x, y, y, [alpha](float a, float b) { return b + alpha * a; });
  }
  static void scale(std::size_t n, float s, float* x) {
    map1(n, x, x, [s](float v) { return v * s; });
  }
  static void fill(std::size_t n, float v, float* x) {
    const long m = long(n);
#pragma omp parallel for simd if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) x[i] = v;
  }
  static void copy(std::size_t n, const float* src, float* dst) {
    if (n == 0 || src == dst) return;
    const bool overlap = src < dst + n && dst < src + n;
    if (overlap || long(n) <= cpu_detail::kParallelGrain) {
      std::memmove(dst, src, n * sizeof(float));
      return;
    }
    // Large disjoint copies in one block per thread: two cores move memory faster than one.
    const long chunks = long((n + cpu_detail::kParallelGrain - 1) / cpu_detail::kParallelGrain);
#pragma omp parallel for
    for (long k = 0; k < chunks; ++k) {
      const std::size_t b = std::size_t(k) * cpu_detail::kParallelGrain;
      std::memcpy(dst + b, src + b, std::min<std::size_t>(cpu_detail::kParallelGrain, n - b) * sizeof(float));
    }
  }
  static void unary(ops::unary_op op, std::size_t n, const float* x, float* y) {
    if (op == ops::unary_op::exp) map1(n, x, y, [](float v) { return std::exp(v); });
    else map1(n, x, y, [](float v) { return std::log(v); });
  }
  static void clamp(std::size_t n, float lo, float hi, const float* x, float* y) {
    map1(n, x, y, [lo, hi](float v) { return std::isnan(v) ? v : std::min(std::max(v, lo), hi); });
  }
  static void activation_forward(ops::activation act, float slope, std::size_t n, const float* x, float* y) {
    switch (act) {
      case ops::activation::relu: map1(n, x, y, [](float v) { return v > 0.0f ? v : (v == v ? 0.0f : v); }); break;
      case ops::activation::relu6:
        map1(n, x, y, [](float v) { return v > 0.0f ? (v < 6.0f ? v : 6.0f) : (v == v ? 0.0f : v); });
        break;
      case ops::activation::leaky_relu: map1(n, x, y, [slope](float v) { return v > 0.0f ? v : v * slope; }); break;
    }
  }
  static void activation_backward(ops::activation act, float slope, std::size_t n, const float* x, const float* dy,
                                  float* dx) {
    switch (act) {
      case ops::activation::relu: map2(n, x, dy, dx, [](float v, float g) { return v > 0.0f ? g : 0.0f; }); break;
      case ops::activation::relu6:
        map2(n, x, dy, dx, [](float v, float g) { return v > 0.0f && v < 6.0f ? g : 0.0f; });
        break;
      case ops::activation::leaky_relu:
        map2(n, x, dy, dx, [slope](float v, float g) { return v > 0.0f ? g : g * slope; });
        break;
    }
  }
  static void add_channel_bias(std::size_t outer, std::size_t c, std::size_t inner, const float* bias, float* x) {
    const long planes = long(outer * c), m = long(inner);
#pragma omp parallel for if (planes * m > cpu_detail::kParallelGrain)
    for (long p = 0; p < planes; ++p) {
      const float b = bias[std::size_t(p) % c];
      float* row = x + p * m;
#pragma omp simd
      for (long i = 0; i < m; ++i) row[i] += b;
    }
  }
  static void affine_per_channel(std::size_t outer, std::size_t c, std::size_t inner, const float* x,
                                 const float* scale, const float* shift, float* y) {
    const long planes = long(outer * c), m = long(inner);
#pragma omp parallel for if (planes * m > cpu_detail::kParallelGrain)
    for (long p = 0; p < planes; ++p) {
      const float s = scale[std::size_t(p) % c], t = shift[std::size_t(p) % c];
      const float* in = x + p * m;
      float* out = y + p * m;
#pragma omp simd
      for (long i = 0; i < m; ++i) out[i] = in[i] * s + t;
    }
  }
  static bool all_finite(std::size_t n, const float* x) {
    const long m = long(n);
    int bad = 0;
#pragma omp parallel for simd reduction(| : bad) if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) bad |= !std::isfinite(x[i]);
    return bad == 0;
  }

 private:
  template <class F>
  static void map1(std::size_t n, const float* x, float* y, F f) {
    const long m = long(n);
#pragma omp parallel for simd if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) y[i] = f(x[i]);
  }
  template <class F>
  static void map2(std::size_t n, const float* a, const float* b, float* out, F f) {
    const long m = long(n);
#pragma omp parallel for simd if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) out[i] = f(a[i], b[i]);
  }
};

INX_END_NAMESPACE
