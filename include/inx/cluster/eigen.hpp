// Symmetric eigen-decomposition in double precision (Householder tridiagonalisation, then implicit QL with Wilkinson
// shifts), so PCA needs no LAPACK; symmetric_eigen_top gets only the k largest pairs (PCA's case) at a fraction of the
// cost. The working matrix is kept transposed so every inner loop runs over contiguous memory; eigenvectors come out
// as rows. Single-threaded on purpose: its loops are too short for OpenMP regions, which cost more than they save
// when cores are shared.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

struct SymmetricEigen {
  std::vector<double> values;   // ascending
  std::vector<double> vectors;  // row-major n x n; row i is the unit eigenvector of values[i]
};

namespace detail {
// Householder reduction of w (n >= 1) to tridiagonal form: on return d is the diagonal, e[i] couples i and i + 1
// (e[n - 1] = 0). With reflectors null, w holds the orthogonal transform transposed (row j is column j of Q,
// A = Q T Qᵀ); otherwise Q is not formed (that costs as much as the reduction): row i of w keeps reflector i's
// vector in its first i entries and (*reflectors)[i] its h, for apply_reflectors.
INX_SIMD_CLONES inline void tridiagonalise(std::vector<double>& w, std::size_t n, std::vector<double>& d, std::vector<double>& e,
                           std::vector<double>* reflectors = nullptr) {
  d.assign(n, 0.0);
  e.assign(n, 0.0);
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
  if (reflectors) {
    reflectors->assign(d.begin(), d.end());
    for (std::size_t j = 0; j < n; ++j) d[j] = W(j, j);
    e[0] = 0;
    for (std::size_t i = 1; i < n; ++i) e[i - 1] = e[i];
    e[n - 1] = 0;
    return;
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
  for (std::size_t i = 1; i < n; ++i) e[i - 1] = e[i];
  e[n - 1] = 0;
}

// Implicit QL with Wilkinson shifts on the tridiagonal (d, e), leaving the eigenvalues in d (unsorted). With w
// non-null the rotations are applied to its rows (n x n), turning Q into the eigenvectors.
inline void tridiagonal_ql(std::vector<double>& d, std::vector<double>& e, std::size_t n, double* w) {
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
          if (!w) continue;
          double* wa = w + (i + 1) * n;
          double* wb = w + i * n;
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
}
}  // namespace detail

// Eigenvalues and eigenvectors of the symmetric n x n row-major matrix a (only symmetric input is meaningful).
inline SymmetricEigen symmetric_eigen(std::vector<double> a, std::size_t n) {
  require<shape_error>(a.size() == n * n, "symmetric_eigen: expected ", n * n, " values, got ", a.size());
  SymmetricEigen out;
  if (n == 0) return out;
  std::vector<double>& w = a;
  std::vector<double> d, e;
  detail::tridiagonalise(w, n, d, e);
  detail::tridiagonal_ql(d, e, n, w.data());
  auto W = [&](std::size_t r, std::size_t c) -> double& { return w[r * n + c]; };

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

// The k largest eigenvalues (descending) and their unit eigenvectors (rows, k x n) of the symmetric n x n matrix a.
// Costs the reduction plus O(k n²): eigenvalues by QL without vectors, eigenvectors of the tridiagonal matrix by
// inverse iteration (LAPACK dstein's scheme: close eigenvalues nudged apart and their vectors re-orthogonalised),
// then mapped back through Q. As accurate as symmetric_eigen wherever the eigenvalue gaps make vectors defined.
inline SymmetricEigen symmetric_eigen_top(std::vector<double> a, std::size_t n, std::size_t k) {
  require<shape_error>(a.size() == n * n, "symmetric_eigen_top: expected ", n * n, " values, got ", a.size());
  require<value_error>(k <= n, "symmetric_eigen_top: expected k <= n = ", n, ", got ", k);
  SymmetricEigen out;
  if (n == 0 || k == 0) return out;
  std::vector<double> d, e;
  std::vector<double> h;
  detail::tridiagonalise(a, n, d, e, &h);
  const std::vector<double> td = d, te = e;  // T, kept: QL overwrites d and e
  detail::tridiagonal_ql(d, e, n, nullptr);
  std::sort(d.begin(), d.end(), std::greater<>());
  double tnorm = 0;  // 1-norm of T
  for (std::size_t i = 0; i < n; ++i)
    tnorm = std::max(tnorm, std::abs(td[i]) + std::abs(te[i]) + (i > 0 ? std::abs(te[i - 1]) : 0.0));
  const double eps = std::ldexp(1.0, -52);
  const double ortol = 1e-3 * tnorm, pivmin = std::max(eps * tnorm, std::numeric_limits<double>::min());

  out.values.assign(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k));
  std::vector<double> z(k * n);  // eigenvectors of T, rows
  std::vector<double> u0(n), u1(n), u2(n), mult(n), rhs(n);
  std::vector<char> swapped(n);
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::size_t cluster_start = 0;
  double prev = 0;
  for (std::size_t c = 0; c < k; ++c) {
    double lambda = out.values[c];
    if (c > 0) {
      if (prev - lambda > ortol) cluster_start = c;
      const double pertol = 10 * std::abs(eps * lambda);  // equal eigenvalues: distinct shifts
      if (prev - lambda < pertol) lambda = prev - pertol;
    }
    prev = lambda;
    // LU with partial pivoting of T - lambda I: row i of U is (u0, u1, u2) at columns i, i + 1, i + 2.
    double r0 = td[0] - lambda, r1 = n > 1 ? te[0] : 0.0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const double sub = te[i], a1 = td[i + 1] - lambda, b1 = i + 2 < n ? te[i + 1] : 0.0;
      if (std::abs(r0) >= std::abs(sub)) {
        if (std::abs(r0) < pivmin) r0 = r0 < 0 ? -pivmin : pivmin;
        const double l = sub / r0;
        u0[i] = r0, u1[i] = r1, u2[i] = 0, mult[i] = l, swapped[i] = 0;
        r0 = a1 - l * r1, r1 = b1;
      } else {
        const double l = r0 / sub;
        u0[i] = sub, u1[i] = a1, u2[i] = b1, mult[i] = l, swapped[i] = 1;
        r0 = r1 - l * a1, r1 = -l * b1;
      }
    }
    if (std::abs(r0) < pivmin) r0 = r0 < 0 ? -pivmin : pivmin;
    u0[n - 1] = r0;
    double* x = &z[c * n];
    for (std::size_t i = 0; i < n; ++i) {  // a fixed pseudo-random start, so results are deterministic
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      x[i] = static_cast<double>(state >> 11) * std::ldexp(1.0, -53) - 0.5;
    }
    for (int iter = 0; iter < 4; ++iter) {
      std::copy_n(x, n, rhs.begin());
      for (std::size_t i = 0; i + 1 < n; ++i) {
        if (swapped[i]) std::swap(rhs[i], rhs[i + 1]);
        rhs[i + 1] -= mult[i] * rhs[i];
      }
      for (std::size_t i = n; i-- > 0;) {
        double v = rhs[i];
        if (i + 1 < n) v -= u1[i] * x[i + 1];
        if (i + 2 < n) v -= u2[i] * x[i + 2];
        x[i] = v / u0[i];
      }
      for (std::size_t q = cluster_start; q < c; ++q) {  // modified Gram-Schmidt within the cluster
        const double* y = &z[q * n];
        double dot = 0;
        for (std::size_t i = 0; i < n; ++i) dot += x[i] * y[i];
        for (std::size_t i = 0; i < n; ++i) x[i] -= dot * y[i];
      }
      double nrm = 0;
      for (std::size_t i = 0; i < n; ++i) nrm += x[i] * x[i];
      nrm = std::sqrt(nrm);
      if (!(nrm > 0) || !std::isfinite(nrm)) {  // start vector lost: restart from a unit vector
        std::fill_n(x, n, 0.0);
        x[c % n] = 1;
        continue;
      }
      for (std::size_t i = 0; i < n; ++i) x[i] /= nrm;
    }
  }
  // Back to A's basis: v = Q z = P_{n-1} ... P_1 z, P_i = I - u uᵀ / h_i with u the first i entries of row i of a.
  for (std::size_t i = 1; i < n; ++i) {
    if (h[i] == 0) continue;
    const double* u = &a[i * n];
    for (std::size_t c = 0; c < k; ++c) {
      double* v = &z[c * n];
      double s = 0;
#pragma omp simd reduction(+ : s)
      for (std::size_t t = 0; t < i; ++t) s += u[t] * v[t];
      s /= h[i];
#pragma omp simd
      for (std::size_t t = 0; t < i; ++t) v[t] -= s * u[t];
    }
  }
  out.vectors = std::move(z);
  return out;
}

}  // namespace cluster
INX_END_NAMESPACE
