// Convolution throughput on every distinct conv shape of VGG-16 and ResNet-50 at 224x224, batch 1, in GFLOP/s:
//   conv_fwd/...          ops::conv2d_forward (oneDNN, the library's choice of layouts)
//   conv_bwd_data/...     ops::conv2d_backward_data (the Grad-CAM path)
//   conv_bwd_weights/...  ops::conv2d_backward_weights
//   conv_fwd_plain/...    oneDNN forced onto plain NCHW/OIHW layouts (measurement for the layout choice)
//   conv_fwd_blocked/...  oneDNN forced onto its preferred blocked layouts, with reorders
//   conv_bwd_{data,weights}_{plain,blocked}/...  the same for the backward passes
//   conv_fwd_im2col/...   im2col + sgemm (measurement for the algorithm choice)
// bench/compare_torch.py runs conv_fwd and conv_bwd_data beside PyTorch.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "conv_shapes.hpp"
#include "im2col_conv.hpp"
#include "timing.hpp"
#include "inx/tensor/conv.hpp"

namespace {

using inx::Tensor;
using inx_bench::ConvShape;

Tensor<float> random_tensor(inx::Shape s) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  auto t = Tensor<float>::uninitialized(s);
  for (auto& v : t.span()) v = u(rng);
  return t;
}

enum class Pass { fwd, bwd_data, bwd_weights, fwd_im2col };
using inx::cpu_detail::conv_layout;

void run_conv(benchmark::State& state, ConvShape s, Pass pass, conv_layout layout) {
  const auto p = inx_bench::params(s);
  const inx::Shape xs{1, s.c, s.h, s.h}, ws{s.o, s.c / s.groups, s.k, s.k};
  const auto g = inx::ops::conv2d_geometry(xs, ws, p);
  auto x = random_tensor(xs), w = random_tensor(ws), b = random_tensor({s.o});
  auto y = random_tensor({g.n, g.o, g.oh, g.ow});
  auto dx = Tensor<float>::uninitialized(xs);
  auto dw = Tensor<float>::uninitialized(ws);
  std::vector<float> col, db(s.o);
  inx::cpu_detail::conv_layout_policy() = layout;
  auto call = [&] {
    switch (pass) {
      case Pass::fwd: inx::ops::conv2d_forward<inx::cpu>(x, w, b.data(), y.view(), p); break;
      case Pass::bwd_data: inx::ops::conv2d_backward_data<inx::cpu>(y, w, dx.view(), p); break;
      case Pass::bwd_weights: inx::ops::conv2d_backward_weights<inx::cpu>(x, y, dw.view(), db.data(), p); break;
      case Pass::fwd_im2col: inx_bench::im2col_conv_forward(g, x.data(), w.data(), y.data(), col); break;
    }
  };
  // Warm-up outside the timed loop: the first call builds and caches the primitive and JIT-compiles its kernel.
  call();
  call();
  const double flops = 2.0 * double(g.n * g.o * g.oh * g.ow) * double(g.c / g.p.groups * g.kh * g.kw);
  inx_bench::timed_loop(state, flops, call);
  inx::cpu_detail::conv_layout_policy() = conv_layout::automatic;
}

const bool registered = [] {
  struct Variant {
    const char* prefix;
    Pass pass;
    conv_layout layout;
  };
  const Variant variants[] = {
      {"conv_fwd", Pass::fwd, conv_layout::automatic},
      {"conv_bwd_data", Pass::bwd_data, conv_layout::automatic},
      {"conv_bwd_weights", Pass::bwd_weights, conv_layout::automatic},
      {"conv_fwd_plain", Pass::fwd, conv_layout::plain},
      {"conv_fwd_blocked", Pass::fwd, conv_layout::blocked},
      {"conv_bwd_data_plain", Pass::bwd_data, conv_layout::plain},
      {"conv_bwd_data_blocked", Pass::bwd_data, conv_layout::blocked},
      {"conv_bwd_weights_plain", Pass::bwd_weights, conv_layout::plain},
      {"conv_bwd_weights_blocked", Pass::bwd_weights, conv_layout::blocked},
      {"conv_fwd_im2col", Pass::fwd_im2col, conv_layout::automatic},
  };
  for (const auto& v : variants)
    for (const auto& s : inx_bench::conv_shapes()) {
      if (v.pass == Pass::fwd_im2col && s.groups != 1) continue;  // the im2col reference is dense only
      benchmark::RegisterBenchmark(inx_bench::conv_name(v.prefix, s).c_str(),
                                   [s, v](benchmark::State& st) { run_conv(st, s, v.pass, v.layout); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  return true;
}();

}  // namespace
