// t-SNE embedding with scikit-learn 1.2's parameters and schedule: squared Euclidean input distances, per-row
// binary search for the perplexity (clamped below n), symmetrised P; PCA initialisation scaled so the first column
// has std 1e-4; learning rate "auto" = max(n / early_exaggeration / 4, 50); 250 iterations of early exaggeration
// (12) with momentum 0.5, then momentum 0.8; gains (+0.2 / x0.8, >= 0.01); stops on min_grad_norm or after
// n_iter_without_progress checks without progress (every 50 iterations). Exact gradients for small n (P over all
// pairs), Barnes-Hut (P over the 3·perplexity nearest neighbours, quadtree with angle theta) for large n in 2-D.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/pca.hpp"
#include "inx/cluster/tsne_gradient.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

enum class TSNEMethod { automatic, exact, barnes_hut };

struct TSNEResult {
  Tensor<float> embedding;  // n x n_components
  double kl_divergence = 0;  // at the last iteration, as scikit-learn's kl_divergence_
  int n_iter = 0;            // iterations run
};

struct TSNE {
  std::size_t n_components = 2;
  double perplexity = 30;
  double early_exaggeration = 12;
  double learning_rate = 0;  // <= 0: "auto"
  int n_iter = 1000;
  int n_iter_without_progress = 300;
  double min_grad_norm = 1e-7;
  double angle = 0.5;
  TSNEMethod method = TSNEMethod::automatic;
  std::size_t exact_max_n = 1024;  // automatic: exact up to this many rows
  bool pca_init = true;
  std::uint64_t seed = 0;

  TSNEResult fit(TensorView<const float> x) const;
};

namespace detail {
// Conditional probabilities p(j|i) of one row from its squared distances (scikit-learn's binary search on beta).
inline void perplexity_row(const double* d2, std::size_t m, double perplexity, double* p) {
  const double target = std::log(perplexity);
  double beta = 1, lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 100; ++step) {
    double sum = 0;
    for (std::size_t j = 0; j < m; ++j) sum += p[j] = std::exp(-d2[j] * beta);
    if (sum == 0) sum = 1e-8;
    double sdp = 0;
    for (std::size_t j = 0; j < m; ++j) {
      p[j] /= sum;
      sdp += d2[j] * p[j];
    }
    const double diff = std::log(sum) + beta * sdp - target;
    if (std::abs(diff) <= 1e-5) break;
    if (diff > 0) {
      lo = beta;
      beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = std::isinf(lo) ? beta / 2 : (beta + lo) / 2;
    }
  }
}
}  // namespace detail

