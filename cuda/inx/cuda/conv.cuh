// conv2d_kernel<cuda>: 2-D convolution (tensor/conv.hpp) through cuDNN, the GPU analogue of the CPU's oneDNN.
// cuDNN pads both sides of an axis alike, so TensorFlow-style SAME padding with a stride of 2 (more after than
// before) runs on a copy of the input padded explicitly, and its input gradient is computed on that padded shape and
// cropped; both copies are index-space functors the tests run on the host. The bias is added by the elementwise
// channel-bias kernel and its gradient is a channel sum (reduce.cuh). Algorithms come from cuDNN's heuristics, the
// first deterministic one that fits the workspace limit, cached per shape and pass; maths is plain FP32 (no TF32)
// unless cuda_detail::allow_tf32 says otherwise.
#pragma once

#include <cudnn.h>

#include <cstddef>
#include <map>
#include <tuple>

#include "inx/core/error.hpp"
#include "inx/cuda/device.cuh"
#include "inx/cuda/elementwise_kernel.cuh"
#include "inx/cuda/launch.cuh"
#include "inx/cuda/reduce.cuh"
#include "inx/tensor/conv.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

inline void check_cudnn(cudnnStatus_t status, const char* what) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  throw device_error(detail::msg("cuda: ", what, " failed: ", cudnnGetErrorString(status)));
}

// One cuDNN descriptor, created on construction and destroyed with it.
template <class T, cudnnStatus_t (*Create)(T*), cudnnStatus_t (*Destroy)(T)>
class CudnnDescriptor {
 public:
  CudnnDescriptor() { check_cudnn(Create(&d_), "cuDNN descriptor creation"); }
  CudnnDescriptor(const CudnnDescriptor&) = delete;
  CudnnDescriptor& operator=(const CudnnDescriptor&) = delete;
  ~CudnnDescriptor() { (void)Destroy(d_); }
  T get() const noexcept { return d_; }

 private:
  T d_ = nullptr;
};
using CudnnTensor = CudnnDescriptor<cudnnTensorDescriptor_t, cudnnCreateTensorDescriptor, cudnnDestroyTensorDescriptor>;
using CudnnFilter = CudnnDescriptor<cudnnFilterDescriptor_t, cudnnCreateFilterDescriptor, cudnnDestroyFilterDescriptor>;
using CudnnConv =
    CudnnDescriptor<cudnnConvolutionDescriptor_t, cudnnCreateConvolutionDescriptor, cudnnDestroyConvolutionDescriptor>;

// What cuDNN is asked to convolve: the input as cuDNN sees it (explicitly padded when the padding is asymmetric) and
// the symmetric padding cuDNN applies itself.
struct CudnnConvShape {
  std::size_t h, w;          // cuDNN's input height and width
  std::size_t pad_h, pad_w;  // cuDNN's padding, both sides
  bool padded_copy;          // the input is copied into an (n, c, h, w) buffer with the geometry's padding
};
inline CudnnConvShape cudnn_conv_shape(const ops::Conv2dGeometry& g) {
  if (g.pad_top == g.pad_bottom && g.pad_left == g.pad_right) return {g.h, g.w, g.pad_top, g.pad_left, false};
  return {g.h + g.pad_top + g.pad_bottom, g.w + g.pad_left + g.pad_right, 0, 0, true};
}

// x (planes of h x w) into xp (planes of (h + top + bottom) x (w + left + right)), zeros around.
struct PadPlanes {
  std::size_t h, w, ph, pw, top, left;
  const float* x;
  float* xp;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t ox = i % pw, oy = (i / pw) % ph, pl = i / (pw * ph);
    const long iy = long(oy) - long(top), ix = long(ox) - long(left);
    xp[i] = iy >= 0 && ix >= 0 && iy < long(h) && ix < long(w) ? x[(pl * h + std::size_t(iy)) * w + std::size_t(ix)]
                                                               : 0.0f;
  }
};
// The inverse: dx (planes of h x w) from the interior of dxp.
struct CropPlanes {
  std::size_t h, w, ph, pw, top, left;
  const float* dxp;
  float* dx;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t x = i % w, y = (i / w) % h, pl = i / (w * h);
    dx[i] = dxp[(pl * ph + y + top) * pw + x + left];
  }
};

