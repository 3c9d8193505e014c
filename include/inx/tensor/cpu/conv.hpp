// CPU convolution through oneDNN primitives. User data stays NCHW / OIHW. For most shapes each primitive picks its
// preferred (blocked) layouts and the data is reordered in and out around it, as PyTorch's oneDNN path does; 1x1
// kernels run on the plain layouts directly (see conv_uses_plain_layouts). Primitives and reorders are built once
// per shape and cached.
#pragma once

#include <oneapi/dnnl/dnnl.h>

#include <array>
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
  MemDesc user, prim;
  DnnlPrimitive reorder;  // empty when user == prim
  MemDesc reorder_scratchpad;
};

struct DnnlPlan {
  DnnlPrimitive prim;
  MemDesc scratchpad;
  std::vector<DnnlArg> args;
};

inline DnnlAttr user_scratchpad_attr() {
  DnnlAttr attr;
  dnnl_check(dnnl_primitive_attr_create(attr.out()), "dnnl_primitive_attr_create");
  dnnl_check(dnnl_primitive_attr_set_scratchpad_mode(attr.get(), dnnl_scratchpad_mode_user),
             "dnnl_primitive_attr_set_scratchpad_mode");
  return attr;
}

// A primitive descriptor's memory descriptor `what` (index: 0, or 1 for a bias); a zero descriptor when it has none.
inline MemDesc query_md(const DnnlPrimitiveDesc& pd, dnnl_query_t what, int index = 0) {
  const dnnl_memory_desc_t* md = dnnl_primitive_desc_query_md(pd.get(), what, index);
  MemDesc m;
  if (md) m.md = *md;
  return m;
}

inline DnnlArg make_arg(int arg, bool input, const MemDesc& user, const MemDesc& prim) {
  DnnlArg a{arg, input, user, prim, {}, {}};
  if (!(user == prim)) {
    const auto eng = dnnl_cpu_engine();
    const auto attr = user_scratchpad_attr();
    const MemDesc& from = input ? user : prim;
    const MemDesc& to = input ? prim : user;
    DnnlPrimitiveDesc pd;
    dnnl_check(dnnl_reorder_primitive_desc_create(pd.out(), &from.md, eng, &to.md, eng, attr.get()),
               "reorder primitive descriptor");
    a.reorder_scratchpad = query_md(pd, dnnl_query_scratchpad_md);
    dnnl_check(dnnl_primitive_create(a.reorder.out(), pd.get()), "reorder primitive");
  }
  return a;
}

// Runs a plan on user pointers given in the order of plan.args, reordering through per-thread scratch buffers.
inline void execute_plan(const DnnlPlan& plan, std::initializer_list<void*> ptrs) {
  const auto eng = dnnl_cpu_engine();
  const auto stream = dnnl_thread_stream();
  auto& scratch = thread_scratch();
  constexpr std::size_t kScratchpadSlot = ScratchBuffers::kSlots - 1, kMaxArgs = 4;
  auto memory = [&](const MemDesc& d, void* p) {
    DnnlMemory m;
    dnnl_check(dnnl_memory_create(m.out(), &d.md, eng, p), "dnnl_memory_create");
    return m;
  };
  auto run_reorder = [&](const DnnlArg& a, dnnl_memory_t from, dnnl_memory_t to) {
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}, {0, nullptr}};
    int n = 2;
    DnnlMemory pad;
    if (a.reorder_scratchpad.bytes() > 0) {
      pad = memory(a.reorder_scratchpad, scratch.get(kScratchpadSlot, a.reorder_scratchpad.bytes()));
      args[n++] = {DNNL_ARG_SCRATCHPAD, pad.get()};
    }
    dnnl_check(dnnl_primitive_execute(a.reorder.get(), stream, n, args), "reorder");
  };

  std::array<DnnlMemory, kMaxArgs> user, prim;
  dnnl_exec_arg_t args[kMaxArgs + 1];
  int n = 0;
  std::size_t slot = 0, i = 0;
  auto p = ptrs.begin();
  for (const auto& a : plan.args) {
    user[i] = memory(a.user, *p++);
    if (!a.reorder) {
      args[n++] = {a.arg, user[i].get()};
    } else {
      prim[i] = memory(a.prim, scratch.get(slot++, a.prim.bytes()));
      if (a.input) run_reorder(a, user[i].get(), prim[i].get());
      args[n++] = {a.arg, prim[i].get()};
    }
    ++i;
  }
  DnnlMemory pad;
  if (plan.scratchpad.bytes() > 0) {
    pad = memory(plan.scratchpad, scratch.get(kScratchpadSlot, plan.scratchpad.bytes()));
    args[n++] = {DNNL_ARG_SCRATCHPAD, pad.get()};
  }
  dnnl_check(dnnl_primitive_execute(plan.prim.get(), stream, n, args), "convolution");
  i = 0;
  for (const auto& a : plan.args) {
    if (a.reorder && !a.input) run_reorder(a, prim[i].get(), user[i].get());
    ++i;
  }
  dnnl_check(dnnl_stream_wait(stream), "dnnl_stream_wait");
}
inline void execute(const DnnlPlan& plan, std::initializer_list<void*> ptrs) {
  try {
    execute_plan(plan, ptrs);
  } catch (const dnnl_failure& e) {
    throw error(detail::msg("conv2d: ", e.what()));
  }
}

