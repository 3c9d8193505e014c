// Version, namespace and portability macros shared by every inx header.
#pragma once

#define INX_VERSION_MAJOR 0
#define INX_VERSION_MINOR 1
#define INX_VERSION_PATCH 0
#define INX_VERSION_STRING "0.1.0"

// Functions usable from both host and device code: __host__ __device__ under nvcc, plain inline elsewhere.
#if defined(__CUDACC__)
#define INX_HOST_DEVICE __host__ __device__ inline
#else
#define INX_HOST_DEVICE inline
#endif

// Hot loops in builds that target baseline x86-64 (SSE2): GCC also compiles them for AVX2 and AVX-512 and picks one
// at load time. Elsewhere (other compilers, nvcc, other architectures) the plain build is used.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__)
#define INX_SIMD_CLONES __attribute__((target_clones("default", "avx2", "arch=skylake-avx512")))
#else
#define INX_SIMD_CLONES
#endif

// A versioned inline namespace keeps two incompatible inx versions from silently mixing at link time.
#define INX_BEGIN_NAMESPACE \
  namespace inx {           \
  inline namespace v0 {
#define INX_END_NAMESPACE \
  }                       \
  }

INX_BEGIN_NAMESPACE
struct version_info {
  int major, minor, patch;
};
inline constexpr version_info version{INX_VERSION_MAJOR, INX_VERSION_MINOR, INX_VERSION_PATCH};
INX_END_NAMESPACE
