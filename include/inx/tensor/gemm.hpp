// Device-neutral matrix multiply: C = alpha * op(A) * op(B) + beta * C on row-major float matrices. The kernel for
// each device is a specialisation of gemm_kernel<D> (CPU: oneDNN, in tensor/cpu/gemm.hpp; CUDA: cuBLAS, in cuda/).
#pragma once

#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE

// Specialised per device with
//   static void run(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a,
//                   size_t lda, const float* b, size_t ldb, float beta, float* c, size_t ldc);
template <Device D>
struct gemm_kernel;

namespace ops {

// BLAS-style row-major sgemm on raw device pointers. op(A) is m x k, op(B) is k x n, C is m x n.
template <Device D>
void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
          std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  gemm_kernel<D>::run(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// C = alpha * op(A) * op(B) + beta * C for 2-D views; shapes are checked.
template <Device D>
void matmul(TensorView<const float, D> a, TensorView<const float, D> b, TensorView<float, D> c, bool trans_a = false,
            bool trans_b = false, float alpha = 1.0f, float beta = 0.0f) {
  require<shape_error>(a.rank() == 2 && b.rank() == 2 && c.rank() == 2, "matmul: expected 2-D operands, got ",
                       a.shape().str(), ", ", b.shape().str(), ", ", c.shape().str());
  const std::size_t m = trans_a ? a.dim(1) : a.dim(0), k = trans_a ? a.dim(0) : a.dim(1);
  const std::size_t kb = trans_b ? b.dim(1) : b.dim(0), n = trans_b ? b.dim(0) : b.dim(1);
  require<shape_error>(k == kb && c.dim(0) == m && c.dim(1) == n, "matmul: op(A) ", m, "x", k, " times op(B) ", kb,
                       "x", n, " does not fit C ", c.shape().str());
  gemm<D>(trans_a, trans_b, m, n, k, alpha, a.data(), a.dim(1), b.data(), b.dim(1), beta, c.data(), c.dim(1));
}

// A new m x n tensor holding op(A) * op(B).
template <Device D>
Tensor<float, D> matmul(TensorView<const float, D> a, TensorView<const float, D> b, bool trans_a = false,
                        bool trans_b = false) {
  require<shape_error>(a.rank() == 2 && b.rank() == 2, "matmul: expected 2-D operands, got ", a.shape().str(), ", ",
                       b.shape().str());
  const std::size_t k = trans_a ? a.dim(0) : a.dim(1), kb = trans_b ? b.dim(1) : b.dim(0);
  require<shape_error>(k == kb, "matmul: op(A) of ", a.shape().str(), " and op(B) of ", b.shape().str(),
                       " have inner dimensions ", k, " and ", kb);
  auto c = Tensor<float, D>::uninitialized({trans_a ? a.dim(1) : a.dim(0), trans_b ? b.dim(0) : b.dim(1)});
  matmul<D>(a, b, c.view(), trans_a, trans_b);
  return c;
}

}  // namespace ops
INX_END_NAMESPACE

#include "inx/tensor/cpu/gemm.hpp"
