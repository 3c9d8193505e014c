// reduce_kernel<cuda>: the device-neutral reductions (tensor/reduce.hpp) on the GPU. Sums run in two passes of
// index-space functors: segment s of length len is cut into T interleaved strands (strand k holds elements k, k + T,
// k + 2T, ..., so neighbouring threads read neighbouring addresses), each strand is summed in double, then one thread
// per segment adds its T strand sums in order. Row max/min/argmax and softmax take one thread per row and equal the
// CPU bit for bit on the host; sums accumulate in double as on the CPU but in another order, so they agree to float
// rounding. Every method is a template on the executor (launch.cuh), so the tests run the whole composition on the host.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "inx/cuda/device.cuh"
#include "inx/cuda/launch.cuh"
#include "inx/tensor/reduce.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

// Element j of segment s, per layout.
struct RowLoad {  // rows of `cols` contiguous values
  const float* x;
  std::size_t cols;
  INX_HOST_DEVICE double operator()(std::size_t s, std::size_t j) const { return double(x[s * cols + j]); }
};
struct ChannelLoad {  // channel s of an (outer, c, inner) tensor, its outer * inner values in memory order
  const float* x;
  std::size_t c, inner;
  INX_HOST_DEVICE double operator()(std::size_t s, std::size_t j) const {
    return double(x[((j / inner) * c + s) * inner + j % inner]);
  }
};
struct ProductLoad {  // one segment: a[j] * b[j]
  const float *a, *b;
  INX_HOST_DEVICE double operator()(std::size_t, std::size_t j) const { return double(a[j]) * double(b[j]); }
};

// How strands combine: a sum, or the largest value (of loads that are >= 0, such as magnitudes).
struct Plus {
  static constexpr double identity = 0;
  INX_HOST_DEVICE double operator()(double a, double b) const { return a + b; }
};
struct MaxOfNonNegative {
  static constexpr double identity = 0;
  INX_HOST_DEVICE double operator()(double a, double b) const { return b > a ? b : a; }
};

// partial[s * T + k] = strand k of segment s, combined by Op.
template <class Load, class Op = Plus>
struct StrandSums {
  Load load;
  std::size_t len, strands;
  double* partial;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t s = i / strands;
    double acc = Op::identity;
    for (std::size_t j = i % strands; j < len; j += strands) acc = Op{}(acc, load(s, j));
    partial[i] = acc;
  }
};
// out[s] = the strands of segment s, combined in strand order.
template <class Op = Plus>
struct AddStrands {
  const double* partial;
  std::size_t strands;
  double* out;
  INX_HOST_DEVICE void operator()(std::size_t s) const {
    double acc = Op::identity;
    for (std::size_t k = 0; k < strands; ++k) acc = Op{}(acc, partial[s * strands + k]);
    out[s] = acc;
  }
};

// Strands per segment: enough threads in all to fill a GPU (~64k), none shorter than 64 elements.
inline std::size_t strands_for(std::size_t segments, std::size_t len) {
  constexpr std::size_t kThreads = std::size_t(1) << 16, kMinStrand = 64;
  std::size_t t = kThreads / (segments ? segments : 1);
  const std::size_t by_len = (len + kMinStrand - 1) / kMinStrand;
  if (t > by_len) t = by_len;
  return t ? t : 1;
}

// out[s] (double, in the executor's memory) = load(s, j) for j < len combined by Op (a sum unless told otherwise),
// for every s < segments.
template <class Op = Plus, class Exec, class Load>
void segment_reduce(const Exec& ex, std::size_t segments, std::size_t len, Load load, double* out, const char* what,
                    std::size_t strands = 0) {
  if (segments == 0) return;
  if (strands == 0) strands = strands_for(segments, len);
  auto partial = ex.template scratch<double>(segments * strands);
  ex.run(segments * strands, StrandSums<Load, Op>{load, len, strands, partial.data()}, what);
  ex.run(segments, AddStrands<Op>{partial.data(), strands, out}, what);
}
template <class Exec, class Load>
void segment_sums(const Exec& ex, std::size_t segments, std::size_t len, Load load, double* out, const char* what,
                  std::size_t strands = 0) {
  segment_reduce<Plus>(ex, segments, len, load, out, what, strands);
}

struct DoubleToFloat {  // out[s] = float(in[s] * scale)
  const double* in;
  double scale;
  float* out;
  INX_HOST_DEVICE void operator()(std::size_t s) const { out[s] = float(in[s] * scale); }
};

