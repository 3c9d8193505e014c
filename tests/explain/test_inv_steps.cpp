// INV's steps on hand-made values whose answers are known, and the weighting policies' definitions on tiny inputs
// worked out by hand (the fixture tests check them against pytorch-grad-cam on real networks).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "inx/explain/inv.hpp"
#include "inx/explain/weighting.hpp"

namespace {
using inx::Shape;
using inx::Tensor;
namespace ex = inx::explain;

Tensor<float> tensor(Shape s, std::vector<float> v) { return Tensor<float>::from_host(s, v); }

TEST(InvSteps, PruneThresholdFollowsThePaperTable) {
  EXPECT_DOUBLE_EQ(ex::prune_threshold(2048), 0.175);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(512), 0.175);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(511), 0.35);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(256), 0.35);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(255), 0.7);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(128), 0.7);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(127), 1.4);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(64), 1.4);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(32), 2.4);
  EXPECT_DOUBLE_EQ(ex::prune_threshold(63), 76.8 / 63);
}

TEST(InvSteps, PercentWeightsSumTo100AndKeepStrictlyAboveTau) {
  // 32 channels: tau = 2.4 %. alpha = 1, 2, ..., 32 -> w_k = 100 k / 528; w_k > 2.4 from k = 13 (13/5.28 = 2.46).
  std::vector<double> alpha(32);
  std::iota(alpha.begin(), alpha.end(), 1.0);
  const auto w = ex::percent_weights(alpha);
  EXPECT_NEAR(std::accumulate(w.begin(), w.end(), 0.0), 100.0, 1e-12);
  EXPECT_NEAR(w[31], 3200.0 / 528, 1e-12);
  const auto kept = ex::kept_channels(w);
  ASSERT_EQ(kept.size(), 20u);
  EXPECT_EQ(kept.front(), 12);
  EXPECT_EQ(kept.back(), 31);
  // Exactly at tau is pruned (w_k <= tau goes).
  std::vector<double> at(32, 0.0);
  at[0] = 2.4;
  at[1] = 2.4000001;
  EXPECT_EQ(ex::kept_channels(at), (std::vector<std::int64_t>{1}));
}

TEST(InvSteps, NoPositiveEvidenceKeepsNothing) {
  EXPECT_EQ(ex::percent_weights(std::vector<double>{0, 0, 0}), (std::vector<double>{0, 0, 0}));
  const auto w = ex::percent_weights(std::vector<double>{-1, 0.5, 0.2});
  EXPECT_TRUE(ex::kept_channels(w).empty());
}

