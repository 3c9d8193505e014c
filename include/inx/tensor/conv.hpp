// Device-neutral 2-D convolution (cross-correlation, as PyTorch's Conv2d) on NCHW tensors with OIHW weights:
// forward, backward to the data and backward to the weights. Each device specialises conv2d_kernel<D>
// (CPU: oneDNN primitives, in tensor/cpu/conv.hpp; CUDA: in cuda/).
#pragma once

#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace ops {

// pad_h/pad_w pad both sides alike, as PyTorch. With `same`, they are ignored and each axis is padded as TensorFlow's
// SAME does for the input at hand: total = max((ceil(in / stride) - 1) * stride + dilated kernel - in, 0), half of it
// (rounded down) before and the rest after, so the output is ceil(in / stride) and stride-2 padding is asymmetric.
struct Conv2dParams {
  std::size_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1, groups = 1;
  bool same = false;
  friend bool operator==(const Conv2dParams&, const Conv2dParams&) = default;
};

// Every size a kernel needs, as plain numbers: x is (n, c, h, w), w is (o, c / groups, kh, kw), y is (n, o, oh, ow);
// pad_top .. pad_right are the padding actually applied (resolved from p.same when it is set).
struct Conv2dGeometry {
  std::size_t n, c, h, w, o, kh, kw, oh, ow;
  Conv2dParams p;
  std::size_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  friend bool operator==(const Conv2dGeometry&, const Conv2dGeometry&) = default;
};

}  // namespace ops

// Specialised per device with
//   static void forward(const ops::Conv2dGeometry&, const float* x, const float* w, const float* bias, float* y);
//   static void backward_data(const ops::Conv2dGeometry&, const float* dy, const float* w, float* dx);
//   static void backward_weights(const ops::Conv2dGeometry&, const float* x, const float* dy, float* dw,
//                                float* dbias);
// bias and dbias may be null; every output is overwritten.
template <Device D>
struct conv2d_kernel;

