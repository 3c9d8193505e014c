// Loading and saving a layer's persistent tensors by PyTorch state_dict() name. Loading is strict: a missing, extra
// or mis-shaped tensor, or one holding NaN or Inf, is an error naming the tensor (and both shapes). PyTorch's
// `num_batches_tracked` counters are accepted and ignored.
#pragma once

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/nn/layer.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

using StateDict = std::map<std::string, Tensor<float, cpu>>;

namespace detail {
inline bool ignored_key(std::string_view key) {
  constexpr std::string_view suffix = "num_batches_tracked";
  return key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix;
}
}  // namespace detail

// Name -> shape of every persistent tensor of `layer`, in visiting order.
template <class Layer>
std::vector<std::pair<std::string, Shape>> state_shapes(Layer& layer) {
  std::vector<std::pair<std::string, Shape>> out;
  auto v = [&](std::string_view name, auto& value, auto*, TensorRole) {
    out.emplace_back(std::string(name), value.shape());
  };
  layer.visit(v, "");
  return out;
}

// Copies every tensor of `dict` into `layer`. `source` names where the tensors came from (a file) in messages.
// Everything is checked before anything is copied — a missing tensor, a wrong shape, NaN or Inf, a tensor the model
// does not have — so a failed load leaves the layer as it was.
template <Device D, class Layer>
void load_state_dict(Layer& layer, const StateDict& dict, std::string_view source) {
  std::set<std::string> used;
  std::string missing;
  std::size_t n_missing = 0;
  auto check = [&](std::string_view name, Tensor<float, D>& value, Tensor<float, D>*, TensorRole) {
    const std::string key(name);
    auto it = dict.find(key);
    if (it == dict.end()) {
      if (n_missing++ < 3) missing += (missing.empty() ? "'" : ", '") + key + "' " + value.shape().str();
      return;
    }
    const auto& src = it->second;
    require<shape_error>(src.shape() == value.shape(), "weights ", source, ": tensor '", key, "' has shape ",
                         src.shape().str(), " but the model expects ", value.shape().str());
    for (float f : src.span())
      require<value_error>(std::isfinite(f), "weights ", source, ": tensor '", key, "' contains NaN or Inf");
    used.insert(key);
  };
  layer.visit(check, "");
  require<value_error>(n_missing == 0, "weights ", source, ": ", n_missing, " tensor(s) the model needs are missing: ",
                       missing, n_missing > 3 ? ", ..." : "", " (weights of another architecture?)");
  for (const auto& [key, t] : dict) {
    if (used.contains(key) || detail::ignored_key(key)) continue;
    throw value_error(inx::detail::msg("weights ", source, ": unexpected tensor '", key, "' ", t.shape().str(),
                                  " that the model does not have (weights of another architecture?)"));
  }
  auto copy = [&](std::string_view name, Tensor<float, D>& value, Tensor<float, D>*, TensorRole) {
    const auto& src = dict.at(std::string(name));
    D::copy_from_host(value.data(), src.data(), src.bytes());
  };
  layer.visit(copy, "");
}

// A host copy of every persistent tensor of `layer`, ready for io::save_npz.
template <Device D, class Layer>
StateDict state_dict(Layer& layer) {
  StateDict out;
  auto v = [&](std::string_view name, Tensor<float, D>& value, Tensor<float, D>*, TensorRole) {
    auto t = Tensor<float, cpu>::uninitialized(value.shape());
    D::copy_to_host(t.data(), value.data(), value.bytes());
    out.emplace(std::string(name), std::move(t));
  };
  layer.visit(v, "");
  return out;
}

}  // namespace nn
INX_END_NAMESPACE
