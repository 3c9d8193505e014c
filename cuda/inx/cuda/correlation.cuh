// The Pearson correlation matrix of the rows of a GPU matrix (cluster::correlation_matrix on inx::cuda), as the CPU
// computes it (cluster/correlation.hpp): each row centred and scaled to unit norm (a row whose spread is at rounding
// level of its values is constant and becomes zeros: it correlates with nothing), one SYRK of the unit rows (half a
// GEMM's work), the lower triangle mirrored into the upper one and clamped to [-1, 1], ones on the diagonal. Row
// statistics are strand reductions in double (reduce.cuh); the steps are a template on the executor, so the tests run
// them on the host (with the CPU's GEMM) against the CPU's matrix. On the GPU, the matrix stays in GPU memory.
#pragma once

#include <cmath>
#include <cstddef>

#include "inx/cuda/device.cuh"
#include "inx/cuda/elementwise_kernel.cuh"
#include "inx/cuda/launch.cuh"
#include "inx/cuda/reduce.cuh"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

struct RowDeviationLoad {  // (x - mean)^2 of row s in double
  const float* x;
  std::size_t cols;
  const double* sums;  // row sums
  INX_HOST_DEVICE double operator()(std::size_t s, std::size_t j) const {
    const double d = double(x[s * cols + j]) - sums[s] / double(cols);
    return d * d;
  }
};
struct RowMagnitudeLoad {
  const float* x;
  std::size_t cols;
  INX_HOST_DEVICE double operator()(std::size_t s, std::size_t j) const {
    const double v = x[s * cols + j];
    return v < 0 ? -v : v;
  }
};
// z = (x - mean) * scale per row, scale = 1 / sqrt(ss), or 0 for a constant row.
struct UnitRows {
  std::size_t cols;
  const float* x;
  const double *sums, *ss, *maxabs;
  float* z;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t r = i / cols;
    const double mean = sums[r] / double(cols), s = ss[r];
    const double scale = s > 0 && ::sqrt(s / double(cols)) > 1e-6 * maxabs[r] ? 1.0 / ::sqrt(s) : 0.0;
    z[i] = float((double(x[i]) - mean) * scale);
  }
};
// c[i][j] for j > i from c[j][i]; every value clamped to [-1, 1]; the diagonal 1. In place: only the lower triangle is
// read, and clamping it twice changes nothing.
struct MirrorLowerClamped {
  std::size_t n;
  float* c;
  INX_HOST_DEVICE void operator()(std::size_t k) const {
    const std::size_t i = k / n, j = k % n;
    if (i == j) {
      c[k] = 1.0f;
      return;
    }
    const float v = i > j ? c[k] : c[j * n + i];
    c[k] = v < -1.0f ? -1.0f : v > 1.0f ? 1.0f : v;
  }
};

// The n x n correlation matrix of x (n rows of d) into c, on executor ex.
template <class Exec>
void correlation_matrix(const Exec& ex, std::size_t n, std::size_t d, const float* x, float* c) {
  if (n == 0) return;
  auto sums = ex.template scratch<double>(n), ss = ex.template scratch<double>(n), mx = ex.template scratch<double>(n);
  auto z = ex.template scratch<float>(n * d);
  segment_sums(ex, n, d, RowLoad{x, d}, sums.data(), "kernel launch (correlation: row sums)");
  segment_sums(ex, n, d, RowDeviationLoad{x, d, sums.data()}, ss.data(), "kernel launch (correlation: row spread)");
  segment_reduce<MaxOfNonNegative>(ex, n, d, RowMagnitudeLoad{x, d}, mx.data(),
                                   "kernel launch (correlation: row magnitude)");
  ex.run(n * d, UnitRows{d, x, sums.data(), ss.data(), mx.data(), z.data()}, "kernel launch (correlation: unit rows)");
  ex.gram_lower(n, d, z.data(), c);
  ex.run(n * n, MirrorLowerClamped{n, c}, "kernel launch (correlation: mirror)");
}

}  // namespace cuda_detail

namespace cluster {

// The n x n Pearson correlation matrix of the rows of a GPU matrix, in GPU memory (cluster::correlation_matrix of a
// host matrix is the CPU's).
inline Tensor<float, cuda> correlation_matrix(TensorView<const float, cuda> x) {
  require<shape_error>(x.rank() == 2, "correlation: expected a 2-D matrix (rows x features), got shape ",
                       x.shape().str());
  require<shape_error>(x.dim(0) >= 1 && x.dim(1) >= 1,
                       "correlation: expected at least one row and one column, got shape ", x.shape().str());
  require<value_error>(ops::all_finite<cuda>(x), "correlation: the matrix holds NaN or Inf");
  const std::size_t n = x.dim(0), d = x.dim(1);
  auto c = Tensor<float, cuda>::uninitialized({n, n});
  cuda_detail::correlation_matrix(cuda_detail::DeviceExec{}, n, d, x.data(), c.data());
  return c;
}

}  // namespace cluster
INX_END_NAMESPACE
