// Distance policies between rows (euclidean, cosine, correlation) and a blockwise driver that computes distances
// from one GEMM per block of rows, so memory stays O(block x n). Each policy maps rows to a prepared form where the
// distance depends only on the dot product and the squared norms of two prepared rows.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/tensor/gemm.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

template <class D>
concept DistancePolicy = requires(TensorView<const float> x, double dot, double ni, double nj) {
  { D::name } -> std::convertible_to<std::string_view>;
  { D::prepare(x) } -> std::same_as<Tensor<float>>;
  { D::from_dot(dot, ni, nj) } -> std::same_as<double>;
  // Whether a float dot product loses precision for close rows, so those pairs are recomputed in double.
  { D::refine_close_pairs } -> std::convertible_to<bool>;
};

namespace detail {
// Rows minus the column means (computed in double): distances are unchanged and the dot products that give them
// suffer far less cancellation.
inline Tensor<float> centre_columns(TensorView<const float> x) {
  const std::size_t n = x.dim(0), d = x.dim(1);
  std::vector<double> mean(d, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) mean[j] += x.data()[i * d + j];
  for (auto& m : mean) m /= static_cast<double>(n);
  auto out = Tensor<float>::uninitialized({n, d});
#pragma omp parallel for schedule(static) if (n * d >= kParallelElems)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i)
    for (std::size_t j = 0; j < d; ++j)
      out.data()[i * d + j] = static_cast<float>(x.data()[i * d + j] - mean[j]);
  return out;
}

// Each row centred to mean 0 (if `centre`) and scaled to unit L2 norm; rows of zero norm stay zero.
inline Tensor<float> unit_rows(TensorView<const float> x, bool centre) {
  const std::size_t n = x.dim(0), d = x.dim(1);
  auto out = Tensor<float>::uninitialized({n, d});
#pragma omp parallel for schedule(static) if (n * d >= kParallelElems)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    const float* r = x.data() + i * d;
    float* o = out.data() + i * d;
    double mean = 0;
    if (centre) {
      for (std::size_t j = 0; j < d; ++j) mean += r[j];
      mean /= static_cast<double>(d);
    }
    double ss = 0;
    for (std::size_t j = 0; j < d; ++j) ss += (r[j] - mean) * (r[j] - mean);
    // A row whose spread is at rounding level of its values is constant: it correlates with nothing.
    double scale = 0;
    if (ss > 0) {
      double mx = 0;
      for (std::size_t j = 0; j < d; ++j) mx = std::max(mx, std::abs(double(r[j])));
      if (!centre || std::sqrt(ss / d) > 1e-6 * mx) scale = 1.0 / std::sqrt(ss);
    }
    for (std::size_t j = 0; j < d; ++j) o[j] = static_cast<float>((r[j] - mean) * scale);
  }
  return out;
}

inline std::vector<double> row_sqnorms(TensorView<const float> x) {
  const std::size_t n = x.dim(0), d = x.dim(1);
  std::vector<double> out(n);
#pragma omp parallel for schedule(static) if (n * d >= kParallelElems)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    double s = 0;
    const float* r = x.data() + i * d;
#pragma omp simd reduction(+ : s)
    for (std::size_t j = 0; j < d; ++j) s += double(r[j]) * r[j];
    out[i] = s;
  }
  return out;
}

inline double exact_sqdist(const float* a, const float* b, std::size_t d) {
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (std::size_t j = 0; j < d; ++j) {
    const double t = double(a[j]) - double(b[j]);
    s += t * t;
  }
  return s;
}
}  // namespace detail

// ||a - b||, from centred rows. Pairs whose squared distance is small against their norms are recomputed exactly.
struct Euclidean {
  static constexpr std::string_view name = "euclidean";
  static constexpr bool refine_close_pairs = true;
  static Tensor<float> prepare(TensorView<const float> x) { return detail::centre_columns(x); }
  static double from_dot(double dot, double ni, double nj) { return std::sqrt(std::max(ni + nj - 2 * dot, 0.0)); }
};

// 1 - cos(a, b), as scikit-learn's cosine_distances: a zero row is at distance 1 from every other row.
struct Cosine {
  static constexpr std::string_view name = "cosine";
  static constexpr bool refine_close_pairs = false;
  static Tensor<float> prepare(TensorView<const float> x) { return detail::unit_rows(x, false); }
  static double from_dot(double dot, double, double) { return std::clamp(1.0 - dot, 0.0, 2.0); }
};

// 1 - Pearson correlation. A constant row has correlation 0 (distance 1) with every other row.
struct Correlation {
  static constexpr std::string_view name = "correlation";
  static constexpr bool refine_close_pairs = false;
  static Tensor<float> prepare(TensorView<const float> x) { return detail::unit_rows(x, true); }
  static double from_dot(double dot, double, double) { return std::clamp(1.0 - dot, 0.0, 2.0); }
};

