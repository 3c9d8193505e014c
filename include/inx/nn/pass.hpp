// Pass: the state one forward/backward pass carries through a network — the mode (eval or train), how much each
// layer must keep for backward, which activations to tap by PyTorch module name, and the tapped activations and
// gradients it collects. Containers report every child's output and incoming gradient here, so a tap works at
// any depth ("features.28", "layer4.1.conv2", "layer4").
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/elementwise.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

enum class Mode { eval, train };

// How much a forward pass keeps for the backward pass that follows it.
enum class Keep {
  nothing,  // inference: nothing is kept
  data,     // explanation path: only what data gradients need (ReLU masks, pooling indices), from the first tap on
  all,      // training: also what weight gradients need (layer inputs, batch-norm statistics)
};

template <Device D>
class Pass {
 public:
  Pass(Mode mode, Keep keep, std::set<std::string> taps = {}, bool input_grad = false)
      : mode_(mode), keep_(keep), taps_(std::move(taps)), input_grad_(input_grad) {
    require(keep_ != Keep::nothing || (!input_grad_), "Pass: an input gradient needs Keep::data or Keep::all");
  }

  Mode mode() const noexcept { return mode_; }
  bool training() const noexcept { return mode_ == Mode::train; }
  // Whether the layer about to run must keep what its data-gradient backward needs.
  bool keep_for_data() const noexcept {
    return keep_ == Keep::all || (keep_ == Keep::data && (input_grad_ || !tapped_.empty()));
  }
  // Whether the layer about to run must keep what its weight-gradient backward needs.
  bool keep_for_weights() const noexcept { return keep_ == Keep::all; }
  bool weight_grads() const noexcept { return keep_ == Keep::all; }

  // Called by containers after a child named `name` produced `y`.
  void on_output(std::string_view name, TensorView<const float, D> y) {
    if (trace_) trace_->emplace_back(std::string(name), y.shape());
    if (find_nonfinite_ && nonfinite_.empty() && !ops::all_finite<D>(y)) nonfinite_ = std::string(name);
    if (taps_.empty()) return;
    auto it = taps_.find(std::string(name));
    if (it == taps_.end()) return;
    auto copy = Tensor<float, D>::uninitialized(y.shape());
    D::copy(copy.data(), y.data(), y.size() * sizeof(float));
    tapped_.insert_or_assign(*it, std::move(copy));
  }
  // Called by containers during backward with the gradient arriving at the output of child `name`.
  void on_output_grad(std::string_view name, TensorView<const float, D> dy) {
    if (tapped_.empty()) return;
    auto key = std::string(name);
    if (!tapped_.contains(key) || grads_.contains(key)) return;
    auto copy = Tensor<float, D>::uninitialized(dy.shape());
    D::copy(copy.data(), dy.data(), dy.size() * sizeof(float));
    grads_.insert_or_assign(std::move(key), std::move(copy));
  }
  // True when backward may stop: every tapped gradient is collected and nobody asked for the input gradient.
  bool backward_done() const noexcept {
    return keep_ != Keep::all && !input_grad_ && grads_.size() == tapped_.size();
  }

  // Records every module output (name, shape) in execution order into `out` (what `inx layers` lists).
  void trace_into(std::vector<std::pair<std::string, Shape>>* out) noexcept { trace_ = out; }

  // Diagnosis: records the first module (in execution order) whose output holds NaN or Inf.
  void find_nonfinite() noexcept { find_nonfinite_ = true; }
  const std::string& first_nonfinite() const noexcept { return nonfinite_; }

  const std::set<std::string>& taps() const noexcept { return taps_; }
  std::map<std::string, Tensor<float, D>>& activations() noexcept { return tapped_; }
  std::map<std::string, Tensor<float, D>>& gradients() noexcept { return grads_; }

  // Names asked for that no layer produced: a misspelt tap is an error, not an empty result.
  void require_all_tapped() const {
    for (const auto& t : taps_)
      require<value_error>(tapped_.contains(t), "tap '", t, "': no module of this network has that name");
  }

 private:
  Mode mode_;
  Keep keep_;
  std::set<std::string> taps_;
  bool input_grad_;
  std::map<std::string, Tensor<float, D>> tapped_;
  std::map<std::string, Tensor<float, D>> grads_;
  std::vector<std::pair<std::string, Shape>>* trace_ = nullptr;
  bool find_nonfinite_ = false;
  std::string nonfinite_;
};

// "features" + "0" -> "features.0"; an empty prefix gives the bare name.
inline std::string child_name(std::string_view prefix, std::string_view child) {
  if (prefix.empty()) return std::string(child);
  std::string s(prefix);
  s += '.';
  s += child;
  return s;
}

}  // namespace nn
INX_END_NAMESPACE