// Descriptors for one geometry. Setting them up is host work that needs no GPU.
struct CudnnConvDescriptors {
  CudnnTensor x, y;
  CudnnFilter w;
  CudnnConv conv;
  CudnnConvShape shape;
  explicit CudnnConvDescriptors(const ops::Conv2dGeometry& g, bool tf32 = false) : shape(cudnn_conv_shape(g)) {
    auto i = [](std::size_t v) { return static_cast<int>(v); };
    check_cudnn(cudnnSetTensor4dDescriptor(x.get(), CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, i(g.n), i(g.c), i(shape.h),
                                           i(shape.w)),
                "cudnnSetTensor4dDescriptor (input)");
    check_cudnn(cudnnSetFilter4dDescriptor(w.get(), CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, i(g.o), i(g.c / g.p.groups),
                                           i(g.kh), i(g.kw)),
                "cudnnSetFilter4dDescriptor");
    check_cudnn(cudnnSetConvolution2dDescriptor(conv.get(), i(shape.pad_h), i(shape.pad_w), i(g.p.stride_h),
                                                i(g.p.stride_w), i(g.p.dilation_h), i(g.p.dilation_w),
                                                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                "cudnnSetConvolution2dDescriptor");
    check_cudnn(cudnnSetConvolutionGroupCount(conv.get(), i(g.p.groups)), "cudnnSetConvolutionGroupCount");
    check_cudnn(cudnnSetConvolutionMathType(conv.get(), tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH),
                "cudnnSetConvolutionMathType");
    check_cudnn(cudnnSetTensor4dDescriptor(y.get(), CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, i(g.n), i(g.o), i(g.oh),
                                           i(g.ow)),
                "cudnnSetTensor4dDescriptor (output)");
  }
  // cuDNN's own output size for these descriptors: (n, o, oh, ow).
  std::tuple<int, int, int, int> output_dims() const {
    int n = 0, c = 0, h = 0, w_ = 0;
    check_cudnn(cudnnGetConvolution2dForwardOutputDim(conv.get(), x.get(), w.get(), &n, &c, &h, &w_),
                "cudnnGetConvolution2dForwardOutputDim");
    return {n, c, h, w_};
  }
};

struct CudnnHandleTraits {
  static cudnnHandle_t create() {
    cudnnHandle_t h = nullptr;
    check_cudnn(cudnnCreate(&h), "cudnnCreate");
    return h;
  }
  static void destroy(cudnnHandle_t h) noexcept { (void)cudnnDestroy(h); }
};
// The calling thread's handle for its current GPU (on the legacy default stream, as every inx kernel).
inline cudnnHandle_t cudnn_handle() {
  thread_local PerDeviceHandles<cudnnHandle_t, CudnnHandleTraits> handles;
  return handles.get(cuda::current_device());
}

// Largest workspace an algorithm may ask for.
inline constexpr std::size_t kConvWorkspaceLimit = std::size_t(512) << 20;

enum class cudnn_pass { forward, backward_data, backward_filter };

// The first deterministic algorithm in cuDNN's heuristic order that succeeded and fits the workspace limit.
template <class Perf, class Get>
Perf pick_algorithm(Get get, const char* what) {
  constexpr int kMax = 16;
  Perf perf[kMax];
  int count = 0;
  check_cudnn(get(kMax, &count, perf), what);
  for (int k = 0; k < count; ++k)
    if (perf[k].status == CUDNN_STATUS_SUCCESS && perf[k].determinism == CUDNN_DETERMINISTIC &&
        perf[k].memory <= kConvWorkspaceLimit)
      return perf[k];
  throw device_error(detail::msg("cuda: ", what, ": no deterministic cuDNN algorithm fits a workspace of ",
                                 kConvWorkspaceLimit >> 20, " MiB"));
}

struct CudnnAlgorithm {
  int algo;
  std::size_t workspace;
};

// Chosen once per (geometry, pass) and thread.
inline CudnnAlgorithm cudnn_algorithm(const ops::Conv2dGeometry& g, cudnn_pass pass, const CudnnConvDescriptors& d) {
  struct Key {
    ops::Conv2dGeometry g;
    cudnn_pass pass;
    int device;
    bool operator<(const Key& o) const {
      auto t = [](const Key& k) {
        return std::tuple(k.g.n, k.g.c, k.g.h, k.g.w, k.g.o, k.g.kh, k.g.kw, k.g.p.stride_h, k.g.p.stride_w,
                          k.g.p.dilation_h, k.g.p.dilation_w, k.g.p.groups, k.g.pad_top, k.g.pad_bottom,
                          k.g.pad_left, k.g.pad_right, int(k.pass), k.device);
      };
      return t(*this) < t(o);
    }
  };
  thread_local std::map<Key, CudnnAlgorithm> chosen;
  const Key key{g, pass, cuda::current_device()};
  if (auto it = chosen.find(key); it != chosen.end()) return it->second;
  const auto h = cudnn_handle();
  CudnnAlgorithm a{};
  switch (pass) {
    case cudnn_pass::forward: {
      const auto p = pick_algorithm<cudnnConvolutionFwdAlgoPerf_t>(
          [&](int n, int* c, cudnnConvolutionFwdAlgoPerf_t* r) {
            return cudnnGetConvolutionForwardAlgorithm_v7(h, d.x.get(), d.w.get(), d.conv.get(), d.y.get(), n, c, r);
          },
          "cudnnGetConvolutionForwardAlgorithm_v7");
      a = {int(p.algo), p.memory};
      break;
    }
    case cudnn_pass::backward_data: {
      const auto p = pick_algorithm<cudnnConvolutionBwdDataAlgoPerf_t>(
          [&](int n, int* c, cudnnConvolutionBwdDataAlgoPerf_t* r) {
            return cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w.get(), d.y.get(), d.conv.get(), d.x.get(), n, c,
                                                               r);
          },
          "cudnnGetConvolutionBackwardDataAlgorithm_v7");
      a = {int(p.algo), p.memory};
      break;
    }
    case cudnn_pass::backward_filter: {
      const auto p = pick_algorithm<cudnnConvolutionBwdFilterAlgoPerf_t>(
          [&](int n, int* c, cudnnConvolutionBwdFilterAlgoPerf_t* r) {
            return cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, d.x.get(), d.y.get(), d.conv.get(), d.w.get(), n,
                                                                 c, r);
          },
          "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
      a = {int(p.algo), p.memory};
      break;
    }
  }
  chosen.emplace(key, a);
  return a;
}