static_assert(DistancePolicy<Euclidean> && DistancePolicy<Cosine> && DistancePolicy<Correlation>);

namespace detail {
// Distances from prepared row i to all n rows, given the GEMM row of dot products.
template <DistancePolicy D>
void distance_row(TensorView<const float> y, const std::vector<double>& norms, std::size_t i, const float* dots,
                  double* out) {
  const std::size_t n = y.dim(0), d = y.dim(1);
  for (std::size_t j = 0; j < n; ++j) {
    if (j == i) {
      out[j] = 0;
      continue;
    }
    const double dot = dots[j];
    if constexpr (D::refine_close_pairs) {
      const double d2 = norms[i] + norms[j] - 2 * dot;
      out[j] = d2 < 1e-2 * (norms[i] + norms[j]) ? std::sqrt(exact_sqdist(y.data() + i * d, y.data() + j * d, d))
                                                 : std::sqrt(std::max(d2, 0.0));
    } else {
      out[j] = D::from_dot(dot, norms[i], norms[j]);
    }
  }
}

// Rows per GEMM block: the whole matrix while the block of dot products stays under 16 MB.
inline std::size_t block_rows(std::size_t n, std::size_t block) {
  if (block == 0) block = std::max<std::size_t>(1, (std::size_t(1) << 22) / std::max<std::size_t>(n, 1));
  return std::max<std::size_t>(1, std::min(block, n));
}
}  // namespace detail

// Calls fn(i, dist_row) for every prepared row i of y (from D::prepare), concurrently from OpenMP threads; dist_row
// holds the n distances from row i in double, dist_row[i] = 0. One GEMM and one parallel region per block of rows
// (block = 0: as many rows as fit 16 MB of dot products). Memory: O(block x n).
template <DistancePolicy D, class Fn>
void for_each_distance_row(TensorView<const float> y, Fn&& fn, std::size_t block = 0) {
  const std::size_t n = y.dim(0), d = y.dim(1);
  block = detail::block_rows(n, block);
  const auto norms = detail::row_sqnorms(y);
  auto dots = Tensor<float>::uninitialized({block, n});
  for (std::size_t i0 = 0; i0 < n; i0 += block) {
    const std::size_t m = std::min(n, i0 + block) - i0;
    ops::gemm<cpu>(false, true, m, n, d, 1.0f, y.data() + i0 * d, d, y.data(), d, 0.0f, dots.data(), n);
#pragma omp parallel if (m * n >= (std::size_t(1) << 16))
    {
      std::vector<double> row(n);
#pragma omp for schedule(static)
      for (std::int64_t r = 0; r < static_cast<std::int64_t>(m); ++r) {
        detail::distance_row<D>(y, norms, i0 + r, dots.data() + r * n, row.data());
        fn(i0 + static_cast<std::size_t>(r), static_cast<const double*>(row.data()));
      }
    }
  }
}

// Calls fn(i0, i1, dist) on one thread for consecutive row blocks [i0, i1) of prepared rows y; dist is a row-major
// (i1 - i0) x n block of distances in double, dist(i, i) = 0. For callers that merge results serially.
template <DistancePolicy D, class Fn>
void for_each_distance_block(TensorView<const float> y, std::size_t block, Fn&& fn) {
  const std::size_t n = y.dim(0), d = y.dim(1);
  block = detail::block_rows(n, block);
  const auto norms = detail::row_sqnorms(y);
  auto dots = Tensor<float>::uninitialized({block, n});
  std::vector<double> dist(block * n);
  for (std::size_t i0 = 0; i0 < n; i0 += block) {
    const std::size_t i1 = std::min(n, i0 + block), m = i1 - i0;
    ops::gemm<cpu>(false, true, m, n, d, 1.0f, y.data() + i0 * d, d, y.data(), d, 0.0f, dots.data(), n);
#pragma omp parallel for schedule(static) if (m * n >= (std::size_t(1) << 16))
    for (std::int64_t r = 0; r < static_cast<std::int64_t>(m); ++r)
      detail::distance_row<D>(y, norms, i0 + r, dots.data() + r * n, dist.data() + r * n);
    fn(i0, i1, static_cast<const double*>(dist.data()));
  }
}

// The metrics a program can name at run time.
enum class Metric { euclidean, cosine, correlation };

inline Metric metric_from_name(std::string_view s) {
  if (s == "euclidean") return Metric::euclidean;
  if (s == "cosine") return Metric::cosine;
  if (s == "correlation") return Metric::correlation;
  throw value_error(inx::detail::msg("metric: expected euclidean, cosine or correlation, got '", s, "'"));
}

// Calls fn(D{}) with the distance policy type named by m.
template <class Fn>
decltype(auto) with_metric(Metric m, Fn&& fn) {
  switch (m) {
    case Metric::cosine: return fn(Cosine{});
    case Metric::correlation: return fn(Correlation{});
    default: return fn(Euclidean{});
  }
}

}  // namespace cluster
INX_END_NAMESPACE
