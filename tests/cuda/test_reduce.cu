// CUDA reductions. The whole two-pass composition runs on the host (HostExec) on every machine and must agree with
// the CPU backend: bit for bit where both do the same operations in the same order (max, min, argmax, softmax), to
// float rounding where the double sums are added in another order. With a GPU, the launched kernels must agree too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "cuda_test_util.cuh"
#include "inx/cuda/reduce.cuh"
#include "inx/tensor/cpu/reduce.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace ops = inx::ops;
namespace cd = inx::cuda_detail;

using CpuK = inx::reduce_kernel<inx::cpu>;
const cd::Reductions<cd::HostExec> host{};

// Within float rounding of the reference: the two double sums differ by far less than one float ulp, so the floats
// are equal or neighbours.
void expect_close(double got, double want, const char* what, std::size_t at = 0) {
  const double tol = std::abs(want) * 1.2e-7 + 1e-30;
  EXPECT_LE(std::abs(got - want), tol) << what << " at " << at << ": " << got << " vs " << want;
}
void expect_close(const std::vector<float>& got, const std::vector<float>& want, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) expect_close(got[i], want[i], what, i);
}
bool same_bits(float a, float b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

std::vector<float> values(std::size_t n, unsigned seed) {
  auto t = inx_test::random_tensor({n}, seed, -3.0f, 3.0f);
  return {t.data(), t.data() + n};
}

// Row shapes: a single column, a row shorter than one strand, rows of a classifier's logits, one long row.
const std::vector<std::pair<std::size_t, std::size_t>> kRows = {{5, 1}, {3, 17}, {64, 1000}, {2, 70001}, {0, 4}};

TEST(CudaReduceBodies, RowSumsAndMeansAgreeWithTheCpu) {
  unsigned seed = 1;
  for (auto [r, c] : kRows) {
    const auto x = values(r * c, seed++);
    for (auto op : {ops::row_reduction::sum, ops::row_reduction::mean}) {
      std::vector<float> want(r), got(r, -1.0f);
      CpuK::rows(op, r, c, x.data(), want.data());
      host.rows(op, r, c, x.data(), got.data());
      expect_close(got, want, "row sum/mean");
    }
  }
}

TEST(CudaReduceBodies, RowExtremesArgmaxAndSoftmaxEqualTheCpuBitForBit) {
  unsigned seed = 10;
  for (auto [r, c] : kRows) {
    auto x = values(r * c, seed++);
    if (r * c > 40) {
      x[7] = std::numeric_limits<float>::quiet_NaN();  // NaN wins max, min and argmax
      x[c + 2] = x[c + 5] = 99.0f;                    // a tie: argmax keeps the first
    }
    for (auto op : {ops::row_reduction::max, ops::row_reduction::min}) {
      std::vector<float> want(r), got(r);
      CpuK::rows(op, r, c, x.data(), want.data());
      host.rows(op, r, c, x.data(), got.data());
      for (std::size_t i = 0; i < r; ++i) EXPECT_TRUE(same_bits(got[i], want[i])) << i;
    }
    std::vector<std::int64_t> want_at(r), got_at(r, -1);
    CpuK::argmax_rows(r, c, x.data(), want_at.data());
    host.argmax_rows(r, c, x.data(), got_at.data());
    EXPECT_EQ(got_at, want_at);
    for (bool log : {false, true}) {
      std::vector<float> want(r * c), got(r * c);
      CpuK::softmax_rows(log, r, c, x.data(), want.data());
      host.softmax_rows(log, r, c, x.data(), got.data());
      for (std::size_t i = 0; i < r * c; ++i) ASSERT_TRUE(same_bits(got[i], want[i])) << i;
    }
  }
}

TEST(CudaReduceBodies, WholeSumsDotsPlanesAndChannelsAgreeWithTheCpu) {
  for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(63), std::size_t(100003)}) {
    const auto a = values(n, unsigned(n) + 1), b = values(n, unsigned(n) + 2);
    expect_close(host.sum(n, a.data()), CpuK::sum(n, a.data()), "sum");
    expect_close(host.dot(n, a.data(), b.data()), CpuK::dot(n, a.data(), b.data()), "dot");
  }
  // (outer, c, inner): a batch of ResNet stage maps, one channel, inner of one (a linear layer's bias).
  const std::vector<std::array<std::size_t, 3>> shapes = {{2, 64, 56 * 56}, {3, 1, 10}, {128, 10, 1}, {1, 5, 7}};
  for (auto [o, c, in] : shapes) {
    const auto x = values(o * c * in, unsigned(o * c + in));
    std::vector<float> want(c), got(c);
    CpuK::channel_sum(o, c, in, x.data(), want.data());
    host.channel_sum(o, c, in, x.data(), got.data());
    expect_close(got, want, "channel sum");
    std::vector<float> want_p(o * c), got_p(o * c);
    CpuK::mean_planes(o * c, in, x.data(), want_p.data());
    host.mean_planes(o * c, in, x.data(), got_p.data());
    expect_close(got_p, want_p, "plane mean");
  }
}

