// CPU pooling: plain loops, one OpenMP task per (n, c) plane, so backward scatters never race.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>

#include "inx/tensor/pool.hpp"

INX_BEGIN_NAMESPACE

template <>
struct pool2d_kernel<cpu> {
  // [begin, end) of window i along one axis, clipped to the input; `full` is the unclipped length inside the padded
  // input (PyTorch's divisor when count_include_pad).
  struct Window {
    long begin, end, full;
  };
  static Window window(std::size_t i, std::size_t k, std::size_t s, std::size_t pad, std::size_t in) {
    const long b = long(i * s) - long(pad);
    const long e = std::min(b + long(k), long(in + pad));
    return {std::max(b, 0L), std::min(e, long(in)), e - b};
  }
  static Window adaptive(std::size_t i, std::size_t out, std::size_t in) {
    const long b = long(i * in / out), e = long(((i + 1) * in + out - 1) / out);
    return {b, e, e - b};
  }
  static long planes(const ops::Pool2dGeometry& g) { return long(g.n * g.c); }

  static void max_forward(const ops::Pool2dGeometry& g, const float* x, float* y, std::int32_t* argmax) {
    const auto& p = g.p;
#pragma omp parallel for
    for (long pl = 0; pl < planes(g); ++pl) {
      const float* xp = x + pl * g.h * g.w;
      for (std::size_t oy = 0; oy < g.oh; ++oy) {
        const auto wy = window(oy, p.kernel_h, p.stride_h, p.pad_h, g.h);
        for (std::size_t ox = 0; ox < g.ow; ++ox) {
          const auto wx = window(ox, p.kernel_w, p.stride_w, p.pad_w, g.w);
          float best = -std::numeric_limits<float>::infinity();
          long at = wy.begin * long(g.w) + wx.begin;
          for (long iy = wy.begin; iy < wy.end; ++iy)
            for (long ix = wx.begin; ix < wx.end; ++ix) {
              const float v = xp[iy * long(g.w) + ix];
              if (v > best || std::isnan(v)) {  // NaN propagates, as in PyTorch
                best = v;
                at = iy * long(g.w) + ix;
              }
            }
          const std::size_t o = std::size_t(pl) * g.oh * g.ow + oy * g.ow + ox;
          y[o] = best;
          if (argmax) argmax[o] = std::int32_t(at);
        }
      }
    }
  }

  static void max_backward(const ops::Pool2dGeometry& g, const float* dy, const std::int32_t* argmax, float* dx) {
    const long plane = long(g.h * g.w), out = long(g.oh * g.ow);
    std::atomic<bool> bad{false};
#pragma omp parallel for
    for (long pl = 0; pl < planes(g); ++pl) {
      float* dxp = dx + pl * plane;
      std::fill(dxp, dxp + plane, 0.0f);
      for (long o = 0; o < out; ++o) {
        const std::int32_t a = argmax[pl * out + o];
        if (a < 0 || a >= plane) {
          bad.store(true, std::memory_order_relaxed);
          continue;
        }
        dxp[a] += dy[pl * out + o];
      }
    }
    require<value_error>(!bad.load(), "max_pool2d_backward: argmax holds an index outside the ", g.h, "x", g.w,
                         " input plane");
  }

  static void avg_forward(const ops::Pool2dGeometry& g, const float* x, float* y) {
    const auto& p = g.p;
#pragma omp parallel for
    for (long pl = 0; pl < planes(g); ++pl) {
      const float* xp = x + pl * g.h * g.w;
      for (std::size_t oy = 0; oy < g.oh; ++oy) {
        const auto wy = window(oy, p.kernel_h, p.stride_h, p.pad_h, g.h);
        for (std::size_t ox = 0; ox < g.ow; ++ox) {
          const auto wx = window(ox, p.kernel_w, p.stride_w, p.pad_w, g.w);
          float s = 0.0f;
          for (long iy = wy.begin; iy < wy.end; ++iy)
            for (long ix = wx.begin; ix < wx.end; ++ix) s += xp[iy * long(g.w) + ix];
          y[std::size_t(pl) * g.oh * g.ow + oy * g.ow + ox] = s / float(divisor(p, wy, wx));
        }
      }
    }
  }

  static void avg_backward(const ops::Pool2dGeometry& g, const float* dy, float* dx) {
    const auto& p = g.p;
#pragma omp parallel for
    for (long pl = 0; pl < planes(g); ++pl) {
      float* dxp = dx + pl * g.h * g.w;
      std::fill(dxp, dxp + g.h * g.w, 0.0f);
      for (std::size_t oy = 0; oy < g.oh; ++oy) {
        const auto wy = window(oy, p.kernel_h, p.stride_h, p.pad_h, g.h);
        for (std::size_t ox = 0; ox < g.ow; ++ox) {
          const auto wx = window(ox, p.kernel_w, p.stride_w, p.pad_w, g.w);
          const float v = dy[std::size_t(pl) * g.oh * g.ow + oy * g.ow + ox] / float(divisor(p, wy, wx));
          for (long iy = wy.begin; iy < wy.end; ++iy)
            for (long ix = wx.begin; ix < wx.end; ++ix) dxp[iy * long(g.w) + ix] += v;
        }
      }
    }
  }

  static void adaptive_avg_forward(const ops::Pool2dGeometry& g, const float* x, float* y) {
#pragma omp parallel for
    for (long pl = 0; pl < planes(g); ++pl) {
      const float* xp = x + pl * g.h * g.w;
      for (std::size_t oy = 0; oy < g.oh; ++oy) {
        const auto wy = adaptive(oy, g.oh, g.h);
        for (std::size_t ox = 0; ox < g.ow; ++ox) {
          const auto wx = adaptive(ox, g.ow, g.w);
          float s = 0.0f;
          for (long iy = wy.begin; iy < wy.end; ++iy)
            for (long ix = wx.begin; ix < wx.end; ++ix) s += xp[iy * long(g.w) + ix];
          y[std::size_t(pl) * g.oh * g.ow + oy * g.ow + ox] = s / float(wy.full * wx.full);
        }
      }
    }
  }

  static void adaptive_avg_backward(const ops::Pool2dGeometry& g, const float* dy, float* dx) {
#pragma omp parallel for
    for (long pl = 0; pl < planes(g); ++pl) {
      float* dxp = dx + pl * g.h * g.w;
      std::fill(dxp, dxp + g.h * g.w, 0.0f);
      for (std::size_t oy = 0; oy < g.oh; ++oy) {
        const auto wy = adaptive(oy, g.oh, g.h);
        for (std::size_t ox = 0; ox < g.ow; ++ox) {
          const auto wx = adaptive(ox, g.ow, g.w);
          const float v = dy[std::size_t(pl) * g.oh * g.ow + oy * g.ow + ox] / float(wy.full * wx.full);
          for (long iy = wy.begin; iy < wy.end; ++iy)
            for (long ix = wx.begin; ix < wx.end; ++ix) dxp[iy * long(g.w) + ix] += v;
        }
      }
    }
  }

 private:
  static long divisor(const ops::Pool2dParams& p, const Window& wy, const Window& wx) {
    return p.count_include_pad ? wy.full * wx.full : (wy.end - wy.begin) * (wx.end - wx.begin);
  }
};

INX_END_NAMESPACE
