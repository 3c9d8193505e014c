// Softmax cross-entropy, as torch.nn.functional.cross_entropy with mean reduction: the loss of a batch of logits
// against integer class targets, and its gradient with respect to the logits.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

template <Device D>
struct LossAndGrad {
  double loss = 0;         // mean over the batch
  std::size_t correct = 0;  // samples whose largest logit is the target
  Tensor<float, D> grad;   // d loss / d logits, (N, K)
};

// Logits are (N, K); the N*K values are small, so the arithmetic runs on the host whatever the device.
template <Device D>
LossAndGrad<D> cross_entropy(TensorView<const float, D> logits, std::span<const std::int64_t> targets) {
  require<shape_error>(logits.rank() == 2 && logits.dim(0) == targets.size() && logits.dim(0) > 0,
                       "cross_entropy: expected logits (N, K) for ", targets.size(), " targets, got ",
                       logits.shape().str());
  const std::size_t n = logits.dim(0), k = logits.dim(1);
  std::vector<float> z(logits.size());
  D::copy_to_host(z.data(), logits.data(), z.size() * sizeof(float));
  LossAndGrad<D> out;
  for (std::size_t i = 0; i < n; ++i) {
    float* row = z.data() + i * k;
    const auto t = targets[i];
    require<value_error>(t >= 0 && std::size_t(t) < k, "cross_entropy: target ", t, " of sample ", i,
                         " is outside [0, ", k, ")");
    float mx = row[0];
    std::size_t arg = 0;
    for (std::size_t j = 1; j < k; ++j)
      if (row[j] > mx) mx = row[j], arg = j;
    double sum = 0;
    for (std::size_t j = 0; j < k; ++j) sum += std::exp(double(row[j]) - mx);
    out.loss += std::log(sum) + mx - row[t];
    out.correct += arg == std::size_t(t);
    for (std::size_t j = 0; j < k; ++j) row[j] = float(std::exp(double(row[j]) - mx) / sum / double(n));
    row[t] -= 1.0f / float(n);
  }
  out.loss /= double(n);
  require<value_error>(std::isfinite(out.loss), "cross_entropy: the loss is not finite (NaN or Inf in the logits)");
  out.grad = Tensor<float, D>::from_host(logits.shape(), z);
  return out;
}

}  // namespace nn
INX_END_NAMESPACE
