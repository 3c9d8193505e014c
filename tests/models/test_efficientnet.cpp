// models::efficientnet_lite0 against the PyPI reference (efficientnet-lite-pytorch 0.1.0; fixtures:
// tools/make_efficientnet_fixtures.py): state-dict keys and shapes of Lite0-2, logits on six photographs and taps
// with their gradients at three depths under synthetic weights (the formula both sides compute), MBConv's
// gradients by finite differences, the registry entry, and, when tools/fetch_efficientnet.py has fetched them, the
// real weights' logits and taps.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../../examples/inx/paths.hpp"
#include "../nn/gradcheck.hpp"
#include "inx/io/image.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/efficientnet.hpp"
#include "inx/models/registry.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/state_dict.hpp"
#include "zoo_util.hpp"

namespace {

namespace models = inx::models;
namespace nn = inx::nn;
using inx::Shape;
using inx::Tensor;
using zoo_test::close;
using zoo_test::data_path;
using zoo_test::rel_error;

const std::vector<std::string> photos{"chelsea", "coffee", "astronaut", "rocket", "china", "flower"};

// The fixture PNGs are already resized and cropped: only normalise them, as the model's preprocessing does.
Tensor<float> photo_batch(std::size_t side) {
  models::Preprocess p = models::efficientnet_preprocess;
  p.resize = 0;
  p.crop = side;
  auto batch = Tensor<float>::uninitialized({photos.size(), 3, side, side});
  const std::size_t each = 3 * side * side;
  for (std::size_t i = 0; i < photos.size(); ++i) {
    const auto img = inx::io::load_image(
        data_path("models/efficientnet/" + photos[i] + "_" + std::to_string(side) + ".png"), 3);
    const auto x = models::preprocess(img.view(), p, photos[i]);
    EXPECT_EQ(x.shape(), (Shape{1, 3, side, side}));
    std::copy(x.data(), x.data() + each, batch.data() + i * each);
  }
  return batch;
}

Tensor<float> first(const Tensor<float>& batch) {
  Shape s = batch.shape();
  s[0] = 1;
  auto x = Tensor<float>::uninitialized(s);
  std::copy(batch.data(), batch.data() + x.size(), x.data());
  return x;
}

std::vector<std::size_t> argmax_rows(const Tensor<float>& logits) {
  std::vector<std::size_t> out;
  const std::size_t k = logits.dim(1);
  for (std::size_t n = 0; n < logits.dim(0); ++n) {
    const float* row = logits.data() + n * k;
    out.push_back(std::size_t(std::max_element(row, row + k) - row));
  }
  return out;
}

// The fixture's taps of one image at three depths and their gradients of the target logit, within 1e-3.
template <class Net>
nn::Gradients<inx::cpu> check_taps(Net& net, const Tensor<float>& x, const std::map<std::string, inx::io::NpyArray>& fx,
                                   bool input_gradient) {
  auto get = [&](const std::string& k) { return fx.at(k).to<float>(); };
  const auto t = fx.at("target").to<std::int64_t>();
  const std::vector<std::int64_t> target(t.data(), t.data() + t.size());
  const std::set<std::string> taps{"_blocks.4", "_blocks.10", "_swish"};
  auto g = net.gradients_of_class(x.view(), taps, target, input_gradient);
  for (const auto& tap : taps) {
    SCOPED_TRACE(tap);
    EXPECT_TRUE(g.activations.contains(tap) && g.gradients.contains(tap));
    if (!g.activations.contains(tap) || !g.gradients.contains(tap)) continue;
    EXPECT_TRUE(close(g.activations.at(tap), get("act:" + tap), 1e-3)) << "activation";
    EXPECT_TRUE(close(g.gradients.at(tap), get("grad:" + tap), 1e-3)) << "gradient";
    const double ea = rel_error(g.activations.at(tap), get("act:" + tap));
    const double eg = rel_error(g.gradients.at(tap), get("grad:" + tap));
    std::printf("  %-10s activation %.2e  gradient %.2e\n", tap.c_str(), ea, eg);
  }
  return g;
}

TEST(EfficientNet, StateDictKeysAndShapesAreTheReferences) {
  std::ifstream f(data_path("models/efficientnet/state_dict_keys.txt"));
  ASSERT_TRUE(f.good());
  std::map<std::string, std::vector<std::string>> expected;
  std::string line, current;
  while (std::getline(f, line)) {
    if (line.rfind("# ", 0) == 0) current = line.substr(2);
    else if (!line.empty()) expected[current].push_back(line);
  }
  ASSERT_EQ(expected.size(), 3u);
  auto ours = [&]<class M>() {
    auto net = std::make_unique<nn::Network<M>>();
    std::vector<std::string> keys;
    for (const auto& [k, shape] : nn::state_shapes(net->root())) {
      std::ostringstream s;
      s << k << " (";
      for (std::size_t i = 0; i < shape.rank(); ++i) s << (i ? ", " : "") << shape[i];
      s << ")";
      keys.push_back(s.str());
    }
    return keys;
  };
  EXPECT_EQ(ours.template operator()<models::efficientnet_lite0>(), expected["efficientnet_lite0"]);
  EXPECT_EQ(ours.template operator()<models::efficientnet_lite1>(), expected["efficientnet_lite1"]);
  EXPECT_EQ(ours.template operator()<models::efficientnet_lite2>(), expected["efficientnet_lite2"]);
  EXPECT_EQ(expected["efficientnet_lite0"].size(), 247u);  // 296 tensors less 49 num_batches_tracked
}

TEST(EfficientNet, SyntheticWeightsMatchTheReferenceOnSixPhotos) {
  auto net = std::make_unique<nn::Network<models::efficientnet_lite0>>();
  models::fill_synthetic<inx::cpu>(*net);
  const auto fx = inx::io::load_npz(data_path("models/efficientnet/synthetic.npz"));
  auto get = [&](const std::string& k) { return fx.at(k).to<float>(); };
  const auto batch = photo_batch(128);

  const auto logits = net->forward(batch.view());
  const auto ref = get("logits");
  EXPECT_TRUE(close(logits, ref, 1e-4)) << "logits of the six photographs";
  EXPECT_EQ(argmax_rows(logits), argmax_rows(ref));
  std::printf("  logits (6 photos, 128 px): relative error %.2e\n", rel_error(logits, ref));

  const auto g = check_taps(*net, first(batch), fx, /*input_gradient=*/true);
  EXPECT_TRUE(close(g.input_gradient, get("input_grad"), 1e-3)) << "input gradient";
}

TEST(EfficientNet, RealWeightsMatchTheReferenceOnSixPhotos) {
  // Where `inx` would load them from: the source tree's data/models (older checkouts) or the user data folder.
  const auto where = inx_cli::paths::find_weights("models/efficientnet_lite0.npz",
                                                  std::string(INX_SOURCE_DIR) + "/data",
                                                  inx_cli::paths::Environment::from_process());
  if (!where.found) GTEST_SKIP() << where.fetched << " not fetched (tools/fetch_efficientnet.py makes it)";
  const std::filesystem::path weights = *where.found;
  auto net = std::make_unique<nn::Network<models::efficientnet_lite0>>();
  net->load(inx::io::load_tensors(weights), weights.string());  // strict: a missing, extra or mis-shaped tensor throws
  const auto fx = inx::io::load_npz(data_path("models/efficientnet/real.npz"));
  const auto ref = fx.at("logits").to<float>();
  const auto batch = photo_batch(224);
  const auto logits = net->forward(batch.view());
  ASSERT_EQ(logits.shape(), ref.shape());
  for (std::size_t n = 0; n < photos.size(); ++n) {
    const Tensor<float> a = Tensor<float>::from_host({1000}, std::vector<float>(logits.data() + n * 1000,
                                                                                logits.data() + (n + 1) * 1000));
    const Tensor<float> b = Tensor<float>::from_host({1000}, std::vector<float>(ref.data() + n * 1000,
                                                                                ref.data() + (n + 1) * 1000));
    EXPECT_TRUE(close(a, b, 1e-4)) << photos[n];
    std::printf("  %-9s relative error %.2e\n", photos[n].c_str(), rel_error(a, b));
  }
  const auto top5 = fx.at("top5").to<std::int64_t>();
  const auto ours = argmax_rows(logits);
  for (std::size_t n = 0; n < photos.size(); ++n) EXPECT_EQ(std::int64_t(ours[n]), top5.data()[n * 5]) << photos[n];
  check_taps(*net, first(batch), fx, /*input_gradient=*/false);  // chelsea
}

TEST(EfficientNet, RegistryEntryAndDefaultLayers) {
  const auto& info = models::model_info("efficientnet_lite0");
  EXPECT_EQ(info.classes, 1000u);
  EXPECT_EQ(info.preprocess.crop, 224u);
  EXPECT_FLOAT_EQ(info.preprocess.mean[0], 127.0f / 255.0f);
  EXPECT_EQ(info.weights_file, "models/efficientnet_lite0.npz");
  EXPECT_TRUE((models::with_model("efficientnet_lite0",
                                  []<class M>() { return std::is_same_v<M, models::efficientnet_lite0>; })));
  auto net = std::make_unique<nn::Network<models::efficientnet_lite0>>();
  models::fill_synthetic<inx::cpu>(*net);
  const auto layers = models::split_list(info.default_layers);
  const std::set<std::string> taps(layers.begin(), layers.end());
  auto g = net->forward_taps(Tensor<float>(Shape{1, 3, 64, 64}).view(), taps);  // every name must exist
  EXPECT_EQ(g.activations.at("_blocks.7").shape(), (Shape{1, 80, 4, 4}));      // stride 16
  EXPECT_EQ(g.activations.at("_blocks.15").shape(), (Shape{1, 320, 2, 2}));    // stride 32
  EXPECT_EQ(g.activations.at("_swish").shape(), (Shape{1, 1280, 2, 2}));       // the head
}

TEST(EfficientNet, OddInputSizesRun) {
  auto net = std::make_unique<nn::Network<models::efficientnet_lite0>>();
  models::fill_synthetic<inx::cpu>(*net);
  EXPECT_EQ(net->forward(Tensor<float>(Shape{1, 3, 45, 71}).view()).shape(), (Shape{1, 1000}));
  EXPECT_EQ(net->forward(Tensor<float>(Shape{1, 3, 1, 1}).view()).shape(), (Shape{1, 1000}));
}

template <class L>
void check_block(nn::Mode mode, Tensor<float> x) {
  // As the compositions in tests/nn/test_gradcheck.cpp: ReLU6's kinks inside a block cannot be kept away by choosing
  // the input, so the checker retries a coordinate at smaller steps and skips the few it still cannot trust; a 1 %
  // error in any tensor must fail (the mutation test).
  constexpr inx_test::CheckOptions o{.eps = 1e-2f, .rtol = 2e-3, .max_skipped = 0.3};
  inx_test::GradChecker<L> g(mode, std::move(x), 1, 0.3f, 0.8f);
  const auto missed = g.undetected_mutations(o);
  std::string text;
  for (const auto& f : missed) text += f + "\n";
  EXPECT_TRUE(missed.empty()) << text;
}

TEST(EfficientNet, MBConvGradCheck) {
  for (nn::Mode m : {nn::Mode::eval, nn::Mode::train}) {
    check_block<nn::MBConv<4, 4, 3, 1, 2>>(m, inx_test::distinct_input({2, 4, 5, 5}, 33, 0.02f));  // residual
    check_block<nn::MBConv<4, 6, 5, 2, 1>>(m, inx_test::distinct_input({2, 4, 6, 7}, 34, 0.02f));  // no expansion
  }
}

}  // namespace
