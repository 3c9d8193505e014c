// A finite-difference gradient checker for layer types: compares backward's input gradient and every parameter
// gradient with central differences of f(x, params) = sum(w * layer(x)) for a fixed random w.
//
// float32 needs care: where the forward and backward one-sided differences disagree, the step crossed a kink (ReLU
// at 0, a max-pool argmax change) and the coordinate is skipped and counted (tests bound how many may be);
// elsewhere the central difference must match the analytical gradient within rtol * (max|gradient| + |element|).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "inx/nn/layer.hpp"
#include "inx/nn/pass.hpp"
#include "inx/tensor/tensor.hpp"

namespace inx_test {

using inx::Shape;
using inx::Tensor;
using inx::nn::Keep;
using inx::nn::Mode;
using inx::nn::Pass;

struct CheckOptions {
  float eps = 1e-2f;
  double rtol = 3e-3;
  double noise = 0;               // float32 rounding of f divided by the step: added to every tolerance
  double max_skipped = 0.0;       // fraction of coordinates allowed to sit on a kink
  std::size_t max_per_tensor = 0;  // check at most this many elements of each tensor (0: all)
};

// Verdict of one compared tensor.
struct TensorCheck {
  std::string name;
  double max_error = 0;  // worst |numeric - analytic| / (max|analytic| + |analytic|)
  std::size_t checked = 0, skipped = 0;
};

// Compares analytic with numeric (central difference) values; `kink` holds |forward - backward difference| of each
// coordinate. Returns the failure text, or "".
inline std::string compare(const std::string& name, const std::vector<double>& analytic,
                           const std::vector<double>& numeric, const std::vector<double>& kink,
                           const CheckOptions& o, TensorCheck* out = nullptr) {
  double scale = 0;
  for (double a : analytic) scale = std::max(scale, std::fabs(a));
  for (double a : numeric) scale = std::max(scale, std::fabs(a));
  scale = std::max(scale, 1e-3);
  TensorCheck c{name};
  std::string fail;
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    if (kink[i] > o.rtol * scale + 2 * o.noise) {
      ++c.skipped;
      continue;
    }
    ++c.checked;
    const double err = std::fabs(numeric[i] - analytic[i]);
    c.max_error = std::max(c.max_error, err / (scale + std::fabs(analytic[i])));
    if (err > o.rtol * (scale + std::fabs(analytic[i])) + o.noise && fail.empty())
      fail = name + "[" + std::to_string(i) + "]: analytic " + std::to_string(analytic[i]) + ", numeric " +
             std::to_string(numeric[i]);
  }
  if (fail.empty() && double(c.skipped) > o.max_skipped * double(analytic.size()))
    fail = name + ": " + std::to_string(c.skipped) + " of " + std::to_string(analytic.size()) +
           " coordinates sit on a kink (more than allowed)";
  if (fail.empty() && c.checked == 0) fail = name + ": nothing was checked";
  if (out) *out = c;
  return fail;
}

