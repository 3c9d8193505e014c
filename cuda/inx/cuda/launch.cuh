// One launcher for every index-space kernel: a functor f with an INX_HOST_DEVICE `void operator()(std::size_t i)`
// runs for every i < n, on the GPU through for_each_index (a grid-stride kernel on the legacy default stream) and on
// the host through host_for_each_index (a plain loop, in order). The kernel bodies are these functors, so the tests
// run the very same code on a machine without a GPU and compare it with the CPU backend; only the launch, library
// calls and memory movement are GPU-only.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "inx/cuda/device.cuh"
#include "inx/cuda/gemm.cuh"
#include "inx/tensor/gemm.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

template <class F>
__global__ void for_each_index_kernel(std::size_t n, F f) {
  const std::size_t stride = std::size_t(blockDim.x) * gridDim.x;
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) f(i);
}

// f(i) for i < n on the current GPU. Blocks are capped: the grid-stride loop covers the rest, and 4096 blocks of 256
// fill any current GPU. `what` names the kernel in the error a failed launch raises.
template <class F>
void for_each_index(std::size_t n, F f, const char* what) {
  if (n == 0) return;
  constexpr std::size_t kThreads = 256, kMaxBlocks = 4096;
  const auto blocks = static_cast<unsigned>(std::min((n + kThreads - 1) / kThreads, kMaxBlocks));
  for_each_index_kernel<<<blocks, kThreads>>>(n, f);
  check(cudaGetLastError(), what);
}

// The same functor on the host, in index order: how the tests run kernel bodies without a GPU.
template <class F>
void host_for_each_index(std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) f(i);
}

// Sets *flag to 1 from any thread (device) or the host loop; a kernel's way to report bad input.
INX_HOST_DEVICE void raise_flag(int* flag) {
#if defined(__CUDA_ARCH__)
  atomicOr(flag, 1);
#else
  *flag = 1;
#endif
}

// Executors: where a kernel made of several launches and scratch buffers runs. A multi-step kernel (a reduction in
// two passes, batch norm's statistics then its normalisation) is written once as a template on the executor;
// DeviceExec runs it on the GPU, HostExec runs the very same steps on the host with host scratch, so the tests check
// the whole composition (the split into chunks, the order of passes), not only the single bodies.
struct DeviceExec {
  template <class F>
  void run(std::size_t n, F f, const char* what) const {
    for_each_index(n, f, what);
  }
  template <class T>
  struct Scratch {
    T* p = nullptr;
    explicit Scratch(std::size_t n) : p(static_cast<T*>(cuda::allocate(n * sizeof(T)))) {}
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    ~Scratch() { cuda::deallocate(p); }
    T* data() const { return p; }
  };
  template <class T>
  Scratch<T> scratch(std::size_t n) const {
    return Scratch<T>(n);
  }
  template <class T>
  void to_host(T* dst, const T* src, std::size_t n) const {
    cuda::copy_to_host(dst, src, n * sizeof(T));
  }
  // Row-major sgemm, as ops::gemm: cuBLAS here, the CPU's on HostExec.
  void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
            std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) const {
    ops::gemm<cuda>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
  // The lower triangle (row-major, diagonal included) of c = z z^T for z of n rows of d (cuBLAS SYRK: half a GEMM's
  // work). The strict upper triangle is left as it was.
  void gram_lower(std::size_t n, std::size_t d, const float* z, float* c) const {
    if (n == 0) return;
    require<shape_error>(n <= std::size_t(INT32_MAX) && d <= std::size_t(INT32_MAX), "gram (cuda): ", n, " rows of ",
                         d, " exceed cuBLAS's 32-bit int sizes");
    const float one = 1.0f, zero = 0.0f;
    // Row-major z (n x d) is column-major z^T (d x n); column-major C = (z^T)^T z^T, and its column-major upper
    // triangle is the row-major lower one.
    check_cublas(cublasSsyrk(cublas_handle(), CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_T, int(n), int(d), &one, z,
                             int(d > 0 ? d : 1), &zero, c, int(n)),
                 "cublasSsyrk");
  }
};
struct HostExec {
  template <class F>
  void run(std::size_t n, F f, const char*) const {
    host_for_each_index(n, f);
  }
  template <class T>
  std::vector<T> scratch(std::size_t n) const {
    return std::vector<T>(n);
  }
  template <class T>
  void to_host(T* dst, const T* src, std::size_t n) const {
    if (n) std::memcpy(dst, src, n * sizeof(T));
  }
  void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
            std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) const {
    ops::gemm<cpu>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
  // The whole product here (the CPU's GEMM); callers read only the lower triangle.
  void gram_lower(std::size_t n, std::size_t d, const float* z, float* c) const {
    ops::gemm<cpu>(false, true, n, n, d, 1.0f, z, d, z, d, 0.0f, c, n);
  }
};

}  // namespace cuda_detail
INX_END_NAMESPACE
