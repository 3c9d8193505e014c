// A plain im2col + sgemm forward convolution, kept in bench/ only as the alternative that oneDNN's convolution
// primitive was measured against (bench_conv's conv_fwd_im2col runs).
#pragma once

#include <vector>

#include "inx/tensor/conv.hpp"
#include "inx/tensor/gemm.hpp"

namespace inx_bench {

inline void im2col_conv_forward(const inx::ops::Conv2dGeometry& g, const float* x, const float* w, float* y,
                                std::vector<float>& col) {
  const std::size_t gr = g.p.groups, cg = g.c / gr, og = g.o / gr, kk = cg * g.kh * g.kw, pix = g.oh * g.ow;
  col.resize(kk * pix);
  for (std::size_t n = 0; n < g.n; ++n)
    for (std::size_t grp = 0; grp < gr; ++grp) {
      const float* xg = x + (n * g.c + grp * cg) * g.h * g.w;
#pragma omp parallel for
      for (std::size_t row = 0; row < kk; ++row) {
        const std::size_t ci = row / (g.kh * g.kw), ky = row / g.kw % g.kh, kx = row % g.kw;
        float* out = col.data() + row * pix;
        for (std::size_t oy = 0; oy < g.oh; ++oy) {
          const long iy = long(oy * g.p.stride_h + ky * g.p.dilation_h) - long(g.p.pad_h);
          for (std::size_t ox = 0; ox < g.ow; ++ox) {
            const long ix = long(ox * g.p.stride_w + kx * g.p.dilation_w) - long(g.p.pad_w);
            const bool in = iy >= 0 && iy < long(g.h) && ix >= 0 && ix < long(g.w);
            out[oy * g.ow + ox] = in ? xg[(ci * g.h + std::size_t(iy)) * g.w + std::size_t(ix)] : 0.0f;
          }
        }
      }
      inx::ops::gemm<inx::cpu>(false, false, og, pix, kk, 1.0f, w + grp * og * kk, kk, col.data(), pix, 0.0f,
                               y + (n * g.o + grp * og) * pix, pix);
    }
}

}  // namespace inx_bench
