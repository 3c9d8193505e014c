// Network<Model, cuda> for every zoo model: this file compiling under nvcc is itself the check that a whole network
// (its CPU convolution included, through oneDNN's C API) builds for the GPU. With a GPU, the same synthetic weights on
// both devices give the same logits (1e-4), tapped activations, their gradients of a class logit and the input
// gradient (1e-3, relative to the largest value, as the zoo's PyTorch parity tests), for a batch of two at the
// registry's default taps. The CPU network is the reference: tests/models checks it against PyTorch.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../nn/parity_util.hpp"
#include "cuda_test_util.cuh"
#include "inx/cuda/backend.cuh"
#include "inx/models/registry.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"

namespace {

using inx::Tensor;
namespace models = inx::models;

std::set<std::string> default_taps(const models::ModelInfo& m) {
  std::set<std::string> taps;
  std::string s(m.default_layers);
  for (std::size_t b = 0; b <= s.size();) {
    const auto e = std::min(s.find(',', b), s.size());
    taps.insert(s.substr(b, e - b));
    b = e + 1;
  }
  return taps;
}

template <class M>
void check_model(const models::ModelInfo& info) {
  SCOPED_TRACE(std::string(info.name));
  auto host = std::make_unique<inx::nn::Network<M>>();
  auto gpu = std::make_unique<inx::nn::Network<M, inx::cuda>>();
  models::fill_synthetic<inx::cpu>(*host);
  models::fill_synthetic<inx::cuda>(*gpu);
  const std::size_t side = info.preprocess.channels == 1 ? 28 : 96;
  const auto x = inx_test::random_tensor({2, info.preprocess.channels, side, side}, 7, -2.0f, 2.0f);
  const auto xg = x.to<inx::cuda>();
  const auto taps = default_taps(info);
  const std::vector<std::int64_t> target{1, std::int64_t(info.classes) - 1};

  const auto want = host->gradients_of_class(x.view(), taps, target, true);
  const auto got = gpu->gradients_of_class(xg.view(), taps, target, true);
  EXPECT_TRUE(inx_test::close(got.logits.template to<inx::cpu>(), want.logits, 1e-4)) << "logits";
  for (const auto& t : taps) {
    SCOPED_TRACE(t);
    ASSERT_TRUE(got.activations.contains(t) && got.gradients.contains(t));
    EXPECT_TRUE(inx_test::close(got.activations.at(t).template to<inx::cpu>(), want.activations.at(t), 1e-3)) << "activation";
    EXPECT_TRUE(inx_test::close(got.gradients.at(t).template to<inx::cpu>(), want.gradients.at(t), 1e-3)) << "gradient";
  }
  EXPECT_TRUE(inx_test::close(got.input_gradient.template to<inx::cpu>(), want.input_gradient, 1e-3)) << "input gradient";
  EXPECT_TRUE(inx_test::close(gpu->forward(xg.view()).template to<inx::cpu>(), host->forward(x.view()), 1e-4))
      << "inference logits";
}

TEST(CudaNetwork, EveryZooModelAgreesWithTheCpu) {
  INX_REQUIRE_GPU();
  for (const auto& m : models::zoo) models::with_model(m.name, [&]<class M>() { check_model<M>(m); });
}

}  // namespace
