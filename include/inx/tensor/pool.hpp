// Device-neutral 2-D pooling on NCHW tensors, with PyTorch's semantics: max pooling (recording the argmax of each
// window for the backward pass), average pooling (ceil_mode, count_include_pad) and adaptive average pooling.
// Each device specialises pool2d_kernel<D> (CPU: tensor/cpu/pool.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace ops {

struct Pool2dParams {
  std::size_t kernel_h, kernel_w, stride_h, stride_w, pad_h = 0, pad_w = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;
};

// x is (n, c, h, w), y is (n, c, oh, ow); for adaptive pooling p is unused.
struct Pool2dGeometry {
  std::size_t n, c, h, w, oh, ow;
  Pool2dParams p;
};

}  // namespace ops

// Specialised per device with (every output overwritten; argmax may be null; argmax entries index h * w + x within
// one (n, c) plane, as PyTorch's indices do)
//   static void max_forward(const ops::Pool2dGeometry&, const float* x, float* y, std::int32_t* argmax);
//   static void max_backward(const ops::Pool2dGeometry&, const float* dy, const std::int32_t* argmax, float* dx);
//   static void avg_forward(const ops::Pool2dGeometry&, const float* x, float* y);
//   static void avg_backward(const ops::Pool2dGeometry&, const float* dy, float* dx);
//   static void adaptive_avg_forward(const ops::Pool2dGeometry&, const float* x, float* y);
//   static void adaptive_avg_backward(const ops::Pool2dGeometry&, const float* dy, float* dx);
template <Device D>
struct pool2d_kernel;

