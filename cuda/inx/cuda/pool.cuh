// CUDA pooling: pool2d_kernel<cuda>, with PyTorch's semantics as on the CPU (tensor/cpu/pool.hpp). Each kernel body
// is an index-space functor (cuda/inx/cuda/launch.cuh), so the tests also run it on the host against the CPU
// backend. Forward kernels and the average backward kernels compute one element each, in the CPU's order of
// additions, so the results equal the CPU's bit for bit; the max backward kernel walks one (n, c) plane per thread
// in output order, as the CPU does, because its scatter has no cheaper order-preserving form.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "inx/core/error.hpp"
#include "inx/cuda/device.cuh"
#include "inx/cuda/launch.cuh"
#include "inx/tensor/pool.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

// [begin, end) of window i along one axis, clipped to the input; `full` is the unclipped length inside the padded
// input (PyTorch's divisor when count_include_pad).
struct PoolWindow {
  long begin, end, full;
};
INX_HOST_DEVICE PoolWindow pool_window(std::size_t i, std::size_t k, std::size_t s, std::size_t pad,
                                       std::size_t in) {
  const long b = long(i * s) - long(pad);
  long e = b + long(k);
  if (e > long(in + pad)) e = long(in + pad);
  return {b > 0 ? b : 0, e < long(in) ? e : long(in), e - b};
}
INX_HOST_DEVICE PoolWindow adaptive_window(std::size_t i, std::size_t out, std::size_t in) {
  const long b = long(i * in / out), e = long(((i + 1) * in + out - 1) / out);
  return {b, e, e - b};
}
INX_HOST_DEVICE long pool_divisor(const ops::Pool2dParams& p, const PoolWindow& wy, const PoolWindow& wx) {
  return p.count_include_pad ? wy.full * wx.full : (wy.end - wy.begin) * (wx.end - wx.begin);
}

// One output element o of (n, c, oh, ow): the window's maximum (NaN propagates) and its index in the plane.
struct MaxPoolForward {
  ops::Pool2dGeometry g;
  const float* x;
  float* y;
  std::int32_t* argmax;  // may be null
  INX_HOST_DEVICE void operator()(std::size_t o) const {
    const std::size_t ox = o % g.ow, oy = (o / g.ow) % g.oh, pl = o / (g.ow * g.oh);
    const auto wy = pool_window(oy, g.p.kernel_h, g.p.stride_h, g.p.pad_h, g.h);
    const auto wx = pool_window(ox, g.p.kernel_w, g.p.stride_w, g.p.pad_w, g.w);
    const float* xp = x + pl * g.h * g.w;
    float best = -INFINITY;
    long at = wy.begin * long(g.w) + wx.begin;
    for (long iy = wy.begin; iy < wy.end; ++iy)
      for (long ix = wx.begin; ix < wx.end; ++ix) {
        const float v = xp[iy * long(g.w) + ix];
        if (v > best || v != v) {
          best = v;
          at = iy * long(g.w) + ix;
        }
      }
    y[o] = best;
    if (argmax) argmax[o] = std::int32_t(at);
  }
};

// One (n, c) plane: dx overwritten, then dy added at each output's argmax in output order; an argmax outside the
// plane raises *bad and is skipped.
struct MaxPoolBackwardPlane {
  ops::Pool2dGeometry g;
  const float* dy;
  const std::int32_t* argmax;
  float* dx;
  int* bad;
  INX_HOST_DEVICE void operator()(std::size_t pl) const {
    const long plane = long(g.h * g.w), out = long(g.oh * g.ow);
    float* dxp = dx + long(pl) * plane;
    for (long i = 0; i < plane; ++i) dxp[i] = 0.0f;
    for (long o = 0; o < out; ++o) {
      const std::int32_t a = argmax[long(pl) * out + o];
      if (a < 0 || a >= plane) {
        raise_flag(bad);
        continue;
      }
      dxp[a] += dy[long(pl) * out + o];
    }
  }
};

struct AvgPoolForward {
  ops::Pool2dGeometry g;
  const float* x;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t o) const {
    const std::size_t ox = o % g.ow, oy = (o / g.ow) % g.oh, pl = o / (g.ow * g.oh);
    const auto wy = pool_window(oy, g.p.kernel_h, g.p.stride_h, g.p.pad_h, g.h);
    const auto wx = pool_window(ox, g.p.kernel_w, g.p.stride_w, g.p.pad_w, g.w);
    const float* xp = x + pl * g.h * g.w;
    float s = 0.0f;
    for (long iy = wy.begin; iy < wy.end; ++iy)
      for (long ix = wx.begin; ix < wx.end; ++ix) s += xp[iy * long(g.w) + ix];
    y[o] = s / float(pool_divisor(g.p, wy, wx));
  }
};

