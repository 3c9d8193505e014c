// What the metrics must do whatever the reference says: a map made from the network itself beats its negation on
// deletion and insertion; a constant map masks the whole input; the sanity check decorrelates Grad-CAM on the trained
// default model while an edge map, which ignores the model, stays put; bad input is a clear error.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "inx/explain/explainer.hpp"
#include "inx/explain/weighting.hpp"
#include "inx/metrics/metrics.hpp"
#include "metrics_test_util.hpp"

namespace {
namespace mt = inx::metrics;
using inx::Tensor;
using inx_test::fx;

// Occlusion sensitivity of the network itself: how much the class probability drops when a 4 x 4 square around
// each pixel is set to 0.
Tensor<float> occlusion(inx_test::FmnistNetwork& net, inx::TensorView<const float> x, std::int64_t cls) {
  const std::size_t h = x.dim(1), w = x.dim(2);
  auto batch = Tensor<float>::uninitialized({h * w + 1, 1, h, w});
  for (std::size_t k = 0; k <= h * w; ++k) {
    float* d = batch.data() + k * h * w;
    std::copy_n(x.data(), h * w, d);
    if (k == h * w) continue;
    const std::size_t ci = k / w, cj = k % w;
    for (std::size_t i = ci >= 2 ? ci - 2 : 0; i < std::min(h, ci + 2); ++i)
      for (std::size_t j = cj >= 2 ? cj - 2 : 0; j < std::min(w, cj + 2); ++j) d[i * w + j] = 0;
  }
  mt::NetworkProbe probe(net, 128);
  const std::vector<std::int64_t> classes(h * w + 1, cls);
  const auto p = probe.probabilities(batch.view(), classes);
  auto m = Tensor<float>::uninitialized({h, w});
  for (std::size_t k = 0; k < h * w; ++k) m.data()[k] = float(p[h * w] - p[k]);
  return m;
}

std::int64_t predicted(inx_test::FmnistNetwork& net, inx::TensorView<const float> x) {
  auto logits = net.forward(x.reshape({1, x.dim(0), x.dim(1), x.dim(2)}));
  return std::int64_t(std::max_element(logits.data(), logits.data() + logits.size()) - logits.data());
}

TEST(MetricsProperties, OcclusionMapBeatsItsNegation) {
  auto net = inx_test::trained_fmnist();
  const auto x = fx("x");
  mt::NetworkProbe probe(*net, 32);
  double ins_map = 0, ins_neg = 0;
  for (std::size_t i = 0; i < x.dim(0); ++i) {
    SCOPED_TRACE(i);
    const auto c = predicted(*net, x.view()[i]);
    auto m = occlusion(*net, x.view()[i], c);
    auto neg = m.clone();
    for (float& v : neg.span()) v = -v;
    const std::vector<mt::Item> items{{x.view()[i], m.view(), c}, {x.view()[i], neg.view(), c}};
    const auto del = mt::Deletion{}.scores(probe, items), ins = mt::Insertion{}.scores(probe, items);
    EXPECT_LT(del[0], del[1]);  // on every image
    ins_map += ins[0] / double(x.dim(0));
    ins_neg += ins[1] / double(x.dim(0));
  }
  // Insertion starts from a blurred copy that occlusion never saw, so on two of the ten images (a sneaker and a bag
  // whose blur alone keeps the class) the negation wins; over the images the map wins clearly (0.71 against 0.56).
  EXPECT_GT(ins_map, ins_neg + 0.1);
}

TEST(MetricsProperties, ConstantMapMasksTheWholeInput) {
  auto net = inx_test::trained_fmnist();
  const auto x = fx("x");
  mt::NetworkProbe probe(*net, 8);
  const auto flat = Tensor<float>::full({7, 7}, 3.5f);
  auto zeros = Tensor<float>::zeros({1, 1, 28, 28});
  for (std::size_t i = 0; i < x.dim(0); ++i) {
    const auto c = predicted(*net, x.view()[i]);
    const std::vector<mt::Item> items{{x.view()[i], flat.view(), c}};
    const auto conf = mt::masked_confidence(probe, items);
    const std::vector<std::int64_t> cls{c};
    const double p_mean_colour = probe.probabilities(zeros.view(), cls)[0];
    // (oneDNN picks its kernels by batch size, so a batch of 2 and one of 1 agree to rounding, not bit for bit)
    EXPECT_NEAR(conf.masked[0], p_mean_colour, 1e-6 * p_mean_colour) << i;
    EXPECT_NEAR(mt::AverageDrop::from(conf)[0], mt::AverageDrop::of(conf.original[0], p_mean_colour), 1e-6);
    EXPECT_DOUBLE_EQ(mt::IncreaseInConfidence::from(conf)[0], p_mean_colour > conf.original[0] ? 100.0 : 0.0);
  }
}

TEST(MetricsProperties, CurvesStartAndEndWhereTheDefinitionSays) {
  auto net = inx_test::trained_fmnist();
  const auto x = fx("x");
  mt::NetworkProbe probe(*net, 64);
  const auto m = mt::random_map(28, 28, 3);
  const auto c = predicted(*net, x.view()[0]);
  const std::vector<mt::Item> items{{x.view()[0], m.view(), c}};
  const auto del = mt::Deletion{.step = 100}.curves(probe, items)[0];
  const auto ins = mt::Insertion{.step = 100}.curves(probe, items)[0];
  ASSERT_EQ(del.probabilities.size(), 9u);  // ceil(784 / 100) = 8 steps
  auto zeros = Tensor<float>::zeros({1, 1, 28, 28});
  auto blurred = mt::rise_blur(x.view()[0]);
  const std::vector<std::int64_t> cls{c};
  // (a batch of 9 and a batch of 1 run different oneDNN kernels: equal to rounding)
  EXPECT_NEAR(del.probabilities.front(), probe.probabilities(x.view().slice(0, 1), cls)[0], 1e-6);
  EXPECT_NEAR(del.probabilities.back(), probe.probabilities(zeros.view(), cls)[0], 1e-6);
  EXPECT_NEAR(ins.probabilities.front(), probe.probabilities(blurred.view().reshape({1, 1, 28, 28}), cls)[0], 1e-6);
  EXPECT_NEAR(ins.probabilities.back(), del.probabilities.front(), 1e-6);
  const std::vector<double> tri{0.0, 1.0, 0.5};
  EXPECT_DOUBLE_EQ(mt::curve_auc(tri), (1.5 - 0.25) / 2);
}

// Grad-CAM of the last layer at input resolution (28 x 28), for the given classes.
std::vector<Tensor<float>> gradcam_maps(inx_test::FmnistNetwork& net, inx::TensorView<const float> x,
                                        const std::vector<std::int64_t>& cls) {
  inx::explain::Explainer<inx_test::FmnistNetwork, inx::explain::GradCam> ex(net, {"features.16"}, {}, {}, false);
  auto recs = ex.explain(x, cls);
  std::vector<Tensor<float>> maps;
  for (auto& r : recs) maps.push_back(mt::map_at(r.layers[0].cam.view(), 28, 28));
  return maps;
}

TEST(MetricsProperties, SanityCheckDecorrelatesGradCamButNotAnEdgeMap) {
  auto net = inx_test::trained_fmnist();
  const auto x = fx("x");
  std::vector<std::int64_t> cls;
  for (std::size_t i = 0; i < x.dim(0); ++i) cls.push_back(predicted(*net, x.view()[i]));
  const auto before = net->forward(x.view());
  std::size_t calls = 0;
  const auto steps = mt::cascading_randomisation(
      *net, [&](auto& n) { ++calls; return gradcam_maps(n, x.view(), cls); }, 0);
  ASSERT_EQ(steps.size(), 11u);  // classifier, 5 batch norms, 5 convolutions
  EXPECT_EQ(calls, 12u);
  EXPECT_EQ(steps.front().module, "classifier");
  EXPECT_EQ(steps.back().module, "features.0");
  double last_rho = 0, last_ssim = 0;
  for (std::size_t i = 0; i < x.dim(0); ++i) {
    last_rho += steps.back().spearman[i] / double(x.dim(0));
    last_ssim += steps.back().ssim[i] / double(x.dim(0));
  }
  EXPECT_LT(std::abs(last_rho), 0.4) << "a fully randomised model should not give Grad-CAM's maps";
  EXPECT_LT(last_ssim, 0.5);
  // The trained weights are back.
  const auto after = net->forward(x.view());
  EXPECT_TRUE(inx_test::close(after.view(), before.view(), 0.0));

  // An edge map ignores the model: the check must see no change at all.
  const auto sobel = mt::cascading_randomisation(
      *net,
      [&](auto&) {
        std::vector<Tensor<float>> m;
        for (std::size_t i = 0; i < x.dim(0); ++i) m.push_back(mt::sobel_map(x.view()[i]));
        return m;
      },
      0, 3);
  ASSERT_EQ(sobel.size(), 3u);
  for (const auto& s : sobel)
    for (std::size_t i = 0; i < x.dim(0); ++i) {
      EXPECT_DOUBLE_EQ(s.spearman[i], 1.0);
      EXPECT_NEAR(s.ssim[i], 1.0, 1e-12);
    }
}

TEST(MetricsProperties, SpearmanAndSsimOnKnownPairs) {
  auto a = Tensor<float>::uninitialized({8, 8});
  for (std::size_t i = 0; i < 64; ++i) a.data()[i] = float(i);
  auto rev = a.clone();
  for (std::size_t i = 0; i < 64; ++i) rev.data()[i] = float(63 - i);
  EXPECT_DOUBLE_EQ(mt::spearman(a.view(), a.view()), 1.0);
  EXPECT_DOUBLE_EQ(mt::spearman(a.view(), rev.view()), -1.0);
  EXPECT_NEAR(mt::ssim(a.view(), a.view()), 1.0, 1e-12);
  const auto flat = Tensor<float>::full({8, 8}, 2.0f);
  EXPECT_EQ(mt::spearman(a.view(), flat.view()), 0.0);  // no ranks to correlate: defined as 0, never NaN
  EXPECT_TRUE(std::isfinite(mt::ssim(flat.view(), flat.view())));
}

TEST(MetricsProperties, RandomMapIsSeededAndUniform) {
  const auto a = mt::random_map(28, 28, 5), b = mt::random_map(28, 28, 5), c = mt::random_map(28, 28, 6);
  EXPECT_TRUE(inx_test::close(a.view(), b.view(), 0.0));
  EXPECT_FALSE(inx_test::close(a.view(), c.view(), 1e-3));
  double mean = 0;
  for (float v : a.span()) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LT(v, 1.0f);
    mean += v / 784.0;
  }
  EXPECT_NEAR(mean, 0.5, 0.05);
}

