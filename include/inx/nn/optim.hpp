// Optimisers: SGD (momentum, dampening, Nesterov, weight decay) and Adam (bias correction, L2 weight decay), with
// torch.optim's update rules and defaults. step(net) updates every TensorRole::parameter the network visits from
// the gradient the last train_backward wrote; the per-parameter state lives on the network's device and each
// update is one fused device-neutral op (tensor/optim_step.hpp).
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/nn/layer.hpp"
#include "inx/tensor/optim_step.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

struct SgdOptions {
  double lr = 0.01, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false;
};

struct AdamOptions {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
};

namespace detail {
// Per-parameter state tensors, kept in the network's visiting order and checked against it on every step, so an
// optimiser used with another network is an error rather than silent nonsense.
template <Device D>
class OptimState {
 public:
  explicit OptimState(std::size_t per_param) : per_param_(per_param) {}

  // Calls fn(name, value, grad, state*) for every parameter; creates zeroed state on the first call.
  template <class Net, class Fn>
  void for_each(Net& net, const char* who, Fn&& fn) {
    std::size_t i = 0;
    const bool fresh = names_.empty();
    net.visit([&](std::string_view name, Tensor<float, D>& value, Tensor<float, D>* grad, TensorRole role) {
      if (role != TensorRole::parameter) return;
      require<value_error>(grad != nullptr, who, ": parameter '", name, "' has no gradient");
      if (fresh) {
        names_.emplace_back(name);
        for (std::size_t k = 0; k < per_param_; ++k) state_.emplace_back(value.shape());
      }
      require<value_error>(i < names_.size() && names_[i] == name && state_[i * per_param_].shape() == value.shape(),
                           who, ": parameter '", name, "' ", value.shape().str(),
                           " is not the one this optimiser was stepping (another network?)");
      require<value_error>(grad->shape() == value.shape(), who, ": gradient of '", name, "' has shape ",
                           grad->shape().str(), ", the parameter ", value.shape().str());
      fn(value, *grad, state_.data() + i * per_param_);
      ++i;
    });
    require<value_error>(i == names_.size(), who, ": the network has ", i, " parameters, the optimiser was stepping ",
                         names_.size());
  }
  std::size_t size() const noexcept { return names_.size(); }

 private:
  std::size_t per_param_;
  std::vector<std::string> names_;
  std::vector<Tensor<float, D>> state_;
};
}  // namespace detail

template <Device D = cpu>
class Sgd {
 public:
  explicit Sgd(SgdOptions o = {}) : o_(o), state_(1) {
    require<value_error>(o.lr >= 0 && o.momentum >= 0 && o.weight_decay >= 0, "SGD: expected lr, momentum and ",
                         "weight decay >= 0, got ", o.lr, ", ", o.momentum, ", ", o.weight_decay);
    require<value_error>(!o.nesterov || (o.momentum > 0 && o.dampening == 0),
                         "SGD: Nesterov momentum needs momentum > 0 and zero dampening");
  }

  template <class Net>
  void step(Net& net) {
    ops::SgdStep s{o_.lr, o_.momentum, o_.dampening, o_.weight_decay, o_.nesterov, steps_ == 0};
    state_.for_each(net, "SGD", [&](Tensor<float, D>& p, Tensor<float, D>& g, Tensor<float, D>* buf) {
      ops::sgd_step<D>(s, p.view(), g.view(), buf->view());
    });
    ++steps_;
  }

  double lr() const noexcept { return o_.lr; }
  void set_lr(double lr) {
    require<value_error>(lr >= 0, "SGD: expected lr >= 0, got ", lr);
    o_.lr = lr;
  }
  long steps() const noexcept { return steps_; }

 private:
  SgdOptions o_;
  detail::OptimState<D> state_;
  long steps_ = 0;
};

template <Device D = cpu>
class Adam {
 public:
  explicit Adam(AdamOptions o = {}) : o_(o), state_(2) {
    require<value_error>(o.lr >= 0 && o.eps >= 0 && o.weight_decay >= 0 && o.beta1 >= 0 && o.beta1 < 1 &&
                             o.beta2 >= 0 && o.beta2 < 1,
                         "Adam: expected lr, eps, weight decay >= 0 and betas in [0, 1), got lr=", o.lr, " eps=",
                         o.eps, " weight_decay=", o.weight_decay, " betas=(", o.beta1, ", ", o.beta2, ")");
  }

  template <class Net>
  void step(Net& net) {
    ++steps_;
    ops::AdamStep s{o_.lr, o_.beta1, o_.beta2, o_.eps, o_.weight_decay, steps_};
    state_.for_each(net, "Adam", [&](Tensor<float, D>& p, Tensor<float, D>& g, Tensor<float, D>* mv) {
      ops::adam_step<D>(s, p.view(), g.view(), mv[0].view(), mv[1].view());
    });
  }

  double lr() const noexcept { return o_.lr; }
  void set_lr(double lr) {
    require<value_error>(lr >= 0, "Adam: expected lr >= 0, got ", lr);
    o_.lr = lr;
  }
  long steps() const noexcept { return steps_; }

 private:
  AdamOptions o_;
  detail::OptimState<D> state_;
  long steps_ = 0;
};

// What a training loop needs of an optimiser.
template <class O, class Net>
concept Optimizer = requires(O& o, Net& net, double lr) {
  o.step(net);
  { o.lr() } -> std::convertible_to<double>;
  o.set_lr(lr);
};

}  // namespace nn
INX_END_NAMESPACE
