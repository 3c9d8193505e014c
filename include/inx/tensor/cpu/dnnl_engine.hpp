// The oneDNN CPU engine, per-thread streams and per-thread scratch buffers shared by inx's oneDNN-backed kernels,
// plus a thread-safe cache of primitives keyed by shape so repeated calls on one shape never rebuild a primitive.
// inx uses oneDNN's C API (dnnl.h), not its C++ one: nvcc 13 cannot parse dnnl.hpp (tests/consumer/headers/
// CMakeLists.txt says why), and a .cu file that builds a whole network includes the CPU convolution too. Its
// descriptors (dnnl_memory_desc_t, dnnl_exec_arg_t) are typedefs of unnamed structs, which for the same nvcc bug are
// never kept in a std::vector here; they live in named structs or plain arrays.
#pragma once

#include <oneapi/dnnl/dnnl.h>

#include <array>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "inx/core/config.hpp"
#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace cpu_detail {

// A oneDNN call that failed; the callers turn it into the inx error that fits (shape_error when a primitive cannot be
// built for a shape, device_error otherwise).
class dnnl_failure : public std::runtime_error {
 public:
  dnnl_failure(const char* what, dnnl_status_t status)
      : std::runtime_error(detail::msg("oneDNN ", what, " failed: ", status_name(status))), status_(status) {}
  dnnl_status_t status() const noexcept { return status_; }
  static const char* status_name(dnnl_status_t s) noexcept {
    switch (s) {
      case dnnl_success: return "success";
      case dnnl_out_of_memory: return "out of memory";
      case dnnl_invalid_arguments: return "invalid arguments";
      case dnnl_unimplemented: return "no implementation for these parameters";
      case dnnl_iterator_ends: return "iterator ends";
      case dnnl_runtime_error: return "runtime error";
      case dnnl_not_required: return "not required";
    }
    return "unknown status";
  }

 private:
  dnnl_status_t status_;
};

inline void dnnl_check(dnnl_status_t status, const char* what) {
  if (status != dnnl_success) throw dnnl_failure(what, status);
}

// Owns one oneDNN handle (a primitive, a primitive descriptor, a memory object, an attribute, a stream): move-only,
// destroyed with its library function.
template <class H, dnnl_status_t (*Destroy)(H)>
class DnnlHandle {
 public:
  DnnlHandle() = default;
  explicit DnnlHandle(H h) noexcept : h_(h) {}
  DnnlHandle(DnnlHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  DnnlHandle& operator=(DnnlHandle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  DnnlHandle(const DnnlHandle&) = delete;
  DnnlHandle& operator=(const DnnlHandle&) = delete;
  ~DnnlHandle() { reset(); }
  H get() const noexcept { return h_; }
  explicit operator bool() const noexcept { return h_ != nullptr; }
  // For the C functions that create a handle through an out-parameter.
  H* out() noexcept {
    reset();
    return &h_;
  }
  void reset() noexcept {
    if (h_) (void)Destroy(h_);
    h_ = nullptr;
  }

 private:
  H h_ = nullptr;
};
using DnnlPrimitive = DnnlHandle<dnnl_primitive_t, dnnl_primitive_destroy>;
using DnnlPrimitiveDesc = DnnlHandle<dnnl_primitive_desc_t, dnnl_primitive_desc_destroy>;
using DnnlMemory = DnnlHandle<dnnl_memory_t, dnnl_memory_destroy>;
using DnnlAttr = DnnlHandle<dnnl_primitive_attr_t, dnnl_primitive_attr_destroy>;
using DnnlStream = DnnlHandle<dnnl_stream_t, dnnl_stream_destroy>;

// A memory descriptor in a named type (see the top of this file).
struct MemDesc {
  dnnl_memory_desc_t md{};
  std::size_t bytes() const noexcept { return dnnl_memory_desc_get_size(&md); }
  friend bool operator==(const MemDesc& a, const MemDesc& b) noexcept { return dnnl_memory_desc_equal(&a.md, &b.md); }
};

// The process's CPU engine. It is never destroyed: cached primitives refer to it until the process ends, and static
// destruction order would otherwise decide which goes first.
inline dnnl_engine_t dnnl_cpu_engine() {
  static const dnnl_engine_t e = [] {
    dnnl_engine_t h = nullptr;
    dnnl_check(dnnl_engine_create(&h, dnnl_cpu, 0), "dnnl_engine_create");
    return h;
  }();
  return e;
}

// oneDNN CPU streams are cheap but not meant to be shared by concurrently executing threads.
inline dnnl_stream_t dnnl_thread_stream() {
  thread_local DnnlStream s = [] {
    DnnlStream h;
    dnnl_check(dnnl_stream_create(h.out(), dnnl_cpu_engine(), dnnl_stream_default_flags), "dnnl_stream_create");
    return h;
  }();
  return s.get();
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
