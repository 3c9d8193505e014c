// Weights into a network, as `inx --weights FILE` loads them: the .npz reader, then the strict state-dict load of
// the Fashion-MNIST model (names, shapes, finite values); weights that load are run once, and the result must be
// finite or refused.
#include "fuzz_input.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/nn/network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_input(data, size, ".npz");
  static inx::nn::Network<inx::models::fmnist> net;
  fuzz::expect_clean([&] {
    const auto dict = inx::io::load_tensors(path);
    net.load(dict, path.string());
    auto x = inx::Tensor<float>::full({1, 1, 28, 28}, 0.5f);
    const auto logits = net.forward(x.view());
    for (float v : logits.span())
      if (!std::isfinite(v)) std::abort();
  });
  return 0;
}
