// The oneDNN CPU engine, per-thread streams and per-thread scratch buffers shared by inx's oneDNN-backed kernels,
// plus a thread-safe cache of primitives keyed by shape so repeated calls on one shape never rebuild a primitive.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <array>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE
namespace cpu_detail {

inline dnnl::engine& dnnl_cpu_engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

// oneDNN CPU streams are cheap but not meant to be shared by concurrently executing threads.
inline dnnl::stream& dnnl_thread_stream() {
  thread_local dnnl::stream s(dnnl_cpu_engine());
  return s;
}

// Grow-only 64-byte aligned buffers, one set per thread. Slots keep the buffers of one call apart (a reordered
// input, a reordered output, the primitive's scratchpad), so no call allocates once the shapes have been seen.
class ScratchBuffers {
 public:
  static constexpr std::size_t kSlots = 6;
  void* get(std::size_t slot, std::size_t bytes) {
    auto& b = slots_[slot];
    if (b.size < bytes) {
      const std::size_t rounded = (bytes + 63) / 64 * 64;
      void* p = std::aligned_alloc(64, rounded);
      if (!p) throw std::bad_alloc();
      b.ptr.reset(p);
      b.size = rounded;
    }
    return b.ptr.get();
  }

 private:
  struct freer {
    void operator()(void* p) const noexcept { std::free(p); }
  };
  struct buffer {
    std::unique_ptr<void, freer> ptr;
    std::size_t size = 0;
  };
  std::array<buffer, kSlots> slots_;
};

inline ScratchBuffers& thread_scratch() {
  thread_local ScratchBuffers s;
  return s;
}

// Maps Key (hashable, equality-comparable) to an immutable shared Value built once by `make`. Values are shared_ptr
// so a caller keeps its entry alive even if another thread clears the cache meanwhile.
template <class Key, class Value, class Hash = std::hash<Key>>
class PrimitiveCache {
 public:
  template <class Make>
  std::shared_ptr<const Value> get(const Key& key, Make&& make) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = map_.find(key); it != map_.end()) return it->second;
    }
    // Built outside the lock: building a primitive can take milliseconds and must not serialise other shapes.
    auto value = std::make_shared<const Value>(make());
    std::lock_guard lock(mutex_);
    return map_.try_emplace(key, std::move(value)).first->second;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return map_.size();
  }
  void clear() {
    std::lock_guard lock(mutex_);
    map_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<Key, std::shared_ptr<const Value>, Hash> map_;
};

}  // namespace cpu_detail
INX_END_NAMESPACE