TEST(MetricsBadInput, ClearErrors) {
  auto net = inx_test::trained_fmnist();
  const auto x = fx("x");
  mt::NetworkProbe probe(*net, 8);
  const auto m = mt::random_map(7, 7, 1);
  const std::vector<mt::Item> one{{x.view()[0], m.view(), 9}};
  auto expect_error = [](auto&& f, const std::string& fragment) {
    try {
      f();
      ADD_FAILURE() << "no error; expected one containing '" << fragment << "'";
    } catch (const inx::error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error([&] { (void)mt::Deletion{.step = 785}.scores(probe, one); }, "expected 1 to the input's 784 pixels");
  expect_error([&] { (void)mt::NetworkProbe(*net, 0); }, "batch");
  const std::vector<mt::Item> bad_class{{x.view()[0], m.view(), 10}};
  expect_error([&] { (void)mt::AverageDrop{}.scores(probe, bad_class); }, "class 10 is outside [0, 10)");
  auto nan = m.clone();
  nan.data()[3] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<mt::Item> nan_map{{x.view()[0], nan.view(), 1}};
  expect_error([&] { (void)mt::Insertion{}.scores(probe, nan_map); }, "the map holds NaN or Inf");
  auto small = Tensor<float>::zeros({1, 14, 14});
  const std::vector<mt::Item> mixed{{x.view()[0], m.view(), 1}, {small.view(), m.view(), 1}};
  expect_error([&] { (void)mt::Deletion{}.scores(probe, mixed); }, "every input must have the same shape");
  const auto tiny = Tensor<float>::zeros({5, 5});
  expect_error([&] { (void)mt::ssim(tiny.view(), tiny.view()); }, "at least 7 x 7");
}

}  // namespace
