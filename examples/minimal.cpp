// The smallest useful inx program (README's "Using inx in your project"): load the default model, classify one
// image, and get the activations and gradients of its last convolution for the predicted class.
#include <cstdio>
#include <vector>

#include <inx/inx.hpp>

int main(int argc, char** argv) {
  const char* weights = argc > 1 ? argv[1] : INX_DATA_DIR "/models/fmnist.npz";
  const char* image = argc > 2 ? argv[2] : INX_DATA_DIR "/samples/fmnist_0000_ankle_boot.png";
  try {
    inx::nn::Network<inx::models::fmnist> net;
    net.load(inx::io::load_tensors(weights), weights);
    auto x = inx::io::load_image(image, 1);  // (1, 28, 28) in [0, 1]
    auto batch = x.reshape({1, 1, 28, 28});

    auto logits = net.forward(batch);
    std::size_t top = 0;
    for (std::size_t k = 1; k < logits.dim(1); ++k)
      if (logits(0, k) > logits(0, top)) top = k;

    auto g = net.gradients_of_class(batch, {"features.14"}, std::vector<std::int64_t>{std::int64_t(top)});
    const auto& a = g.activations.at("features.14");
    std::printf("%s: %s; features.14 activations %s, gradients %s\n", image,
                std::string(inx::models::fmnist_classes[top]).c_str(), a.shape().str().c_str(),
                g.gradients.at("features.14").shape().str().c_str());
  } catch (const inx::error& e) {
    std::fprintf(stderr, "minimal: %s\n", e.what());
    return 1;
  }
  return 0;
}
