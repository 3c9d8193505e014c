// Weights into a network, as `inx --weights FILE` loads them: the .npz reader, then the strict state-dict load
// (names, shapes, finite values), then one forward pass whose logits must be finite or refused. The network is a
// small conv/pool/linear model with PyTorch names: Debian's clang 14 cannot compile the float template arguments
// of inx's batch-norm and activation layers, and the loader's checks are the same for every model. With
// INX_FUZZ_SEED_OUT=FILE the harness first writes valid weights of its model there (run.sh's seed).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "fuzz_input.hpp"
#include "inx/io/npz.hpp"
#include "inx/io/tensors.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/flatten.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/sequential.hpp"

namespace {
namespace nn = inx::nn;
using Model = nn::Sequential<
    nn::Named<"features", nn::Sequential<nn::Conv2d<1, 4, nn::ConvSpec{.kernel = 3, .padding = 1}>, nn::MaxPool2d<>,
                                         nn::Conv2d<4, 8, nn::ConvSpec{.kernel = 3, .padding = 1, .bias = false}>>>,
    nn::Named<"pool", nn::AdaptiveAvgPool2d<1>>, nn::Named<"flatten", nn::Flatten>,
    nn::Named<"classifier", nn::Linear<8, 3>>>;

nn::Network<Model>& net() {
  static nn::Network<Model> n;
  return n;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* out = std::getenv("INX_FUZZ_SEED_OUT"); out && *out) {
    std::map<std::string, inx::io::NpyArray> arrays;
    float v = 0.01f;
    for (auto& [key, t] : net().state()) {
      for (float& x : t.span()) x = (v = std::fmod(v * 1.7f + 0.013f, 0.5f)) - 0.25f;
      inx::io::NpyArray a;
      a.shape = t.shape();
      a.bytes.resize(t.size() * sizeof(float));
      std::memcpy(a.bytes.data(), t.data(), a.bytes.size());
      arrays.emplace(key, std::move(a));
    }
    inx::io::save_npz(out, arrays, /*compressed=*/true);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_input(data, size, ".npz");
  fuzz::expect_clean([&] {
    net().load(inx::io::load_tensors(path), path.string());
    const auto x = inx::Tensor<float>::full({1, 1, 8, 8}, 0.5f);
    const auto logits = net().forward(x.view());
    for (float v : logits.span())
      if (!std::isfinite(v)) std::abort();  // non-finite logits must be an error, never returned
  });
  return 0;
}