// Distinct values on a grid of step `spacing`, half a step away from every multiple of it (so from 0 and 6):
// nudging one of them by less than spacing/2 never changes an ordering, a ReLU mask or a ReLU6 clip.
inline Tensor<float> distinct_input(Shape s, std::uint64_t seed, float spacing = 0.05f) {
  auto t = Tensor<float>::uninitialized(s);
  std::vector<std::size_t> perm(t.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::mt19937_64 gen(seed);
  std::shuffle(perm.begin(), perm.end(), gen);
  const double half = double(perm.size()) / 2;
  for (std::size_t i = 0; i < perm.size(); ++i) t.data()[i] = float((double(perm[i]) - half + 0.5) * spacing);
  return t;
}

inline Tensor<float> uniform(Shape s, std::uint64_t seed, float lo, float hi) {
  auto t = Tensor<float>::uninitialized(s);
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  for (auto& v : t.span()) v = d(gen);
  return t;
}

// Random parameters: conv/linear weights and biases U(-0.5, 0.5), batch-norm gamma U(0.5, 1.5), beta U(beta_lo,
// beta_hi), running mean U(-0.5, 0.5), running variance U(0.5, 2). A positive beta keeps most values after a
// batch norm and ReLU non-zero, so max-pool windows of tied zeros (kinks at the very point) stay rare.
template <class Layer>
void randomise(Layer& layer, std::uint64_t seed, float beta_lo = -0.2f, float beta_hi = 0.2f) {
  std::mt19937_64 gen(seed);
  auto v = [&](std::string_view name, Tensor<float>& value, Tensor<float>*, inx::nn::TensorRole) {
    float lo = -0.5f, hi = 0.5f;
    if (value.rank() == 1 && name.ends_with("weight")) lo = 0.5f, hi = 1.5f;
    if (name.ends_with("bias") && name.size() > 5 && value.rank() == 1) {
      // a batch norm's bias follows its weight of the same module; conv/linear biases keep U(-0.5, 0.5)
      bool norm = false;
      const std::string module(name.substr(0, name.size() - 4));
      auto probe = [&](std::string_view n, Tensor<float>& t, Tensor<float>*, inx::nn::TensorRole) {
        if (n == module + "weight" && t.rank() == 1) norm = true;
      };
      layer.visit(probe, "");
      if (norm) lo = beta_lo, hi = beta_hi;
    }
    if (name.ends_with("running_var")) lo = 0.5f, hi = 2.0f;
    std::uniform_real_distribution<float> d(lo, hi);
    for (auto& x : value.span()) x = d(gen);
  };
  layer.visit(v, "");
}

template <class L>
class GradChecker {
 public:
  using Layer = inx::nn::layer_t<L, inx::cpu>;

  GradChecker(Mode mode, Tensor<float> x, std::uint64_t seed = 1, float beta_lo = -0.2f, float beta_hi = 0.2f)
      : mode_(mode), x_(std::move(x)) {
    randomise(layer_, seed, beta_lo, beta_hi);
    auto y = run(x_, Keep::nothing);
    w_ = uniform(y.shape(), seed + 7, -1.0f, 1.0f);
  }

  Layer& layer() { return layer_; }

  // Runs every check; returns the failures (empty: pass) and fills `report`.
  std::vector<std::string> check(CheckOptions o, std::vector<TensorCheck>* report = nullptr) {
    std::vector<std::string> failures;
    auto [dx, grads] = analytic();
    const double f0 = f();
    // f sums float32 outputs: each carries a relative rounding error of a few 1e-7, which a difference
    // quotient divides by the step.
    o.noise = std::max(o.noise, 1e-6 * abs_sum() / double(o.eps));
    auto record = [&](const std::string& name, const std::vector<double>& a, const std::vector<double>& n1,
                      const std::vector<double>& n2) {
      TensorCheck c;
      auto f = compare(name, a, n1, n2, o, &c);
      if (!f.empty()) failures.push_back(f);
      if (report) report->push_back(c);
    };
    {
      std::vector<double> a, n1, n2;
      for (std::size_t i : pick(x_.size(), o.max_per_tensor)) {
        a.push_back(dx.data()[i]);
        numeric(x_.data() + i, o.eps, f0, n1, n2);
      }
      record("input", a, n1, n2);
    }
    std::size_t k = 0;
    auto v = [&](std::string_view name, Tensor<float>& value, Tensor<float>*, inx::nn::TensorRole role) {
      if (role != inx::nn::TensorRole::parameter) return;
      const auto& g = grads.at(std::string(name));
      std::vector<double> a, n1, n2;
      for (std::size_t i : pick(value.size(), o.max_per_tensor, ++k)) {
        a.push_back(g.data()[i]);
        numeric(value.data() + i, o.eps, f0, n1, n2);
      }
      record(std::string(name), a, n1, n2);
    };
    layer_.visit(v, "");
    return failures;
  }

  // Backward's input gradient and parameter gradients (a full training pass: Keep::all, input gradient on).
  std::pair<Tensor<float>, std::map<std::string, Tensor<float>>> analytic() {
    Pass<inx::cpu> pass(mode_, Keep::all, {}, true);
    reseed();
    auto y = layer_.forward(x_.clone(), pass, "m");
    auto dx = layer_.backward(w_.clone(), pass, "m");
    std::map<std::string, Tensor<float>> grads;
    auto v = [&](std::string_view name, Tensor<float>&, Tensor<float>* grad, inx::nn::TensorRole role) {
      if (role == inx::nn::TensorRole::parameter) grads.emplace(std::string(name), grad->clone());
    };
    layer_.visit(v, "");
    return {std::move(dx), std::move(grads)};
  }

  // The input gradient of the explanation path (Keep::data, no weight gradients).
  Tensor<float> data_only_input_gradient() {
    Pass<inx::cpu> pass(mode_, Keep::data, {}, true);
    reseed();
    auto y = layer_.forward(x_.clone(), pass, "m");
    return layer_.backward(w_.clone(), pass, "m");
  }

  double abs_sum() {
    auto y = run(x_, Keep::nothing);
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += std::fabs(double(w_.data()[i]) * double(y.data()[i]));
    return s;
  }

  double f() {
    auto y = run(x_, Keep::nothing);
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += double(w_.data()[i]) * double(y.data()[i]);
    return s;
  }

 private:
  void reseed() {
    if constexpr (requires(Layer& l) { l.seed(0u); }) layer_.seed(1234u);
  }
  Tensor<float> run(const Tensor<float>& x, Keep keep) {
    Pass<inx::cpu> pass(mode_, keep);
    reseed();
    return layer_.forward(x.clone(), pass, "m");
  }
  // Central difference of f along one element (of the input or of a parameter), restoring it afterwards, and how
  // much the two one-sided differences disagree (a kink inside the step).
  void numeric(float* p, float eps, double f0, std::vector<double>& central, std::vector<double>& kink) {
    const float keep = *p;
    *p = keep + eps;
    const double h_up = double(*p) - double(keep);  // the step actually taken, in float
    const double up = f();
    *p = keep - eps;
    const double h_down = double(keep) - double(*p);
    const double down = f();
    *p = keep;
    central.push_back((up - down) / (h_up + h_down));
    kink.push_back(std::fabs((up - f0) / h_up - (f0 - down) / h_down));
  }
  static std::vector<std::size_t> pick(std::size_t n, std::size_t max, std::uint64_t seed = 0) {
    std::vector<std::size_t> idx(n);
    for (std::size_t i = 0; i < n; ++i) idx[i] = i;
    if (max == 0 || n <= max) return idx;
    std::mt19937_64 gen(seed + 99);
    std::shuffle(idx.begin(), idx.end(), gen);
    idx.resize(max);
    return idx;
  }

  Mode mode_;
  Layer layer_;
  Tensor<float> x_, w_;
};

}  // namespace inx_test
