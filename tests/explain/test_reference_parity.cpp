// Parity with the references the field trusts (fixtures from tools/make_explain_fixtures.py):
// - every weighting's channel weights, classic map and scaled map against pytorch-grad-cam 1.5.7 on vgg16 and
//   resnet18 (synthetic weights) and two real photographs — once on the activations and gradients pytorch-grad-cam
//   captured (the maths alone) and once on inx's own network (the whole chain);
// - INV's five steps against tools/inv_reference.py, with scikit-learn's Ward partition of the kept maps.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../nn/parity_util.hpp"
#include "inx/cluster/ward.hpp"
#include "inx/explain/explainer.hpp"
#include "inx/explain/inv.hpp"
#include "inx/explain/weighting.hpp"
#include "inx/io/npz.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/models/resnet.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/models/vgg.hpp"
#include "inx/nn/network.hpp"

namespace {
namespace ex = inx::explain;
using inx::Tensor;
using inx_test::close;
using inx_test::data_path;
using Fixture = std::map<std::string, inx::io::NpyArray>;

const Fixture& fixture(const std::string& name) {
  static std::map<std::string, Fixture> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, inx::io::load_npz(data_path("explain/" + name + ".npz"))).first;
  return it->second;
}
Tensor<float> get(const Fixture& f, const std::string& key) {
  auto it = f.find(key);
  if (it == f.end()) throw std::runtime_error("fixture key missing: " + key);
  return it->second.to<float>();
}
Tensor<float> as_tensor(const std::vector<double>& v) {
  auto t = Tensor<float>::uninitialized({v.size()});
  for (std::size_t i = 0; i < v.size(); ++i) t.data()[i] = float(v[i]);
  return t;
}

const std::vector<std::string> kImages{"chelsea", "coffee"};
const std::map<std::string, std::vector<std::string>> kLayers{{"vgg16", {"features.29", "features.22"}},
                                                              {"resnet18", {"layer4", "layer3"}}};

// The weights, classic map and scaled map of method W from activation a and gradient g, against the fixture.
template <ex::Weighting W>
void check_method(const Fixture& f, const std::string& method, const std::string& img, const std::string& layer,
                  inx::TensorView<const float> a, inx::TensorView<const float> g, double tol) {
  SCOPED_TRACE(method + " " + img + " " + layer);
  const W w{};
  const auto weights = w.channel_weights(a, g);
  EXPECT_TRUE(close(as_tensor(weights).view(), get(f, "weights:" + method + ":" + img + ":" + layer).view(), tol));
  const auto cam = ex::classic_map(w, a, g, weights);
  EXPECT_TRUE(close(cam.view(), get(f, "cam:" + method + ":" + img + ":" + layer).view(), tol));
  auto up = inx::io::resize_bilinear(cam.view().reshape({1, cam.dim(0), cam.dim(1)}), 128, 128, false);
  ex::minmax_scale(up.span());
  EXPECT_TRUE(close(up.view().reshape({128, 128}), get(f, "scaled:" + method + ":" + img + ":" + layer).view(), tol));
}

template <class... Ws>
void check_all_methods(const Fixture& f, const std::string& img, const std::string& layer,
                       inx::TensorView<const float> a, inx::TensorView<const float> g, double tol) {
  (check_method<Ws>(f, std::string(Ws::name), img, layer, a, g, tol), ...);
}

void check_on_fixture_tensors(const std::string& model) {
  const auto& f = fixture("cam_" + model);
  for (const auto& img : kImages)
    for (const auto& layer : kLayers.at(model)) {
      auto a = get(f, "act:" + img + ":" + layer), g = get(f, "grad:" + img + ":" + layer);
      check_all_methods<ex::GradCam, ex::GradCamPlusPlus, ex::XGradCam, ex::HiResCam, ex::LayerCam>(f, img, layer, a,
                                                                                                  g, 1e-4);
    }
}

template <class Model>
void check_on_inx_network(const std::string& model) {
  const auto& f = fixture("cam_" + model);
  auto net = std::make_unique<inx::nn::Network<Model>>();
  inx::models::fill_synthetic<inx::cpu>(*net);
  const auto& layers = kLayers.at(model);
  for (const auto& img : kImages) {
    SCOPED_TRACE(model + " " + img);
    auto x = get(f, "x:" + img);
    const std::int64_t target = f.at("target:" + img).to<std::int64_t>().data()[0];
    const std::vector<std::int64_t> t{target};
    auto gr = net->gradients_of_class(x.view(), std::set<std::string>(layers.begin(), layers.end()), t);
    EXPECT_TRUE(close(gr.logits.view(), get(f, "logits:" + img).view(), 1e-3));
    for (const auto& layer : layers) {
      auto a = gr.activations.at(layer).reshape({gr.activations.at(layer).dim(1), gr.activations.at(layer).dim(2),
                                                  gr.activations.at(layer).dim(3)});
      auto g = gr.gradients.at(layer).reshape(a.shape());
      EXPECT_TRUE(close(a, get(f, "act:" + img + ":" + layer).view(), 1e-3)) << layer;
      EXPECT_TRUE(close(g, get(f, "grad:" + img + ":" + layer).view(), 1e-3)) << layer;
      check_all_methods<ex::GradCam, ex::GradCamPlusPlus, ex::XGradCam, ex::HiResCam, ex::LayerCam>(f, img, layer, a,
                                                                                                  g, 1e-3);
    }
  }
}

TEST(GradCamParity, Vgg16WeightingsOnCapturedTensors) { check_on_fixture_tensors("vgg16"); }
TEST(GradCamParity, Resnet18WeightingsOnCapturedTensors) { check_on_fixture_tensors("resnet18"); }
TEST(GradCamParity, Vgg16WholeChain) { check_on_inx_network<inx::models::vgg16>("vgg16"); }
TEST(GradCamParity, Resnet18WholeChain) { check_on_inx_network<inx::models::resnet18>("resnet18"); }

