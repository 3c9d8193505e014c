// CPU convolution through oneDNN primitives. User data stays NCHW / OIHW. For most shapes each primitive picks its
// preferred (blocked) layouts and the data is reordered in and out around it, as PyTorch's oneDNN path does; 1x1
// kernels run on the plain layouts directly (see conv_uses_plain_layouts). Primitives and reorders are built once
// per shape and cached.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <unordered_map>
#include <vector>

#include "inx/tensor/conv.hpp"
#include "inx/tensor/cpu/dnnl_engine.hpp"

INX_BEGIN_NAMESPACE
namespace cpu_detail {

enum class conv_pass { forward, backward_data, backward_weights };

struct ConvKey {
  ops::Conv2dGeometry g;
  conv_pass pass;
  bool bias;
  bool plain;  // primitive on the user's NCHW/OIHW layouts, without reorders
  friend bool operator==(const ConvKey&, const ConvKey&) = default;
};

struct ConvKeyHash {
  std::size_t operator()(const ConvKey& k) const noexcept {
    const std::size_t v[] = {k.g.n,          k.g.c,          k.g.h,          k.g.w,          k.g.o,
                             k.g.kh,         k.g.kw,         k.g.p.stride_h, k.g.p.stride_w, k.g.pad_top,
                             k.g.pad_left,   k.g.pad_bottom, k.g.pad_right,  k.g.p.dilation_h, k.g.p.dilation_w,
                             k.g.p.groups,
                             static_cast<std::size_t>(k.pass) * 4 + k.bias * 2 + k.plain};
    std::size_t h = 0;
    for (auto x : v) h ^= std::hash<std::size_t>{}(x) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
  }
};

// One argument of a primitive: the user's layout, the primitive's, and the reorder between them when they differ.
struct DnnlArg {
  int arg;
  bool input;
  dnnl::memory::desc user, prim;
  dnnl::reorder reorder;  // empty when user == prim
  dnnl::memory::desc reorder_scratchpad;
};

struct DnnlPlan {
  dnnl::primitive prim;
  dnnl::memory::desc scratchpad;
  std::vector<DnnlArg> args;
};

inline dnnl::primitive_attr user_scratchpad_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

inline DnnlArg make_arg(int arg, bool input, const dnnl::memory::desc& user, const dnnl::memory::desc& prim) {
  DnnlArg a{arg, input, user, prim, {}, {}};
  if (user != prim) {
    auto& eng = dnnl_cpu_engine();
    dnnl::reorder::primitive_desc pd = input ? dnnl::reorder::primitive_desc(eng, user, eng, prim, user_scratchpad_attr())
                                             : dnnl::reorder::primitive_desc(eng, prim, eng, user, user_scratchpad_attr());
    a.reorder = dnnl::reorder(pd);
    a.reorder_scratchpad = pd.scratchpad_desc();
  }
  return a;
}

// Runs a plan on user pointers given in the order of plan.args, reordering through per-thread scratch buffers.
inline void execute(const DnnlPlan& plan, std::initializer_list<void*> ptrs) {
  auto& eng = dnnl_cpu_engine();
  auto& stream = dnnl_thread_stream();
  auto& scratch = thread_scratch();
  constexpr std::size_t kScratchpadSlot = ScratchBuffers::kSlots - 1;
  auto run_reorder = [&](const DnnlArg& a, dnnl::memory& from, dnnl::memory& to) {
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    if (a.reorder_scratchpad.get_size() > 0)
      args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(a.reorder_scratchpad, eng,
                                                     scratch.get(kScratchpadSlot, a.reorder_scratchpad.get_size())));
    a.reorder.execute(stream, args);
  };

  std::unordered_map<int, dnnl::memory> args;
  std::vector<std::pair<dnnl::memory, dnnl::memory>> outputs;  // (primitive's, user's) pairs to reorder back
  std::size_t slot = 0;
  auto p = ptrs.begin();
  for (const auto& a : plan.args) {
    dnnl::memory user(a.user, eng, *p++);
    if (!a.reorder) {
      args.emplace(a.arg, user);
      continue;
    }
    dnnl::memory prim(a.prim, eng, scratch.get(slot++, a.prim.get_size()));
    if (a.input) run_reorder(a, user, prim);
    else outputs.emplace_back(prim, user);
    args.emplace(a.arg, prim);
  }
  if (plan.scratchpad.get_size() > 0)
    args.emplace(DNNL_ARG_SCRATCHPAD,
                 dnnl::memory(plan.scratchpad, eng, scratch.get(kScratchpadSlot, plan.scratchpad.get_size())));
  plan.prim.execute(stream, args);
  std::size_t k = 0;
  for (const auto& a : plan.args)
    if (a.reorder && !a.input) {
      run_reorder(a, outputs[k].first, outputs[k].second);
      ++k;
    }
  stream.wait();
}

struct ConvDescs {
  dnnl::memory::desc src, weights, bias, dst;  // user layouts
  dnnl::memory::desc src_any, weights_any, bias_any, dst_any;
  dnnl::memory::dims strides, dilates, pad_l, pad_r;
};

