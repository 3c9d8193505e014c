// elementwise_kernel<cuda>: every device-neutral elementwise op (tensor/elementwise.hpp) on the GPU. Each body is an
// index-space functor (cuda/inx/cuda/launch.cuh) that computes one element as the CPU backend does
// (tensor/cpu/elementwise.hpp), so the tests run the bodies on the host against the CPU on every machine. On the GPU,
// exp and log use CUDA's own (within 2 ulp) and nvcc may fuse a multiply and an add, so results there agree to
// rounding rather than bit for bit.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstddef>

#include "inx/cuda/device.cuh"
#include "inx/cuda/launch.cuh"
#include "inx/tensor/elementwise.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

struct BinaryAt {
  ops::binary_op op;
  const float *a, *b;
  float* out;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const float x = a[i], y = b[i];
    out[i] = op == ops::binary_op::add ? x + y : op == ops::binary_op::sub ? x - y : x * y;
  }
};
struct AxpyAt {  // y += alpha * x
  float alpha;
  const float* x;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t i) const { y[i] = y[i] + alpha * x[i]; }
};
struct ScaleAt {
  float s;
  float* x;
  INX_HOST_DEVICE void operator()(std::size_t i) const { x[i] = x[i] * s; }
};
struct FillAt {
  float v;
  float* x;
  INX_HOST_DEVICE void operator()(std::size_t i) const { x[i] = v; }
};
struct UnaryAt {
  ops::unary_op op;
  const float* x;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    y[i] = op == ops::unary_op::exp ? ::expf(x[i]) : ::logf(x[i]);
  }
};
// min(max(v, lo), hi) with std::max / std::min's comparisons; NaN passes through.
struct ClampAt {
  float lo, hi;
  const float* x;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const float v = x[i];
    if (v != v) {
      y[i] = v;
      return;
    }
    const float m = v < lo ? lo : v;
    y[i] = hi < m ? hi : m;
  }
};
// relu and relu6 keep NaN; leaky_relu multiplies it by the slope (NaN too), as on the CPU.
struct ActivationAt {
  ops::activation act;
  float slope;
  const float* x;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const float v = x[i];
    switch (act) {
      case ops::activation::relu: y[i] = v > 0.0f ? v : (v == v ? 0.0f : v); break;
      case ops::activation::relu6: y[i] = v > 0.0f ? (v < 6.0f ? v : 6.0f) : (v == v ? 0.0f : v); break;
      case ops::activation::leaky_relu: y[i] = v > 0.0f ? v : v * slope; break;
    }
  }
};
struct ActivationBackwardAt {
  ops::activation act;
  float slope;
  const float *x, *dy;
  float* dx;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const float v = x[i], g = dy[i];
    switch (act) {
      case ops::activation::relu: dx[i] = v > 0.0f ? g : 0.0f; break;
      case ops::activation::relu6: dx[i] = v > 0.0f && v < 6.0f ? g : 0.0f; break;
      case ops::activation::leaky_relu: dx[i] = v > 0.0f ? g : g * slope; break;
    }
  }
};
// Tensors outer x c x inner: element i is in channel (i / inner) % c.
struct ChannelBiasAt {
  std::size_t c, inner;
  const float* bias;
  float* x;
  INX_HOST_DEVICE void operator()(std::size_t i) const { x[i] = x[i] + bias[(i / inner) % c]; }
};
struct AffineAt {
  std::size_t c, inner;
  const float *x, *scale, *shift;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t ch = (i / inner) % c;
    y[i] = x[i] * scale[ch] + shift[ch];
  }
};
// Raises *flag for a value that is infinite or NaN (v - v is NaN exactly then).
struct NonFiniteAt {
  const float* x;
  int* flag;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const float v = x[i];
    if (!(v - v == 0.0f)) raise_flag(flag);
  }
};

}  // namespace cuda_detail

template <>
struct elementwise_kernel<cuda> {
  static void binary(ops::binary_op op, std::size_t n, const float* a, const float* b, float* out) {
    cuda_detail::for_each_index(n, cuda_detail::BinaryAt{op, a, b, out}, "kernel launch (binary)");
  }
  static void axpy(std::size_t n, float alpha, const float* x, float* y) {
    cuda_detail::for_each_index(n, cuda_detail::AxpyAt{alpha, x, y}, "kernel launch (axpy)");
  }
  static void scale(std::size_t n, float s, float* x) {
    cuda_detail::for_each_index(n, cuda_detail::ScaleAt{s, x}, "kernel launch (scale)");
  }
  static void fill(std::size_t n, float v, float* x) {
    cuda_detail::for_each_index(n, cuda_detail::FillAt{v, x}, "kernel launch (fill)");
  }
  // Overlapping ranges (memmove's case) go through a temporary: cudaMemcpy's result is undefined for them.
  static void copy(std::size_t n, const float* src, float* dst) {
    if (n == 0 || src == dst) return;
    if (src < dst + n && dst < src + n) {
      Tensor<float, cuda> tmp = Tensor<float, cuda>::uninitialized(Shape{n});
      cuda::copy(tmp.data(), src, n * sizeof(float));
      cuda::copy(dst, tmp.data(), n * sizeof(float));
      return;
    }
    cuda::copy(dst, src, n * sizeof(float));
  }
  static void unary(ops::unary_op op, std::size_t n, const float* x, float* y) {
    cuda_detail::for_each_index(n, cuda_detail::UnaryAt{op, x, y}, "kernel launch (unary)");
  }
  static void clamp(std::size_t n, float lo, float hi, const float* x, float* y) {
    cuda_detail::for_each_index(n, cuda_detail::ClampAt{lo, hi, x, y}, "kernel launch (clamp)");
  }
  static void activation_forward(ops::activation act, float slope, std::size_t n, const float* x, float* y) {
    cuda_detail::for_each_index(n, cuda_detail::ActivationAt{act, slope, x, y}, "kernel launch (activation)");
  }
  static void activation_backward(ops::activation act, float slope, std::size_t n, const float* x, const float* dy,
                                  float* dx) {
    cuda_detail::for_each_index(n, cuda_detail::ActivationBackwardAt{act, slope, x, dy, dx},
                                "kernel launch (activation backward)");
  }
  static void add_channel_bias(std::size_t outer, std::size_t c, std::size_t inner, const float* bias, float* x) {
    cuda_detail::for_each_index(outer * c * inner, cuda_detail::ChannelBiasAt{c, inner, bias, x},
                                "kernel launch (add_channel_bias)");
  }
  static void affine_per_channel(std::size_t outer, std::size_t c, std::size_t inner, const float* x,
                                 const float* scale, const float* shift, float* y) {
    cuda_detail::for_each_index(outer * c * inner, cuda_detail::AffineAt{c, inner, x, scale, shift, y},
                                "kernel launch (affine_per_channel)");
  }
  static bool all_finite(std::size_t n, const float* x) {
    if (n == 0) return true;
    Tensor<int, cuda> flag(Shape{1});
    cuda_detail::for_each_index(n, cuda_detail::NonFiniteAt{x, flag.data()}, "kernel launch (all_finite)");
    int bad = 0;
    cuda::copy_to_host(&bad, flag.data(), sizeof bad);
    return bad == 0;
  }
};

INX_END_NAMESPACE
