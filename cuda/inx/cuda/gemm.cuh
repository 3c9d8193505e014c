// CUDA sgemm through cuBLAS for ops::gemm / ops::matmul on Tensor<float, inx::cuda>.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>

#include "inx/cuda/cublas.cuh"
#include "inx/cuda/device.cuh"
#include "inx/tensor/gemm.hpp"

INX_BEGIN_NAMESPACE

// cuBLAS is column-major. A row-major matrix with leading dimension ld is the column-major transpose with the same
// ld, so row-major C = op(A) op(B) is computed as column-major C^T = op(B)^T op(A)^T: swap the operands and m/n,
// keep each operand's own transpose flag.
template <>
struct gemm_kernel<cuda> {
  static void run(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    constexpr std::size_t kMax = static_cast<std::size_t>(std::numeric_limits<int>::max());
    require<shape_error>(m <= kMax && n <= kMax && k <= kMax && lda <= kMax && ldb <= kMax && ldc <= kMax,
                         "gemm (cuda): m=", m, " n=", n, " k=", k, " lda=", lda, " ldb=", ldb, " ldc=", ldc,
                         " exceed cuBLAS's 32-bit int sizes");
    // cuBLAS wants leading dimensions >= 1 even when an operand is empty (k == 0).
    const auto ld = [](std::size_t v) { return static_cast<int>(std::max<std::size_t>(v, 1)); };
    cuda_detail::check_cublas(cublasSgemm(cuda_detail::cublas_handle(), trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                          trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m),
                                          static_cast<int>(k), &alpha, b, ld(ldb), a, ld(lda), &beta, c, ld(ldc)),
                              "cublasSgemm");
  }
};

INX_END_NAMESPACE
