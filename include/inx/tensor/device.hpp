// Devices: where a tensor's memory lives. A device is a small type with static allocate/deallocate/copy functions;
// `cpu` is defined here, `cuda` in cuda/inx/cuda/device.cuh. Kernels are chosen by the device type, never by #ifdef.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

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

namespace detail {
// Freed blocks of 16 MiB and more, kept for the next allocation of about their size (at most twice what it asks
// for), up to a budget of bytes (INX_CPU_CACHE_MIB, default 256; 0 turns the cache off), oldest given back first.
// A block reused this way is already mapped: the kernel neither faults its pages in nor clears them again, which
// was a quarter of Ward's time at n = 2048 (a fresh 32 MB distance matrix per call). Never destroyed, so tensors
// with static storage may still give blocks back at exit.
class LargeBlockCache {
 public:
  static LargeBlockCache& get() {
    static auto* cache = new LargeBlockCache;
    return *cache;
  }
  // A cached block of at least bytes (a multiple of the huge page), or nullptr.
  void* take(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t best = free_.size();
    for (std::size_t i = 0; i < free_.size(); ++i)
      if (free_[i].bytes >= bytes && free_[i].bytes <= 2 * bytes &&
          (best == free_.size() || free_[i].bytes < free_[best].bytes))
        best = i;
    if (best == free_.size()) return nullptr;
    const Block b = free_[best];
    live_.push_back(b);  // first: if it throws, the block is still cached
    free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(best));
    cached_ -= b.bytes;
    return b.p;
  }
  void track(void* p, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    live_.push_back({p, bytes});
  }
  // Keeps p for reuse when it is a large block; false when it is not one (the caller frees it).
  bool give_back(void* p) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < live_.size(); ++i)
      if (live_[i].p == p) {
        const Block b = live_[i];
        live_[i] = live_.back();
        live_.pop_back();
        if (b.bytes > budget_) {
          std::free(p);
          return true;
        }
        try {
          free_.push_back(b);
        } catch (...) {
          std::free(p);
          return true;
        }
        cached_ += b.bytes;
        while (cached_ > budget_) {
          cached_ -= free_.front().bytes;
          std::free(free_.front().p);
          free_.erase(free_.begin());
        }
        return true;
      }
    return false;
  }
  // Gives every cached block back to the system.
  void release() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& b : free_) std::free(b.p);
    free_.clear();
    cached_ = 0;
  }
  std::size_t cached_bytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

 private:
  struct Block {
    void* p;
    std::size_t bytes;
  };
  LargeBlockCache() {
    if (const char* v = std::getenv("INX_CPU_CACHE_MIB")) {
      if (const auto b = parse_budget(v); b != bad_budget)
        budget_ = b;
      else  // the allocator cannot throw here (deallocation may be the first to ask): one line, and the default
        std::fprintf(stderr,
                     "inx: INX_CPU_CACHE_MIB: expected a whole number of MiB (0 turns the cache off), got '%s'; "
                     "using 256\n",
                     v);
    }
  }

 public:
  static constexpr std::size_t bad_budget = static_cast<std::size_t>(-1);
  // INX_CPU_CACHE_MIB's value in bytes: digits only, at most 2^40 MiB; bad_budget for anything else.
  static std::size_t parse_budget(const char* v) noexcept {
    if (!v || !*v) return bad_budget;
    std::size_t mib = 0;
    for (const char* c = v; *c; ++c) {
      if (*c < '0' || *c > '9') return bad_budget;
      mib = mib * 10 + static_cast<std::size_t>(*c - '0');
      if (mib > (std::size_t(1) << 40)) return bad_budget;
    }
    return mib << 20;
  }

 private:
  std::mutex mutex_;
  std::vector<Block> live_, free_;
  std::size_t cached_ = 0;
  std::size_t budget_ = std::size_t(256) << 20;
};
}  // namespace detail

// The host CPU. Allocations are 64-byte aligned so vector kernels (oneDNN, xsimd) can use aligned loads. On Linux,
// allocations of 16 MiB and more are aligned to 2 MiB and advised to use transparent huge pages: a fresh 32 MB
// matrix then takes 16 page faults instead of 8,192 (writing one took 10.6 ms against 5.6 ms, bench/README.md).
// Freed blocks of that size are kept for reuse (detail::LargeBlockCache; cpu::release_cached() gives them back).
struct cpu {
  static constexpr const char* name = "cpu";
  static constexpr std::size_t alignment = 64;
  static constexpr std::size_t huge_page = std::size_t(2) << 20;

  static void* allocate(std::size_t bytes) {
    if (bytes == 0) return nullptr;
    if (bytes >= 8 * huge_page) {
      const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
      auto& cache = detail::LargeBlockCache::get();
      if (void* p = cache.take(rounded)) return p;
      void* p = std::aligned_alloc(huge_page, rounded);
      if (!p) throw std::bad_alloc();
#if defined(__linux__)
      ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without huge pages the memory is the same
#endif
      try {
        cache.track(p, rounded);
      } catch (...) {
        std::free(p);
        throw;
      }
      return p;
    }
    const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    void* p = std::aligned_alloc(alignment, rounded);
    if (!p) throw std::bad_alloc();
    return p;
  }
  static void deallocate(void* p) noexcept {
    // Only large blocks are 2 MiB aligned on purpose; a small one that is so by chance is not found and freed.
    if (p && reinterpret_cast<std::uintptr_t>(p) % huge_page == 0 && detail::LargeBlockCache::get().give_back(p))
      return;
    std::free(p);
  }
  // Gives the cached large blocks back to the system (they are otherwise kept for the next allocations).
  static void release_cached() noexcept { detail::LargeBlockCache::get().release(); }
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