inline ConvDescs conv_descs(const ops::Conv2dGeometry& g, bool plain) {
  using dims = dnnl::memory::dims;
  using tag = dnnl::memory::format_tag;
  using dt = dnnl::memory::data_type;
  auto d = [](std::size_t v) { return static_cast<dnnl::memory::dim>(v); };
  const std::size_t gr = g.p.groups;
  const dims src{d(g.n), d(g.c), d(g.h), d(g.w)}, dst{d(g.n), d(g.o), d(g.oh), d(g.ow)};
  const dims wts = gr == 1 ? dims{d(g.o), d(g.c), d(g.kh), d(g.kw)}
                           : dims{d(gr), d(g.o / gr), d(g.c / gr), d(g.kh), d(g.kw)};
  const tag wtag = gr == 1 ? tag::oihw : tag::goihw;
  ConvDescs c;
  c.src = {src, dt::f32, tag::nchw};
  c.weights = {wts, dt::f32, wtag};
  c.bias = {dims{d(g.o)}, dt::f32, tag::x};
  c.dst = {dst, dt::f32, tag::nchw};
  c.src_any = plain ? c.src : dnnl::memory::desc(src, dt::f32, tag::any);
  c.weights_any = plain ? c.weights : dnnl::memory::desc(wts, dt::f32, tag::any);
  c.bias_any = c.bias;
  c.dst_any = plain ? c.dst : dnnl::memory::desc(dst, dt::f32, tag::any);
  c.strides = {d(g.p.stride_h), d(g.p.stride_w)};
  c.dilates = {d(g.p.dilation_h - 1), d(g.p.dilation_w - 1)};  // oneDNN counts the gaps, PyTorch the step
  // oneDNN pads each side separately (so TF's asymmetric SAME padding needs no padded copy); its output-size rule
  // floors exactly like PyTorch's.
  c.pad_l = {d(g.pad_top), d(g.pad_left)};
  c.pad_r = {d(g.pad_bottom), d(g.pad_right)};
  return c;
}

inline dnnl::convolution_forward::primitive_desc conv_forward_pd(const ConvDescs& c, bool bias, dnnl::prop_kind kind) {
  using namespace dnnl;
  const auto desc = bias ? convolution_forward::desc(kind, algorithm::convolution_direct, c.src_any, c.weights_any,
                                                      c.bias_any, c.dst_any, c.strides, c.dilates, c.pad_l, c.pad_r)
                         : convolution_forward::desc(kind, algorithm::convolution_direct, c.src_any, c.weights_any,
                                                      c.dst_any, c.strides, c.dilates, c.pad_l, c.pad_r);
  return {desc, user_scratchpad_attr(), dnnl_cpu_engine()};
}

inline DnnlPlan make_conv_plan(const ConvKey& key) {
  using namespace dnnl;
  const auto c = conv_descs(key.g, key.plain);
  DnnlPlan plan;
  switch (key.pass) {
    case conv_pass::forward: {
      const auto pd = conv_forward_pd(c, key.bias, prop_kind::forward_inference);
      plan.prim = convolution_forward(pd);
      plan.scratchpad = pd.scratchpad_desc();
      plan.args.push_back(make_arg(DNNL_ARG_SRC, true, c.src, pd.src_desc()));
      plan.args.push_back(make_arg(DNNL_ARG_WEIGHTS, true, c.weights, pd.weights_desc()));
      if (key.bias) plan.args.push_back(make_arg(DNNL_ARG_BIAS, true, c.bias, pd.bias_desc()));
      plan.args.push_back(make_arg(DNNL_ARG_DST, false, c.dst, pd.dst_desc()));
      break;
    }
    case conv_pass::backward_data: {
      const auto hint = conv_forward_pd(c, false, prop_kind::forward_training);
      const convolution_backward_data::desc desc(algorithm::convolution_direct, c.src_any, c.weights_any, c.dst_any,
                                                 c.strides, c.dilates, c.pad_l, c.pad_r);
      const convolution_backward_data::primitive_desc pd(desc, user_scratchpad_attr(), dnnl_cpu_engine(), hint);
      plan.prim = convolution_backward_data(pd);
      plan.scratchpad = pd.scratchpad_desc();
      plan.args.push_back(make_arg(DNNL_ARG_DIFF_DST, true, c.dst, pd.diff_dst_desc()));
      plan.args.push_back(make_arg(DNNL_ARG_WEIGHTS, true, c.weights, pd.weights_desc()));
      plan.args.push_back(make_arg(DNNL_ARG_DIFF_SRC, false, c.src, pd.diff_src_desc()));
      break;
    }
    case conv_pass::backward_weights: {
      const auto hint = conv_forward_pd(c, key.bias, prop_kind::forward_training);
      const auto desc =
          key.bias ? convolution_backward_weights::desc(algorithm::convolution_direct, c.src_any, c.weights_any,
                                                        c.bias_any, c.dst_any, c.strides, c.dilates, c.pad_l, c.pad_r)
                   : convolution_backward_weights::desc(algorithm::convolution_direct, c.src_any, c.weights_any,
                                                        c.dst_any, c.strides, c.dilates, c.pad_l, c.pad_r);
      const convolution_backward_weights::primitive_desc pd(desc, user_scratchpad_attr(), dnnl_cpu_engine(), hint);
      plan.prim = convolution_backward_weights(pd);
      plan.scratchpad = pd.scratchpad_desc();
      plan.args.push_back(make_arg(DNNL_ARG_SRC, true, c.src, pd.src_desc()));
      plan.args.push_back(make_arg(DNNL_ARG_DIFF_DST, true, c.dst, pd.diff_dst_desc()));
      plan.args.push_back(make_arg(DNNL_ARG_DIFF_WEIGHTS, false, c.weights, pd.diff_weights_desc()));
      if (key.bias) plan.args.push_back(make_arg(DNNL_ARG_DIFF_BIAS, false, c.bias, pd.diff_bias_desc()));
      break;
    }
  }
  return plan;
}