namespace ops {

namespace detail {
// PyTorch's pooling_output_shape: floor or ceil of the window count, where with ceil_mode the last window must
// start inside the input or its left padding.
inline std::size_t pooled_size(std::size_t in, std::size_t k, std::size_t s, std::size_t pad, bool ceil_mode) {
  const long num = long(in) + 2 * long(pad) - long(k) + (ceil_mode ? long(s) - 1 : 0);
  long out = (num >= 0 ? num / long(s) : -((-num + long(s) - 1) / long(s))) + 1;
  if (ceil_mode && out > 0 && (out - 1) * long(s) >= long(in) + long(pad)) --out;
  return out > 0 ? std::size_t(out) : 0;
}
}  // namespace detail

inline Pool2dGeometry pool2d_geometry(const Shape& x, const Pool2dParams& p) {
  require<shape_error>(x.rank() == 4, "pool2d: expected an input (N,C,H,W), got ", x.str());
  require<value_error>(p.kernel_h >= 1 && p.kernel_w >= 1 && p.stride_h >= 1 && p.stride_w >= 1,
                       "pool2d: expected kernel and stride >= 1, got kernel ", p.kernel_h, "x", p.kernel_w, ", stride ",
                       p.stride_h, "x", p.stride_w);
  require<value_error>(2 * p.pad_h <= p.kernel_h && 2 * p.pad_w <= p.kernel_w,
                       "pool2d: expected padding at most half the kernel, got padding ", p.pad_h, "x", p.pad_w,
                       " for kernel ", p.kernel_h, "x", p.kernel_w);
  const std::size_t oh = detail::pooled_size(x[2], p.kernel_h, p.stride_h, p.pad_h, p.ceil_mode);
  const std::size_t ow = detail::pooled_size(x[3], p.kernel_w, p.stride_w, p.pad_w, p.ceil_mode);
  require<shape_error>(oh >= 1 && ow >= 1, "pool2d: input ", x.str(), " padded by ", p.pad_h, "x", p.pad_w,
                       " is smaller than the kernel ", p.kernel_h, "x", p.kernel_w);
  return {x[0], x[1], x[2], x[3], oh, ow, p};
}

inline Shape pool2d_output_shape(const Shape& x, const Pool2dParams& p) {
  const auto g = pool2d_geometry(x, p);
  return {g.n, g.c, g.oh, g.ow};
}

namespace detail {
inline void require_pool_pair(const char* what, const Shape& x, const Shape& y, const Shape& expected_y) {
  require<shape_error>(y == expected_y, what, ": expected output ", expected_y.str(), " for input ", x.str(), ", got ",
                       y.str());
}
}  // namespace detail

template <Device D>
void max_pool2d_forward(TensorView<const float, D> x, TensorView<float, D> y, const Pool2dParams& p,
                        std::int32_t* argmax = nullptr) {
  const auto g = pool2d_geometry(x.shape(), p);
  detail::require_pool_pair("max_pool2d_forward", x.shape(), y.shape(), Shape{g.n, g.c, g.oh, g.ow});
  require<shape_error>(g.h * g.w <= std::size_t(INT32_MAX), "max_pool2d_forward: plane of ", x.shape().str(),
                       " too large for 32-bit indices");
  if (y.empty()) return;
  pool2d_kernel<D>::max_forward(g, x.data(), y.data(), argmax);
}

// dx[argmax] += dy per window (dx overwritten first); dy and dx must agree on N and C.
template <Device D>
void max_pool2d_backward(TensorView<const float, D> dy, const std::int32_t* argmax, TensorView<float, D> dx) {
  require<shape_error>(dy.rank() == 4 && dx.rank() == 4 && dy.dim(0) == dx.dim(0) && dy.dim(1) == dx.dim(1),
                       "max_pool2d_backward: output gradient ", dy.shape().str(), " does not fit input gradient ",
                       dx.shape().str());
  require<value_error>(argmax != nullptr || dy.empty(), "max_pool2d_backward: argmax is null");
  if (dx.empty()) return;
  const Pool2dGeometry g{dx.dim(0), dx.dim(1), dx.dim(2), dx.dim(3), dy.dim(2), dy.dim(3), {1, 1, 1, 1}};
  pool2d_kernel<D>::max_backward(g, dy.data(), argmax, dx.data());
}

template <Device D>
void avg_pool2d_forward(TensorView<const float, D> x, TensorView<float, D> y, const Pool2dParams& p) {
  const auto g = pool2d_geometry(x.shape(), p);
  detail::require_pool_pair("avg_pool2d_forward", x.shape(), y.shape(), Shape{g.n, g.c, g.oh, g.ow});
  if (y.empty()) return;
  pool2d_kernel<D>::avg_forward(g, x.data(), y.data());
}

template <Device D>
void avg_pool2d_backward(TensorView<const float, D> dy, TensorView<float, D> dx, const Pool2dParams& p) {
  const auto g = pool2d_geometry(dx.shape(), p);
  detail::require_pool_pair("avg_pool2d_backward", dx.shape(), dy.shape(), Shape{g.n, g.c, g.oh, g.ow});
  if (dx.empty()) return;
  pool2d_kernel<D>::avg_backward(g, dy.data(), dx.data());
}

// Output cell i covers input rows floor(i * H / OH) .. ceil((i + 1) * H / OH), as in PyTorch; OH may exceed H.
template <Device D>
void adaptive_avg_pool2d_forward(TensorView<const float, D> x, TensorView<float, D> y) {
  require<shape_error>(x.rank() == 4 && y.rank() == 4 && x.dim(0) == y.dim(0) && x.dim(1) == y.dim(1) &&
                           x.dim(2) >= 1 && x.dim(3) >= 1 && y.dim(2) >= 1 && y.dim(3) >= 1,
                       "adaptive_avg_pool2d_forward: input ", x.shape().str(), " does not fit output ",
                       y.shape().str());
  if (y.empty()) return;
  const Pool2dGeometry g{x.dim(0), x.dim(1), x.dim(2), x.dim(3), y.dim(2), y.dim(3), {1, 1, 1, 1}};
  pool2d_kernel<D>::adaptive_avg_forward(g, x.data(), y.data());
}

template <Device D>
void adaptive_avg_pool2d_backward(TensorView<const float, D> dy, TensorView<float, D> dx) {
  require<shape_error>(dx.rank() == 4 && dy.rank() == 4 && dx.dim(0) == dy.dim(0) && dx.dim(1) == dy.dim(1) &&
                           dx.dim(2) >= 1 && dx.dim(3) >= 1 && dy.dim(2) >= 1 && dy.dim(3) >= 1,
                       "adaptive_avg_pool2d_backward: output gradient ", dy.shape().str(), " does not fit input ",
                       dx.shape().str());
  if (dx.empty()) return;
  const Pool2dGeometry g{dx.dim(0), dx.dim(1), dx.dim(2), dx.dim(3), dy.dim(2), dy.dim(3), {1, 1, 1, 1}};
  pool2d_kernel<D>::adaptive_avg_backward(g, dy.data(), dx.data());
}

}  // namespace ops
INX_END_NAMESPACE

#include "inx/tensor/cpu/pool.hpp"
