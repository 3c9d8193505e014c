// Seeded parameter initialisation. A policy decides each tensor's starting values from what the visitor knows
// about it (name, shape, role, the fan-in of the layer it belongs to); TorchDefaultInit reproduces PyTorch's
// reset_parameters(): kaiming_uniform(a = sqrt(5)) for conv/linear weights, i.e. U(+-1/sqrt(fan_in)), the same
// bound for their biases, batch-norm weight 1, bias 0, running mean 0 and variance 1. Values are drawn on the host
// from a fixed-algorithm generator, so a seed gives the same network on every platform and device.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inx/nn/layer.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

// A seeded source of uniform floats; mt19937_64's output sequence is fixed by the C++ standard (unlike the
// standard distributions), and floats are made from its top 24 bits.
class InitRng {
 public:
  explicit InitRng(std::uint64_t seed) : gen_(seed) {}
  // U[lo, hi)
  float uniform(float lo, float hi) { return lo + (hi - lo) * float(gen_() >> 40) * 0x1.0p-24f; }
  std::uint64_t bits() { return gen_(); }

 private:
  std::mt19937_64 gen_;
};

// What an initialisation policy knows about one persistent tensor.
struct ParamInfo {
  enum class Kind {
    weight,        // conv/linear weight (rank >= 2)
    bias,          // bias of a conv/linear layer
    norm_weight,   // rank-1 "weight" (batch norm's gamma)
    norm_bias,     // "bias" of a normalisation layer
    running_mean,
    running_var,
    other,
  };
  std::string_view name;
  Shape shape;
  TensorRole role;
  Kind kind;
  std::size_t fan_in;  // weights and their biases: in_channels/groups * kernel area (or in_features); else 0
};

template <class P>
concept InitPolicy = requires(const P& p, const ParamInfo& info, std::span<float> values, InitRng& rng) {
  p(info, values, rng);
};

// PyTorch's default initialisation of Conv2d, Linear and BatchNorm2d.
struct TorchDefaultInit {
  void operator()(const ParamInfo& info, std::span<float> values, InitRng& rng) const {
    using K = ParamInfo::Kind;
    switch (info.kind) {
      case K::weight:
      case K::bias: {
        // kaiming_uniform(a=sqrt(5)): gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in)
        const float bound = info.fan_in ? float(1.0 / std::sqrt(double(info.fan_in))) : 0.0f;
        for (float& v : values) v = rng.uniform(-bound, bound);
        break;
      }
      case K::norm_weight:
      case K::running_var:
        for (float& v : values) v = 1.0f;
        break;
      case K::norm_bias:
      case K::running_mean:
      case K::other:
        for (float& v : values) v = 0.0f;
        break;
    }
  }
};

namespace detail {
inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
inline std::string_view module_of(std::string_view name) {
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : name.substr(0, dot);
}
}  // namespace detail

namespace detail {
// Sets the persistent tensors of `net` for which keep(module name) holds, in the model's fixed order.
template <class Net, InitPolicy P, class Keep>
void initialize_where(Net& net, std::uint64_t seed, const P& policy, Keep&& keep) {
  InitRng rng(seed);
  std::string last_module;
  std::size_t last_fan_in = 0;
  std::vector<float> host;
  net.visit([&]<Device D>(std::string_view name, Tensor<float, D>& value, Tensor<float, D>*, TensorRole role) {
    using K = ParamInfo::Kind;
    const Shape& s = value.shape();
    const std::string_view module = detail::module_of(name);
    if (!keep(module)) return;
    ParamInfo info{name, s, role, K::other, 0};
    if (detail::ends_with(name, "weight") && s.rank() >= 2) {
      std::size_t fan_in = 1;
      for (std::size_t i = 1; i < s.rank(); ++i) fan_in *= s[i];
      info.kind = K::weight;
      info.fan_in = fan_in;
      last_module = std::string(module);
      last_fan_in = fan_in;
    } else if (detail::ends_with(name, "weight")) {
      info.kind = K::norm_weight;
      last_module.clear();
    } else if (detail::ends_with(name, "bias")) {
      const bool of_weight = !last_module.empty() && module == last_module;
      info.kind = of_weight ? K::bias : K::norm_bias;
      info.fan_in = of_weight ? last_fan_in : 0;
    } else if (detail::ends_with(name, "running_mean")) {
      info.kind = K::running_mean;
    } else if (detail::ends_with(name, "running_var")) {
      info.kind = K::running_var;
    }
    host.assign(value.size(), 0.0f);
    policy(info, std::span<float>(host), rng);
    D::copy_from_host(value.data(), host.data(), value.bytes());
  });
}
}  // namespace detail

// Sets every persistent tensor of `net` (anything with visit(v), e.g. nn::Network) from `seed` with `policy`.
// Tensors are visited in the model's fixed order, so the same seed always gives the same values.
template <class Net, InitPolicy P = TorchDefaultInit>
void initialize(Net& net, std::uint64_t seed, const P& policy = {}) {
  detail::initialize_where(net, seed, policy, [](std::string_view) { return true; });
}

// Re-initialises one module's tensors (its weight, bias and running statistics), as PyTorch's
// module.reset_parameters() does after torch.manual_seed(seed); the rest of the network is left as it is.
template <class Net, InitPolicy P = TorchDefaultInit>
void initialize_module(Net& net, std::string_view module, std::uint64_t seed, const P& policy = {}) {
  detail::initialize_where(net, seed, policy, [&](std::string_view m) { return m == module; });
}

// The modules that own parameters (a weight or bias: convolutions, linear layers, batch norms), in the model's
// order, by PyTorch name: the layers a cascading randomisation walks through.
template <class Net>
std::vector<std::string> parametrised_modules(Net& net) {
  std::vector<std::string> out;
  net.visit([&]<Device D>(std::string_view name, Tensor<float, D>&, Tensor<float, D>*, TensorRole) {
    if (!detail::ends_with(name, "weight") && !detail::ends_with(name, "bias")) return;
    const std::string module(detail::module_of(name));
    if (out.empty() || out.back() != module) out.push_back(module);
  });
  return out;
}

}  // namespace nn
INX_END_NAMESPACE
