// CPU reductions: rows, planes and channels are spread over OpenMP threads; whole-tensor sums use per-thread double
// accumulators combined at the end.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "inx/tensor/cpu/elementwise.hpp"
#include "inx/tensor/reduce.hpp"

INX_BEGIN_NAMESPACE

template <>
struct reduce_kernel<cpu> {
  static void rows(ops::row_reduction r, std::size_t rows, std::size_t cols, const float* x, float* out) {
    const long nr = long(rows), m = long(cols);
#pragma omp parallel for if (nr * m > cpu_detail::kParallelGrain)
    for (long i = 0; i < nr; ++i) {
      const float* row = x + i * m;
      switch (r) {
        case ops::row_reduction::sum: out[i] = float(sum_serial(m, row)); break;
        case ops::row_reduction::mean: out[i] = float(sum_serial(m, row) / double(m)); break;
        case ops::row_reduction::max: out[i] = extreme(m, row, true); break;
        case ops::row_reduction::min: out[i] = extreme(m, row, false); break;
      }
    }
  }
  static void argmax_rows(std::size_t rows, std::size_t cols, const float* x, std::int64_t* out) {
    const long nr = long(rows), m = long(cols);
#pragma omp parallel for if (nr * m > cpu_detail::kParallelGrain)
    for (long i = 0; i < nr; ++i) {
      const float* row = x + i * m;
      long best = 0;
      for (long j = 1; j < m && !std::isnan(row[best]); ++j)
        if (row[j] > row[best] || std::isnan(row[j])) best = j;
      out[i] = best;
    }
  }
  static void softmax_rows(bool log, std::size_t rows, std::size_t cols, const float* x, float* y) {
    const long nr = long(rows), m = long(cols);
#pragma omp parallel for if (nr * m > cpu_detail::kParallelGrain)
    for (long i = 0; i < nr; ++i) {
      const float* in = x + i * m;
      float* out = y + i * m;
      const float mx = extreme(m, in, true);
      double s = 0;
      for (long j = 0; j < m; ++j) s += std::exp(double(in[j]) - mx);
      if (log) {
        const double shift = double(mx) + std::log(s);
        for (long j = 0; j < m; ++j) out[j] = float(double(in[j]) - shift);
      } else {
        for (long j = 0; j < m; ++j) out[j] = float(std::exp(double(in[j]) - mx) / s);
      }
    }
  }
  static double sum(std::size_t n, const float* x) {
    const long m = long(n);
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) s += double(x[i]);
    return s;
  }
  static double dot(std::size_t n, const float* a, const float* b) {
    const long m = long(n);
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) if (m > cpu_detail::kParallelGrain)
    for (long i = 0; i < m; ++i) s += double(a[i]) * double(b[i]);
    return s;
  }
  static void mean_planes(std::size_t planes, std::size_t plane, const float* x, float* out) {
    const long np = long(planes), m = long(plane);
#pragma omp parallel for if (np * m > cpu_detail::kParallelGrain)
    for (long p = 0; p < np; ++p) out[p] = float(sum_serial(m, x + p * m) / double(m));
  }
  static void channel_sum(std::size_t outer, std::size_t c, std::size_t inner, const float* x, float* out) {
    const long nc = long(c), m = long(inner), no = long(outer);
#pragma omp parallel for if (no * nc * m > cpu_detail::kParallelGrain)
    for (long ch = 0; ch < nc; ++ch) {
      double s = 0;
      for (long o = 0; o < no; ++o) s += sum_serial(m, x + (o * nc + ch) * m);
      out[ch] = float(s);
    }
  }

 private:
  static double sum_serial(long m, const float* x) {
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (long i = 0; i < m; ++i) s += double(x[i]);
    return s;
  }
  // Largest (or smallest) value; NaN wins, as torch.max/min propagate it.
  static float extreme(long m, const float* x, bool largest) {
    float v = x[0];
    for (long i = 1; i < m && !std::isnan(v); ++i)
      if (std::isnan(x[i]) || (largest ? x[i] > v : x[i] < v)) v = x[i];
    return v;
  }
};

INX_END_NAMESPACE
