// Device-neutral optimiser updates: one fused pass over a parameter, its gradient and its state per step, so a
// training step costs one read and write of each tensor instead of the five or six separate elementwise ops the
// same update would take. The maths is torch.optim's (SGD with momentum/dampening/Nesterov/weight decay; Adam with
// bias correction and L2 weight decay added to the gradient). Each device specialises optim_step_kernel<D>
// (CPU: tensor/cpu/optim_step.hpp).
#pragma once

#include <cstddef>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE

namespace ops {
// Hyper-parameters are doubles, as PyTorch's Python floats are; the kernels round them to float where PyTorch does.
struct SgdStep {
  double lr = 0.01, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false;
  bool first = true;  // the momentum buffer is initialised to the gradient on the first step (PyTorch)
};
struct AdamStep {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  long step = 1;  // 1 on the first update: bias corrections are 1 - beta^step
};
}  // namespace ops

// Specialised per device with
//   static void sgd(const ops::SgdStep&, size_t n, float* param, const float* grad, float* momentum_buf);
//   static void adam(const ops::AdamStep&, size_t n, float* param, const float* grad, float* m, float* v);
// momentum_buf is null when momentum is 0.
template <Device D>
struct optim_step_kernel;

namespace ops {

template <Device D>
void sgd_step(const SgdStep& s, TensorView<float, D> param, TensorView<const float, D> grad,
              TensorView<float, D> momentum_buf) {
  require_same_shape(param.shape(), grad.shape(), "sgd_step: parameter and gradient");
  require<value_error>(s.lr >= 0 && s.momentum >= 0 && s.weight_decay >= 0, "sgd_step: expected lr, momentum and ",
                       "weight decay >= 0, got ", s.lr, ", ", s.momentum, ", ", s.weight_decay);
  require<value_error>(!s.nesterov || (s.momentum > 0 && s.dampening == 0),
                       "sgd_step: Nesterov momentum needs momentum > 0 and no dampening");
  if (s.momentum != 0) require_same_shape(param.shape(), momentum_buf.shape(), "sgd_step: parameter and momentum");
  optim_step_kernel<D>::sgd(s, param.size(), param.data(), grad.data(),
                            s.momentum != 0 ? momentum_buf.data() : nullptr);
}

template <Device D>
void adam_step(const AdamStep& s, TensorView<float, D> param, TensorView<const float, D> grad,
               TensorView<float, D> m, TensorView<float, D> v) {
  require_same_shape(param.shape(), grad.shape(), "adam_step: parameter and gradient");
  require_same_shape(param.shape(), m.shape(), "adam_step: parameter and first moment");
  require_same_shape(param.shape(), v.shape(), "adam_step: parameter and second moment");
  require<value_error>(s.lr >= 0 && s.eps >= 0 && s.weight_decay >= 0 && s.beta1 >= 0 && s.beta1 < 1 &&
                           s.beta2 >= 0 && s.beta2 < 1,
                       "adam_step: expected lr, eps, weight decay >= 0 and betas in [0, 1), got lr=", s.lr,
                       " eps=", s.eps, " weight_decay=", s.weight_decay, " betas=(", s.beta1, ", ", s.beta2, ")");
  require<value_error>(s.step >= 1, "adam_step: expected step >= 1, got ", s.step);
  optim_step_kernel<D>::adam(s, param.size(), param.data(), grad.data(), m.data(), v.data());
}

}  // namespace ops
INX_END_NAMESPACE

#include "inx/tensor/cpu/optim_step.hpp"