namespace ops {

// The geometry of convolving x (N,C,H,W) with w (O,C/groups,KH,KW); throws shape_error naming both shapes when
// they do not fit, value_error for a zero stride, dilation or group count.
inline Conv2dGeometry conv2d_geometry(const Shape& x, const Shape& w, const Conv2dParams& p) {
  require<value_error>(p.stride_h >= 1 && p.stride_w >= 1 && p.dilation_h >= 1 && p.dilation_w >= 1 && p.groups >= 1,
                       "conv2d: expected stride, dilation and groups >= 1, got stride ", p.stride_h, "x", p.stride_w,
                       ", dilation ", p.dilation_h, "x", p.dilation_w, ", groups ", p.groups);
  require<shape_error>(x.rank() == 4 && w.rank() == 4, "conv2d: expected input (N,C,H,W) and weight (O,C/g,KH,KW), got ",
                       x.str(), " and ", w.str());
  const std::size_t g = p.groups;
  require<shape_error>(x[1] >= 1 && x[2] >= 1 && x[3] >= 1 && w[0] >= 1 && x[1] % g == 0 && w[0] % g == 0 && w[1] * g == x[1] && w[2] >= 1 &&
                           w[3] >= 1,
                       "conv2d: weight ", w.str(), " does not fit input ", x.str(), " with groups=", g,
                       " (expected weight dim 1 = C/groups and O divisible by groups)");
  const std::size_t ekh = p.dilation_h * (w[2] - 1) + 1, ekw = p.dilation_w * (w[3] - 1) + 1;
  Conv2dGeometry geo{x[0], x[1], x[2], x[3], w[0], w[2], w[3], 0, 0, p};
  if (p.same) {
    auto split = [](std::size_t in, std::size_t stride, std::size_t ek, std::size_t& before, std::size_t& after) {
      const std::size_t out = (in + stride - 1) / stride, need = (out - 1) * stride + ek;
      const std::size_t total = need > in ? need - in : 0;
      before = total / 2;
      after = total - before;
    };
    split(x[2], p.stride_h, ekh, geo.pad_top, geo.pad_bottom);
    split(x[3], p.stride_w, ekw, geo.pad_left, geo.pad_right);
  } else {
    geo.pad_top = geo.pad_bottom = p.pad_h;
    geo.pad_left = geo.pad_right = p.pad_w;
  }
  const std::size_t ph = geo.pad_top + geo.pad_bottom, pw = geo.pad_left + geo.pad_right;
  require<shape_error>(x[2] + ph >= ekh && x[3] + pw >= ekw, "conv2d: input ", x.str(), " padded by ", ph, "x", pw,
                       " in all is smaller than the dilated kernel of weight ", w.str());
  geo.oh = (x[2] + ph - ekh) / p.stride_h + 1;
  geo.ow = (x[3] + pw - ekw) / p.stride_w + 1;
  return geo;
}

inline Shape conv2d_output_shape(const Shape& x, const Shape& w, const Conv2dParams& p) {
  const auto g = conv2d_geometry(x, w, p);
  return {g.n, g.o, g.oh, g.ow};
}

namespace detail {
inline void require_conv_output(const char* what, const Shape& expected, const Shape& found, const Shape& x,
                                const Shape& w) {
  require<shape_error>(expected == found, what, ": expected ", expected.str(), " for input ", x.str(), " and weight ",
                       w.str(), ", got ", found.str());
}
}  // namespace detail

// y = conv(x, w) + bias; bias is null or points to O values on device D.
template <Device D>
void conv2d_forward(TensorView<const float, D> x, TensorView<const float, D> w, const float* bias,
                    TensorView<float, D> y, const Conv2dParams& p) {
  const auto g = conv2d_geometry(x.shape(), w.shape(), p);
  detail::require_conv_output("conv2d_forward: output", Shape{g.n, g.o, g.oh, g.ow}, y.shape(), x.shape(), w.shape());
  if (y.empty()) return;
  conv2d_kernel<D>::forward(g, x.data(), w.data(), bias, y.data());
}

// dx = d(sum y * dy)/dx, overwritten. dx's shape fixes the input size the forward pass had.
template <Device D>
void conv2d_backward_data(TensorView<const float, D> dy, TensorView<const float, D> w, TensorView<float, D> dx,
                          const Conv2dParams& p) {
  const auto g = conv2d_geometry(dx.shape(), w.shape(), p);
  detail::require_conv_output("conv2d_backward_data: output gradient", Shape{g.n, g.o, g.oh, g.ow}, dy.shape(),
                              dx.shape(), w.shape());
  if (dx.empty()) return;
  conv2d_kernel<D>::backward_data(g, dy.data(), w.data(), dx.data());
}

// dw (and dbias, O values, when not null) = gradients of sum(y * dy); overwritten, so callers accumulate themselves.
template <Device D>
void conv2d_backward_weights(TensorView<const float, D> x, TensorView<const float, D> dy, TensorView<float, D> dw,
                             float* dbias, const Conv2dParams& p) {
  const auto g = conv2d_geometry(x.shape(), dw.shape(), p);
  detail::require_conv_output("conv2d_backward_weights: output gradient", Shape{g.n, g.o, g.oh, g.ow}, dy.shape(),
                              x.shape(), dw.shape());
  if (dw.empty()) return;
  if (g.n == 0) {
    D::fill_zero(dw.data(), dw.size() * sizeof(float));
    if (dbias) D::fill_zero(dbias, g.o * sizeof(float));
    return;
  }
  conv2d_kernel<D>::backward_weights(g, x.data(), dy.data(), dw.data(), dbias);
}

// A new tensor holding conv(x, w) + bias.
template <Device D>
Tensor<float, D> conv2d(TensorView<const float, D> x, TensorView<const float, D> w, const float* bias,
                        const Conv2dParams& p) {
  auto y = Tensor<float, D>::uninitialized(conv2d_output_shape(x.shape(), w.shape(), p));
  conv2d_forward<D>(x, w, bias, y.view(), p);
  return y;
}

}  // namespace ops
INX_END_NAMESPACE

#include "inx/tensor/cpu/conv.hpp"