// One input element i of (n, c, h, w): the sum over the windows that cover it, in the CPU's order (output rows,
// then columns, ascending), of dy / divisor.
struct AvgPoolBackward {
  ops::Pool2dGeometry g;
  const float* dy;
  float* dx;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const long ix = long(i % g.w), iy = long((i / g.w) % g.h);
    const std::size_t pl = i / (g.w * g.h);
    const auto& p = g.p;
    // Window oy covers iy when oy * s - pad <= iy < oy * s - pad + k.
    const long oy0 = range_begin(iy, p.kernel_h, p.stride_h, p.pad_h), oy1 = range_end(iy, p.stride_h, p.pad_h, g.oh);
    const long ox0 = range_begin(ix, p.kernel_w, p.stride_w, p.pad_w), ox1 = range_end(ix, p.stride_w, p.pad_w, g.ow);
    float acc = 0.0f;
    for (long oy = oy0; oy < oy1; ++oy) {
      const auto wy = pool_window(std::size_t(oy), p.kernel_h, p.stride_h, p.pad_h, g.h);
      for (long ox = ox0; ox < ox1; ++ox) {
        const auto wx = pool_window(std::size_t(ox), p.kernel_w, p.stride_w, p.pad_w, g.w);
        acc += dy[pl * g.oh * g.ow + std::size_t(oy) * g.ow + std::size_t(ox)] / float(pool_divisor(p, wy, wx));
      }
    }
    dx[i] = acc;
  }
  // The first window index whose window reaches i: ceil((i + pad - k + 1) / s), at least 0.
  INX_HOST_DEVICE static long range_begin(long i, std::size_t k, std::size_t s, std::size_t pad) {
    const long num = i + long(pad) - long(k) + 1;
    return num <= 0 ? 0 : (num + long(s) - 1) / long(s);
  }
  // One past the last window index that starts at or before i: floor((i + pad) / s) + 1, at most out.
  INX_HOST_DEVICE static long range_end(long i, std::size_t s, std::size_t pad, std::size_t out) {
    const long e = (i + long(pad)) / long(s) + 1;
    return e < long(out) ? e : long(out);
  }
};

struct AdaptiveAvgForward {
  ops::Pool2dGeometry g;
  const float* x;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t o) const {
    const std::size_t ox = o % g.ow, oy = (o / g.ow) % g.oh, pl = o / (g.ow * g.oh);
    const auto wy = adaptive_window(oy, g.oh, g.h), wx = adaptive_window(ox, g.ow, g.w);
    const float* xp = x + pl * g.h * g.w;
    float s = 0.0f;
    for (long iy = wy.begin; iy < wy.end; ++iy)
      for (long ix = wx.begin; ix < wx.end; ++ix) s += xp[iy * long(g.w) + ix];
    y[o] = s / float(wy.full * wx.full);
  }
};

// One input element: the sum over the adaptive windows that cover it, in output order, found by a scan over the
// output rows and columns (adaptive outputs are small: 1x1 or 7x7 in the zoo).
struct AdaptiveAvgBackward {
  ops::Pool2dGeometry g;
  const float* dy;
  float* dx;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const long ix = long(i % g.w), iy = long((i / g.w) % g.h);
    const std::size_t pl = i / (g.w * g.h);
    float acc = 0.0f;
    for (std::size_t oy = 0; oy < g.oh; ++oy) {
      const auto wy = adaptive_window(oy, g.oh, g.h);
      if (iy < wy.begin || iy >= wy.end) continue;
      for (std::size_t ox = 0; ox < g.ow; ++ox) {
        const auto wx = adaptive_window(ox, g.ow, g.w);
        if (ix < wx.begin || ix >= wx.end) continue;
        acc += dy[pl * g.oh * g.ow + oy * g.ow + ox] / float(wy.full * wx.full);
      }
    }
    dx[i] = acc;
  }
};

}  // namespace cuda_detail

template <>
struct pool2d_kernel<cuda> {
  static void max_forward(const ops::Pool2dGeometry& g, const float* x, float* y, std::int32_t* argmax) {
    cuda_detail::for_each_index(g.n * g.c * g.oh * g.ow, cuda_detail::MaxPoolForward{g, x, y, argmax},
                                "kernel launch (max_pool2d_forward)");
  }
  // argmax is in device memory, as max_forward wrote it.
  static void max_backward(const ops::Pool2dGeometry& g, const float* dy, const std::int32_t* argmax, float* dx) {
    Tensor<int, cuda> bad(Shape{1});
    cuda_detail::for_each_index(g.n * g.c, cuda_detail::MaxPoolBackwardPlane{g, dy, argmax, dx, bad.data()},
                                "kernel launch (max_pool2d_backward)");
    int flag = 0;
    cuda::copy_to_host(&flag, bad.data(), sizeof flag);
    require<value_error>(flag == 0, "max_pool2d_backward: argmax holds an index outside the ", g.h, "x", g.w,
                         " input plane");
  }
  static void avg_forward(const ops::Pool2dGeometry& g, const float* x, float* y) {
    cuda_detail::for_each_index(g.n * g.c * g.oh * g.ow, cuda_detail::AvgPoolForward{g, x, y},
                                "kernel launch (avg_pool2d_forward)");
  }
  static void avg_backward(const ops::Pool2dGeometry& g, const float* dy, float* dx) {
    cuda_detail::for_each_index(g.n * g.c * g.h * g.w, cuda_detail::AvgPoolBackward{g, dy, dx},
                                "kernel launch (avg_pool2d_backward)");
  }
  static void adaptive_avg_forward(const ops::Pool2dGeometry& g, const float* x, float* y) {
    cuda_detail::for_each_index(g.n * g.c * g.oh * g.ow, cuda_detail::AdaptiveAvgForward{g, x, y},
                                "kernel launch (adaptive_avg_pool2d_forward)");
  }
  static void adaptive_avg_backward(const ops::Pool2dGeometry& g, const float* dy, float* dx) {
    cuda_detail::for_each_index(g.n * g.c * g.h * g.w, cuda_detail::AdaptiveAvgBackward{g, dy, dx},
                                "kernel launch (adaptive_avg_pool2d_backward)");
  }
};

INX_END_NAMESPACE
