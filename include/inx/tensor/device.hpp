// Devices: where a tensor's memory lives. A device is a small type with static allocate/deallocate/copy functions;
// `cpu` is defined here, `cuda` in cuda/inx/cuda/device.cuh. Kernels are chosen by the device type, never by #ifdef.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE

// Requirements on a device type. Copies are byte counts; host_* copies move data between the device and the host.
template <class D>
concept Device = requires(void* p, const void* cp, std::size_t n) {
  { D::name } -> std::convertible_to<const char*>;
  { D::allocate(n) } -> std::same_as<void*>;
  D::deallocate(p);
  D::copy(p, cp, n);          // device -> same device
  D::copy_to_host(p, cp, n);  // device -> host
  D::copy_from_host(p, cp, n);  // host -> device
  D::fill_zero(p, n);
};

// The host CPU. Allocations are 64-byte aligned so vector kernels (oneDNN, xsimd) can use aligned loads. On Linux,
// allocations of 16 MiB and more are aligned to 2 MiB and advised to use transparent huge pages: a fresh 32 MB
// matrix then takes 16 page faults instead of 8,192 (writing one took 10.6 ms against 5.6 ms, bench/README.md).
struct cpu {
  static constexpr const char* name = "cpu";
  static constexpr std::size_t alignment = 64;
  static constexpr std::size_t huge_page = std::size_t(2) << 20;

  static void* allocate(std::size_t bytes) {
    if (bytes == 0) return nullptr;
#if defined(__linux__)
    if (bytes >= 8 * huge_page) {
      const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
      void* p = std::aligned_alloc(huge_page, rounded);
      if (!p) throw std::bad_alloc();
      ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without huge pages the memory is the same
      return p;
    }
#endif
    const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    void* p = std::aligned_alloc(alignment, rounded);
    if (!p) throw std::bad_alloc();
    return p;
  }
  static void deallocate(void* p) noexcept { std::free(p); }
  static void copy(void* dst, const void* src, std::size_t bytes) noexcept {
    if (bytes) std::memcpy(dst, src, bytes);
  }
  static void copy_to_host(void* dst, const void* src, std::size_t bytes) noexcept { copy(dst, src, bytes); }
  static void copy_from_host(void* dst, const void* src, std::size_t bytes) noexcept { copy(dst, src, bytes); }
  static void fill_zero(void* p, std::size_t bytes) noexcept {
    if (bytes) std::memset(p, 0, bytes);
  }
};

static_assert(Device<cpu>);

template <class D>
inline constexpr bool is_host_device = std::same_as<D, cpu>;

INX_END_NAMESPACE
