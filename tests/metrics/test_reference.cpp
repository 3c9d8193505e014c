// Every metric against tools/metrics_reference.py (the definitions, in PyTorch) on the trained Fashion-MNIST model,
// ten bundled images and six maps each (fixtures: tools/make_metrics_fixtures.py), and AD/IC against torchcam 0.5's
// own ClassificationMetric on the same maps. AUCs within 1e-4 absolute and the curves' probabilities within 1e-5;
// AD/IC/AG exactly on the reference's probabilities and within 1e-4 (as fractions) through inx's own network.
#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "inx/metrics/metrics.hpp"
#include "metrics_test_util.hpp"

namespace {
namespace mt = inx::metrics;
using inx::Tensor;
using inx_test::fx;

constexpr std::size_t kImages = 10, kMaps = 6;

struct Items {
  Tensor<float> x = fx("x");
  std::vector<Tensor<float>> maps;
  std::vector<mt::Item> items;
  Items() {
    const auto cls = fx<std::int64_t>("cls");
    for (std::size_t i = 0; i < kImages; ++i)
      for (std::size_t j = 0; j < kMaps; ++j) maps.push_back(fx("map:" + std::to_string(i) + ":" + std::to_string(j)));
    for (std::size_t i = 0; i < kImages; ++i)
      for (std::size_t j = 0; j < kMaps; ++j)
        items.push_back({x.view()[i], maps[i * kMaps + j].view(), cls.data()[i * kMaps + j]});
  }
};

std::string key(const char* what, std::size_t i, std::size_t j) {
  return std::string(what) + ":" + std::to_string(i) + ":" + std::to_string(j);
}

TEST(MetricsReference, RiseKernelIsScipysGaussianOfAnImpulse) {
  const auto k = mt::rise_kernel_1d();
  const auto ref = fx<double>("rise_kernel");
  for (std::size_t a = 0; a < 11; ++a)
    for (std::size_t b = 0; b < 11; ++b) EXPECT_NEAR(k[a] * k[b], ref.data()[a * 11 + b], 1e-15) << a << "," << b;
  double s = 0;
  for (double v : k) s += v;
  EXPECT_NEAR(s * s, 1.0, 1e-12);
  EXPECT_NEAR(k[5] * k[5], 0.00883, 1e-5);
  EXPECT_NEAR(k[0] * k[0], 0.00774, 1e-5);
}

TEST(MetricsReference, RiseBlurMatchesConv2dWithZeroPadding) {
  const auto x = fx("x");
  for (std::size_t i = 0; i < kImages; ++i) {
    const auto b = mt::rise_blur(x.view()[i]);
    EXPECT_TRUE(inx_test::close(b.view(), fx("blur:" + std::to_string(i)).view(), 1e-6)) << i;
  }
}

// `images`: how many of the ten images to score (each of their six maps).
void check_curves(std::size_t step, const std::string& suffix, std::size_t images) {
  auto net = inx_test::trained_fmnist();
  mt::NetworkProbe probe(*net, 16);
  Items data;
  const std::span<const mt::Item> items(data.items.data(), images * kMaps);
  const auto del = mt::Deletion{.step = step}.curves(probe, items);
  const auto ins = mt::Insertion{.step = step}.curves(probe, items);
  const auto del_auc = fx<double>("del" + suffix + "_auc"), ins_auc = fx<double>("ins" + suffix + "_auc");
  ASSERT_EQ(del.size(), images * kMaps);
  for (std::size_t i = 0; i < images; ++i)
    for (std::size_t j = 0; j < kMaps; ++j) {
      SCOPED_TRACE(key("item", i, j));
      const auto& d = del[i * kMaps + j];
      const auto& n = ins[i * kMaps + j];
      const auto rd = fx<double>(key(("del" + suffix).c_str(), i, j)), ri = fx<double>(key(("ins" + suffix).c_str(), i, j));
      ASSERT_EQ(d.probabilities.size(), rd.size());
      ASSERT_EQ(n.probabilities.size(), ri.size());
      for (std::size_t s = 0; s < rd.size(); ++s) {
        EXPECT_NEAR(d.probabilities[s], rd.data()[s], 1e-5) << "deletion step " << s;
        EXPECT_NEAR(n.probabilities[s], ri.data()[s], 1e-5) << "insertion step " << s;
      }
      EXPECT_NEAR(d.auc, del_auc.data()[i * kMaps + j], 1e-4);
      EXPECT_NEAR(n.auc, ins_auc.data()[i * kMaps + j], 1e-4);
    }
  // Every perturbed input went through the network, in batches: 2 metrics x items x (n + 1) inputs.
  EXPECT_EQ(probe.forwards(), 2 * images * kMaps * del[0].probabilities.size());
}

TEST(MetricsReference, DeletionAndInsertionAtTheDefaultStep) { check_curves(0, "", kImages); }
// 158 inputs per curve: three images (18 maps) keep the test short under the sanitizers
TEST(MetricsReference, DeletionAndInsertionAtStepFive) { check_curves(5, "5", 3); }

// The formulas on the reference's own probabilities: exact.
TEST(MetricsReference, ConfidenceFormulas) {
  const auto y = fx<double>("y"), o = fx<double>("o"), rad = fx<double>("ad"), ric = fx<double>("ic"),
             rag = fx<double>("ag");
  for (std::size_t t = 0; t < kImages * kMaps; ++t) {
    EXPECT_NEAR(mt::AverageDrop::of(y.data()[t], o.data()[t]), rad.data()[t], 1e-9) << t;
    EXPECT_EQ(mt::IncreaseInConfidence::of(y.data()[t], o.data()[t]), ric.data()[t]) << t;
    EXPECT_NEAR(mt::AverageGain::of(y.data()[t], o.data()[t]), rag.data()[t], 1e-9) << t;
  }
}

// The whole chain through inx's float32 network. Its probabilities agree with PyTorch's to ~2e-6, which a division
// by Y (AD) or 1 - Y (AG) can grow to a few 1e-6: the scores are compared as fractions within 1e-4 (the issue's
// bound), i.e. 1e-2 in the percent they are reported in.
TEST(MetricsReference, AverageDropIncreaseInConfidenceAverageGain) {
  auto net = inx_test::trained_fmnist();
  mt::NetworkProbe probe(*net, 7);
  Items data;
  const auto c = mt::masked_confidence(probe, data.items);
  const auto ad = mt::AverageDrop::from(c), ic = mt::IncreaseInConfidence::from(c), ag = mt::AverageGain::from(c);
  const auto y = fx<double>("y"), o = fx<double>("o"), rad = fx<double>("ad"), ric = fx<double>("ic"),
             rag = fx<double>("ag");
  double mean_ad = 0, mean_ic = 0;
  for (std::size_t t = 0; t < kImages * kMaps; ++t) {
    SCOPED_TRACE(t);
    EXPECT_NEAR(c.original[t], y.data()[t], 1e-5);
    EXPECT_NEAR(c.masked[t], o.data()[t], 1e-5);
    EXPECT_NEAR(ad[t] / 100, rad.data()[t] / 100, 1e-4);
    EXPECT_EQ(ic[t], ric.data()[t]);
    EXPECT_NEAR(ag[t] / 100, rag.data()[t] / 100, 1e-4);
    mean_ad += ad[t] / double(kImages * kMaps);
    mean_ic += ic[t] / double(kImages * kMaps);
  }
  EXPECT_NEAR(mean_ad / 100, fx<double>("torchcam_ad").data()[0] / 100, 1e-4) << "torchcam's ClassificationMetric";
  EXPECT_NEAR(mean_ic / 100, fx<double>("torchcam_ic").data()[0] / 100, 1e-4) << "torchcam's ClassificationMetric";
  // The metric types give the same per-item scores as the shared pass.
  EXPECT_EQ(mt::AverageDrop{}.scores(probe, data.items), ad);
  EXPECT_EQ(mt::AverageGain{}.scores(probe, data.items), ag);
}

// On the very arrays scipy and skimage saw (ranks are sensitive to the last bit, so the maps are not recomputed);
// the upsampling that made them is checked on its own, against torch.
TEST(MetricsReference, SpearmanAndSsimMatchScipyAndSkimage) {
  Items data;
  for (std::size_t i = 0; i < kImages; ++i) {
    const auto base = fx(key("up", i, 0));
    for (std::size_t j = 0; j < kMaps; ++j) {
      SCOPED_TRACE(key("pair", i, j));
      const auto m = fx(key("up", i, j));
      EXPECT_TRUE(inx_test::close(mt::map_at(data.maps[i * kMaps + j].view(), 28, 28).view(), m.view(), 1e-6));
      const auto [rho, ss] = mt::sanity_similarity(base.view(), m.view());
      EXPECT_NEAR(rho, fx<double>(key("sp", i, j)).data()[0], 1e-12);
      EXPECT_NEAR(ss, fx<double>(key("ss", i, j)).data()[0], 1e-7);  // fused multiply-adds in the variances, whose cancellation amplifies rounding
    }
  }
}

TEST(MetricsReference, SobelMatchesOpenCv) {
  const auto x = fx("x");
  for (std::size_t i = 0; i < kImages; ++i)
    EXPECT_TRUE(inx_test::close(mt::sobel_map(x.view()[i]).view(), fx("sobel:" + std::to_string(i)).view(), 1e-6));
}

TEST(MetricsReference, CascadeWalksTheModulesQuantusResets) {
  auto net = inx_test::trained_fmnist();
  auto modules = inx::nn::parametrised_modules(*net);
  std::reverse(modules.begin(), modules.end());
  std::string joined;
  for (const auto& m : modules) joined += (joined.empty() ? "" : ",") + m;
  const auto bytes = fx<std::uint8_t>("reset_order");
  EXPECT_EQ(joined, std::string(bytes.data(), bytes.data() + bytes.size()));
}

}  // namespace
