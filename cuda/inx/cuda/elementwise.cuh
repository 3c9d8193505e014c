// Elementwise CUDA kernels and the pattern for writing more: a functor with an INX_HOST_DEVICE operator() applied by
// one grid-stride kernel (transform), so each new operation is a few lines and the same functor can serve the CPU.
#pragma once

#include <algorithm>
#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/cuda/device.cuh"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

template <class Op, class... In>
__global__ void transform_kernel(std::size_t n, float* y, Op op, const In*... in) {
  const std::size_t stride = std::size_t(blockDim.x) * gridDim.x;
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) y[i] = op(in[i]...);
}

// y[i] = op(in[i]...) for i < n, on the legacy default stream (ordered with inx's copies and cuBLAS calls).
// Blocks are capped: the grid-stride loop covers the rest, and 4096 blocks of 256 fill any current GPU.
template <class Op, class... In>
void transform(std::size_t n, float* y, Op op, const In*... in) {
  if (n == 0) return;
  constexpr std::size_t kThreads = 256, kMaxBlocks = 4096;
  const auto blocks = static_cast<unsigned>(std::min((n + kThreads - 1) / kThreads, kMaxBlocks));
  transform_kernel<<<blocks, kThreads>>>(n, y, op, in...);
  check(cudaGetLastError(), "kernel launch (transform)");
}

struct relu_op {
  INX_HOST_DEVICE float operator()(float x) const { return x > 0.0f ? x : 0.0f; }
};
// Gradient of relu: passes dy where the forward input was positive.
struct relu_backward_op {
  INX_HOST_DEVICE float operator()(float x, float dy) const { return x > 0.0f ? dy : 0.0f; }
};
struct add_op {
  INX_HOST_DEVICE float operator()(float a, float b) const { return a + b; }
};

}  // namespace cuda_detail

namespace cuda_ops {

// y = max(x, 0); y may be x.
inline void relu(TensorView<const float, cuda> x, TensorView<float, cuda> y) {
  require_same_shape(x.shape(), y.shape(), "relu (cuda)");
  cuda_detail::transform(x.size(), y.data(), cuda_detail::relu_op{}, x.data());
}

// dx = dy where x > 0, else 0; dx may be dy.
inline void relu_backward(TensorView<const float, cuda> x, TensorView<const float, cuda> dy,
                          TensorView<float, cuda> dx) {
  require_same_shape(x.shape(), dy.shape(), "relu_backward (cuda) x and dy");
  require_same_shape(x.shape(), dx.shape(), "relu_backward (cuda) x and dx");
  cuda_detail::transform(x.size(), dx.data(), cuda_detail::relu_backward_op{}, x.data(), dy.data());
}

// y = a + b; y may be a or b.
inline void add(TensorView<const float, cuda> a, TensorView<const float, cuda> b, TensorView<float, cuda> y) {
  require_same_shape(a.shape(), b.shape(), "add (cuda) a and b");
  require_same_shape(a.shape(), y.shape(), "add (cuda) a and y");
  cuda_detail::transform(a.size(), y.data(), cuda_detail::add_op{}, a.data(), b.data());
}

}  // namespace cuda_ops
INX_END_NAMESPACE
