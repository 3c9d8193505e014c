// Device-neutral reductions on float tensors: per-row sum/mean/max/min/argmax and (log-)softmax of a 2-D view,
// whole-tensor sum/mean, dot product and Euclidean norm, the spatial mean of NCHW maps (N,C,H,W) -> (N,C) and the
// per-channel sum over (N,H,W) that batch-norm and bias gradients need. Sums accumulate in double.
// Each device specialises reduce_kernel<D> (CPU: tensor/cpu/reduce.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace ops {
enum class row_reduction { sum, mean, max, min };
}  // namespace ops

// Specialised per device with
//   static void rows(ops::row_reduction, size_t rows, size_t cols, const float* x, float* out);
//   static void argmax_rows(size_t rows, size_t cols, const float* x, std::int64_t* out);
//   static void softmax_rows(bool log, size_t rows, size_t cols, const float* x, float* y);
//   static double sum(size_t n, const float* x);
//   static double dot(size_t n, const float* a, const float* b);
//   static void mean_planes(size_t planes, size_t plane, const float* x, float* out);
//   static void channel_sum(size_t outer, size_t c, size_t inner, const float* x, float* out);
// Scalar results come back to the host.
template <Device D>
struct reduce_kernel;

namespace ops {

namespace detail {
inline void require_rows(const char* what, const Shape& x, const Shape& out, bool need_cols) {
  require<shape_error>(x.rank() == 2 && out.rank() == 1 && out[0] == x[0] && (!need_cols || x[1] >= 1), what,
                       ": expected a 2-D input (rows, cols", need_cols ? " >= 1" : "", ") and a 1-D output (rows,), got ",
                       x.str(), " and ", out.str());
}
}  // namespace detail

template <Device D>
void reduce_rows(row_reduction r, TensorView<const float, D> x, TensorView<float, D> out) {
  const bool need_cols = r != row_reduction::sum;  // the mean, max and min of nothing are undefined
  detail::require_rows("reduce_rows", x.shape(), out.shape(), need_cols);
  if (out.empty()) return;
  reduce_kernel<D>::rows(r, x.dim(0), x.dim(1), x.data(), out.data());
}
template <Device D>
void sum_rows(TensorView<const float, D> x, TensorView<float, D> out) {
  reduce_rows<D>(row_reduction::sum, x, out);
}
template <Device D>
void mean_rows(TensorView<const float, D> x, TensorView<float, D> out) {
  reduce_rows<D>(row_reduction::mean, x, out);
}
template <Device D>
void max_rows(TensorView<const float, D> x, TensorView<float, D> out) {
  reduce_rows<D>(row_reduction::max, x, out);
}
template <Device D>
void min_rows(TensorView<const float, D> x, TensorView<float, D> out) {
  reduce_rows<D>(row_reduction::min, x, out);
}
// Index of the largest value of each row (the first one on ties; a NaN counts as largest, as in PyTorch).
template <Device D>
void argmax_rows(TensorView<const float, D> x, TensorView<std::int64_t, D> out) {
  detail::require_rows("argmax_rows", x.shape(), out.shape(), true);
  if (out.empty()) return;
  reduce_kernel<D>::argmax_rows(x.dim(0), x.dim(1), x.data(), out.data());
}

// y = softmax of each row of x, computed as exp(x - max) / sum so large logits do not overflow.
template <Device D>
void softmax_rows(TensorView<const float, D> x, TensorView<float, D> y) {
  require<shape_error>(x.rank() == 2 && x.shape() == y.shape() && x.dim(1) >= 1,
                       "softmax_rows: expected equal 2-D shapes with at least one column, got ", x.shape().str(),
                       " and ", y.shape().str());
  if (x.empty()) return;
  reduce_kernel<D>::softmax_rows(false, x.dim(0), x.dim(1), x.data(), y.data());
}
// y = x - max - log(sum(exp(x - max))) per row.
template <Device D>
void log_softmax_rows(TensorView<const float, D> x, TensorView<float, D> y) {
  require<shape_error>(x.rank() == 2 && x.shape() == y.shape() && x.dim(1) >= 1,
                       "log_softmax_rows: expected equal 2-D shapes with at least one column, got ", x.shape().str(),
                       " and ", y.shape().str());
  if (x.empty()) return;
  reduce_kernel<D>::softmax_rows(true, x.dim(0), x.dim(1), x.data(), y.data());
}

// Sum of all elements (0 for an empty tensor).
template <Device D>
float sum(TensorView<const float, D> x) {
  return static_cast<float>(reduce_kernel<D>::sum(x.size(), x.data()));
}
template <Device D>
float mean(TensorView<const float, D> x) {
  require<shape_error>(!x.empty(), "mean: expected a non-empty tensor, got ", x.shape().str());
  return static_cast<float>(reduce_kernel<D>::sum(x.size(), x.data()) / double(x.size()));
}
template <Device D>
float dot(TensorView<const float, D> a, TensorView<const float, D> b) {
  require<shape_error>(a.shape() == b.shape(), "dot: shapes ", a.shape().str(), " and ", b.shape().str(), " differ");
  return static_cast<float>(reduce_kernel<D>::dot(a.size(), a.data(), b.data()));
}
// Euclidean norm of all elements.
template <Device D>
float norm2(TensorView<const float, D> x) {
  return static_cast<float>(std::sqrt(reduce_kernel<D>::dot(x.size(), x.data(), x.data())));
}

// out[n, c] = mean of x[n, c, :, :] (global average pooling; Grad-CAM's channel weights).
template <Device D>
void mean_hw(TensorView<const float, D> x, TensorView<float, D> out) {
  require<shape_error>(x.rank() == 4 && out.rank() == 2 && out.dim(0) == x.dim(0) && out.dim(1) == x.dim(1) &&
                           x.dim(2) * x.dim(3) >= 1,
                       "mean_hw: expected input (N,C,H,W) with H*W >= 1 and output (N,C), got ", x.shape().str(),
                       " and ", out.shape().str());
  if (out.empty()) return;
  reduce_kernel<D>::mean_planes(x.dim(0) * x.dim(1), x.dim(2) * x.dim(3), x.data(), out.data());
}

// out[c] = sum of x[:, c, ...] over every other dimension; x is (N, C, ...) and out (C,).
template <Device D>
void sum_channels(TensorView<const float, D> x, TensorView<float, D> out) {
  require<shape_error>(x.rank() >= 2 && out.rank() == 1 && out.dim(0) == x.dim(1), "sum_channels: expected input ",
                       "(N, C, ...) and output (C,), got ", x.shape().str(), " and ", out.shape().str());
  std::size_t inner = 1;
  for (std::size_t i = 2; i < x.rank(); ++i) inner *= x.dim(i);
  if (out.empty()) return;
  reduce_kernel<D>::channel_sum(x.dim(0), x.dim(1), inner, x.data(), out.data());
}

}  // namespace ops
INX_END_NAMESPACE

#include "inx/tensor/cpu/reduce.hpp"
