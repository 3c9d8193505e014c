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
#include <type_traits>
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
  // Whether a float dot product loses precision for close rows, so those pairs are recomputed in double (from the
  // exact squared distance, by D::from_sqdist).
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
  static double from_sqdist(double s) { return std::sqrt(s); }
};

// ||a - b||², for Ward's updates, which work on squared distances (no square root to take and undo).
struct SquaredEuclidean {
  static constexpr std::string_view name = "sqeuclidean";
  static constexpr bool refine_close_pairs = true;
  static Tensor<float> prepare(TensorView<const float> x) { return detail::centre_columns(x); }
  static double from_dot(double dot, double ni, double nj) { return std::max(ni + nj - 2 * dot, 0.0); }
  static double from_sqdist(double s) { return s; }
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

static_assert(DistancePolicy<Euclidean> && DistancePolicy<SquaredEuclidean> && DistancePolicy<Cosine> &&
              DistancePolicy<Correlation>);

namespace detail {
// Distances from prepared row i to rows j0..j1-1 (out[j - j0]), given their dot products with row i (dots[j - j0]).
// One branch-free pass from the dot products, then the close pairs of a refining policy recomputed exactly.
template <DistancePolicy D>
void distance_span(TensorView<const float> y, const std::vector<double>& norms, std::size_t i, std::size_t j0,
                   std::size_t j1, const float* dots, double* out) {
  const std::size_t d = y.dim(1);
  const double ni = norms[i];
  const double* nj = norms.data() + j0;
  const std::size_t m = j1 - j0;
#pragma omp simd
  for (std::size_t t = 0; t < m; ++t) out[t] = D::from_dot(double(dots[t]), ni, nj[t]);
  if constexpr (D::refine_close_pairs) {
    for (std::size_t t = 0; t < m; ++t) {
      const double s = ni + nj[t];
      if (s - 2 * double(dots[t]) < 1e-2 * s)
        out[t] = D::from_sqdist(exact_sqdist(y.data() + i * d, y.data() + (j0 + t) * d, d));
    }
  }
  if (i >= j0 && i < j1) out[i - j0] = 0;
}

// Distances from prepared row i to all n rows, given the GEMM row of dot products.
template <DistancePolicy D>
void distance_row(TensorView<const float> y, const std::vector<double>& norms, std::size_t i, const float* dots,
                  double* out) {
  distance_span<D>(y, norms, i, 0, y.dim(0), dots, out);
}

// Sets a[i][j] and a[j][i] to fn(a[i][j], a[j][i]) for every i > j of the n x n matrix a (row stride ld). Pairs of
// 16 x 16 tiles go through a small transposed copy, so every pass over memory runs along rows and vectorises, where
// a plain loop over a[j][i] misses the cache once per entry at n >= ~1000. One row of tiles per OpenMP task.
template <class T, class Fn>
void symmetrize(T* a, std::size_t n, std::size_t ld, Fn fn) {
  constexpr std::size_t B = 16;
  const std::size_t tiles = (n + B - 1) / B;
#pragma omp parallel for schedule(dynamic, 1) if (n >= 1024)
  for (std::int64_t bi = 0; bi < static_cast<std::int64_t>(tiles); ++bi) {
    const std::size_t i0 = static_cast<std::size_t>(bi) * B, h = std::min(n, i0 + B) - i0;
    T up[B][B];  // up[r][c] = a[j0 + c][i0 + r]: the mirror tile, transposed
    for (std::size_t j0 = 0; j0 <= i0; j0 += B) {
      const std::size_t w = std::min(n, j0 + B) - j0;
      for (std::size_t c = 0; c < w; ++c)
        for (std::size_t r = 0; r < h; ++r) up[r][c] = a[(j0 + c) * ld + i0 + r];
      for (std::size_t r = 0; r < h; ++r) {
        T* row = a + (i0 + r) * ld + j0;
        const std::size_t end = j0 == i0 ? r : w;  // the diagonal tile: strictly below the diagonal only
#pragma omp simd
        for (std::size_t c = 0; c < end; ++c) row[c] = up[r][c] = fn(row[c], up[r][c]);
      }
      for (std::size_t c = 0; c < w; ++c) {
        T* row = a + (j0 + c) * ld + i0;
        for (std::size_t r = 0; r < h; ++r)
          if (j0 != i0 || c < r) row[r] = up[r][c];
      }
    }
  }
}

// Copies the strict upper triangle of the n x n matrix a (row stride ld) onto its lower triangle.
template <class T>
void mirror_upper(T* a, std::size_t n, std::size_t ld) {
  symmetrize(a, n, ld, [](T, T upper) { return upper; });
}

// A row stride for an n x n matrix of doubles that is a whole, odd number of 64-byte lines. With a stride of a power
// of two bytes (n = 1024, 2048, ...), the entries of one column all fall into the same few cache sets, and writing a
// column costs a miss per entry even when the matrix fits in cache (8 ns against 0.6 ns per entry at n = 1024).
inline std::size_t padded_stride(std::size_t n) {
  const std::size_t lines = (n + 7) / 8;
  return 8 * (lines % 2 == 0 ? lines + 1 : lines);
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

// All distances between the prepared rows y (from D::prepare) into out, an n x n matrix with row stride ld >= n that
// is symmetric bit for bit, with a zero diagonal. One GEMM per block of rows covers only the columns from the
// block's first row on, each row keeps the distances to the rows after it, and the upper triangle is mirrored: half
// the GEMM and half the square roots of the full matrix. Entry (i, j), i < j, is the value distance_row gives for
// row i. Extra memory: one block of dot products (under 4 MB).
template <DistancePolicy D>
void pairwise_matrix(TensorView<const float> y, double* out, std::size_t ld) {
  const std::size_t n = y.dim(0), d = y.dim(1);
  if (n == 0) return;
  const std::size_t block = detail::block_rows(n, std::max<std::size_t>(16, (std::size_t(1) << 20) / n));
  const auto norms = detail::row_sqnorms(y);
  auto dots = Tensor<float>::uninitialized({block, n});
  for (std::size_t i0 = 0; i0 < n; i0 += block) {
    const std::size_t m = std::min(n, i0 + block) - i0, w = n - i0;
    ops::gemm<cpu>(false, true, m, w, d, 1.0f, y.data() + i0 * d, d, y.data() + i0 * d, d, 0.0f, dots.data(), w);
#pragma omp parallel for schedule(dynamic, 8) if (m * w >= (std::size_t(1) << 16))
    for (std::int64_t r = 0; r < static_cast<std::int64_t>(m); ++r) {
      const std::size_t i = i0 + static_cast<std::size_t>(r);
      out[i * ld + i] = 0;
      detail::distance_span<D>(y, norms, i, i + 1, n, dots.data() + static_cast<std::size_t>(r) * w + (i + 1 - i0),
                               out + i * ld + i + 1);
    }
  }
  detail::mirror_upper(out, n, ld);
}

// Calls fn(i0, i1, dist, w) on one thread for consecutive row blocks [i0, i1) of prepared rows y, with the distances
// of the upper triangle only: dist is a row-major (i1 - i0) x w block, w = n - i0, whose entry (r, c) for c > r is
// the distance between rows i0 + r and i0 + c (computed as distance_row computes it); entries with c <= r are not
// set.
// Half the GEMM and half the distances of for_each_distance_block, for callers that use each pair once. An fn that
// returns bool stops the walk by returning false (no GEMM for the blocks after it).
template <DistancePolicy D, class Fn>
void for_each_upper_distance_block(TensorView<const float> y, std::size_t block, Fn&& fn) {
  const std::size_t n = y.dim(0), d = y.dim(1);
  block = detail::block_rows(n, block);
  const auto norms = detail::row_sqnorms(y);
  auto dots = Tensor<float>::uninitialized({block, n});
  std::vector<double> dist(block * n);
  for (std::size_t i0 = 0; i0 < n; i0 += block) {
    const std::size_t i1 = std::min(n, i0 + block), m = i1 - i0, w = n - i0;
    ops::gemm<cpu>(false, true, m, w, d, 1.0f, y.data() + i0 * d, d, y.data() + i0 * d, d, 0.0f, dots.data(), w);
#pragma omp parallel for schedule(dynamic, 8) if (m * w >= (std::size_t(1) << 16))
    for (std::int64_t r = 0; r < static_cast<std::int64_t>(m); ++r) {
      const std::size_t i = i0 + static_cast<std::size_t>(r), c = static_cast<std::size_t>(r) + 1;
      detail::distance_span<D>(y, norms, i, i + 1, n, dots.data() + static_cast<std::size_t>(r) * w + c,
                               dist.data() + static_cast<std::size_t>(r) * w + c);
    }
    if constexpr (std::is_same_v<std::invoke_result_t<Fn&, std::size_t, std::size_t, const double*, std::size_t>,
                                 bool>) {
      if (!fn(i0, i1, static_cast<const double*>(dist.data()), w)) return;
    } else {
      fn(i0, i1, static_cast<const double*>(dist.data()), w);
    }
  }
}

// Pairwise distances of the rows of x under the policy D, as a full symmetric row-major n x n matrix in double
// (O(n²) memory).
template <DistancePolicy D = Euclidean>
std::vector<double> pairwise_distances(TensorView<const float> x) {
  check_matrix(x, D::name);
  const std::size_t n = x.dim(0);
  std::vector<double> out(n * n);
  pairwise_matrix<D>(D::prepare(x).view(), out.data(), n);
  return out;
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

// All pairwise distances of the rows of x under metric m, as a full symmetric row-major n x n matrix.
inline std::vector<double> pairwise_distances(TensorView<const float> x, Metric metric) {
  return with_metric(metric, [&](auto d) { return pairwise_distances<decltype(d)>(x); });
}

}  // namespace cluster
INX_END_NAMESPACE