struct ConvDescs {
  MemDesc src, weights, bias, dst;  // user layouts
  MemDesc src_any, weights_any, bias_any, dst_any;
  dnnl_dims_t strides, dilates, pad_l, pad_r;
};

inline MemDesc mem_desc(std::initializer_list<std::size_t> dims, dnnl_format_tag_t tag) {
  dnnl_dims_t d{};
  int n = 0;
  for (auto v : dims) d[n++] = static_cast<dnnl_dim_t>(v);
  MemDesc m;
  dnnl_check(dnnl_memory_desc_init_by_tag(&m.md, n, d, dnnl_f32, tag), "dnnl_memory_desc_init_by_tag");
  return m;
}

inline ConvDescs conv_descs(const ops::Conv2dGeometry& g, bool plain) {
  const std::size_t gr = g.p.groups;
  ConvDescs c{};
  auto both = [&](std::initializer_list<std::size_t> dims, dnnl_format_tag_t tag, MemDesc& user, MemDesc& any) {
    user = mem_desc(dims, tag);
    any = plain ? user : mem_desc(dims, dnnl_format_tag_any);
  };
  both({g.n, g.c, g.h, g.w}, dnnl_nchw, c.src, c.src_any);
  if (gr == 1) both({g.o, g.c, g.kh, g.kw}, dnnl_oihw, c.weights, c.weights_any);
  else both({gr, g.o / gr, g.c / gr, g.kh, g.kw}, dnnl_goihw, c.weights, c.weights_any);
  both({g.n, g.o, g.oh, g.ow}, dnnl_nchw, c.dst, c.dst_any);
  c.bias = c.bias_any = mem_desc({g.o}, dnnl_x);
  auto d = [](std::size_t v) { return static_cast<dnnl_dim_t>(v); };
  c.strides[0] = d(g.p.stride_h);
  c.strides[1] = d(g.p.stride_w);
  c.dilates[0] = d(g.p.dilation_h - 1);  // oneDNN counts the gaps, PyTorch the step
  c.dilates[1] = d(g.p.dilation_w - 1);
  // oneDNN pads each side separately (so TF's asymmetric SAME padding needs no padded copy); its output-size rule
  // floors exactly like PyTorch's.
  c.pad_l[0] = d(g.pad_top);
  c.pad_l[1] = d(g.pad_left);
  c.pad_r[0] = d(g.pad_bottom);
  c.pad_r[1] = d(g.pad_right);
  return c;
}

// The primitive descriptor of an operation descriptor (hint: the forward one a backward pass is built against).
template <class OpDesc>
DnnlPrimitiveDesc primitive_desc(const OpDesc& op, const DnnlPrimitiveDesc* hint, const char* what) {
  const auto attr = user_scratchpad_attr();
  DnnlPrimitiveDesc pd;
  dnnl_check(dnnl_primitive_desc_create(pd.out(), &op, attr.get(), dnnl_cpu_engine(), hint ? hint->get() : nullptr),
             what);
  return pd;
}

