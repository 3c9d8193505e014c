// One Lloyd iteration of k-means on the GPU, in the steps the CPU's KMeans takes (cluster/kmeans.hpp): the centres'
// squared norms in double, the assignment as one GEMM of the rows against the centres and an arg-min per row over
// |c|^2 - 2 x.c (the first smallest wins, as on the CPU), then the update as one GEMM of a one-hot (k x n) matrix
// with the rows (the sums of each cluster's rows) divided by the counts; an empty cluster keeps its centre. The CPU
// sums each cluster in double, the GEMM in float, so new centres agree to float rounding; with the same GEMM (the
// host executor uses the CPU's) the assignment is the CPU's exactly. Every step is a template on the executor.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "inx/cuda/device.cuh"
#include "inx/cuda/launch.cuh"
#include "inx/cuda/reduce.cuh"

INX_BEGIN_NAMESPACE
namespace cuda_detail {

struct SquareLoad {  // x^2 of row s in double
  const float* x;
  std::size_t cols;
  INX_HOST_DEVICE double operator()(std::size_t s, std::size_t j) const {
    const double v = x[s * cols + j];
    return v * v;
  }
};
// labels[i], dist[i] = the nearest centre of row i and its squared distance (clamped at 0).
struct NearestCentre {
  std::size_t k;
  const double *csq, *sqn;
  const float* dots;  // n x k
  std::int64_t* labels;
  double* dist;
  INX_HOST_DEVICE void operator()(std::size_t i) const {
    std::size_t arg = 0;
    double m = INFINITY;
    for (std::size_t c = 0; c < k; ++c) {
      const double v = csq[c] - 2.0 * double(dots[i * k + c]);
      if (v < m) m = v, arg = c;
    }
    labels[i] = std::int64_t(arg);
    const double dd = m + sqn[i];
    dist[i] = dd > 0 ? dd : 0.0;
  }
};
struct OneHot {  // h[c][i] = labels[i] == c, a k x n matrix
  std::size_t n;
  const std::int64_t* labels;
  float* h;
  INX_HOST_DEVICE void operator()(std::size_t t) const { h[t] = labels[t % n] == std::int64_t(t / n) ? 1.0f : 0.0f; }
};
// next = sums / counts per cluster, or the old centre for an empty one.
struct ClusterMeans {
  std::size_t d;
  const float *sums, *centres;
  const double* counts;
  float* next;
  INX_HOST_DEVICE void operator()(std::size_t t) const {
    const double c = counts[t / d];
    next[t] = c > 0 ? float(double(sums[t]) / c) : centres[t];
  }
};
struct ShiftLoad {  // (next - centres)^2 over all k * d values, one segment
  const float *next, *centres;
  INX_HOST_DEVICE double operator()(std::size_t, std::size_t t) const {
    const double s = double(next[t]) - double(centres[t]);
    return s * s;
  }
};

// Buffers of one k-means run on an executor, sized once for (n, d, k).
template <class Exec>
struct KMeansStep {
  using Doubles = decltype(std::declval<const Exec&>().template scratch<double>(0));
  using Floats = decltype(std::declval<const Exec&>().template scratch<float>(0));
  Exec ex;
  std::size_t n, d, k;
  Doubles csq, dist, counts, shift;
  Floats dots, onehot, sums;

  KMeansStep(Exec e, std::size_t n_, std::size_t d_, std::size_t k_)
      : ex(e), n(n_), d(d_), k(k_), csq(ex.template scratch<double>(k)), dist(ex.template scratch<double>(n)),
        counts(ex.template scratch<double>(k)), shift(ex.template scratch<double>(1)),
        dots(ex.template scratch<float>(n * k)), onehot(ex.template scratch<float>(k * n)),
        sums(ex.template scratch<float>(k * d)) {}

  // labels (n) and dist (this->dist) for rows x (n x d, with squared norms sqn) against centres (k x d).
  void assign(const float* x, const double* sqn, const float* centres, std::int64_t* labels) {
    segment_sums(ex, k, d, SquareLoad{centres, d}, csq.data(), "kernel launch (kmeans: centre norms)");
    ex.gemm(false, true, n, k, d, 1.0f, x, d, centres, d, 0.0f, dots.data(), k);
    ex.run(n, NearestCentre{k, csq.data(), sqn, dots.data(), labels, dist.data()},
           "kernel launch (kmeans: nearest centre)");
  }
  // next (k x d) = the means of each cluster's rows; returns the squared shift of the centres.
  double update(const float* x, const std::int64_t* labels, const float* centres, float* next) {
    ex.run(k * n, OneHot{n, labels, onehot.data()}, "kernel launch (kmeans: one-hot)");
    ex.gemm(false, false, k, d, n, 1.0f, onehot.data(), n, x, d, 0.0f, sums.data(), d);
    segment_sums(ex, k, n, RowLoad{onehot.data(), n}, counts.data(), "kernel launch (kmeans: counts)");
    ex.run(k * d, ClusterMeans{d, sums.data(), centres, counts.data(), next}, "kernel launch (kmeans: means)");
    segment_sums(ex, 1, k * d, ShiftLoad{next, centres}, shift.data(), "kernel launch (kmeans: shift)");
    double s = 0;
    ex.to_host(&s, shift.data(), 1);
    return s;
  }
};

}  // namespace cuda_detail
INX_END_NAMESPACE
