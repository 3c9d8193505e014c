// The strict state-dict loader (nn/state_dict.hpp): every error it can raise, by message, and that a failed load
// changes nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "inx/models/fmnist.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"

namespace {
using Net = inx::nn::Network<inx::models::fmnist>;
using inx::Tensor;

// Valid weights that differ from the synthetic ones every test network starts with (so a partial copy shows).
inx::nn::StateDict good() {
  Net n;
  inx::models::fill_synthetic<inx::cpu>(n);
  auto d = n.state();
  for (auto& [k, t] : d)
    for (float& v : t.span()) v = v * 0.5f + 0.25f;
  return d;
}

template <class E>
void expect_load_error(inx::nn::StateDict d, const std::string& fragment) {
  Net n;
  inx::models::fill_synthetic<inx::cpu>(n);
  const auto before = n.state();
  try {
    n.load(d, "w.npz");
    ADD_FAILURE() << "no error; expected '" << fragment << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  // Nothing was copied: the network is as it was.
  const auto after = n.state();
  for (const auto& [k, t] : before)
    for (std::size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t.data()[i], after.at(k).data()[i]) << k;
}

TEST(StateDict, LoadsWhatItSavedAndIgnoresNumBatchesTracked) {
  auto d = good();
  d.emplace("features.1.num_batches_tracked", Tensor<float>::zeros({}));
  Net n;
  n.load(d, "w.npz");
  const auto s = n.state();
  EXPECT_EQ(s.size(), d.size() - 1);
  for (const auto& [k, t] : s)
    for (std::size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t.data()[i], d.at(k).data()[i]) << k;
}

TEST(StateDict, MissingTensorsAreNamedWithTheirShapes) {
  auto d = good();
  d.erase("classifier.bias");
  expect_load_error<inx::value_error>(std::move(d), "weights w.npz: 1 tensor(s) the model needs are missing: "
                                                    "'classifier.bias' (10,) (weights of another architecture?)");
  auto many = good();
  for (const char* k : {"features.0.weight", "features.1.weight", "features.1.bias", "features.1.running_mean"})
    many.erase(k);
  expect_load_error<inx::value_error>(std::move(many), "4 tensor(s) the model needs are missing: 'features.0.weight' "
                                                       "(32, 1, 3, 3), 'features.1.weight' (32,), 'features.1.bias' "
                                                       "(32,), ... (weights of another architecture?)");
}

TEST(StateDict, WrongShapeNamesBothShapes) {
  auto d = good();
  d["classifier.weight"] = Tensor<float>::zeros({10, 64});
  expect_load_error<inx::shape_error>(std::move(d), "weights w.npz: tensor 'classifier.weight' has shape (10, 64) "
                                                    "but the model expects (10, 128)");
}

TEST(StateDict, NanAndInfAreRejected) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    auto d = good();
    d["features.4.running_var"].data()[5] = bad;
    expect_load_error<inx::value_error>(std::move(d), "tensor 'features.4.running_var' contains NaN or Inf");
  }
}

TEST(StateDict, UnexpectedTensorIsNamed) {
  auto d = good();
  d.emplace("fc.weight", Tensor<float>::zeros({1000, 2048}));
  expect_load_error<inx::value_error>(std::move(d), "weights w.npz: unexpected tensor 'fc.weight' (1000, 2048) that "
                                                    "the model does not have (weights of another architecture?)");
}

}  // namespace
