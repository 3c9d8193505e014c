#include <gtest/gtest.h>

#include <string>

#include "cuda_test_util.cuh"

namespace {

using inx::Tensor;

static_assert(inx::Device<inx::cuda>);
static_assert(!inx::is_host_device<inx::cuda>);

TEST(CudaDevice, AvailabilityQueryNeverThrows) {
  const int n = inx::cuda::device_count();
  EXPECT_GE(n, 0);
  EXPECT_EQ(inx::cuda::available(), n > 0);
}

// Without a GPU every allocation must fail with a device_error carrying CUDA's reason, not crash.
TEST(CudaDevice, AllocationWithoutGpuIsDeviceError) {
  if (inx::cuda::available()) GTEST_SKIP() << "a CUDA device is present";
  try {
    Tensor<float, inx::cuda> t(inx::Shape{16});
    FAIL() << "allocating on a machine without a GPU succeeded";
  } catch (const inx::device_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cudaMalloc"), std::string::npos) << what;
    EXPECT_NE(what.find("failed: cuda"), std::string::npos) << what;  // the cudaError_t name, e.g. cudaErrorNoDevice
  }
  // Empty tensors allocate nothing, so they work everywhere.
  EXPECT_NO_THROW((Tensor<float, inx::cuda>(inx::Shape{0, 3})));
}

TEST(CudaDevice, RoundTripThroughTheGpu) {
  INX_REQUIRE_GPU();
  auto host = inx_test::random_tensor({3, 5, 7}, 1);
  auto dev = host.to<inx::cuda>();
  auto copy = dev.clone();
  auto back = copy.to<inx::cpu>();
  ASSERT_EQ(back.shape(), host.shape());
  for (std::size_t i = 0; i < host.size(); ++i) EXPECT_EQ(back.data()[i], host.data()[i]) << i;
}

TEST(CudaDevice, ZeroTensorIsZero) {
  INX_REQUIRE_GPU();
  Tensor<float, inx::cuda> z(inx::Shape{1000});
  auto h = z.to<inx::cpu>();
  for (float v : h.span()) EXPECT_EQ(v, 0.0f);
}

TEST(CudaDevice, HugeAllocationIsDeviceErrorAndLeavesTheDeviceUsable) {
  INX_REQUIRE_GPU();
  EXPECT_THROW((Tensor<float, inx::cuda>::uninitialized({std::size_t(1) << 50})), inx::device_error);
  auto t = inx_test::random_tensor({8}, 2).to<inx::cuda>();  // the failed cudaMalloc must not poison later calls
  EXPECT_EQ(t.to<inx::cpu>().size(), 8u);
}

}  // namespace
