// Symmetric eigen-decomposition in double precision (Householder tridiagonalisation, then implicit QL with Wilkinson
// shifts), so PCA needs no LAPACK. The working matrix is kept transposed so every inner loop runs over contiguous
// memory; eigenvectors come out as rows. Single-threaded on purpose: its loops are too short for OpenMP regions,
// which cost more than they save when cores are shared.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

struct SymmetricEigen {
  std::vector<double> values;   // ascending
  std::vector<double> vectors;  // row-major n x n; row i is the unit eigenvector of values[i]
};

// Eigenvalues and eigenvectors of the symmetric n x n row-major matrix a (only symmetric input is meaningful).
inline SymmetricEigen symmetric_eigen(std::vector<double> a, std::size_t n) {
  require<shape_error>(a.size() == n * n, "symmetric_eigen: expected ", n * n, " values, got ", a.size());
  SymmetricEigen out;
  if (n == 0) return out;
  std::vector<double>& w = a;  // w[j*n+k] plays V[k][j] of the textbook algorithm
  std::vector<double> d(n), e(n);
  auto W = [&](std::size_t r, std::size_t c) -> double& { return w[r * n + c]; };

  // Householder reduction to tridiagonal form (d: diagonal, e: sub-diagonal), accumulating the transforms.
  for (std::size_t j = 0; j < n; ++j) d[j] = W(j, n - 1);
  for (std::size_t i = n - 1; i > 0; --i) {
    double scale = 0, h = 0;
    for (std::size_t k = 0; k < i; ++k) scale += std::abs(d[k]);
    if (scale == 0) {
      e[i] = d[i - 1];
      for (std::size_t j = 0; j < i; ++j) {
        d[j] = W(j, i - 1);
        W(j, i) = 0;
        W(i, j) = 0;
      }
    } else {
      for (std::size_t k = 0; k < i; ++k) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      double f = d[i - 1], g = std::sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (std::size_t j = 0; j < i; ++j) e[j] = 0;
      for (std::size_t j = 0; j < i; ++j) {
        f = d[j];
        W(i, j) = f;
        const double* wj = &W(j, 0);
        g = e[j] + wj[j] * f;
        double gs = 0;
#pragma omp simd reduction(+ : gs)
        for (std::size_t k = j + 1; k < i; ++k) {
          gs += wj[k] * d[k];
          e[k] += wj[k] * f;
        }
        e[j] = g + gs;
      }
      f = 0;
      for (std::size_t j = 0; j < i; ++j) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const double hh = f / (h + h);
      for (std::size_t j = 0; j < i; ++j) e[j] -= hh * d[j];
      for (std::int64_t jj = 0; jj < static_cast<std::int64_t>(i); ++jj) {
        const std::size_t j = static_cast<std::size_t>(jj);
        const double fj = d[j], gj = e[j];
        double* wj = &W(j, 0);
#pragma omp simd
        for (std::size_t k = j; k < i; ++k) wj[k] -= fj * e[k] + gj * d[k];
      }
      for (std::size_t j = 0; j < i; ++j) {
        d[j] = W(j, i - 1);
        W(j, i) = 0;
      }
    }
    d[i] = h;
  }
  for (std::size_t i = 0; i + 1 < n; ++i) {
    W(i, n - 1) = W(i, i);
    W(i, i) = 1;
    const double h = d[i + 1];
    if (h != 0) {
      const double* wi1 = &W(i + 1, 0);
      for (std::size_t k = 0; k <= i; ++k) d[k] = wi1[k] / h;
      for (std::int64_t jj = 0; jj <= static_cast<std::int64_t>(i); ++jj) {
        double* wj = &W(static_cast<std::size_t>(jj), 0);
        double g = 0;
#pragma omp simd reduction(+ : g)
        for (std::size_t k = 0; k <= i; ++k) g += wi1[k] * wj[k];
#pragma omp simd
        for (std::size_t k = 0; k <= i; ++k) wj[k] -= g * d[k];
      }
    }
    for (std::size_t k = 0; k <= i; ++k) W(i + 1, k) = 0;
  }
  for (std::size_t j = 0; j < n; ++j) {
    d[j] = W(j, n - 1);
    W(j, n - 1) = 0;
  }
  W(n - 1, n - 1) = 1;
  e[0] = 0;

  // Implicit QL on the tridiagonal matrix; rotations are applied to rows of w.
  for (std::size_t i = 1; i < n; ++i) e[i - 1] = e[i];
  e[n - 1] = 0;
  double f = 0, tst1 = 0;
  const double eps = std::ldexp(1.0, -52);
  for (std::size_t l = 0; l < n; ++l) {
    tst1 = std::max(tst1, std::abs(d[l]) + std::abs(e[l]));
    std::size_t m = l;
    while (m < n && std::abs(e[m]) > eps * tst1) ++m;
    if (m >= n) m = n - 1;
    if (m > l) {
      int iter = 0;
      do {
        require<value_error>(++iter <= 200, "symmetric_eigen: QL iteration did not converge (is the input finite?)");
        double g = d[l], p = (d[l + 1] - g) / (2 * e[l]), r = std::hypot(p, 1.0);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const double dl1 = d[l + 1];
        double h = g - d[l];
        for (std::size_t i = l + 2; i < n; ++i) d[i] -= h;
        f += h;
        p = d[m];
        double c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const double el1 = e[l + 1];
        for (std::size_t i = m; i-- > l;) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = std::hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          double* wa = &W(i + 1, 0);
          double* wb = &W(i, 0);
#pragma omp simd
          for (std::size_t k = 0; k < n; ++k) {
            const double t = wa[k];
            wa[k] = s * wb[k] + c * t;
            wb[k] = c * wb[k] - s * t;
          }
        }
        p = -s * s2 * c3 * el1 * e[l] / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (std::abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return d[x] < d[y]; });
  out.values.resize(n);
  out.vectors.resize(n * n);
  for (std::size_t r = 0; r < n; ++r) {
    out.values[r] = d[order[r]];
    std::copy_n(&W(order[r], 0), n, &out.vectors[r * n]);
  }
  return out;
}

}  // namespace cluster
INX_END_NAMESPACE
