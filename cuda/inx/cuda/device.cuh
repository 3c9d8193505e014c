// The CUDA device: Tensor<T, inx::cuda> keeps its elements in GPU memory (cudaMalloc), and kernels for it are the
// specialisations of the device-neutral kernel templates on inx::cuda (cuda/inx/cuda/*.cuh).
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "inx/core/error.hpp"
#include "inx/cuda/allocator.cuh"
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

// Whether cuBLAS and cuDNN may use TF32 tensor cores (products of 10-bit mantissas): off by default, so the GPU
// agrees with the CPU to 1e-4. INX_CUDA_TF32=1 in the environment turns it on at the first use, cuda::set_allow_tf32
// at any time; any other value than 0 or 1 is reported on stderr once and means off.
inline std::atomic<int>& tf32_flag() {
  static std::atomic<int> flag{-1};
  return flag;
}
inline bool allow_tf32() {
  int v = tf32_flag().load(std::memory_order_relaxed);
  if (v < 0) {
    const char* e = std::getenv("INX_CUDA_TF32");
    const std::string_view s = e ? e : "";
    v = s == "1";
    if (!s.empty() && s != "0" && s != "1")
      std::fprintf(stderr, "inx: INX_CUDA_TF32='%s' ignored: expected 0 or 1 (TF32 stays off)\n", e);
    int expected = -1;
    if (!tf32_flag().compare_exchange_strong(expected, v)) v = expected;
  }
  return v == 1;
}

// One library handle (cuBLAS, cuDNN) per GPU for the calling thread, made on first use, since a handle is tied to the
// device that was current when it was made and is not meant for two threads at once. Traits: static H create() and
// static void destroy(H) noexcept.
template <class H, class Traits>
class PerDeviceHandles {
 public:
  PerDeviceHandles() = default;
  PerDeviceHandles(const PerDeviceHandles&) = delete;
  PerDeviceHandles& operator=(const PerDeviceHandles&) = delete;
  ~PerDeviceHandles() {
    for (auto& [device, handle] : handles_) Traits::destroy(handle);
  }
  H get(int device) {
    if (auto it = handles_.find(device); it != handles_.end()) return it->second;
    const H h = Traits::create();
    try {
      handles_.emplace(device, h);
    } catch (...) {
      Traits::destroy(h);
      throw;
    }
    return h;
  }

 private:
  std::map<int, H> handles_;
};

// cudaMalloc and cudaFree for the block cache (allocator.cuh); out of memory is nullptr, other failures throw.
struct CudaRawMemory {
  static void* malloc(std::size_t bytes) {
    void* p = nullptr;
    const cudaError_t st = cudaMalloc(&p, bytes);
    if (st == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      return nullptr;
    }
    check(st, "cudaMalloc");
    return p;
  }
  static void free(void* p) noexcept { (void)cudaFree(p); }
  static int device() {
    int d = 0;
    check(cudaGetDevice(&d), "cudaMalloc (cudaGetDevice)");
    return d;
  }
};
// Never destroyed: tensors with static storage may still give blocks back at exit.
inline BlockCache<CudaRawMemory>& device_cache() {
  static auto* cache = new BlockCache<CudaRawMemory>;
  return *cache;
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
  // "" when a GPU is usable, else why not, in one line: no driver or one older than this CUDA runtime, no GPU, or
  // CUDA's own words for another failure.
  static std::string unavailable_reason() {
    int n = 0;
    const cudaError_t st = cudaGetDeviceCount(&n);
    (void)cudaGetLastError();
    if (st == cudaSuccess) return n > 0 ? "" : "no NVIDIA GPU on this machine";
    if (st == cudaErrorNoDevice) return "no NVIDIA GPU on this machine";
    if (st == cudaErrorInsufficientDriver)
      return detail::msg("no NVIDIA driver, or one older than the CUDA ", CUDART_VERSION / 1000, ".",
                         CUDART_VERSION % 1000 / 10, " runtime inx was built with");
    return detail::msg("no usable NVIDIA GPU (", cudaGetErrorName(st), ": ", cudaGetErrorString(st), ")");
  }
  // The calling thread's current GPU (cudaSetDevice chooses it).
  static int current_device() {
    int d = 0;
    cuda_detail::check(cudaGetDevice(&d), "cudaGetDevice");
    return d;
  }
  // TF32 in cuBLAS and cuDNN (see cuda_detail::allow_tf32): faster on tensor cores, ~1e-3 relative error.
  static bool tf32_allowed() { return cuda_detail::allow_tf32(); }
  static void set_allow_tf32(bool on) { cuda_detail::tf32_flag().store(on ? 1 : 0); }
  // Waits for every kernel and copy issued so far; kernel faults surface here as device_error.
  static void synchronize() { cuda_detail::check(cudaDeviceSynchronize(), "cudaDeviceSynchronize"); }

  // Through the caching allocator (allocator.cuh). Out of GPU memory, even with the cache emptied, is a
  // device_error naming the size asked for and what the GPU has.
  static void* allocate(std::size_t bytes) {
    if (bytes == 0) return nullptr;
    if (void* p = cuda_detail::device_cache().allocate(bytes)) return p;
    std::size_t free_bytes = 0, total = 0;
    (void)cudaMemGetInfo(&free_bytes, &total);
    (void)cudaGetLastError();
    throw device_error(detail::msg("cuda: out of GPU memory: ", (bytes + (1 << 20) - 1) >> 20, " MiB asked for, ",
                                   free_bytes >> 20, " MiB free of ", total >> 20,
                                   " MiB (try a smaller batch, or run on the CPU)"));
  }
  // Never throws: it runs in destructors, possibly after a kernel fault has poisoned the context.
  static void deallocate(void* p) noexcept { cuda_detail::device_cache().deallocate(p); }
  // Gives the cached free blocks back to the driver (cudaFree), e.g. before handing the GPU to another library.
  static void release_cached() noexcept { cuda_detail::device_cache().release(); }
  static std::size_t cached_bytes() { return cuda_detail::device_cache().cached_bytes(); }
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