inline PrimitiveCache<ConvKey, DnnlPlan, ConvKeyHash>& conv_cache() {
  static PrimitiveCache<ConvKey, DnnlPlan, ConvKeyHash> cache;
  return cache;
}

// Which layouts the primitives work in. automatic is the library's choice (conv_uses_plain_layouts); the forced
// settings exist so bench_conv can measure that choice.
enum class conv_layout { automatic, blocked, plain };
inline std::atomic<conv_layout>& conv_layout_policy() {
  static std::atomic<conv_layout> policy{conv_layout::automatic};
  return policy;
}

// Measured with bench_conv on VGG-16 / ResNet-50 shapes (AVX-512 CPU, oneDNN 2.6, one thread for a clean signal on
// a shared machine): for 1x1 kernels oneDNN's GEMM-based path on the plain layouts is 10-45% faster than the blocked
// direct kernels in all three passes (the blocked path spends much of its time reordering weights); for 3x3 and
// larger kernels the blocked kernels are 1.2-2.9x faster. The exception is backward data of a first layer (C <= 4,
// e.g. RGB input), where the plain path is 2.3x faster.
inline bool conv_uses_plain_layouts(const ops::Conv2dGeometry& g, conv_pass pass) {
  switch (conv_layout_policy().load(std::memory_order_relaxed)) {
    case conv_layout::blocked: return false;
    case conv_layout::plain: return true;
    case conv_layout::automatic: break;
  }
  if (g.p.groups != 1) return false;  // grouped and depthwise kernels exist only for blocked layouts
  const bool pointwise = g.kh == 1 && g.kw == 1;
  return pointwise || (pass == conv_pass::backward_data && g.c <= 4);
}

inline std::shared_ptr<const DnnlPlan> conv_plan(const ops::Conv2dGeometry& g, conv_pass pass, bool bias) {
  const ConvKey key{g, pass, bias, conv_uses_plain_layouts(g, pass)};
  return conv_cache().get(key, [&] {
    try {
      return make_conv_plan(key);
    } catch (const dnnl::error& e) {
      throw shape_error(detail::msg("conv2d: oneDNN cannot build a convolution for input (", g.n, ", ", g.c, ", ", g.h,
                                    ", ", g.w, ") and weight (", g.o, ", ", g.c / g.p.groups, ", ", g.kh, ", ", g.kw,
                                    "): ", e.what()));
    }
  });
}

}  // namespace cpu_detail

template <>
struct conv2d_kernel<cpu> {
  static void forward(const ops::Conv2dGeometry& g, const float* x, const float* w, const float* bias, float* y) {
    auto plan = cpu_detail::conv_plan(g, cpu_detail::conv_pass::forward, bias != nullptr);
    if (bias) cpu_detail::execute(*plan, {const_cast<float*>(x), const_cast<float*>(w), const_cast<float*>(bias), y});
    else cpu_detail::execute(*plan, {const_cast<float*>(x), const_cast<float*>(w), y});
  }
  static void backward_data(const ops::Conv2dGeometry& g, const float* dy, const float* w, float* dx) {
    auto plan = cpu_detail::conv_plan(g, cpu_detail::conv_pass::backward_data, false);
    cpu_detail::execute(*plan, {const_cast<float*>(dy), const_cast<float*>(w), dx});
  }
  static void backward_weights(const ops::Conv2dGeometry& g, const float* x, const float* dy, float* dw,
                               float* dbias) {
    auto plan = cpu_detail::conv_plan(g, cpu_detail::conv_pass::backward_weights, dbias != nullptr);
    if (dbias) cpu_detail::execute(*plan, {const_cast<float*>(x), const_cast<float*>(dy), dw, dbias});
    else cpu_detail::execute(*plan, {const_cast<float*>(x), const_cast<float*>(dy), dw});
  }
};

INX_END_NAMESPACE