inline TSNEResult TSNE::fit(TensorView<const float> x) const {
  check_matrix(x, "tsne");
  require<value_error>(n_components >= 1 && n_components <= 2, "tsne: expected 1 or 2 components, got ", n_components);
  require<value_error>(perplexity > 0 && early_exaggeration >= 1 && n_iter >= 250 && angle >= 0 && angle <= 1,
                       "tsne: expected perplexity > 0, early_exaggeration >= 1, n_iter >= 250 and 0 <= angle <= 1, ",
                       "got ", perplexity, ", ", early_exaggeration, ", ", n_iter, ", ", angle);
  const std::size_t n = x.dim(0), c = n_components;
  TSNEResult res;
  res.embedding = Tensor<float>(Shape{n, c});
  if (n < 2) return res;
  const double perp = std::min(perplexity, static_cast<double>(n - 1));
  const bool bh = method == TSNEMethod::barnes_hut || (method == TSNEMethod::automatic && n > exact_max_n);
  const bool use_bh = bh && c == 2;  // the quadtree is 2-D; other dimensions use exact gradients

  // Affinities P.
  detail::TsneAffinities P;
  P.n = n;
  const auto y0 = Euclidean::prepare(x);
  if (!use_bh) {
    P.dense.assign(n * n, 0.0f);
    std::vector<double> cond(n * n, 0.0);
    for_each_distance_row<Euclidean>(y0.view(), [&](std::size_t i, const double* r) {
      std::vector<double> d2(n - 1), p(n - 1);
      for (std::size_t j = 0, t = 0; j < n; ++j)
        if (j != i) d2[t++] = static_cast<float>(r[j] * r[j]);  // scikit-learn rounds distances to float32
      detail::perplexity_row(d2.data(), n - 1, perp, p.data());
      for (std::size_t j = 0, t = 0; j < n; ++j)
        if (j != i) cond[i * n + j] = p[t++];
    });
    double total = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) total += cond[i * n + j] + cond[j * n + i];
    total = std::max(total, std::numeric_limits<double>::epsilon());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (i != j)
          P.dense[i * n + j] = static_cast<float>(
              std::max((cond[i * n + j] + cond[j * n + i]) / total, std::numeric_limits<double>::epsilon()));
  } else {
    const std::size_t k = std::min<std::size_t>(n - 1, static_cast<std::size_t>(3 * perp + 1));
    std::vector<std::size_t> nbr(n * k);
    std::vector<double> cond(n * k);
    for_each_distance_row<Euclidean>(y0.view(), [&](std::size_t i, const double* r) {
      std::vector<std::size_t> idx;
      idx.reserve(n - 1);
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) idx.push_back(j);
      std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                        [&](std::size_t a, std::size_t b) { return r[a] < r[b] || (r[a] == r[b] && a < b); });
      std::vector<double> d2(k);
      for (std::size_t q = 0; q < k; ++q) {
        nbr[i * k + q] = idx[q];
        d2[q] = r[idx[q]] * r[idx[q]];
      }
      detail::perplexity_row(d2.data(), k, perp, &cond[i * k]);
    });
    P.build_sparse(nbr, cond, k);
  }

  // Initial embedding.
  std::vector<double> y(n * c);
  bool init_done = false;
  if (pca_init && x.dim(1) >= c) {
    const auto pr = pca(x, c);
    double m = 0, v = 0;
    for (std::size_t i = 0; i < n; ++i) m += pr.transformed.data()[i * c];
    m /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) v += std::pow(pr.transformed.data()[i * c] - m, 2);
    const double sd = std::sqrt(v / static_cast<double>(n));
    if (sd > 0) {
      for (std::size_t t = 0; t < n * c; ++t) y[t] = pr.transformed.data()[t] / sd * 1e-4;
      init_done = true;
    }
  }
  if (!init_done) {  // random init, or PCA of data without spread
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0.0, 1e-4);
    for (auto& v : y) v = g(rng);
  }

  // Gradient descent, scikit-learn's _gradient_descent twice (exaggerated, then plain).
  const double lr = learning_rate > 0 ? learning_rate : std::max(n / early_exaggeration / 4.0, 50.0);
  detail::TsneGradient grad_fn(P, c, use_bh, angle);
  std::vector<double> grad(n * c), update(n * c), gains(n * c);
  double error = 0;
  int it = 0;
  auto descend = [&](int first, int last, double momentum, double exaggeration, int without_progress) {
    std::fill(update.begin(), update.end(), 0.0);
    std::fill(gains.begin(), gains.end(), 1.0);
    double best_error = std::numeric_limits<double>::max();
    int best_iter = first, i = first;
    for (; i < last; ++i) {
      const bool check = (i + 1) % 50 == 0;
      const bool compute_error = check || i == last - 1;
      const double e = grad_fn(y, exaggeration, compute_error, grad);
      if (compute_error) error = e;
      double gnorm = 0;
      for (std::size_t t = 0; t < n * c; ++t) {
        const bool inc = update[t] * grad[t] < 0;
        gains[t] = std::max(inc ? gains[t] + 0.2 : gains[t] * 0.8, 0.01);
        grad[t] *= gains[t];
        gnorm += grad[t] * grad[t];
        update[t] = momentum * update[t] - lr * grad[t];
        y[t] += update[t];
      }
      if (check) {
        if (error < best_error) {
          best_error = error;
          best_iter = i;
        } else if (i - best_iter > without_progress) {
          break;
        }
        if (std::sqrt(gnorm) <= min_grad_norm) break;
      }
    }
    return std::min(i, last - 1);
  };
  constexpr int exploration = 250;
  it = descend(0, exploration, 0.5, early_exaggeration, exploration);
  if (it < exploration - 1 || n_iter > exploration) it = descend(it + 1, n_iter, 0.8, 1.0, n_iter_without_progress);
  res.kl_divergence = error;
  res.n_iter = it + 1;
  for (std::size_t t = 0; t < n * c; ++t) res.embedding.data()[t] = static_cast<float>(y[t]);
  return res;
}

}  // namespace cluster
INX_END_NAMESPACE
