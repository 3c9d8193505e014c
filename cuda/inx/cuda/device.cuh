// The CUDA device: Tensor<T, inx::cuda> keeps its elements in GPU memory (cudaMalloc), and kernels for it are the
// specialisations of the device-neutral kernel templates on inx::cuda (cuda/inx/cuda/*.cuh).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/tensor/device.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

// Throws device_error naming the call and CUDA's own words for the failure. The error is also cleared, so a
// recoverable failure (an allocation too large, say) does not resurface in the next unrelated call.
inline void check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  (void)cudaGetLastError();
  throw device_error(
      detail::msg("cuda: ", what, " failed: ", cudaGetErrorName(status), " (", cudaGetErrorString(status), ")"));
}

}  // namespace cuda_detail

// Memory on the calling thread's current GPU. Copies use the legacy default stream, so they are ordered after every
// kernel inx launched before them and copy_to_host returns once the data is on the host.
struct cuda {
  static constexpr const char* name = "cuda";

  // True when a driver and at least one GPU are present. Never throws: a machine without a GPU, without a driver, or
  // with a driver older than the runtime simply has no CUDA device.
  static bool available() noexcept { return device_count() > 0; }
  static int device_count() noexcept {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
      (void)cudaGetLastError();
      return 0;
    }
    return n;
  }
  // The calling thread's current GPU (cudaSetDevice chooses it).
  static int current_device() {
    int d = 0;
    cuda_detail::check(cudaGetDevice(&d), "cudaGetDevice");
    return d;
  }
  // Waits for every kernel and copy issued so far; kernel faults surface here as device_error.
  static void synchronize() { cuda_detail::check(cudaDeviceSynchronize(), "cudaDeviceSynchronize"); }

  static void* allocate(std::size_t bytes) {
    if (bytes == 0) return nullptr;
    void* p = nullptr;
    cuda_detail::check(cudaMalloc(&p, bytes), "cudaMalloc");
    return p;
  }
  // Never throws: it runs in destructors, possibly after a kernel fault has poisoned the context.
  static void deallocate(void* p) noexcept {
    if (p) (void)cudaFree(p);
  }
  static void copy(void* dst, const void* src, std::size_t bytes) {
    if (bytes)
      cuda_detail::check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice), "cudaMemcpy (device to device)");
  }
  static void copy_to_host(void* dst, const void* src, std::size_t bytes) {
    if (bytes) cuda_detail::check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy (device to host)");
  }
  static void copy_from_host(void* dst, const void* src, std::size_t bytes) {
    if (bytes) cuda_detail::check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "cudaMemcpy (host to device)");
  }
  static void fill_zero(void* p, std::size_t bytes) {
    if (bytes) cuda_detail::check(cudaMemset(p, 0, bytes), "cudaMemset");
  }
};

static_assert(Device<cuda>);

INX_END_NAMESPACE
