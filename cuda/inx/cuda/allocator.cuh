// The caching allocator behind cuda::allocate. cudaMalloc is slow and cudaFree waits for the whole GPU, so a network
// pass that allocates its activations would spend more time in them than in its kernels. Freed blocks are kept, per
// GPU, and handed out again for requests of about their size: sizes are rounded up (to 512 bytes below 1 MiB, to
// 2 MiB above), and a cached block serves a request of at least half its size. Reuse is safe without events because
// every inx kernel and copy runs on the legacy default stream, in order: work issued before a block was freed is
// ordered before any work on its next owner. When the GPU runs out of memory the cache is emptied and the request
// tried once more; only then is it an error, naming the size asked for and the memory the GPU has. The cache logic is
// a template on the raw allocator, so the tests run it on the host with a fake one.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

// Raw needs: static void* malloc(size_t bytes) (nullptr when out of memory, throws for other failures),
// static void free(void* p) noexcept, static int device() (the calling thread's current device).
template <class Raw>
class BlockCache {
 public:
  static constexpr std::size_t kSmall = std::size_t(1) << 20, kSmallStep = 512, kLargeStep = std::size_t(2) << 20;

  static std::size_t rounded(std::size_t bytes) {
    const std::size_t step = bytes < kSmall ? kSmallStep : kLargeStep;
    return (bytes + step - 1) / step * step;
  }

  // A block of at least bytes on the current device: a cached one, else a new one; nullptr when the device is out of
  // memory even with the cache emptied.
  void* allocate(std::size_t bytes) {
    const std::size_t size = rounded(bytes);
    const int dev = Raw::device();
    std::lock_guard<std::mutex> lock(mutex_);
    auto& bin = free_[dev];
    if (auto it = bin.lower_bound(size); it != bin.end() && it->first <= 2 * size) {
      void* p = it->second;
      const std::size_t have = it->first;
      live_.emplace(p, Block{have, dev});
      bin.erase(it);
      cached_ -= have;
      return p;
    }
    void* p = Raw::malloc(size);
    if (!p) {
      release_device(dev);
      p = Raw::malloc(size);
      if (!p) return nullptr;
    }
    try {
      live_.emplace(p, Block{size, dev});
    } catch (...) {
      Raw::free(p);
      throw;
    }
    return p;
  }

  // Keeps p for reuse (a pointer this cache did not hand out goes straight to Raw::free).
  void deallocate(void* p) noexcept {
    if (!p) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = live_.find(p);
    if (it == live_.end()) {
      Raw::free(p);
      return;
    }
    const Block b = it->second;
    live_.erase(it);
    try {
      free_[b.device].emplace(b.bytes, p);
      cached_ += b.bytes;
    } catch (...) {
      Raw::free(p);
    }
  }

  // Gives every cached block back (blocks in use stay theirs).
  void release() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [dev, bin] : free_) {
      for (auto& [bytes, p] : bin) Raw::free(p);
      bin.clear();
    }
    cached_ = 0;
  }
  std::size_t cached_bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }
  std::size_t live_blocks() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return live_.size();
  }

 private:
  struct Block {
    std::size_t bytes;
    int device;
  };
  void release_device(int dev) noexcept {  // with mutex_ held
    auto& bin = free_[dev];
    for (auto& [bytes, p] : bin) {
      Raw::free(p);
      cached_ -= bytes;
    }
    bin.clear();
  }

  mutable std::mutex mutex_;
  std::unordered_map<void*, Block> live_;
  std::map<int, std::multimap<std::size_t, void*>> free_;
  std::size_t cached_ = 0;
};

}  // namespace cuda_detail
INX_END_NAMESPACE
