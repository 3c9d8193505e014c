// A finite-difference gradient checker for layer types: compares backward's input gradient and every parameter
// gradient with central differences of f(x, params) = sum(w * layer(x)) for a fixed random w.
//
// Scale-aware, so that a 1 % error in any one tensor fails (the mutation test in test_gradcheck.cpp proves it per
// layer type and block, in both modes):
// - every tolerance is relative to the compared tensor's own gradient size (its largest |element|), never to the
//   size of f, so a tensor with small gradients next to one with large gradients is checked as tightly;
// - parameters are drawn so that activations stay O(1) (weights scaled by 1/sqrt(fan-in)), which keeps float32
//   rounding of f small next to every gradient;
// - each coordinate takes central differences at three steps, h, h/2 and h/4, and uses the Richardson extrapolation
//   of the last two (truncation error O(h^4)); how much neighbouring steps disagree estimates the error left. A
//   coordinate whose estimate is not well below the tolerance, or whose one-sided differences disagree (the step
//   crossed a kink: ReLU at 0, a max-pool argmax change), is tried again at h/4 and h/16, then skipped and counted;
//   tests bound how many may be;
// - a tensor whose gradient is zero in exact arithmetic (a bias followed by a batch norm in train mode) has no own
//   scale: both sides must then be at rounding level, and it is reported as such.
// A checked coordinate must match within rtol * (max|gradient| + |element|), in double.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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
  float eps = 1e-2f;               // the larger of the two steps
  double rtol = 2e-3;              // of the tensor's largest gradient: a 1 % error exceeds it
  double max_skipped = 0.0;        // fraction of coordinates allowed to be skipped (kinks, unsure differences)
  std::size_t max_per_tensor = 0;  // check at most this many elements of each tensor (0: all)
};

// Finite differences of one tensor's coordinates (those picked), and how sure each one is.
struct Numeric {
  std::vector<std::size_t> index;
  std::vector<double> value;  // Richardson extrapolation of the central differences at h/2 and h/4
  std::vector<double> error;  // max(|D(h) - D(h/2)|, |D(h/2) - D(h/4)|): the error estimate
  std::vector<double> kink;   // largest |forward - backward one-sided difference| at h, h/2, h/4
};

// Verdict of one compared tensor.
struct TensorCheck {
  std::string name;
  double max_error = 0;  // worst |numeric - analytic| / (max|analytic| + |analytic|)
  std::size_t checked = 0, skipped = 0;
  bool zero = false;    // gradient zero in exact arithmetic: compared at rounding level only
  bool exempt = false;  // left out by the caller (finite differences cannot measure it in float32)
};

// A coordinate whose numeric derivative cannot be trusted, in a tensor of gradient size `scale`: the two central
// differences disagree by more than half the tolerance's relative part (a kink within the step, or float32 rounding
// of f divided by a small step), or the one-sided ones by more than twice it (a kink at the very point, where both
// central differences give the mean of the two slopes: a max-pool window of tied values, a ReLU input at exactly 0).
inline bool unsure(const Numeric& n, std::size_t i, double scale, const CheckOptions& o) {
  return n.error[i] > 0.5 * o.rtol * scale || n.kink[i] > 2 * o.rtol * scale;
}

// The tolerance of a trusted coordinate: rtol of the tensor's scale plus the element's size, plus twice the
// coordinate's own error estimate. A 1 % error in the tensor's largest element still exceeds it (at most
// 3 * rtol * scale = 0.6 % at rtol 2e-3).
inline double tolerance(const Numeric& n, std::size_t i, double a, double scale, const CheckOptions& o) {
  return o.rtol * (scale + std::fabs(a)) + 2 * n.error[i];
}

