// The program's networks behind one type-erased interface. Each zoo model is compiled once, in its own translation
// unit (zoo/<model>.cpp), and every subcommand works with AnyNetwork: the library's templates (Explainer,
// NetworkProbe, the sanity check, weight loading) take it as they take nn::Network<M>, since it offers the same calls.
// Without it each subcommand would instantiate all seven models again (minutes of compile time per file).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inx/nn/layer.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/state_dict.hpp"
#include "inx/tensor/tensor.hpp"

namespace inx_cli {

class AnyNetwork {
 public:
  using device_type = inx::cpu;
  using Visitor =
      std::function<void(std::string_view, inx::Tensor<float>&, inx::Tensor<float>*, inx::nn::TensorRole)>;
  using SeedFn = std::function<std::vector<float>(inx::TensorView<const float>)>;

  virtual ~AnyNetwork() = default;
  virtual inx::Tensor<float> forward(inx::Tensor<float> x) = 0;
  inx::Tensor<float> forward(inx::TensorView<const float> x) {
    auto t = inx::Tensor<float>::uninitialized(x.shape());
    std::copy_n(x.data(), x.size(), t.data());
    return forward(std::move(t));
  }
  virtual inx::nn::Gradients<inx::cpu> forward_taps(inx::TensorView<const float> x, std::set<std::string> taps) = 0;
  virtual std::vector<std::pair<std::string, inx::Shape>> trace(inx::TensorView<const float> x) = 0;
  virtual inx::nn::Gradients<inx::cpu> gradients(inx::TensorView<const float> x, std::set<std::string> taps,
                                                 const SeedFn& seed, bool input_gradient = false) = 0;
  virtual void load(const inx::nn::StateDict& dict, std::string_view source = "state dict") = 0;
  virtual inx::nn::StateDict state() = 0;
  virtual void visit_erased(const Visitor& v) = 0;
  // v(name, value, grad-or-null, role) for every persistent tensor, as nn::Network::visit.
  template <class V>
  void visit(V&& v) {
    visit_erased([&](std::string_view n, inx::Tensor<float>& t, inx::Tensor<float>* g, inx::nn::TensorRole r) {
      v(n, t, g, r);
    });
  }
};

// nn::Network<M> as an AnyNetwork.
template <class M>
class ZooNetwork final : public AnyNetwork {
 public:
  using AnyNetwork::forward;
  inx::Tensor<float> forward(inx::Tensor<float> x) override { return net_.forward(std::move(x)); }
  inx::nn::Gradients<inx::cpu> forward_taps(inx::TensorView<const float> x, std::set<std::string> taps) override {
    return net_.forward_taps(x, std::move(taps));
  }
  std::vector<std::pair<std::string, inx::Shape>> trace(inx::TensorView<const float> x) override {
    return net_.trace(x);
  }
  inx::nn::Gradients<inx::cpu> gradients(inx::TensorView<const float> x, std::set<std::string> taps,
                                         const SeedFn& seed, bool input_gradient) override {
    return net_.gradients(x, std::move(taps), seed, input_gradient);
  }
  void load(const inx::nn::StateDict& dict, std::string_view source) override { net_.load(dict, source); }
  inx::nn::StateDict state() override { return net_.state(); }
  void visit_erased(const Visitor& v) override {
    net_.visit([&](std::string_view n, inx::Tensor<float>& t, inx::Tensor<float>* g, inx::nn::TensorRole r) {
      v(n, t, g, r);
    });
  }

 private:
  inx::nn::Network<M> net_;
};

// Where a network runs. The program's tensors stay on the host either way: a GPU network copies each input in and
// its logits, activations and gradients out.
enum class Compute { cpu, cuda };

// The --device flag: "cpu", "cuda" (an error, saying why and how to run on the CPU, when this build has no CUDA
// backend or the machine no usable GPU) or "auto" (cuda when it is usable, else cpu).
Compute resolve_device(std::string_view flag);
inline const char* device_help() {
  return "where the network runs: cpu, cuda (an NVIDIA GPU; needs inx built with the CUDA backend) or auto (cuda "
         "when a GPU is usable, else cpu)";
}

// A zoo model by name (models::model_names()), with its parameters uninitialised until loaded.
std::unique_ptr<AnyNetwork> make_network(std::string_view model, Compute device = Compute::cpu);

// The CUDA side, defined in device/cuda.cu where the CUDA backend is built and in device/no_cuda.cpp otherwise.
namespace gpu {
// "" when a GPU can run the networks, else why not (one line).
std::string unavailable_reason();
// The zoo model with its network in GPU memory.
std::unique_ptr<AnyNetwork> make_network(std::string_view model);
}  // namespace gpu

namespace zoo {
std::unique_ptr<AnyNetwork> fmnist();
std::unique_ptr<AnyNetwork> vgg16();
std::unique_ptr<AnyNetwork> vgg16_bn();
std::unique_ptr<AnyNetwork> resnet18();
std::unique_ptr<AnyNetwork> resnet50();
std::unique_ptr<AnyNetwork> mobilenet_v2();
std::unique_ptr<AnyNetwork> efficientnet_lite0();
}  // namespace zoo

}  // namespace inx_cli