TEST(InvSteps, FilterDropsLightClustersAndRanksTheRest) {
  // max/3 = 20, mean/2 = 12.5 -> bar 20: 60 and 20 stay (20 is not below the bar), 15 and 5 go.
  EXPECT_EQ(ex::filter_and_rank(std::vector<double>{15, 60, 5, 20}), (std::vector<std::size_t>{1, 3}));
  // Equal weights: all stay, in their order.
  EXPECT_EQ(ex::filter_and_rank(std::vector<double>{10, 10, 10}), (std::vector<std::size_t>{0, 1, 2}));
  // mean/2 can be the binding bar: weights 30, 30, 30, 10 -> max/3 = 10, mean/2 = 12.5: 10 goes.
  EXPECT_EQ(ex::filter_and_rank(std::vector<double>{30, 10, 30, 30}), (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_TRUE(ex::filter_and_rank({}).empty());
}

TEST(InvSteps, ClusterMapIsTheWeightedMeanUpsampledAndScaled) {
  // Two 2x2 maps; cluster {0, 1} with w = 1, 3: mean = (A0 + 3 A1) / 4. At 2x2 output (no resize), min-max scaled.
  auto a = tensor({2, 2, 2}, {0, 1, 2, 3, 4, 0, 0, 0});
  const std::vector<double> w{1, 3};
  const std::vector<std::int64_t> members{0, 1};
  auto m = ex::cluster_map(a.view(), members, w, 2, 2);
  // (0 + 12) / 4 = 3, 1/4, 2/4, 3/4 -> min 0.25, max 3 -> (3-.25)/2.75 = 1, 0, (0.5-.25)/2.75, (0.75-.25)/2.75
  ASSERT_EQ(m.shape(), Shape({2, 2}));
  EXPECT_NEAR(m(0, 0), 1.0f, 1e-6);
  EXPECT_NEAR(m(0, 1), 0.0f, 1e-6);
  EXPECT_NEAR(m(1, 0), 0.25f / 2.75f, 1e-6);
  EXPECT_NEAR(m(1, 1), 0.5f / 2.75f, 1e-6);
  // Scaling every weight leaves the map unchanged; a constant map is all zeros, never NaN.
  auto m2 = ex::cluster_map(a.view(), members, std::vector<double>{10, 30}, 2, 2);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(m.data()[i], m2.data()[i], 1e-6);
  auto flat = tensor({1, 2, 2}, {5, 5, 5, 5});
  auto z = ex::cluster_map(flat.view(), std::vector<std::int64_t>{0}, std::vector<double>{1}, 8, 8);
  for (float v : z.span()) EXPECT_EQ(v, 0.0f);
}

TEST(InvSteps, ClusterMapUpsamplesWithHalfPixelCentres) {
  // torch interpolate(1x2 -> 1x4, bilinear, align_corners=False) of [0, 1]: [0, 0.25, 0.75, 1].
  auto a = tensor({1, 1, 2}, {0, 1});
  auto m = ex::cluster_map(a.view(), std::vector<std::int64_t>{0}, std::vector<double>{1}, 1, 4);
  ASSERT_EQ(m.shape(), Shape({1, 4}));
  EXPECT_NEAR(m(0, 0), 0.0f, 1e-6);
  EXPECT_NEAR(m(0, 1), 0.25f, 1e-6);
  EXPECT_NEAR(m(0, 2), 0.75f, 1e-6);
  EXPECT_NEAR(m(0, 3), 1.0f, 1e-6);
}

TEST(InvSteps, MinMaxScaleReportsConstantAndNaNMaps) {
  std::vector<float> varying{2.0f, 4.0f, 3.0f};
  EXPECT_TRUE(ex::minmax_scale(varying));
  EXPECT_EQ(varying, (std::vector<float>{0.0f, 1.0f, 0.5f}));
  EXPECT_FALSE(ex::is_constant_map(varying));
  std::vector<float> flat(6, 0.25f), with_nan{1.0f, std::nanf(""), 2.0f}, empty;
  EXPECT_FALSE(ex::minmax_scale(flat));
  EXPECT_EQ(flat, std::vector<float>(6, 0.0f));  // all zeros, never 0/0
  EXPECT_TRUE(ex::is_constant_map(flat));
  EXPECT_FALSE(ex::minmax_scale(with_nan));
  EXPECT_EQ(with_nan, std::vector<float>(3, 0.0f));
  EXPECT_FALSE(ex::minmax_scale(empty));
}

TEST(InvSteps, BadInputsAreErrors) {
  auto a = tensor({2, 1, 1}, {1, 2});
  EXPECT_THROW(ex::cluster_map(a.view(), std::vector<std::int64_t>{}, std::vector<double>{1, 1}, 2, 2),
               inx::value_error);
  EXPECT_THROW(ex::cluster_map(a.view(), std::vector<std::int64_t>{2}, std::vector<double>{1, 1}, 2, 2),
               inx::value_error);
  EXPECT_THROW(ex::cluster_map(a.view(), std::vector<std::int64_t>{0}, std::vector<double>{1}, 2, 2),
               inx::shape_error);
  EXPECT_THROW(ex::kept_rows(a.view(), std::vector<std::int64_t>{-1}), inx::value_error);
}

// One channel, 2x2: A = [1, 0; 2, -1], G = [0.5, 1; -2, 3].
struct TinyPair {
  Tensor<float> a = tensor({1, 2, 2}, {1, 0, 2, -1});
  Tensor<float> g = tensor({1, 2, 2}, {0.5, 1, -2, 3});
};

TEST(Weighting, DefinitionsOnOneChannel) {
  TinyPair t;
  // Grad-CAM: mean G = 2.5 / 4.
  EXPECT_NEAR(ex::GradCam{}.channel_weights(t.a, t.g)[0], 0.625, 1e-12);
  // Guided: G where A > 0 and G > 0: only pixel 0 (A=1, G=0.5) -> 0.5 / 4.
  EXPECT_NEAR(ex::GuidedGradCam{}.channel_weights(t.a, t.g)[0], 0.125, 1e-12);
  // XGrad-CAM: sum(G A) / (sum A + 1e-7) = (0.5 - 4 - 3) / 2.
  EXPECT_NEAR(ex::XGradCam{}.channel_weights(t.a, t.g)[0], -6.5 / (2 + 1e-7), 1e-9);
  // Grad-CAM++: sum over G != 0 of max(G,0) G^2 / (2 G^2 + sum(A) G^3 + 1e-6), sum(A) = 2.
  double pp = 0;
  for (double g : {0.5, 1.0, -2.0, 3.0}) pp += std::max(g, 0.0) * g * g / (2 * g * g + 2 * g * g * g + 1e-6);
  EXPECT_NEAR(ex::GradCamPlusPlus{}.channel_weights(t.a, t.g)[0], pp, 1e-12);
  // LayerCAM weight: mean max(G, 0) = 4.5 / 4.
  EXPECT_NEAR(ex::LayerCam{}.channel_weights(t.a, t.g)[0], 1.125, 1e-12);
}

TEST(Weighting, ClassicMapsAreClippedAtZero) {
  TinyPair t;
  // HiRes: G*A per pixel = [0.5, 0, -4, -3] -> clipped [0.5, 0, 0, 0].
  auto h = ex::classic_map(ex::HiResCam{}, t.a.view(), t.g.view(), ex::HiResCam{}.channel_weights(t.a, t.g));
  EXPECT_EQ(std::vector<float>(h.span().begin(), h.span().end()), (std::vector<float>{0.5f, 0, 0, 0}));
  // LayerCAM: max(G,0)*A = [0.5, 0, 0, -3] -> [0.5, 0, 0, 0].
  auto l = ex::classic_map(ex::LayerCam{}, t.a.view(), t.g.view(), ex::LayerCam{}.channel_weights(t.a, t.g));
  EXPECT_EQ(std::vector<float>(l.span().begin(), l.span().end()), (std::vector<float>{0.5f, 0, 0, 0}));
  // Grad-CAM: 0.625 * A = [0.625, 0, 1.25, -0.625] -> [0.625, 0, 1.25, 0].
  auto g = ex::classic_map(ex::GradCam{}, t.a.view(), t.g.view(), ex::GradCam{}.channel_weights(t.a, t.g));
  EXPECT_EQ(std::vector<float>(g.span().begin(), g.span().end()), (std::vector<float>{0.625f, 0, 1.25f, 0}));
}

TEST(Weighting, ShapeMismatchIsAnError) {
  auto a = Tensor<float>::zeros({2, 3, 3});
  auto g = Tensor<float>::zeros({2, 3, 4});
  EXPECT_THROW(ex::GradCam{}.channel_weights(a, g), inx::shape_error);
  auto flat = Tensor<float>::zeros({2, 9});
  EXPECT_THROW(ex::GuidedGradCam{}.channel_weights(flat, flat), inx::shape_error);
  EXPECT_THROW(ex::classic_map(ex::GradCam{}, a.view(), a.view(), std::vector<double>{1}), inx::shape_error);
}

// A user-defined method: any type with a name and channel_weights satisfies the concept.
struct AbsGradient {
  static constexpr std::string_view name = "absgrad";
  std::vector<double> channel_weights(inx::TensorView<const float> a, inx::TensorView<const float> g) const {
    std::vector<double> w(a.dim(0), 0.0);
    const std::size_t hw = a.dim(1) * a.dim(2);
    for (std::size_t k = 0; k < a.dim(0); ++k)
      for (std::size_t i = 0; i < hw; ++i) w[k] += std::fabs(g.data()[k * hw + i]);
    return w;
  }
};
static_assert(ex::Weighting<AbsGradient>);
static_assert(!ex::Weighting<int>);

TEST(Weighting, UserDefinedPolicyGetsTheDefaultMap) {
  TinyPair t;
  auto m = ex::classic_map(AbsGradient{}, t.a.view(), t.g.view(), AbsGradient{}.channel_weights(t.a, t.g));
  // w = 6.5: 6.5 * A clipped.
  EXPECT_EQ(std::vector<float>(m.span().begin(), m.span().end()), (std::vector<float>{6.5f, 0, 13.0f, 0}));
}

}  // namespace