// Compares analytic gradients (at n.index) with the numeric ones; `scale` is the tensor's gradient size and `floor`
// the rounding level of the whole check (below it a gradient counts as zero). Returns the failure text, or "".
inline std::string compare(const std::string& name, const std::vector<double>& analytic, const Numeric& n,
                           double floor, const CheckOptions& o, TensorCheck* out = nullptr) {
  double scale = 0;
  for (double a : analytic) scale = std::max(scale, std::fabs(a));
  for (double v : n.value) scale = std::max(scale, std::fabs(v));
  TensorCheck c{name};
  std::string fail;
  if (scale <= floor) {
    // Zero in exact arithmetic: nothing to be relative to; both sides must stay at rounding level.
    c.zero = true;
    c.checked = analytic.size();
  } else {
    const bool debug = std::getenv("INX_GRADCHECK_DEBUG") != nullptr;  // every coordinate's numbers, to stdout
    for (std::size_t i = 0; i < analytic.size(); ++i) {
      const double tol = tolerance(n, i, analytic[i], scale, o);
      const double err = std::fabs(n.value[i] - analytic[i]);
      const bool skip = unsure(n, i, scale, o);
      if (debug)
        std::printf("    %s%s[%zu] analytic %.6g numeric %.6g error %.2e estimate %.2e kink %.2e scale %.3g\n",
                    skip ? "skip " : "", name.c_str(), n.index[i], analytic[i], n.value[i], err, n.error[i],
                    n.kink[i], scale);
      if (skip) {
        ++c.skipped;
        continue;
      }
      ++c.checked;
      c.max_error = std::max(c.max_error, err / (scale + std::fabs(analytic[i])));
      if (err > tol && fail.empty())
        fail = name + "[" + std::to_string(n.index[i]) + "]: analytic " + std::to_string(analytic[i]) + ", numeric " +
               std::to_string(n.value[i]) + " (tensor scale " + std::to_string(scale) + ")";
    }
  }
  if (fail.empty() && double(c.skipped) > o.max_skipped * double(analytic.size()))
    fail = name + ": " + std::to_string(c.skipped) + " of " + std::to_string(analytic.size()) +
           " coordinates were skipped (kinks or unsure differences; more than allowed)";
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

// Random parameters: conv/linear weights U(-b, b) with b = sqrt(3 / fan-in) (variance 1 / fan-in, so activations
// stay O(1) through any depth), their biases U(-0.5, 0.5), batch-norm gamma U(0.5, 1.5), beta U(beta_lo, beta_hi),
// running mean U(-0.5, 0.5), running variance U(0.5, 2). A positive beta keeps most values after a batch norm and
// ReLU non-zero, so max-pool windows of tied zeros (kinks at the very point) stay rare.
template <class Layer>
void randomise(Layer& layer, std::uint64_t seed, float beta_lo = -0.2f, float beta_hi = 0.2f) {
  std::mt19937_64 gen(seed);
  auto v = [&](std::string_view name, Tensor<float>& value, Tensor<float>*, inx::nn::TensorRole) {
    float lo = -0.5f, hi = 0.5f;
    if (value.rank() >= 2 && name.ends_with("weight")) {
      const double fan_in = double(value.size()) / double(value.shape()[0]);
      hi = float(std::sqrt(3.0 / fan_in));
      lo = -hi;
    }
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

// The two ways a mutation test spoils one tensor's analytic gradient by 1 %: all of it scaled by 1.01, or its
// largest checked element moved by 1 % of the tensor's largest gradient.
enum class Mutation { scale_all, one_element };

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
    const auto n = numeric_all(o);
    return compare_all(analytic_all(n), n, o, report);
  }

  // The mutation test: every tensor's analytic gradient spoilt by 1 % in each Mutation way, one tensor at a time,
  // must fail the check, by a failure that names that tensor. Returns the mutations that went unnoticed and any
  // failure of the unmutated check (empty: pass); `zero` gets the tensors left out because their gradient is zero in
  // exact arithmetic.
  // `report` gets the unmutated check's verdicts. Tensors named in `exempt` are neither checked nor mutated: those
  // whose finite differences float32 cannot measure (the caller says why), reported with `exempt` set.
  std::vector<std::string> undetected_mutations(CheckOptions o, std::vector<TensorCheck>* report_out = nullptr,
                                                std::vector<std::string>* zero = nullptr,
                                                const std::vector<std::string>& exempt = {}) {
    const auto n = numeric_all(o);
    const auto a = analytic_all(n);
    std::vector<std::string> missed;
    std::vector<TensorCheck> report;
    const auto clean = compare_all(a, n, o, &report);
    auto exempted = [&](const std::string& name) { return std::find(exempt.begin(), exempt.end(), name) != exempt.end(); };
    for (auto& r : report) r.exempt = exempted(r.name);
    if (report_out) *report_out = report;
    for (const auto& f : clean) {
      bool skip = false;
      for (const auto& e : exempt) skip = skip || f.starts_with(e + "[") || f.starts_with(e + ":");
      if (!skip) missed.push_back("the unmutated gradients fail: " + f);
    }
    for (std::size_t t = 0; t < a.size(); ++t) {
      if (report[t].exempt) continue;
      if (report[t].zero) {
        if (zero) zero->push_back(report[t].name);
        continue;
      }
      for (Mutation m : {Mutation::scale_all, Mutation::one_element}) {
        auto spoilt = a;
        mutate(spoilt[t].second, n[t].second, o, m);
        bool named = false;
        for (const auto& f : compare_all(spoilt, n, o))
          named = named || f.starts_with(a[t].first + "[") || f.starts_with(a[t].first + ":");
        if (!named)
          missed.push_back(a[t].first + (m == Mutation::scale_all ? ": scaled by 1.01" : ": one element +1 %") +
                           " passes");
      }
    }
    return missed;
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
  using Named = std::vector<std::pair<std::string, Numeric>>;
  using Gradients = std::vector<std::pair<std::string, std::vector<double>>>;

  // The numeric gradient of the input and of every parameter, in visit order (the input first).
  Named numeric_all(const CheckOptions& o) {
    Named out;
    const double f0 = f();
    out.emplace_back("input", numeric_of(x_.data(), x_.size(), o, 0, f0));
    std::size_t k = 0;
    auto v = [&](std::string_view name, Tensor<float>& value, Tensor<float>*, inx::nn::TensorRole role) {
      if (role == inx::nn::TensorRole::parameter)
        out.emplace_back(std::string(name), numeric_of(value.data(), value.size(), o, ++k, f0));
    };
    layer_.visit(v, "");
    return out;
  }

  // The analytic gradients at the coordinates `n` picked, in the same order.
  Gradients analytic_all(const Named& n) {
    auto [dx, grads] = analytic();
    Gradients out;
    for (const auto& [name, num] : n) {
      const Tensor<float>& g = name == "input" ? dx : grads.at(name);
      std::vector<double> a;
      for (std::size_t i : num.index) a.push_back(g.data()[i]);
      out.emplace_back(name, std::move(a));
    }
    return out;
  }

  std::vector<std::string> compare_all(const Gradients& a, const Named& n, const CheckOptions& o,
                                       std::vector<TensorCheck>* report = nullptr) {
    // Rounding level: float32 outputs carry a relative error of a few 1e-7 each, which the smaller step divides.
    const double floor = 1e-6 * abs_sum() / (0.5 * double(o.eps));
    std::vector<std::string> failures;
    for (std::size_t t = 0; t < a.size(); ++t) {
      TensorCheck c;
      auto fail = compare(a[t].first, a[t].second, n[t].second, floor, o, &c);
      if (!fail.empty()) failures.push_back(fail);
      if (report) report->push_back(c);
    }
    return failures;
  }

  static void mutate(std::vector<double>& a, const Numeric& n, const CheckOptions& o, Mutation m) {
    double scale = 0;
    for (double v : a) scale = std::max(scale, std::fabs(v));
    if (m == Mutation::scale_all) {
      for (double& v : a) v *= 1.01;
      return;
    }
    // The largest element among those the check does not skip (a skipped one would hide the mutation).
    std::size_t best = a.size();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (unsure(n, i, scale, o)) continue;
      if (best == a.size() || std::fabs(a[i]) > std::fabs(a[best])) best = i;
    }
    if (best < a.size()) a[best] += 0.01 * scale;
  }

  // Finite differences along the picked elements of one tensor (of the input or of a parameter), restoring each.
  // A coordinate that is unsure at the step eps (relative to the tensor's numeric gradient size) is tried again at
  // eps / 4 and eps / 16: a smaller step crosses fewer kinks, at the price of more rounding.
  Numeric numeric_of(float* data, std::size_t size, const CheckOptions& o, std::size_t k, double f0) {
    Numeric n;
    n.index = pick(size, o.max_per_tensor, k);
    for (std::size_t i : n.index) {
      const auto [v, e, q] = differences(data + i, o.eps, f0);
      n.value.push_back(v), n.error.push_back(e), n.kink.push_back(q);
    }
    double scale = 0;
    for (double v : n.value) scale = std::max(scale, std::fabs(v));
    for (std::size_t j = 0; j < n.index.size(); ++j)
      for (float step = o.eps / 4; unsure(n, j, scale, o) && step >= o.eps / 16; step /= 4) {
        const auto [v, e, q] = differences(data + n.index[j], step, f0);
        n.value[j] = v, n.error[j] = e, n.kink[j] = q;
      }
    return n;
  }

  // Central differences at steps h, h/2 and h/4 along *p: the Richardson value of the last two, the larger of the
  // two disagreements between neighbouring steps (a kink within h, or rounding), and the largest disagreement of the
  // one-sided differences at any of the three steps (a kink at or near the point itself).
  std::array<double, 3> differences(float* p, float h, double f0) {
    const float keep = *p;
    auto central = [&](float step, double* fwd, double* bwd) {
      *p = keep + step;
      const double hu = double(*p) - double(keep);  // the steps actually taken, in float
      const double up = f();
      *p = keep - step;
      const double hd = double(keep) - double(*p);
      const double down = f();
      *p = keep;
      *fwd = (up - f0) / hu, *bwd = (f0 - down) / hd;
      return (up - down) / (hu + hd);
    };
    double f1, b1, f2, b2, f3, b3;
    const double d1 = central(h, &f1, &b1), d2 = central(0.5f * h, &f2, &b2), d3 = central(0.25f * h, &f3, &b3);
    const double kink = std::max({std::fabs(f1 - b1), std::fabs(f2 - b2), std::fabs(f3 - b3)});
    return {d3 + (d3 - d2) / 3.0, std::max(std::fabs(d1 - d2), std::fabs(d2 - d3)), kink};
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