// Largest (or smallest) value of a row; NaN wins, as on the CPU.
INX_HOST_DEVICE float row_extreme(std::size_t m, const float* x, bool largest) {
  float v = x[0];
  for (std::size_t i = 1; i < m && !(v != v); ++i)
    if (x[i] != x[i] || (largest ? x[i] > v : x[i] < v)) v = x[i];
  return v;
}
struct RowExtreme {
  bool largest;
  const float* x;
  std::size_t cols;
  float* out;
  INX_HOST_DEVICE void operator()(std::size_t r) const { out[r] = row_extreme(cols, x + r * cols, largest); }
};
struct RowArgmax {
  const float* x;
  std::size_t cols;
  std::int64_t* out;
  INX_HOST_DEVICE void operator()(std::size_t r) const {
    const float* row = x + r * cols;
    std::size_t best = 0;
    for (std::size_t j = 1; j < cols && !(row[best] != row[best]); ++j)
      if (row[j] > row[best] || row[j] != row[j]) best = j;
    out[r] = std::int64_t(best);
  }
};
struct RowSoftmax {
  bool log;
  const float* x;
  std::size_t cols;
  float* y;
  INX_HOST_DEVICE void operator()(std::size_t r) const {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    const float mx = row_extreme(cols, in, true);
    double s = 0;
    for (std::size_t j = 0; j < cols; ++j) s += ::exp(double(in[j]) - mx);
    if (log) {
      const double shift = double(mx) + ::log(s);
      for (std::size_t j = 0; j < cols; ++j) out[j] = float(double(in[j]) - shift);
    } else {
      for (std::size_t j = 0; j < cols; ++j) out[j] = float(::exp(double(in[j]) - mx) / s);
    }
  }
};

// The reductions on any executor; reduce_kernel<cuda> runs them on DeviceExec.
template <class Exec>
struct Reductions {
  Exec ex;

  void rows(ops::row_reduction r, std::size_t nrows, std::size_t cols, const float* x, float* out) const {
    if (r == ops::row_reduction::max || r == ops::row_reduction::min) {
      ex.run(nrows, RowExtreme{r == ops::row_reduction::max, x, cols, out}, "kernel launch (reduce_rows)");
      return;
    }
    auto sums = ex.template scratch<double>(nrows);
    segment_sums(ex, nrows, cols, RowLoad{x, cols}, sums.data(), "kernel launch (reduce_rows)");
    const double scale = r == ops::row_reduction::mean ? 1.0 / double(cols) : 1.0;
    ex.run(nrows, DoubleToFloat{sums.data(), scale, out}, "kernel launch (reduce_rows)");
  }
  void argmax_rows(std::size_t nrows, std::size_t cols, const float* x, std::int64_t* out) const {
    ex.run(nrows, RowArgmax{x, cols, out}, "kernel launch (argmax_rows)");
  }
  void softmax_rows(bool log, std::size_t nrows, std::size_t cols, const float* x, float* y) const {
    ex.run(nrows, RowSoftmax{log, x, cols, y}, "kernel launch (softmax_rows)");
  }
  // Whole-tensor sums come back to the host.
  template <class Load>
  double total(std::size_t n, Load load, const char* what) const {
    if (n == 0) return 0;
    auto sum = ex.template scratch<double>(1);
    segment_sums(ex, 1, n, load, sum.data(), what);
    double s = 0;
    ex.to_host(&s, sum.data(), 1);
    return s;
  }
  double sum(std::size_t n, const float* x) const { return total(n, RowLoad{x, n}, "kernel launch (sum)"); }
  double dot(std::size_t n, const float* a, const float* b) const {
    return total(n, ProductLoad{a, b}, "kernel launch (dot)");
  }
  void mean_planes(std::size_t planes, std::size_t plane, const float* x, float* out) const {
    auto sums = ex.template scratch<double>(planes);
    segment_sums(ex, planes, plane, RowLoad{x, plane}, sums.data(), "kernel launch (mean_hw)");
    ex.run(planes, DoubleToFloat{sums.data(), 1.0 / double(plane), out}, "kernel launch (mean_hw)");
  }
  void channel_sum(std::size_t outer, std::size_t c, std::size_t inner, const float* x, float* out) const {
    auto sums = ex.template scratch<double>(c);
    segment_sums(ex, c, outer * inner, ChannelLoad{x, c, inner}, sums.data(), "kernel launch (sum_channels)");
    ex.run(c, DoubleToFloat{sums.data(), 1.0, out}, "kernel launch (sum_channels)");
  }
};

}  // namespace cuda_detail

template <>
struct reduce_kernel<cuda> {
  static constexpr cuda_detail::Reductions<cuda_detail::DeviceExec> on{};
  static void rows(ops::row_reduction r, std::size_t rows, std::size_t cols, const float* x, float* out) {
    on.rows(r, rows, cols, x, out);
  }
  static void argmax_rows(std::size_t rows, std::size_t cols, const float* x, std::int64_t* out) {
    on.argmax_rows(rows, cols, x, out);
  }
  static void softmax_rows(bool log, std::size_t rows, std::size_t cols, const float* x, float* y) {
    on.softmax_rows(log, rows, cols, x, y);
  }
  static double sum(std::size_t n, const float* x) { return on.sum(n, x); }
  static double dot(std::size_t n, const float* a, const float* b) { return on.dot(n, a, b); }
  static void mean_planes(std::size_t planes, std::size_t plane, const float* x, float* out) {
    on.mean_planes(planes, plane, x, out);
  }
  static void channel_sum(std::size_t outer, std::size_t c, std::size_t inner, const float* x, float* out) {
    on.channel_sum(outer, c, inner, x, out);
  }
};

INX_END_NAMESPACE
