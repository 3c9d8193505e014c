// A probe answers the one question every faithfulness metric asks of a model: the probability of class c on each of
// a batch of (perturbed) inputs. NetworkProbe asks an nn::Network, `batch` inputs per forward pass; any type with the
// same call (a lambda around another model) is a probe too. Inputs are host tensors (N, C, H, W), already
// preprocessed as the network sees them; probabilities are softmax(logits)[c], computed in double.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/elementwise.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace metrics {

template <class P>
concept Probe = requires(P& p, TensorView<const float> x, std::span<const std::int64_t> classes) {
  { p.probabilities(x, classes) } -> std::same_as<std::vector<double>>;
  { p.batch() } -> std::convertible_to<std::size_t>;
};

// softmax(row)[c] in double, stable for any finite logits.
inline double softmax_at(std::span<const float> logits, std::size_t c) {
  double mx = logits[0];
  for (float v : logits) mx = std::max(mx, double(v));
  double total = 0;
  for (float v : logits) total += std::exp(double(v) - mx);
  return std::exp(double(logits[c]) - mx) / total;
}

template <class Net>
class NetworkProbe {
 public:
  using device_type = typename Net::device_type;
  NetworkProbe(Net& net, std::size_t batch) : net_(net), batch_(batch) {
    require<value_error>(batch >= 1, "batch: expected at least one input per forward pass, got ", batch);
  }
  std::size_t batch() const noexcept { return batch_; }
  std::size_t forwards() const noexcept { return forwards_; }  // inputs sent through the network so far

  // One probability per input: classes[i] of input i. Splits x into chunks of batch() inputs.
  std::vector<double> probabilities(TensorView<const float> x, std::span<const std::int64_t> classes) {
    require<shape_error>(x.rank() == 4 && x.dim(0) == classes.size(), "probe: expected ", classes.size(),
                         " inputs (N, C, H, W), got ", x.shape().str());
    std::vector<double> p(classes.size());
    const std::size_t per = x.size() / std::max<std::size_t>(x.dim(0), 1);
    for (std::size_t b0 = 0; b0 < x.dim(0); b0 += batch_) {
      const std::size_t nb = std::min(batch_, x.dim(0) - b0);
      auto chunk = Tensor<float, device_type>::from_host({nb, x.dim(1), x.dim(2), x.dim(3)},
                                                         std::span<const float>(x.data() + b0 * per, nb * per));
      auto logits = net_.forward(std::move(chunk)).template to<cpu>();
      require<value_error>(logits.rank() == 2 && logits.dim(0) == nb, "probe: the network returned ",
                           logits.shape().str(), " for ", nb, " inputs; expected logits (N, classes)");
      require<value_error>(ops::all_finite<cpu>(logits.view()),
                           "probe: the network produced NaN or Inf logits (check the weights and the input)");
      const std::size_t k = logits.dim(1);
      for (std::size_t i = 0; i < nb; ++i) {
        const auto c = classes[b0 + i];
        require<value_error>(c >= 0 && std::size_t(c) < k, "probe: class ", c, " is outside [0, ", k, ")");
        p[b0 + i] = softmax_at(std::span<const float>(logits.data() + i * k, k), std::size_t(c));
      }
      forwards_ += nb;
    }
    return p;
  }

 private:
  Net& net_;
  std::size_t batch_;
  std::size_t forwards_ = 0;
};

// Streams many perturbed inputs of one shape through a probe, batch() at a time: fill slot(), then commit(class);
// results()[i] is the probability of the i-th committed input once finish() has run. Metrics build each perturbed
// input straight into the batch buffer, so memory stays at one batch however many inputs a metric makes.
template <Probe P>
class BatchStream {
 public:
  BatchStream(P& probe, const Shape& image) : probe_(probe), per_(image.numel()) {
    require<shape_error>(image.rank() == 3 && per_ > 0, "metrics: expected inputs (C, H, W), got ", image.str());
    const std::size_t b = std::max<std::size_t>(probe.batch(), 1);
    buffer_ = Tensor<float>::uninitialized({b, image[0], image[1], image[2]});
  }
  float* slot() noexcept { return buffer_.data() + filled_ * per_; }
  void commit(std::int64_t cls) {
    classes_.push_back(cls);
    if (++filled_ == buffer_.dim(0)) flush();
  }
  const std::vector<double>& finish() {
    if (filled_) flush();
    return results_;
  }

 private:
  void flush() {
    auto p = probe_.probabilities(buffer_.view().slice(0, filled_),
                                  std::span<const std::int64_t>(classes_).subspan(results_.size(), filled_));
    results_.insert(results_.end(), p.begin(), p.end());
    filled_ = 0;
  }
  P& probe_;
  std::size_t per_;
  Tensor<float> buffer_;
  std::size_t filled_ = 0;
  std::vector<std::int64_t> classes_;
  std::vector<double> results_;
};

}  // namespace metrics
INX_END_NAMESPACE
