// Network<Model, Device>: a model type made runnable — inference, the explanation path (logits plus the
// activations of chosen layers and the gradients of a chosen output with respect to them, data gradients only),
// training passes, and weights loaded by PyTorch name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "inx/nn/layer.hpp"
#include "inx/nn/pass.hpp"
#include "inx/nn/state_dict.hpp"
#include "inx/tensor/elementwise.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

template <Device D>
struct Gradients {
  Tensor<float, D> logits;                                 // (N, classes)
  std::map<std::string, Tensor<float, D>> activations;     // tapped outputs, by module name
  std::map<std::string, Tensor<float, D>> gradients;       // d(output)/d(tapped output), same keys
  Tensor<float, D> input_gradient;                         // empty unless asked for
};

template <LayerType Model, Device D = cpu>
class Network {
 public:
  using model_type = Model;
  using device_type = D;

  // Logits for a batch (N, C, H, W); nothing is kept. Logits holding NaN or Inf are an error (see check_finite).
  Tensor<float, D> forward(Tensor<float, D> x) { return forward(TensorView<const float, D>(x.view())); }
  Tensor<float, D> forward(TensorView<const float, D> x) {
    Pass<D> pass(Mode::eval, Keep::nothing);
    auto logits = root_.forward(copy_of(x), pass, "");
    check_finite(logits, x);
    return logits;
  }

  // Logits plus the activations of `taps`, still without keeping anything for backward.
  Gradients<D> forward_taps(TensorView<const float, D> x, std::set<std::string> taps) {
    Pass<D> pass(Mode::eval, Keep::nothing, std::move(taps));
    Gradients<D> g;
    g.logits = root_.forward(copy_of(x), pass, "");
    pass.require_all_tapped();
    check_finite(g.logits, x);
    g.activations = std::move(pass.activations());
    return g;
  }

  // Every module's output for input x, in execution order: (PyTorch module name, output shape). A module that runs
  // twice (a block's shared ReLU) appears once, with its last output, as a tap on it would see it.
  std::vector<std::pair<std::string, Shape>> trace(TensorView<const float, D> x) {
    Pass<D> pass(Mode::eval, Keep::nothing);
    std::vector<std::pair<std::string, Shape>> all, out;
    pass.trace_into(&all);
    (void)root_.forward(copy_of(x), pass, "");
    std::map<std::string, std::size_t> last;
    for (std::size_t i = 0; i < all.size(); ++i) last[all[i].first] = i;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (last[all[i].first] == i) out.push_back(std::move(all[i]));
    return out;
  }

  // The explanation path: forward in eval mode, then the gradient of sum_n sum_k seed(n, k) * logits(n, k) with
  // respect to the tapped activations (and the input when input_gradient is set). `seed` is a function that
  // receives the logits (host copy, N x K) and returns the seed as N*K host values; backward runs only as far as
  // the earliest tap needs.
  template <class SeedFn>
  Gradients<D> gradients(TensorView<const float, D> x, std::set<std::string> taps, SeedFn&& seed,
                         bool input_gradient = false) {
    Pass<D> pass(Mode::eval, Keep::data, std::move(taps), input_gradient);
    Gradients<D> g;
    g.logits = root_.forward(copy_of(x), pass, "");
    pass.require_all_tapped();
    check_finite(g.logits, x);
    auto host = g.logits.template to<cpu>();
    std::vector<float> s = seed(host.view());
    require<shape_error>(s.size() == g.logits.size(), "gradients: the seed has ", s.size(),
                         " values, the logits ", g.logits.shape().str());
    auto dy = Tensor<float, D>::from_host(g.logits.shape(), s);
    auto dx = root_.backward(std::move(dy), pass, "");
    g.activations = std::move(pass.activations());
    g.gradients = std::move(pass.gradients());
    if (input_gradient) g.input_gradient = std::move(dx);
    return g;
  }

  // Gradients of logit `target[n]` of each sample n (one class per sample).
  Gradients<D> gradients_of_class(TensorView<const float, D> x, std::set<std::string> taps,
                                  std::span<const std::int64_t> target, bool input_gradient = false) {
    return gradients(
        x, std::move(taps),
        [&](TensorView<const float, cpu> logits) {
          require<shape_error>(logits.rank() == 2 && target.size() == logits.dim(0), "gradients: ", target.size(),
                               " target classes for logits ", logits.shape().str());
          std::vector<float> s(logits.size(), 0.0f);
          for (std::size_t n = 0; n < target.size(); ++n) {
            require<value_error>(target[n] >= 0 && std::size_t(target[n]) < logits.dim(1), "gradients: class ",
                                 target[n], " is outside [0, ", logits.dim(1), ")");
            s[n * logits.dim(1) + std::size_t(target[n])] = 1.0f;
          }
          return s;
        },
        input_gradient);
  }

  // Training: forward in train mode keeping everything; then backward from d(loss)/d(logits), which writes every
  // parameter's gradient (see visit).
  Tensor<float, D> train_forward(Tensor<float, D> x) {
    pass_.emplace(Mode::train, Keep::all);
    return root_.forward(std::move(x), *pass_, "");
  }
  void train_backward(Tensor<float, D> dlogits) {
    require<value_error>(pass_.has_value(), "train_backward: call train_forward first");
    root_.backward(std::move(dlogits), *pass_, "");
    pass_.reset();
  }

  // Visits every persistent tensor: v(name, value, grad-or-null, role).
  template <class V>
  void visit(V&& v) {
    root_.visit(v, "");
  }

  void load(const StateDict& dict, std::string_view source = "state dict") {
    load_state_dict<D>(root_, dict, source);
  }
  StateDict state() { return state_dict<D>(root_); }

  auto& root() noexcept { return root_; }

 private:
  // No silent wrong answers: logits holding NaN or Inf (weights that overflow, an input out of range) are a
  // value_error naming the first module whose output held them, found by running x again with every output checked.
  void check_finite(const Tensor<float, D>& logits, TensorView<const float, D> x) {
    if (ops::all_finite<D>(logits.view())) return;
    require<value_error>(ops::all_finite<D>(x), "forward: the input batch ", x.shape().str(), " holds NaN or Inf");
    Pass<D> pass(Mode::eval, Keep::nothing);
    pass.find_nonfinite();
    (void)root_.forward(copy_of(x), pass, "");
    const std::string& where = pass.first_nonfinite();
    throw value_error(inx::detail::msg("forward: the output of module '", where.empty() ? "(the model)" : where,
                                       "' holds NaN or Inf (weights too large, or an input out of range?)"));
  }

  static Tensor<float, D> copy_of(TensorView<const float, D> x) {
    auto t = Tensor<float, D>::uninitialized(x.shape());
    D::copy(t.data(), x.data(), x.size() * sizeof(float));
    return t;
  }

  layer_t<Model, D> root_;
  std::optional<Pass<D>> pass_;
};

}  // namespace nn
INX_END_NAMESPACE