inline DnnlPrimitiveDesc conv_forward_pd(const ConvDescs& c, bool bias, dnnl_prop_kind_t kind) {
  dnnl_convolution_desc_t op;
  dnnl_check(dnnl_dilated_convolution_forward_desc_init(&op, kind, dnnl_convolution_direct, &c.src_any.md,
                                                        &c.weights_any.md, bias ? &c.bias_any.md : nullptr,
                                                        &c.dst_any.md, c.strides, c.dilates, c.pad_l, c.pad_r),
             "convolution forward descriptor");
  return primitive_desc(op, nullptr, "convolution forward primitive descriptor");
}

inline DnnlPlan make_conv_plan(const ConvKey& key) {
  const auto c = conv_descs(key.g, key.plain);
  DnnlPlan plan;
  DnnlPrimitiveDesc pd;
  switch (key.pass) {
    case conv_pass::forward: {
      pd = conv_forward_pd(c, key.bias, dnnl_forward_inference);
      plan.args.push_back(make_arg(DNNL_ARG_SRC, true, c.src, query_md(pd, dnnl_query_src_md)));
      plan.args.push_back(make_arg(DNNL_ARG_WEIGHTS, true, c.weights, query_md(pd, dnnl_query_weights_md)));
      if (key.bias) plan.args.push_back(make_arg(DNNL_ARG_BIAS, true, c.bias, query_md(pd, dnnl_query_weights_md, 1)));
      plan.args.push_back(make_arg(DNNL_ARG_DST, false, c.dst, query_md(pd, dnnl_query_dst_md)));
      break;
    }
    case conv_pass::backward_data: {
      const auto hint = conv_forward_pd(c, false, dnnl_forward_training);
      dnnl_convolution_desc_t op;
      dnnl_check(dnnl_dilated_convolution_backward_data_desc_init(&op, dnnl_convolution_direct, &c.src_any.md,
                                                                  &c.weights_any.md, &c.dst_any.md, c.strides,
                                                                  c.dilates, c.pad_l, c.pad_r),
                 "convolution backward-data descriptor");
      pd = primitive_desc(op, &hint, "convolution backward-data primitive descriptor");
      plan.args.push_back(make_arg(DNNL_ARG_DIFF_DST, true, c.dst, query_md(pd, dnnl_query_diff_dst_md)));
      plan.args.push_back(make_arg(DNNL_ARG_WEIGHTS, true, c.weights, query_md(pd, dnnl_query_weights_md)));
      plan.args.push_back(make_arg(DNNL_ARG_DIFF_SRC, false, c.src, query_md(pd, dnnl_query_diff_src_md)));
      break;
    }
    case conv_pass::backward_weights: {
      const auto hint = conv_forward_pd(c, key.bias, dnnl_forward_training);
      dnnl_convolution_desc_t op;
      dnnl_check(dnnl_dilated_convolution_backward_weights_desc_init(
                     &op, dnnl_convolution_direct, &c.src_any.md, &c.weights_any.md,
                     key.bias ? &c.bias_any.md : nullptr, &c.dst_any.md, c.strides, c.dilates, c.pad_l, c.pad_r),
                 "convolution backward-weights descriptor");
      pd = primitive_desc(op, &hint, "convolution backward-weights primitive descriptor");
      plan.args.push_back(make_arg(DNNL_ARG_SRC, true, c.src, query_md(pd, dnnl_query_src_md)));
      plan.args.push_back(make_arg(DNNL_ARG_DIFF_DST, true, c.dst, query_md(pd, dnnl_query_diff_dst_md)));
      plan.args.push_back(
          make_arg(DNNL_ARG_DIFF_WEIGHTS, false, c.weights, query_md(pd, dnnl_query_diff_weights_md)));
      if (key.bias)
        plan.args.push_back(make_arg(DNNL_ARG_DIFF_BIAS, false, c.bias, query_md(pd, dnnl_query_diff_weights_md, 1)));
      break;
    }
  }
  plan.scratchpad = query_md(pd, dnnl_query_scratchpad_md);
  dnnl_check(dnnl_primitive_create(plan.prim.out(), pd.get()), "convolution primitive");
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
    } catch (const dnnl_failure& e) {
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
