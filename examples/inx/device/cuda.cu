// The CUDA side of the program: every zoo model as nn::Network<M, inx::cuda> behind AnyNetwork. Inputs arrive as host
// tensors and are copied to the GPU; logits, tapped activations and gradients come back to the host, where the
// explainer's weighting and clustering run. All seven models are instantiated here, in one nvcc translation unit.
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "../zoo.hpp"
#include "inx/cuda/backend.cuh"
#include "inx/models/registry.hpp"

namespace inx_cli::gpu {
namespace {

inx::Tensor<float, inx::cuda> to_device(inx::TensorView<const float> x) {
  return inx::Tensor<float, inx::cuda>::from_host(x.shape(), std::span<const float>(x.data(), x.size()));
}

inx::nn::Gradients<inx::cpu> to_host(const inx::nn::Gradients<inx::cuda>& g) {
  inx::nn::Gradients<inx::cpu> h;
  h.logits = g.logits.to<inx::cpu>();
  for (const auto& [k, v] : g.activations) h.activations.emplace(k, v.to<inx::cpu>());
  for (const auto& [k, v] : g.gradients) h.gradients.emplace(k, v.to<inx::cpu>());
  if (!g.input_gradient.empty()) h.input_gradient = g.input_gradient.to<inx::cpu>();
  return h;
}

template <class M>
class CudaZooNetwork final : public AnyNetwork {
 public:
  using AnyNetwork::forward;
  inx::Tensor<float> forward(inx::Tensor<float> x) override {
    return net_.forward(to_device(x.view())).template to<inx::cpu>();
  }
  inx::nn::Gradients<inx::cpu> forward_taps(inx::TensorView<const float> x, std::set<std::string> taps) override {
    const auto xd = to_device(x);
    return to_host(net_.forward_taps(xd.view(), std::move(taps)));
  }
  std::vector<std::pair<std::string, inx::Shape>> trace(inx::TensorView<const float> x) override {
    const auto xd = to_device(x);
    return net_.trace(xd.view());
  }
  inx::nn::Gradients<inx::cpu> gradients(inx::TensorView<const float> x, std::set<std::string> taps,
                                         const SeedFn& seed, bool input_gradient) override {
    const auto xd = to_device(x);
    return to_host(net_.gradients(xd.view(), std::move(taps), seed, input_gradient));
  }
  void load(const inx::nn::StateDict& dict, std::string_view source) override { net_.load(dict, source); }
  inx::nn::StateDict state() override { return net_.state(); }
  // The visitor sees host copies; whatever it writes goes back to the GPU.
  void visit_erased(const Visitor& v) override {
    net_.visit([&](std::string_view n, inx::Tensor<float, inx::cuda>& t, inx::Tensor<float, inx::cuda>* g,
                   inx::nn::TensorRole r) {
      auto host = t.template to<inx::cpu>();
      inx::Tensor<float> host_grad;
      if (g) host_grad = g->template to<inx::cpu>();
      v(n, host, g ? &host_grad : nullptr, r);
      t = host.template to<inx::cuda>();
      if (g) *g = host_grad.template to<inx::cuda>();
    });
  }

 private:
  inx::nn::Network<M, inx::cuda> net_;
};

}  // namespace

std::string unavailable_reason() { return inx::cuda::unavailable_reason(); }

std::unique_ptr<AnyNetwork> make_network(std::string_view model) {
  std::unique_ptr<AnyNetwork> net;
  inx::models::with_model(model, [&]<class M>() { net = std::make_unique<CudaZooNetwork<M>>(); });
  return net;
}

}  // namespace inx_cli::gpu
