// Device-neutral elementwise operations on float tensors: arithmetic, activations and their gradients, per-channel
// bias and affine maps (NCHW), exp/log/clamp and a finiteness check. Operands are views of equal shape unless noted;
// an output may alias an input (every element is read before it is written at the same index).
// Each device specialises elementwise_kernel<D> (CPU: tensor/cpu/elementwise.hpp).
#pragma once

#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace ops {
enum class binary_op { add, sub, mul };
enum class unary_op { exp, log };
enum class activation { relu, relu6, leaky_relu };
}  // namespace ops

// Specialised per device with
//   static void binary(ops::binary_op, size_t n, const float* a, const float* b, float* out);
//   static void axpy(size_t n, float alpha, const float* x, float* y);            // y += alpha * x
//   static void scale(size_t n, float s, float* x);
//   static void fill(size_t n, float v, float* x);
//   static void copy(size_t n, const float* src, float* dst);
//   static void unary(ops::unary_op, size_t n, const float* x, float* y);
//   static void clamp(size_t n, float lo, float hi, const float* x, float* y);
//   static void activation_forward(ops::activation, float slope, size_t n, const float* x, float* y);
//   static void activation_backward(ops::activation, float slope, size_t n, const float* x, const float* dy,
//                                   float* dx);
//   static void add_channel_bias(size_t outer, size_t c, size_t inner, const float* bias, float* x);
//   static void affine_per_channel(size_t outer, size_t c, size_t inner, const float* x, const float* scale,
//                                  const float* shift, float* y);
//   static bool all_finite(size_t n, const float* x);
// where a per-channel tensor is outer x c x inner (N, C, H*W for NCHW).
template <Device D>
struct elementwise_kernel;

