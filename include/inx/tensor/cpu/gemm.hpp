// CPU sgemm through oneDNN (row-major dnnl_sgemm), which runs its own OpenMP threads over all cores.
#pragma once

#include <oneapi/dnnl/dnnl.h>

#include "inx/tensor/gemm.hpp"

INX_BEGIN_NAMESPACE

template <>
struct gemm_kernel<cpu> {
  static void run(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
                  const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc) {
    const auto st = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', static_cast<dnnl_dim_t>(m),
                               static_cast<dnnl_dim_t>(n), static_cast<dnnl_dim_t>(k), alpha, a,
                               static_cast<dnnl_dim_t>(lda), b, static_cast<dnnl_dim_t>(ldb), beta, c,
                               static_cast<dnnl_dim_t>(ldc));
    require<shape_error>(st == dnnl_success, "gemm: oneDNN rejected m=", m, " n=", n, " k=", k, " lda=", lda,
                         " ldb=", ldb, " ldc=", ldc, " (status ", static_cast<int>(st), ")");
  }
};

INX_END_NAMESPACE