// INV's steps on fixed activations and gradients against the Python re-implementation.
void check_inv_case(const std::string& model, const std::string& layer) {
  SCOPED_TRACE(model + " " + layer);
  const auto& cams = fixture("cam_" + model);
  const auto& f = fixture("inv_steps");
  const std::string c = model + ":" + layer;
  auto a = get(cams, "act:chelsea:" + layer), g = get(cams, "grad:chelsea:" + layer);

  const auto alpha = ex::GuidedGradCam{}.channel_weights(a, g);
  EXPECT_TRUE(close(as_tensor(alpha).view(), get(f, "alpha:" + c).view(), 1e-5));
  const auto w = ex::percent_weights(alpha);
  EXPECT_TRUE(close(as_tensor(w).view(), get(f, "w:" + c).view(), 1e-5));
  EXPECT_NEAR(ex::prune_threshold(a.dim(0)), f.at("tau:" + c).to<double>().data()[0], 1e-12);
  const auto kept = ex::kept_channels(w);
  const auto ref_kept = f.at("kept:" + c).to<std::int64_t>();
  ASSERT_EQ(kept, std::vector<std::int64_t>(ref_kept.span().begin(), ref_kept.span().end()));

  // With scikit-learn's partition: the same cluster weights, maps and ranking.
  const auto labels_t = f.at("labels:" + c).to<std::int64_t>();
  const std::vector<std::int64_t> labels(labels_t.span().begin(), labels_t.span().end());
  const auto ref_w = f.at("cluster_weight:" + c).to<double>();
  auto ref_maps = get(f, "cluster_map:" + c);
  std::vector<double> cw;
  for (std::int64_t l = 0; l < std::int64_t(ref_w.size()); ++l) {
    std::vector<std::int64_t> members;
    for (std::size_t j = 0; j < labels.size(); ++j)
      if (labels[j] == l) members.push_back(kept[j]);
    double s = 0;
    for (auto k : members) s += w[std::size_t(k)];
    cw.push_back(s);
    EXPECT_NEAR(s, ref_w.data()[l], 1e-6 * std::max(1.0, s));
    auto m = ex::cluster_map(a.view(), members, w, 128, 128);
    EXPECT_TRUE(close(m.view(), ref_maps[std::size_t(l)], 1e-4)) << "cluster " << l;
  }
  const auto ranked = ex::filter_and_rank(cw);
  const auto ref_ranked = f.at("ranked:" + c).to<std::int64_t>();
  ASSERT_EQ(ranked.size(), ref_ranked.size());
  for (std::size_t r = 0; r < ranked.size(); ++r) EXPECT_EQ(std::int64_t(ranked[r]), ref_ranked.data()[r]);

  // inx's own Ward (deterministic) finds scikit-learn's partition of the kept maps (up to label names).
  const auto rows = ex::kept_rows(a.view(), kept);
  const auto mine = inx::cluster::Ward{3}.fit(rows.view()).labels;
  std::map<std::int64_t, std::int64_t> to_ref;
  for (std::size_t j = 0; j < labels.size(); ++j) {
    auto [it, fresh] = to_ref.try_emplace(mine[j], labels[j]);
    EXPECT_EQ(it->second, labels[j]) << "kept map " << j << " is in another cluster than scikit-learn's";
  }
}

TEST(InvParity, Vgg16Features29) { check_inv_case("vgg16", "features.29"); }
TEST(InvParity, Vgg16Features22) { check_inv_case("vgg16", "features.22"); }
TEST(InvParity, Resnet18Layer3) { check_inv_case("resnet18", "layer3"); }

// The explainer's own path (explain_layer) gives the reference's kept channels and, with a policy that reproduces
// scikit-learn's partition, the reference's ranked clusters.
TEST(InvParity, ExplainLayerMatchesTheReferenceEndToEnd) {
  const auto& cams = fixture("cam_vgg16");
  const auto& f = fixture("inv_steps");
  auto a = get(cams, "act:chelsea:features.29"), g = get(cams, "grad:chelsea:features.29");
  // explain_layer needs no network; any small one will do for the explainer's type.
  inx::nn::Network<inx::models::fmnist> small;
  ex::Explainer<inx::nn::Network<inx::models::fmnist>, ex::GuidedGradCam, inx::cluster::Ward> e(
      small, {"features.29"}, {}, inx::cluster::Ward{3});
  const auto r = e.explain_layer("features.29", a.view(), g.view(), 128, 128);
  const auto ref_kept = f.at("kept:vgg16:features.29").to<std::int64_t>();
  EXPECT_EQ(r.kept, std::vector<std::int64_t>(ref_kept.span().begin(), ref_kept.span().end()));
  const auto ref_ranked = f.at("ranked:vgg16:features.29").to<std::int64_t>();
  const auto ref_w = f.at("cluster_weight:vgg16:features.29").to<double>();
  auto ref_maps = get(f, "cluster_map:vgg16:features.29");
  ASSERT_EQ(r.clusters.size(), ref_ranked.size());
  for (std::size_t k = 0; k < r.clusters.size(); ++k) {
    const auto l = std::size_t(ref_ranked.data()[k]);
    EXPECT_NEAR(r.clusters[k].weight, ref_w.data()[l], 1e-6 * std::max(1.0, ref_w.data()[l]));
    EXPECT_TRUE(close(r.clusters[k].map.view(), ref_maps[l], 1e-4)) << "rank " << k;
  }
}

}  // namespace
