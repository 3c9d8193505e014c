// The explainer end to end on the shipped Fashion-MNIST model and real sample images: the records' invariants (the
// clusters partition a subset of the kept channels, weights add up, ranking and filter hold, maps are scaled), batch
// consistency, the class choice, and bad layer names.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "inx/cluster/any.hpp"
#include "inx/cluster/auto.hpp"
#include "inx/cluster/cluster.hpp"
#include "inx/explain/any_weighting.hpp"
#include "inx/explain/explainer.hpp"
#include "inx/explain/report.hpp"
#include "inx/io/image.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/nn/network.hpp"

namespace {
namespace ex = inx::explain;
namespace cl = inx::cluster;
using Net = inx::nn::Network<inx::models::fmnist>;

const std::vector<std::string> kSamples{"fmnist_0000_ankle_boot.png", "fmnist_0002_trouser.png",
                                        "fmnist_0018_bag.png"};
const std::vector<std::string> kLayers{"features.9", "features.16"};

Net& net() {
  static auto n = [] {
    auto p = std::make_unique<Net>();
    p->load(inx::io::load_tensors(std::string(INX_SOURCE_DIR) + "/data/models/fmnist.npz"));
    return p;
  }();
  return *n;
}

inx::Tensor<float> batch(const std::vector<std::string>& files) {
  auto x = inx::Tensor<float>::uninitialized({files.size(), 1, 28, 28});
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto img = inx::io::load_image(std::string(INX_SOURCE_DIR) + "/data/samples/" + files[i], 1);
    std::copy_n(img.data(), 28 * 28, x.data() + i * 28 * 28);
  }
  return x;
}

void check_layer(const ex::LayerRecord& l) {
  ASSERT_EQ(l.channel_weights.size(), l.channels);
  EXPECT_NEAR(std::accumulate(l.channel_weights.begin(), l.channel_weights.end(), 0.0), 100.0, 1e-6);
  const double tau = ex::prune_threshold(l.channels);
  std::set<std::int64_t> kept(l.kept.begin(), l.kept.end());
  for (std::size_t k = 0; k < l.channels; ++k)
    EXPECT_EQ(kept.contains(std::int64_t(k)), l.channel_weights[k] > tau) << l.name << " channel " << k;
  ASSERT_FALSE(l.clusters.empty()) << l.name;
  EXPECT_LE(std::int64_t(l.clusters.size()), l.n_clusters_found);
  std::set<std::int64_t> seen;
  double heaviest = l.clusters.front().weight;
  for (std::size_t r = 0; r < l.clusters.size(); ++r) {
    const auto& c = l.clusters[r];
    EXPECT_EQ(c.rank, r);
    if (r > 0) {
      EXPECT_LE(c.weight, l.clusters[r - 1].weight);
    }
    EXPECT_GE(c.weight, heaviest / 3 - 1e-9);
    double w = 0;
    for (auto ch : c.channels) {
      EXPECT_TRUE(kept.contains(ch)) << "cluster member " << ch << " was pruned";
      EXPECT_TRUE(seen.insert(ch).second) << "channel " << ch << " in two clusters";
      w += l.channel_weights[std::size_t(ch)];
    }
    EXPECT_NEAR(c.weight, w, 1e-9);
    ASSERT_EQ(c.map.shape(), inx::Shape({28, 28}));
    const auto [lo, hi] = std::minmax_element(c.map.span().begin(), c.map.span().end());
    EXPECT_EQ(*lo, 0.0f);
    EXPECT_EQ(*hi, 1.0f);
  }
  ASSERT_EQ(l.cam.shape(), inx::Shape({l.height, l.width}));
  for (float v : l.cam.span()) EXPECT_GE(v, 0.0f);
}

TEST(Explainer, RecordsHoldTheInvariantsOnRealImages) {
  ex::Explainer<Net, ex::GuidedGradCam, cl::AutoK<cl::KMeans<>>> e(net(), kLayers);
  auto x = batch(kSamples);
  const auto recs = e.explain(x.view());
  ASSERT_EQ(recs.size(), 3u);
  // The shipped model classifies these three correctly: ankle boot 9, trouser 1, bag 8.
  EXPECT_EQ(recs[0].class_index, 9);
  EXPECT_EQ(recs[1].class_index, 1);
  EXPECT_EQ(recs[2].class_index, 8);
  for (const auto& r : recs) {
    EXPECT_EQ(r.class_index, r.predicted);
    EXPECT_GT(r.prob, 0.5);
    EXPECT_LE(r.prob, 1.0);
    ASSERT_EQ(r.layers.size(), 2u);
    EXPECT_EQ(r.layers[0].name, "features.9");
    EXPECT_EQ(r.layers[0].channels, 64u);
    EXPECT_EQ(r.layers[1].channels, 128u);
    for (const auto& l : r.layers) check_layer(l);
  }
  EXPECT_GT(e.timings().network, 0.0);
}

