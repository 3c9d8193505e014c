// cuBLAS handles for inx's CUDA kernels: one per thread and GPU, created on first use, since a handle is tied to the
// device that was current when it was made and is not meant to be used by two threads at once.
#pragma once

#include <cublas_v2.h>

#include <unordered_map>

#include "inx/core/error.hpp"
#include "inx/cuda/device.cuh"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

inline void check_cublas(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw device_error(
      detail::msg("cuda: ", what, " failed: ", cublasGetStatusName(status), " (", cublasGetStatusString(status), ")"));
}

class CublasHandles {
 public:
  CublasHandles() = default;
  CublasHandles(const CublasHandles&) = delete;
  CublasHandles& operator=(const CublasHandles&) = delete;
  ~CublasHandles() {
    for (auto& [device, handle] : handles_) (void)cublasDestroy(handle);
  }
  cublasHandle_t get(int device) {
    auto it = handles_.find(device);
    if (it != handles_.end()) return it->second;
    cublasHandle_t h = nullptr;
    check_cublas(cublasCreate(&h), "cublasCreate");
    // Pointer mode host (alpha, beta on the host) and plain FP32 maths (no TF32), so results match the CPU's.
    (void)cublasSetMathMode(h, CUBLAS_DEFAULT_MATH);
    handles_.emplace(device, h);
    return h;
  }

 private:
  std::unordered_map<int, cublasHandle_t> handles_;
};

// The calling thread's handle for its current GPU.
// Its maths mode follows cuda::tf32_allowed() at each call.
inline cublasHandle_t cublas_handle() {
  thread_local CublasHandles handles;
  const auto h = handles.get(cuda::current_device());
  check_cublas(cublasSetMathMode(h, allow_tf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
               "cublasSetMathMode");
  return h;
}

}  // namespace cuda_detail
INX_END_NAMESPACE
