// Every zoo model against PyTorch in eval mode (fixtures: tools/make_zoo_fixtures.py; weights: the synthetic
// formula both sides compute): logits within 1e-4, tapped activations and d(logit)/d(activation) within 1e-3
// (relative: max abs difference / max abs value), a batch of two, and state_dict keys and shapes identical to
// torchvision's.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "inx/models/registry.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"
#include "zoo_util.hpp"

namespace {

using inx::Tensor;
using zoo_test::close;
using zoo_test::data_path;

// x and its mirror image, as the fixture's logits_batch2.
Tensor<float> with_mirror(const Tensor<float>& x) {
  const std::size_t c = x.dim(1), h = x.dim(2), w = x.dim(3);
  auto b = Tensor<float>::uninitialized({2, c, h, w});
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t i = 0; i < h; ++i)
      for (std::size_t j = 0; j < w; ++j) {
        b(0, k, i, j) = x(0, k, i, j);
        b(1, k, i, j) = x(0, k, i, w - 1 - j);
      }
  return b;
}

template <class M>
void check_parity(const std::string& name) {
  auto net = std::make_unique<inx::nn::Network<M>>();
  inx::models::fill_synthetic<inx::cpu>(*net);
  const auto fx = inx::io::load_npz(data_path("models/" + name + ".npz"));
  auto get = [&](const std::string& k) { return fx.at(k).to<float>(); };
  const auto x = zoo_test::fixture_input();

  auto logits = net->forward(x.view());
  EXPECT_TRUE(close(logits, get("logits"), 1e-4)) << "logits";

  std::set<std::string> taps;
  for (const auto& [k, v] : fx)
    if (k.rfind("act:", 0) == 0) taps.insert(k.substr(4));
  ASSERT_FALSE(taps.empty());
  const auto t = fx.at("target").to<std::int64_t>();
  const std::vector<std::int64_t> target(t.data(), t.data() + t.size());
  const bool input_grad = fx.contains("input_grad");
  auto g = net->gradients_of_class(x.view(), taps, target, input_grad);
  EXPECT_TRUE(close(g.logits, get("logits"), 1e-4)) << "logits of the explanation pass";
  for (const auto& tap : taps) {
    SCOPED_TRACE(tap);
    ASSERT_TRUE(g.activations.contains(tap));
    ASSERT_TRUE(g.gradients.contains(tap));
    EXPECT_TRUE(close(g.activations.at(tap), get("act:" + tap), 1e-3)) << "activation";
    EXPECT_TRUE(close(g.gradients.at(tap), get("grad:" + tap), 1e-3)) << "gradient";
  }
  if (input_grad) {
    EXPECT_TRUE(close(g.input_gradient, get("input_grad"), 1e-3)) << "input gradient";
  }

  auto batch = net->forward(with_mirror(x).view());
  EXPECT_TRUE(close(batch, get("logits_batch2"), 1e-4)) << "batch of two";
}

TEST(ZooParity, Resnet18) { check_parity<inx::models::resnet18>("resnet18"); }
TEST(ZooParity, Resnet50) { check_parity<inx::models::resnet50>("resnet50"); }
TEST(ZooParity, Vgg16) { check_parity<inx::models::vgg16>("vgg16"); }
TEST(ZooParity, Vgg16Bn) { check_parity<inx::models::vgg16_bn>("vgg16_bn"); }
TEST(ZooParity, MobilenetV2) { check_parity<inx::models::mobilenet_v2>("mobilenet_v2"); }

// "name (d0, d1, ...)" per line, in torchvision's state_dict() order (num_batches_tracked left out).
TEST(ZooParity, StateDictKeysAndShapesAreTorchvisions) {
  std::ifstream f(data_path("models/state_dict_keys.txt"));
  ASSERT_TRUE(f.good());
  std::map<std::string, std::vector<std::string>> expected;
  std::string line, current;
  while (std::getline(f, line)) {
    if (line.rfind("# ", 0) == 0) {
      current = line.substr(2);
    } else if (!line.empty()) {
      expected[current].push_back(line);
    }
  }
  ASSERT_EQ(expected.size(), 5u);
  for (const auto& [name, keys] : expected) {
    SCOPED_TRACE(name);
    std::vector<std::string> ours;
    inx::models::with_model(name, [&]<class M>() {
      auto net = std::make_unique<inx::nn::Network<M>>();
      for (const auto& [k, shape] : inx::nn::state_shapes(net->root())) {
        std::ostringstream s;
        s << k << " (";
        for (std::size_t i = 0; i < shape.rank(); ++i) s << (i ? ", " : "") << shape[i];
        s << ")";
        ours.push_back(s.str());
      }
    });
    EXPECT_EQ(ours, keys);
  }
}

}  // namespace