TEST(Explainer, ABatchGivesWhatSingleImagesGive) {
  ex::Explainer<Net, ex::GuidedGradCam, cl::CorrelationMerge> e(net(), kLayers);
  auto x = batch(kSamples);
  const auto all = e.explain(x.view());
  for (std::size_t i = 0; i < kSamples.size(); ++i) {
    auto one = batch({kSamples[i]});
    const auto r = e.explain(one.view());
    ASSERT_EQ(r[0].layers.size(), all[i].layers.size());
    for (std::size_t l = 0; l < r[0].layers.size(); ++l) {
      const auto& a = r[0].layers[l];
      const auto& b = all[i].layers[l];
      ASSERT_EQ(a.channel_weights.size(), b.channel_weights.size());
      for (std::size_t k = 0; k < a.channel_weights.size(); ++k)
        EXPECT_NEAR(a.channel_weights[k], b.channel_weights[k], 1e-3 * std::max(1.0, b.channel_weights[k]));
      EXPECT_EQ(a.kept, b.kept);
    }
  }
}

TEST(Explainer, ExplainsTheClassItIsGiven) {
  ex::Explainer<Net, ex::GradCam, cl::PaperPreset> e(net(), {"features.16"}, {}, {}, /*cluster=*/false);
  auto x = batch({kSamples[0], kSamples[1]});
  const std::vector<std::int64_t> cls{3, -1};
  const auto r = e.explain(x.view(), cls);
  EXPECT_EQ(r[0].class_index, 3);
  EXPECT_EQ(r[0].predicted, 9);
  EXPECT_LT(r[0].prob, 0.5);
  EXPECT_EQ(r[1].class_index, 1);  // -1: the predicted class
  // Without clustering: the method's own channel weights and no clusters.
  EXPECT_TRUE(r[0].layers[0].clusters.empty());
  EXPECT_TRUE(r[0].layers[0].kept.empty());
  // Explaining another class changes the gradients and so the weights.
  const auto own = e.explain(x.slice(0, 1));
  EXPECT_NE(own[0].layers[0].channel_weights, r[0].layers[0].channel_weights);
  const std::vector<std::int64_t> bad{10, 0};
  EXPECT_THROW(e.explain(x.view(), bad), inx::value_error);
}

TEST(Explainer, TypeErasedPoliciesGiveWhatTheWrappedOnesGive) {
  ex::Explainer<Net, ex::GuidedGradCam, cl::CorrelationMerge> direct(net(), kLayers);
  ex::Explainer<Net, ex::AnyWeighting, cl::AnyPolicy> erased(net(), kLayers, ex::weighting_from_name("inv"),
                                                              cl::CorrelationMerge{});
  auto x = batch({kSamples[2]});
  const auto a = direct.explain(x.view()), b = erased.explain(x.view());
  for (std::size_t l = 0; l < 2; ++l) {
    ASSERT_EQ(a[0].layers[l].clusters.size(), b[0].layers[l].clusters.size());
    for (std::size_t c = 0; c < a[0].layers[l].clusters.size(); ++c)
      EXPECT_EQ(a[0].layers[l].clusters[c].channels, b[0].layers[l].clusters[c].channels);
  }
  EXPECT_THROW(ex::weighting_from_name("gradcam+"), inx::value_error);
}

// A policy that marks every third row noise (as DBSCAN may) and splits the rest in two.
struct NoisyPolicy {
  static constexpr std::string_view name = "noisy";
  cl::Clustering fit(inx::TensorView<const float> x) const {
    cl::Clustering c;
    for (std::size_t j = 0; j < x.dim(0); ++j) c.labels.push_back(j % 3 == 0 ? -1 : std::int64_t(j % 2));
    c.n_clusters = 2;
    return c;
  }
};

TEST(Explainer, NoiseJoinsNoCluster) {
  ex::Explainer<Net, ex::GuidedGradCam, NoisyPolicy> e(net(), {"features.16"});
  auto x = batch({kSamples[0]});
  const auto recs = e.explain(x.view());
  const auto& l = recs[0].layers[0];
  ASSERT_GE(l.kept.size(), 6u);
  std::set<std::int64_t> noise;
  for (std::size_t j = 0; j < l.kept.size(); j += 3) noise.insert(l.kept[j]);
  EXPECT_EQ(l.n_clusters_found, 2);
  std::size_t members = 0;
  for (const auto& c : l.clusters) {
    members += c.channels.size();
    for (auto ch : c.channels) EXPECT_FALSE(noise.contains(ch)) << "noise channel " << ch << " in a cluster";
  }
  EXPECT_LE(members, l.kept.size() - noise.size());
}

TEST(Explainer, UnknownLayerListsTheValidOnes) {
  ex::Explainer<Net> e(net(), {"features.99"});
  auto x = batch({kSamples[0]});
  try {
    e.explain(x.view());
    FAIL() << "expected an error";
  } catch (const inx::value_error& err) {
    const std::string m = err.what();
    EXPECT_NE(m.find("features.99"), std::string::npos) << m;
    EXPECT_NE(m.find("features.16"), std::string::npos) << m;
    EXPECT_EQ(m.find("classifier"), std::string::npos) << "non-feature-map layers are not offered: " << m;
  }
}

