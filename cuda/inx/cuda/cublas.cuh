// cuBLAS handles for inx's CUDA kernels: one per thread and GPU, created on first use, since a handle is tied to the
// device that was current when it was made and is not meant to be used by two threads at once.
#pragma once

#include <cublas_v2.h>

#include "inx/core/error.hpp"
#include "inx/cuda/device.cuh"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

inline void check_cublas(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw device_error(
      detail::msg("cuda: ", what, " failed: ", cublasGetStatusName(status), " (", cublasGetStatusString(status), ")"));
}

struct CublasHandleTraits {
  static cublasHandle_t create() {
    cublasHandle_t h = nullptr;
    check_cublas(cublasCreate(&h), "cublasCreate");
    return h;
  }
  static void destroy(cublasHandle_t h) noexcept { (void)cublasDestroy(h); }
};

// The calling thread's handle for its current GPU.
// Its maths mode follows cuda::tf32_allowed() at each call.
inline cublasHandle_t cublas_handle() {
  thread_local PerDeviceHandles<cublasHandle_t, CublasHandleTraits> handles;
  const auto h = handles.get(cuda::current_device());
  check_cublas(cublasSetMathMode(h, allow_tf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
               "cublasSetMathMode");
  return h;
}

}  // namespace cuda_detail
INX_END_NAMESPACE
