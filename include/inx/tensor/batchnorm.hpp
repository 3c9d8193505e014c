// Device-neutral batch normalisation in training mode, fused: the forward computes per-channel batch statistics and
// writes the normalised input and the output in one call, the backward computes gamma/beta gradients and the input
// gradient in one call. Unfused, a training step ran ~13 short passes (and parallel regions) per batch-norm layer;
// under a shared machine's load every extra OpenMP barrier costs a time slice. Tensors are (N, C, ...) with
// per-channel vectors of C values. Each device specialises batchnorm_kernel<D> (CPU: tensor/cpu/batchnorm.hpp).
#pragma once

#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE

// Specialised per device with
//   static void train_forward(size_t outer, size_t c, size_t inner, const float* x, const float* gamma,
//                             const float* beta, float eps, float* y, float* xhat, float* mean, float* var,
//                             float* inv_std);     // var is the biased batch variance
//   static void train_backward(size_t outer, size_t c, size_t inner, const float* dy, const float* xhat,
//                              const float* gamma, const float* inv_std, float* dx, float* dgamma, float* dbeta);
// where a tensor is outer x c x inner (N, C, H*W); y may alias x and dx may alias dy.
template <Device D>
struct batchnorm_kernel;

namespace ops {

namespace detail {
struct BatchNormSplit {
  std::size_t outer, c, inner;
};
inline BatchNormSplit batchnorm_split(const char* what, const Shape& x, std::initializer_list<Shape> same,
                                      std::initializer_list<Shape> vectors) {
  require<shape_error>(x.rank() >= 2, what, ": expected (N, C, ...), got ", x.str());
  for (const auto& s : same) require<shape_error>(s == x, what, ": shapes ", x.str(), " and ", s.str(), " differ");
  for (const auto& v : vectors)
    require<shape_error>(v == Shape{x[1]}, what, ": expected a per-channel vector (", x[1], ",), got ", v.str());
  std::size_t inner = 1;
  for (std::size_t i = 2; i < x.rank(); ++i) inner *= x[i];
  require<shape_error>(x[0] * inner > 1, what, ": training needs more than one value per channel, got ", x.str());
  return {x[0], x[1], inner};
}
}  // namespace detail

// y = gamma * xhat + beta with xhat = (x - mean) / sqrt(var + eps), mean and biased var over (N, H, W) per channel.
// Writes y, xhat (kept for backward), mean, var and inv_std = 1 / sqrt(var + eps). y may alias x.
template <Device D>
void batch_norm_train_forward(TensorView<const float, D> x, TensorView<const float, D> gamma,
                              TensorView<const float, D> beta, float eps, TensorView<float, D> y,
                              TensorView<float, D> xhat, TensorView<float, D> mean, TensorView<float, D> var,
                              TensorView<float, D> inv_std) {
  require<value_error>(eps > 0, "batch_norm_train_forward: expected eps > 0, got ", eps);
  const auto s = detail::batchnorm_split("batch_norm_train_forward", x.shape(), {y.shape(), xhat.shape()},
                                         {gamma.shape(), beta.shape(), mean.shape(), var.shape(), inv_std.shape()});
  batchnorm_kernel<D>::train_forward(s.outer, s.c, s.inner, x.data(), gamma.data(), beta.data(), eps, y.data(),
                                     xhat.data(), mean.data(), var.data(), inv_std.data());
}

// The gradients of a training-mode batch norm: dbeta = sum(dy), dgamma = sum(dy * xhat) per channel, and
// dx = gamma * inv_std / M * (M * dy - dbeta - xhat * dgamma) with M = N*H*W. dx may alias dy.
template <Device D>
void batch_norm_train_backward(TensorView<const float, D> dy, TensorView<const float, D> xhat,
                               TensorView<const float, D> gamma, TensorView<const float, D> inv_std,
                               TensorView<float, D> dx, TensorView<float, D> dgamma, TensorView<float, D> dbeta) {
  const auto s = detail::batchnorm_split("batch_norm_train_backward", dy.shape(), {xhat.shape(), dx.shape()},
                                         {gamma.shape(), inv_std.shape(), dgamma.shape(), dbeta.shape()});
  batchnorm_kernel<D>::train_backward(s.outer, s.c, s.inner, dy.data(), xhat.data(), gamma.data(), inv_std.data(),
                                      dx.data(), dgamma.data(), dbeta.data());
}

}  // namespace ops
INX_END_NAMESPACE

#include "inx/tensor/cpu/batchnorm.hpp"