TEST(Explainer, LayerWithoutFeatureMapsIsAnError) {
  ex::Explainer<Net> e(net(), {"classifier"});
  auto x = batch({kSamples[0]});
  try {
    e.explain(x.view());
    FAIL() << "expected an error";
  } catch (const inx::value_error& err) {
    EXPECT_NE(std::string(err.what()).find("not a feature map"), std::string::npos) << err.what();
  }
  EXPECT_THROW((ex::Explainer<Net>(net(), {})), inx::value_error);
  EXPECT_THROW((ex::Explainer<Net>(net(), {"features.2", "features.2"})), inx::value_error);
}

}  // namespace

// A class no channel supports (its classifier row is zero, so every gradient is zero): every map is constant, marked
// so in the records and the report, and nothing is NaN; every method agrees.
TEST(Explainer, ADeadClassGivesConstantMapsMarkedAsSuch) {
  Net dead;
  auto d = net().state();
  auto& w = d.at("classifier.weight");  // (10, 128)
  for (std::size_t j = 0; j < 128; ++j) w.data()[3 * 128 + j] = 0.0f;
  dead.load(d);
  auto x = batch({kSamples[0]});
  const std::vector<std::int64_t> cls{3};
  for (const char* method : {"inv", "gradcam", "gradcampp", "xgradcam", "hirescam", "layercam"}) {
    SCOPED_TRACE(method);
    ex::Explainer<Net, ex::AnyWeighting, cl::AnyPolicy> e(dead, kLayers, ex::weighting_from_name(method),
                                                          cl::KMeans<>{});
    const auto r = e.explain(x.view(), cls);
    for (const auto& l : r[0].layers) {
      EXPECT_TRUE(l.cam_constant) << l.name;
      for (float v : l.cam_input.span()) ASSERT_EQ(v, 0.0f) << l.name;
      for (double cw : l.channel_weights) ASSERT_TRUE(std::isfinite(cw)) << l.name;
      EXPECT_TRUE(l.clusters.empty()) << l.name;
    }
    ex::ReportInfo info;
    info.model = "fmnist";
    info.method = method;
    const auto j = ex::report_json(info, r);
    for (const auto& l : j["images"][0]["layers"]) EXPECT_EQ(l["cam_constant"], true);
  }
  // A live class is not marked.
  ex::Explainer<Net, ex::GuidedGradCam, cl::KMeans<>> live(net(), kLayers);
  const auto records = live.explain(x.view());  // kept: a range-for over a temporary's member would dangle
  for (const auto& l : records[0].layers) {
    EXPECT_FALSE(l.cam_constant) << l.name;
    for (const auto& c : l.clusters) EXPECT_FALSE(c.constant) << l.name;
  }
}

// images_from_json is report_json's inverse (what `mpirun ... inx explain` relies on to gather the ranks' records):
// every field comes back, through JSON text and through CBOR, and a document that is no report is named.
TEST(Report, ReadsBackWhatItWrites) {
  ex::Explainer<Net, ex::GuidedGradCam, cl::KMeans<>> e(net(), kLayers);
  auto records = e.explain(batch({kSamples[0], kSamples[1]}).view());
  ASSERT_FALSE(records[0].layers[0].clusters.empty());
  records[0].image = "a/b.png";
  records[0].class_name = "Ankle boot";
  records[0].input_png = "0000/input.png";
  records[1].layers[1].cam_png = "0001/cam.png";
  records[0].layers[0].clusters[0].png = "0000/c0.png";
  const ex::ReportInfo info{"fmnist", "inv", "kmeans"};
  const auto j = ex::report_json(info, records);
  const auto back = ex::images_from_json(nlohmann::json::parse(j.dump(1)));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].layers[0].clusters[0].channels, records[0].layers[0].clusters[0].channels);
  EXPECT_EQ(back[0].layers[0].channel_weights, records[0].layers[0].channel_weights);  // bit for bit
  EXPECT_EQ(ex::report_json(info, back), j);
  EXPECT_EQ(ex::report_json(info, ex::images_from_json(nlohmann::json::from_cbor(nlohmann::json::to_cbor(j)))), j);
  EXPECT_EQ(ex::report_json(info, back).dump(1), j.dump(1));
  auto broken = j;
  broken["images"][0]["layers"][0].erase("kept");
  EXPECT_THROW(ex::images_from_json(broken, "rank 1's records"), inx::io_error);
  try {
    ex::images_from_json(broken, "rank 1's records");
  } catch (const inx::io_error& err) {
    EXPECT_NE(std::string(err.what()).find("rank 1's records: not an inx explanation report"), std::string::npos);
  }
}