// The strand split is an implementation detail: any number of strands gives the same sums, and a known input gives
// the known answer.
TEST(CudaReduceBodies, SegmentSumsDoNotDependOnTheStrandCount) {
  const std::size_t segs = 3, len = 1000;
  std::vector<float> x(segs * len);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i % len) + 0.5f * float(i / len);
  for (std::size_t strands : {1, 2, 7, 64, 999, 1000, 1500}) {
    std::vector<double> out(segs, -1.0);
    cd::segment_sums(cd::HostExec{}, segs, len, cd::RowLoad{x.data(), len}, out.data(), "test", strands);
    for (std::size_t s = 0; s < segs; ++s) EXPECT_EQ(out[s], 499500.0 + 500.0 * double(s)) << strands << " " << s;
  }
  EXPECT_EQ(cd::strands_for(1, 10), 1u);
  EXPECT_EQ(cd::strands_for(1, std::size_t(1) << 30), std::size_t(1) << 16);
  EXPECT_EQ(cd::strands_for(std::size_t(1) << 20, 4096), 1u);
}

TEST(CudaReduce, GpuAgreesWithTheCpu) {
  INX_REQUIRE_GPU();
  auto x = inx_test::random_tensor({64, 1000}, 5);
  auto xg = x.to<inx::cuda>();
  auto want = Tensor<float>::uninitialized({64});
  auto got = Tensor<float, inx::cuda>::uninitialized({64});
  for (auto op : {ops::row_reduction::sum, ops::row_reduction::mean, ops::row_reduction::max}) {
    ops::reduce_rows<inx::cpu>(op, x, want);
    ops::reduce_rows<inx::cuda>(op, xg, got);
    const auto back = got.to<inx::cpu>();
    for (std::size_t i = 0; i < 64; ++i) EXPECT_NEAR(back.data()[i], want.data()[i], 1e-4 * (1 + std::abs(want.data()[i])));
  }
  auto sm = Tensor<float>::uninitialized(x.shape());
  auto smg = Tensor<float, inx::cuda>::uninitialized(x.shape());
  ops::softmax_rows<inx::cpu>(x, sm);
  ops::softmax_rows<inx::cuda>(xg, smg);
  const auto smb = smg.to<inx::cpu>();
  for (std::size_t i = 0; i < sm.size(); ++i) EXPECT_NEAR(smb.data()[i], sm.data()[i], 1e-4 * sm.data()[i] + 1e-9);
  auto at = Tensor<std::int64_t>::uninitialized({64});
  auto atg = Tensor<std::int64_t, inx::cuda>::uninitialized({64});
  ops::argmax_rows<inx::cpu>(x, at);
  ops::argmax_rows<inx::cuda>(xg, atg);
  const auto atb = atg.to<inx::cpu>();
  for (std::size_t i = 0; i < 64; ++i) EXPECT_EQ(atb.data()[i], at.data()[i]);
  const float s = ops::sum<inx::cpu>(x), sg = ops::sum<inx::cuda>(xg);
  EXPECT_NEAR(sg, s, 1e-4 * (1 + std::abs(s)));
  const float d = ops::dot<inx::cpu>(x, x), dg = ops::dot<inx::cuda>(xg, xg);
  EXPECT_NEAR(dg, d, 1e-4 * d);

  auto maps = inx_test::random_tensor({2, 256, 14, 14}, 6);
  auto mapsg = maps.to<inx::cuda>();
  auto cs = Tensor<float>::uninitialized({256});
  auto csg = Tensor<float, inx::cuda>::uninitialized({256});
  ops::sum_channels<inx::cpu>(maps, cs);
  ops::sum_channels<inx::cuda>(mapsg, csg);
  auto mh = Tensor<float>::uninitialized({2, 256});
  auto mhg = Tensor<float, inx::cuda>::uninitialized({2, 256});
  ops::mean_hw<inx::cpu>(maps, mh);
  ops::mean_hw<inx::cuda>(mapsg, mhg);
  const auto csb = csg.to<inx::cpu>(), mhb = mhg.to<inx::cpu>();
  for (std::size_t i = 0; i < 256; ++i) EXPECT_NEAR(csb.data()[i], cs.data()[i], 1e-4 * (1 + std::abs(cs.data()[i])));
  for (std::size_t i = 0; i < 512; ++i) EXPECT_NEAR(mhb.data()[i], mh.data()[i], 1e-4 * (1 + std::abs(mh.data()[i])));
}

}  // namespace
