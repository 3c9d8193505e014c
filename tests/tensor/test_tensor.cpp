#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>

#include "inx/tensor/tensor.hpp"

using inx::Shape;
using inx::Tensor;

TEST(Shape, NumelRankAndPrinting) {
  Shape s{2, 3, 4};
  EXPECT_EQ(s.rank(), 3u);
  EXPECT_EQ(s.numel(), 24u);
  EXPECT_EQ(s.str(), "(2, 3, 4)");
  EXPECT_EQ(Shape{7}.str(), "(7,)");
  EXPECT_EQ(Shape{}.numel(), 1u);  // a scalar has one element, as in NumPy
  EXPECT_EQ((Shape{2, 0, 5}.numel()), 0u);
}

TEST(Shape, OverflowingProductIsAnError) {
  const std::size_t big = std::size_t{1} << 40;
  EXPECT_THROW((Shape{big, big}.numel()), inx::shape_error);
}

TEST(Shape, RankAboveMaximumIsAnError) {
  std::vector<std::size_t> dims(Shape::kMaxRank + 1, 1);
  EXPECT_THROW(Shape(std::span<const std::size_t>(dims)), inx::shape_error);
}

TEST(Tensor, ZeroInitialisedAndIndexedInCOrder) {
  Tensor<float> t(Shape{2, 3, 4});
  for (float v : t.span()) EXPECT_EQ(v, 0.0f);
  t(1, 2, 3) = 5.0f;
  EXPECT_EQ(t.data()[1 * 12 + 2 * 4 + 3], 5.0f);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data()) % inx::cpu::alignment, 0u);
}

TEST(Tensor, CloneIsADeepCopy) {
  auto a = Tensor<float>::full({3}, 1.5f);
  auto b = a.clone();
  b(0) = 2.0f;
  EXPECT_EQ(a(0), 1.5f);
  EXPECT_EQ(b(0), 2.0f);
}

TEST(Tensor, ViewsShareMemory) {
  auto t = Tensor<float>::full({4, 2, 3}, 0.0f);
  auto s = t.slice(1, 3);
  EXPECT_EQ(s.shape(), (Shape{2, 2, 3}));
  s(0, 1, 2) = 9.0f;
  EXPECT_EQ(t(1, 1, 2), 9.0f);
  auto r = t.reshape({8, 3});
  EXPECT_EQ(r(3, 2), 9.0f);
  auto e = t[3];
  EXPECT_EQ(e.shape(), (Shape{2, 3}));
  EXPECT_EQ(e.data(), t.data() + 18);
}

TEST(Tensor, BadReshapeAndSliceAreErrors) {
  Tensor<float> t(Shape{4, 3});
  EXPECT_THROW(t.reshape({5, 3}), inx::shape_error);
  EXPECT_THROW(t.slice(2, 5), inx::shape_error);
  EXPECT_THROW(t.slice(3, 2), inx::shape_error);
}

TEST(Tensor, FromHostChecksTheCount) {
  std::vector<float> v{1, 2, 3, 4, 5, 6};
  auto t = Tensor<float>::from_host({2, 3}, v);
  EXPECT_EQ(t(1, 0), 4.0f);
  EXPECT_THROW(Tensor<float>::from_host({4, 2}, v), inx::shape_error);
}

TEST(Tensor, EmptyTensorsAreValid) {
  Tensor<float> t(Shape{0, 3});
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.bytes(), 0u);
  auto c = t.clone();
  EXPECT_TRUE(c.empty());
}

TEST(Tensor, DefaultConstructedHoldsNothing) {
  Tensor<float> t;
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.size(), 0u);
  inx::TensorView<float> v;
  EXPECT_TRUE(v.empty());
  Tensor<float> scalar(Shape{});
  EXPECT_EQ(scalar.size(), 1u);
}

TEST(CpuAllocator, LargeBlocksAreReusedWithinTheBudgetAndZerosStayZeros) {
  if (std::getenv("INX_CPU_CACHE_MIB")) GTEST_SKIP() << "INX_CPU_CACHE_MIB is set: the test assumes the default budget";
  inx::cpu::release_cached();
  auto& cache = inx::detail::LargeBlockCache::get();
  const std::size_t mib = std::size_t(1) << 20;
  void* first = nullptr;
  {
    auto a = Tensor<float>::uninitialized(Shape{(20 * mib) / 4});  // 20 MiB: a large block
    first = a.data();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % inx::cpu::huge_page, 0u);
    a.span()[123] = 7.0f;  // dirty, so that a reuse has something to clear
  }
  EXPECT_EQ(cache.cached_bytes(), 20 * mib);
  {
    Tensor<float> b(Shape{(19 * mib) / 4});  // fits in the cached block: the same memory, zeroed
    EXPECT_EQ(static_cast<void*>(b.data()), first);
    EXPECT_EQ(cache.cached_bytes(), 0u);
    EXPECT_EQ(b.span()[123], 0.0f);
    auto c = Tensor<float>::uninitialized(Shape{(20 * mib) / 4});  // the only block is taken: a new one
    EXPECT_NE(static_cast<void*>(c.data()), first);
  }
  EXPECT_EQ(cache.cached_bytes(), 40 * mib);
  {
    auto d = Tensor<float>::uninitialized(Shape{(64 * mib) / 4});  // more than twice any cached block: not reused
    EXPECT_NE(static_cast<void*>(d.data()), first);
    EXPECT_EQ(cache.cached_bytes(), 40 * mib);
  }
  EXPECT_EQ(cache.cached_bytes(), 104 * mib);
  {  // past the default budget of 256 MiB the oldest blocks go back to the system
    auto e = Tensor<float>::uninitialized(Shape{(200 * mib) / 4});
  }
  EXPECT_EQ(cache.cached_bytes(), 200 * mib);  // 304 MiB: the 20, 20 and 64 MiB blocks went, oldest first
  inx::cpu::release_cached();
  EXPECT_EQ(cache.cached_bytes(), 0u);
  // Small blocks never enter the cache.
  { auto s = Tensor<float>::uninitialized(Shape{1000}); }
  EXPECT_EQ(cache.cached_bytes(), 0u);
}

TEST(CpuAllocator, CacheBudgetFromTheEnvironmentIsDigitsOnly) {
  using C = inx::detail::LargeBlockCache;
  EXPECT_EQ(C::parse_budget("0"), 0u);
  EXPECT_EQ(C::parse_budget("256"), std::size_t(256) << 20);
  for (const char* bad : {"", "-1", "12MB", " 5", "1e3", "abc", "99999999999999999999"})
    EXPECT_EQ(C::parse_budget(bad), C::bad_budget) << "'" << bad << "'";
  EXPECT_EQ(C::parse_budget(nullptr), C::bad_budget);
}