namespace ops {

namespace detail {
inline void require_same(const char* what, const Shape& a, const Shape& b) {
  require<shape_error>(a == b, what, ": shapes ", a.str(), " and ", b.str(), " differ");
}
// outer x C x inner split of a tensor whose dimension 1 holds `c` channels (N,C,H,W or N,C).
struct ChannelSplit {
  std::size_t outer, c, inner;
};
inline ChannelSplit channel_split(const char* what, const Shape& x, std::size_t channels) {
  require<shape_error>(x.rank() >= 2 && x[1] == channels, what, ": expected a tensor (N, ", channels,
                       ", ...) to match ", channels, " per-channel values, got ", x.str());
  std::size_t inner = 1;
  for (std::size_t i = 2; i < x.rank(); ++i) inner *= x[i];
  return {x[0], x[1], inner};
}
inline void require_channel_vector(const char* what, const Shape& v, const Shape& x) {
  require<shape_error>(v.rank() == 1 && x.rank() >= 2 && v[0] == x[1], what, ": per-channel vector ", v.str(),
                       " does not fit tensor ", x.str());
}
}  // namespace detail

template <Device D>
void binary(binary_op op, TensorView<const float, D> a, TensorView<const float, D> b, TensorView<float, D> out) {
  detail::require_same("binary op", a.shape(), b.shape());
  detail::require_same("binary op output", a.shape(), out.shape());
  elementwise_kernel<D>::binary(op, a.size(), a.data(), b.data(), out.data());
}
template <Device D>
void add(TensorView<const float, D> a, TensorView<const float, D> b, TensorView<float, D> out) {
  binary<D>(binary_op::add, a, b, out);
}
template <Device D>
void sub(TensorView<const float, D> a, TensorView<const float, D> b, TensorView<float, D> out) {
  binary<D>(binary_op::sub, a, b, out);
}
template <Device D>
void mul(TensorView<const float, D> a, TensorView<const float, D> b, TensorView<float, D> out) {
  binary<D>(binary_op::mul, a, b, out);
}

// y += alpha * x
template <Device D>
void axpy(float alpha, TensorView<const float, D> x, TensorView<float, D> y) {
  detail::require_same("axpy", x.shape(), y.shape());
  elementwise_kernel<D>::axpy(x.size(), alpha, x.data(), y.data());
}
// x *= s
template <Device D>
void scale(TensorView<float, D> x, float s) {
  elementwise_kernel<D>::scale(x.size(), s, x.data());
}
template <Device D>
void fill(TensorView<float, D> x, float v) {
  elementwise_kernel<D>::fill(x.size(), v, x.data());
}
template <Device D>
void copy(TensorView<const float, D> src, TensorView<float, D> dst) {
  detail::require_same("copy", src.shape(), dst.shape());
  elementwise_kernel<D>::copy(src.size(), src.data(), dst.data());
}

template <Device D>
void exp(TensorView<const float, D> x, TensorView<float, D> y) {
  detail::require_same("exp", x.shape(), y.shape());
  elementwise_kernel<D>::unary(unary_op::exp, x.size(), x.data(), y.data());
}
// Natural log; log(0) is -inf and a negative input gives NaN, as in every maths library.
template <Device D>
void log(TensorView<const float, D> x, TensorView<float, D> y) {
  detail::require_same("log", x.shape(), y.shape());
  elementwise_kernel<D>::unary(unary_op::log, x.size(), x.data(), y.data());
}
template <Device D>
void clamp(TensorView<const float, D> x, TensorView<float, D> y, float lo, float hi) {
  detail::require_same("clamp", x.shape(), y.shape());
  require<value_error>(lo <= hi, "clamp: expected lo <= hi, got lo=", lo, " hi=", hi);
  elementwise_kernel<D>::clamp(x.size(), lo, hi, x.data(), y.data());
}

template <Device D>
void activation_forward(activation act, TensorView<const float, D> x, TensorView<float, D> y, float slope = 0.01f) {
  detail::require_same("activation forward", x.shape(), y.shape());
  elementwise_kernel<D>::activation_forward(act, slope, x.size(), x.data(), y.data());
}
// dx = dy * f'(x), with x the forward input (PyTorch's convention: the derivative at a kink is that of the left side,
// i.e. 0 for relu at 0 and relu6 at 0 and 6).
template <Device D>
void activation_backward(activation act, TensorView<const float, D> x, TensorView<const float, D> dy,
                         TensorView<float, D> dx, float slope = 0.01f) {
  detail::require_same("activation backward", x.shape(), dy.shape());
  detail::require_same("activation backward output", x.shape(), dx.shape());
  elementwise_kernel<D>::activation_backward(act, slope, x.size(), x.data(), dy.data(), dx.data());
}
template <Device D>
void relu_forward(TensorView<const float, D> x, TensorView<float, D> y) {
  activation_forward<D>(activation::relu, x, y);
}
template <Device D>
void relu6_forward(TensorView<const float, D> x, TensorView<float, D> y) {
  activation_forward<D>(activation::relu6, x, y);
}
template <Device D>
void leaky_relu_forward(TensorView<const float, D> x, TensorView<float, D> y, float slope = 0.01f) {
  activation_forward<D>(activation::leaky_relu, x, y, slope);
}
template <Device D>
void relu_backward(TensorView<const float, D> x, TensorView<const float, D> dy, TensorView<float, D> dx) {
  activation_backward<D>(activation::relu, x, dy, dx);
}
template <Device D>
void relu6_backward(TensorView<const float, D> x, TensorView<const float, D> dy, TensorView<float, D> dx) {
  activation_backward<D>(activation::relu6, x, dy, dx);
}
template <Device D>
void leaky_relu_backward(TensorView<const float, D> x, TensorView<const float, D> dy, TensorView<float, D> dx,
                         float slope = 0.01f) {
  activation_backward<D>(activation::leaky_relu, x, dy, dx, slope);
}

// x[n, c, ...] += bias[c] in place; x is (N, C, ...) and bias (C,).
template <Device D>
void add_channel_bias(TensorView<float, D> x, TensorView<const float, D> bias) {
  detail::require_channel_vector("add_channel_bias", bias.shape(), x.shape());
  const auto s = detail::channel_split("add_channel_bias", x.shape(), bias.dim(0));
  elementwise_kernel<D>::add_channel_bias(s.outer, s.c, s.inner, bias.data(), x.data());
}

// y[n, c, ...] = x[n, c, ...] * scale[c] + shift[c] (batch norm in eval mode, once folded into scale and shift).
template <Device D>
void affine_per_channel(TensorView<const float, D> x, TensorView<const float, D> scale,
                        TensorView<const float, D> shift, TensorView<float, D> y) {
  detail::require_channel_vector("affine_per_channel scale", scale.shape(), x.shape());
  detail::require_channel_vector("affine_per_channel shift", shift.shape(), x.shape());
  detail::require_same("affine_per_channel output", x.shape(), y.shape());
  const auto s = detail::channel_split("affine_per_channel", x.shape(), scale.dim(0));
  elementwise_kernel<D>::affine_per_channel(s.outer, s.c, s.inner, x.data(), scale.data(), shift.data(), y.data());
}

// True when no element is NaN or infinite.
template <Device D>
bool all_finite(TensorView<const float, D> x) {
  return elementwise_kernel<D>::all_finite(x.size(), x.data());
}

}  // namespace ops
INX_END_NAMESPACE

#include "inx/tensor/cpu/elementwise.hpp"