// The input as cuDNN is to see it: x itself, or a zero-padded copy of it when the padding is asymmetric.
class ConvInput {
 public:
  ConvInput(const ops::Conv2dGeometry& g, const CudnnConvShape& s, const float* x)
      : copy_(s.padded_copy ? g.n * g.c * s.h * s.w : 0), x_(x) {
    if (!s.padded_copy) return;
    for_each_index(g.n * g.c * s.h * s.w, PadPlanes{g.h, g.w, s.h, s.w, g.pad_top, g.pad_left, x, copy_.data()},
                   "kernel launch (conv2d input padding)");
    x_ = copy_.data();
  }
  const float* data() const noexcept { return x_; }

 private:
  DeviceExec::Scratch<float> copy_;
  const float* x_;
};

}  // namespace cuda_detail

template <>
struct conv2d_kernel<cuda> {
  static void forward(const ops::Conv2dGeometry& g, const float* x, const float* w, const float* bias, float* y) {
    namespace cd = cuda_detail;
    const cd::CudnnConvDescriptors d(g, cd::allow_tf32());
    const auto& s = d.shape;
    const cd::ConvInput in(g, s, x);
    const auto a = cd::cudnn_algorithm(g, cd::cudnn_pass::forward, d);
    cd::DeviceExec::Scratch<char> ws(a.workspace);
    const float one = 1.0f, zero = 0.0f;
    cd::check_cudnn(cudnnConvolutionForward(cd::cudnn_handle(), &one, d.x.get(), in.data(),
                                            d.w.get(), w, d.conv.get(), cudnnConvolutionFwdAlgo_t(a.algo), ws.data(),
                                            a.workspace, &zero, d.y.get(), y),
                    "cudnnConvolutionForward");
    if (bias) elementwise_kernel<cuda>::add_channel_bias(g.n, g.o, g.oh * g.ow, bias, y);
  }
  static void backward_data(const ops::Conv2dGeometry& g, const float* dy, const float* w, float* dx) {
    namespace cd = cuda_detail;
    const cd::CudnnConvDescriptors d(g, cd::allow_tf32());
    const auto& s = d.shape;
    cd::DeviceExec::Scratch<float> dxp(s.padded_copy ? g.n * g.c * s.h * s.w : 0);
    const auto a = cd::cudnn_algorithm(g, cd::cudnn_pass::backward_data, d);
    cd::DeviceExec::Scratch<char> ws(a.workspace);
    const float one = 1.0f, zero = 0.0f;
    cd::check_cudnn(cudnnConvolutionBackwardData(cd::cudnn_handle(), &one, d.w.get(), w, d.y.get(), dy, d.conv.get(),
                                                 cudnnConvolutionBwdDataAlgo_t(a.algo), ws.data(), a.workspace, &zero,
                                                 d.x.get(), s.padded_copy ? dxp.data() : dx),
                    "cudnnConvolutionBackwardData");
    if (s.padded_copy)
      cd::for_each_index(g.n * g.c * g.h * g.w, cd::CropPlanes{g.h, g.w, s.h, s.w, g.pad_top, g.pad_left, dxp.data(), dx},
                         "kernel launch (conv2d gradient crop)");
  }
  static void backward_weights(const ops::Conv2dGeometry& g, const float* x, const float* dy, float* dw,
                               float* dbias) {
    namespace cd = cuda_detail;
    const cd::CudnnConvDescriptors d(g, cd::allow_tf32());
    const auto& s = d.shape;
    const cd::ConvInput in(g, s, x);
    const auto a = cd::cudnn_algorithm(g, cd::cudnn_pass::backward_filter, d);
    cd::DeviceExec::Scratch<char> ws(a.workspace);
    const float one = 1.0f, zero = 0.0f;
    cd::check_cudnn(cudnnConvolutionBackwardFilter(cd::cudnn_handle(), &one, d.x.get(), in.data(),
                                                   d.y.get(), dy, d.conv.get(),
                                                   cudnnConvolutionBwdFilterAlgo_t(a.algo), ws.data(), a.workspace,
                                                   &zero, d.w.get(), dw),
                    "cudnnConvolutionBackwardFilter");
    if (dbias) reduce_kernel<cuda>::channel_sum(g.n, g.o, g.oh * g.ow, dy, dbias);
  }
};

INX_END_NAMESPACE
