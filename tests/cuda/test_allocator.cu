// The CUDA caching allocator's logic, on the host with a fake raw allocator: reuse of freed blocks of about the
// requested size, size rounding, blocks kept per device, the cache emptied and the request retried once when the
// device is out of memory, release(). With a GPU: tensors reuse blocks and release_cached gives them back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cuda/allocator.cuh"
#include "inx/cuda/device.cuh"

namespace {

struct FakeRaw {
  static inline std::size_t mallocs = 0, frees = 0, in_use = 0, capacity = ~std::size_t(0);
  static inline int current = 0;
  static inline std::vector<std::pair<void*, std::size_t>> blocks;
  static void* malloc(std::size_t bytes) {
    if (in_use + bytes > capacity) return nullptr;
    ++mallocs;
    in_use += bytes;
    void* p = std::malloc(bytes ? bytes : 1);
    blocks.emplace_back(p, bytes);
    return p;
  }
  static void free(void* p) noexcept {
    ++frees;
    for (auto it = blocks.begin(); it != blocks.end(); ++it)
      if (it->first == p) {
        in_use -= it->second;
        blocks.erase(it);
        break;
      }
    std::free(p);
  }
  static int device() { return current; }
  static void reset() {
    mallocs = frees = in_use = 0;
    capacity = ~std::size_t(0);
    current = 0;
  }
};
using Cache = inx::cuda_detail::BlockCache<FakeRaw>;

TEST(CudaAllocator, FreedBlocksAreReusedForRequestsOfAboutTheirSize) {
  FakeRaw::reset();
  Cache c;
  EXPECT_EQ(Cache::rounded(1), 512u);
  EXPECT_EQ(Cache::rounded(513), 1024u);
  EXPECT_EQ(Cache::rounded((1 << 20) + 1), std::size_t(2) << 20);
  void* a = c.allocate(4000);
  c.deallocate(a);
  EXPECT_EQ(c.cached_bytes(), 4096u);
  EXPECT_EQ(c.allocate(3000), a);  // rounds to 3072: the 4096 block serves it
  EXPECT_EQ(FakeRaw::mallocs, 1u);
  c.deallocate(a);
  void* b = c.allocate(1000);  // 1024: the 4096 block would waste more than half, so a new one
  EXPECT_NE(b, a);
  EXPECT_EQ(FakeRaw::mallocs, 2u);
  void* big = c.allocate(std::size_t(5) << 20);
  c.deallocate(big);
  EXPECT_EQ(c.allocate(std::size_t(3) << 20 | 1), big);  // 4 MiB asked, the 6 MiB block is within twice that
  c.deallocate(b);
  c.deallocate(big);
  EXPECT_EQ(c.live_blocks(), 0u);
  c.release();
  EXPECT_EQ(c.cached_bytes(), 0u);
  EXPECT_EQ(FakeRaw::in_use, 0u);
  EXPECT_EQ(FakeRaw::frees, FakeRaw::mallocs);
}

TEST(CudaAllocator, BlocksStayWithTheirDevice) {
  FakeRaw::reset();
  Cache c;
  void* a = c.allocate(4096);
  c.deallocate(a);
  FakeRaw::current = 1;
  void* b = c.allocate(4096);
  EXPECT_NE(b, a);  // device 0's block is not handed to device 1
  c.deallocate(b);
  FakeRaw::current = 0;
  EXPECT_EQ(c.allocate(4096), a);
  c.deallocate(a);
  c.release();
  EXPECT_EQ(FakeRaw::in_use, 0u);
}

TEST(CudaAllocator, OutOfMemoryEmptiesTheCacheAndRetriesOnce) {
  FakeRaw::reset();
  FakeRaw::capacity = std::size_t(10) << 20;
  Cache c;
  void* a = c.allocate(std::size_t(6) << 20);
  c.deallocate(a);  // 6 MiB cached
  void* b = c.allocate((std::size_t(8) << 20) - 1);  // does not fit beside it: the cache is emptied, then it fits
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(c.cached_bytes(), 0u);
  EXPECT_EQ(c.allocate(std::size_t(4) << 20), nullptr);  // truly out of memory: nullptr, nothing lost
  c.deallocate(b);
  c.release();
  EXPECT_EQ(FakeRaw::in_use, 0u);
  c.deallocate(nullptr);  // nothing
}

TEST(CudaAllocatorGpu, TensorsReuseBlocksAndReleaseGivesThemBack) {
  INX_REQUIRE_GPU();
  inx::cuda::release_cached();
  void* first = nullptr;
  {
    inx::Tensor<float, inx::cuda> t({1000, 1000});
    first = t.data();
  }
  EXPECT_GE(inx::cuda::cached_bytes(), 4000000u);
  {
    inx::Tensor<float, inx::cuda> t({999, 1000});
    EXPECT_EQ(static_cast<void*>(t.data()), first);
  }
  inx::cuda::release_cached();
  EXPECT_EQ(inx::cuda::cached_bytes(), 0u);
  EXPECT_THROW((inx::Tensor<float, inx::cuda>({std::size_t(1) << 40})), inx::device_error);  // 4 TiB: a clear error
}

}  // namespace
