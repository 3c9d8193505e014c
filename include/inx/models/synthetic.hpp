// Deterministic synthetic weights: every persistent tensor of a network filled from a counter-based hash of its
// state_dict name and element index, so tests and benchmarks on the big zoo models (resnet50, vgg16: 100-550 MB)
// need no weight files. tools/make_zoo_fixtures.py computes the same values with numpy (the formula is in its
// docstring); the scales keep activations O(1) like PyTorch's default initialisation.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "inx/nn/dropout.hpp"
#include "inx/nn/layer.hpp"

INX_BEGIN_NAMESPACE
namespace models {

inline std::uint32_t fnv1a32(std::string_view s) noexcept {
  std::uint32_t h = 0x811c9dc5U;
  for (unsigned char c : s) h = (h ^ c) * 0x01000193U;
  return h;
}

// The values of the synthetic tensor `name` with `shape`, written to `out` (host memory, shape.numel() floats),
// float32 exactly as numpy computes them.
inline void synthetic_values(std::string_view name, const Shape& shape, float* out) {
  const std::size_t n = shape.numel();
  double off = 0.0, scale = 0.1;
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (shape.rank() >= 2) {
    scale = std::sqrt(6.0 / double(n / shape[0]));  // He uniform over fan_in
  } else if (ends_with("weight") || ends_with("running_var")) {
    off = 1.0;
    scale = 0.25;
  }
  const std::uint32_t key = fnv1a32(name);
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for
  for (std::int64_t i = 0; i < count; ++i) {
    const std::uint32_t u = nn::detail::hash32(key ^ nn::detail::hash32(static_cast<std::uint32_t>(i)));
    const double v = double(u >> 9) * 0x1p-22 - 1.0;
    out[std::size_t(i)] = static_cast<float>(off + scale * v);
  }
}

// Fills every parameter and buffer of a network (anything with visit(v)) with its synthetic values; on the host
// directly in place, so filling needs no memory beyond the network's own.
template <Device D, class Net>
void fill_synthetic(Net& net) {
  std::vector<float> host;
  net.visit([&](std::string_view name, Tensor<float, D>& value, Tensor<float, D>*, nn::TensorRole) {
    if constexpr (is_host_device<D>) {
      synthetic_values(name, value.shape(), value.data());
    } else {
      host.resize(value.size());
      synthetic_values(name, value.shape(), host.data());
      D::copy_from_host(value.data(), host.data(), value.bytes());
    }
  });
}

}  // namespace models
INX_END_NAMESPACE
