// Row preprocessing before clustering: min-max per row, z-score per row, L2 normalisation. Each is a small policy
// type (concept RowPreprocessor) and a function; a constant row (zero spread) maps to a row of zeros, never NaN.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <string_view>

#include "inx/cluster/clustering.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

template <class P>
concept RowPreprocessor = requires(TensorView<const float> x) {
  { P::name } -> std::convertible_to<std::string_view>;
  { P::apply(x) } -> std::same_as<Tensor<float>>;
};

namespace detail {
// Applies f(row_in, row_out, d) to every row of a checked matrix.
template <class F>
Tensor<float> map_rows(TensorView<const float> x, std::string_view who, F f) {
  check_matrix(x, who);
  const std::size_t n = x.dim(0), d = x.dim(1);
  auto out = Tensor<float>::uninitialized({n, d});
#pragma omp parallel for schedule(static) if (n * d >= detail::kParallelElems)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) f(x.data() + i * d, out.data() + i * d, d);
  return out;
}
}  // namespace detail

// (x - min) / (max - min) per row: every row spans [0, 1]. The INV paper's preprocessing.
struct MinMaxRows {
  static constexpr std::string_view name = "minmax";
  static Tensor<float> apply(TensorView<const float> x) {
    return detail::map_rows(x, "minmax_rows", [](const float* r, float* o, std::size_t d) {
      const auto [lo, hi] = std::minmax_element(r, r + d);
      const double a = *lo, range = double(*hi) - a;
      for (std::size_t j = 0; j < d; ++j) o[j] = range > 0 ? static_cast<float>((r[j] - a) / range) : 0.0f;
    });
  }
};

// (x - mean) / std per row, population std as NumPy's default.
struct ZScoreRows {
  static constexpr std::string_view name = "zscore";
  static Tensor<float> apply(TensorView<const float> x) {
    return detail::map_rows(x, "zscore_rows", [](const float* r, float* o, std::size_t d) {
      double m = 0, v = 0;
      for (std::size_t j = 0; j < d; ++j) m += r[j];
      m /= static_cast<double>(d);
      for (std::size_t j = 0; j < d; ++j) v += (r[j] - m) * (r[j] - m);
      const double s = std::sqrt(v / static_cast<double>(d));
      for (std::size_t j = 0; j < d; ++j) o[j] = s > 0 ? static_cast<float>((r[j] - m) / s) : 0.0f;
    });
  }
};

// x / ||x|| per row.
struct L2Rows {
  static constexpr std::string_view name = "l2";
  static Tensor<float> apply(TensorView<const float> x) {
    return detail::map_rows(x, "l2_rows", [](const float* r, float* o, std::size_t d) {
      double s = 0;
      for (std::size_t j = 0; j < d; ++j) s += double(r[j]) * r[j];
      const double inv = s > 0 ? 1.0 / std::sqrt(s) : 0.0;
      for (std::size_t j = 0; j < d; ++j) o[j] = static_cast<float>(r[j] * inv);
    });
  }
};

static_assert(RowPreprocessor<MinMaxRows> && RowPreprocessor<ZScoreRows> && RowPreprocessor<L2Rows>);

inline Tensor<float> minmax_rows(TensorView<const float> x) { return MinMaxRows::apply(x); }
inline Tensor<float> zscore_rows(TensorView<const float> x) { return ZScoreRows::apply(x); }
inline Tensor<float> l2_rows(TensorView<const float> x) { return L2Rows::apply(x); }

}  // namespace cluster
INX_END_NAMESPACE
