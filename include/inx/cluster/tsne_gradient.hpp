// The t-SNE objective (Student-t kernel with one degree of freedom, scikit-learn's choice for 1 or 2 components): KL divergence
// and its gradient, exact over all pairs or Barnes-Hut with a quadtree over the 2-D embedding. Used by tsne.hpp.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE
namespace cluster::detail {

// Joint probabilities P: dense n x n (exact) or CSR rows (Barnes-Hut); both sum to 1.
struct TsneAffinities {
  std::size_t n = 0;
  std::vector<float> dense;
  std::vector<std::size_t> row_ptr, col;
  std::vector<double> val;

  // From k nearest neighbours per row with conditional probabilities: P = (C + Cᵀ) / sum.
  void build_sparse(const std::vector<std::size_t>& nbr, const std::vector<double>& cond, std::size_t k) {
    std::vector<std::tuple<std::size_t, std::size_t, double>> t;
    t.reserve(2 * n * k);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t q = 0; q < k; ++q) {
        t.emplace_back(i, nbr[i * k + q], cond[i * k + q]);
        t.emplace_back(nbr[i * k + q], i, cond[i * k + q]);
      }
    std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) < std::get<0>(b) || (std::get<0>(a) == std::get<0>(b) && std::get<1>(a) < std::get<1>(b));
    });
    row_ptr.assign(n + 1, 0);
    double total = 0;
    for (std::size_t s = 0; s < t.size();) {
      const auto [i, j, v0] = t[s];
      double v = 0;
      for (; s < t.size() && std::get<0>(t[s]) == i && std::get<1>(t[s]) == j; ++s) v += std::get<2>(t[s]);
      col.push_back(j);
      val.push_back(v);
      ++row_ptr[i + 1];
      total += v;
    }
    for (std::size_t i = 0; i < n; ++i) row_ptr[i + 1] += row_ptr[i];
    total = std::max(total, std::numeric_limits<double>::epsilon());
    for (auto& v : val) v /= total;
  }
};

// A quadtree over 2-D points holding each cell's point count and centre of mass.
class QuadTree {
 public:
  struct Cell {
    double cx, cy, half;  // square cell: centre and half width
    double mx = 0, my = 0;  // sums of positions
    std::int64_t count = 0;
    std::int64_t child = -1;  // index of the first of 4 children, -1 for a leaf
    std::int64_t point = -1;  // a leaf's point
  };

  void build(const float* xs, const float* ys, std::size_t n) {
    cells_.clear();
    float x0 = xs[0], x1 = xs[0], y0 = ys[0], y1 = ys[0];
    for (std::size_t i = 1; i < n; ++i) {
      x0 = std::min(x0, xs[i]), x1 = std::max(x1, xs[i]);
      y0 = std::min(y0, ys[i]), y1 = std::max(y1, ys[i]);
    }
    const double half = std::max<double>({x1 - x0, y1 - y0, 1e-12}) * 0.5 * (1 + 1e-3);
    cells_.push_back({0.5 * (double(x0) + x1), 0.5 * (double(y0) + y1), half});
    for (std::size_t i = 0; i < n; ++i) insert(xs, ys, i);
    morton_order(xs, ys, n, x0, x1, y0, y1);
    nodes_.resize(cells_.size());
    for (std::size_t k = 0; k < cells_.size(); ++k) {
      const Cell& c = cells_[k];
      const double inv = c.count > 0 ? 1.0 / static_cast<double>(c.count) : 0.0, w = 2 * c.half;
      nodes_[k] = {static_cast<float>(c.mx * inv), static_cast<float>(c.my * inv), static_cast<float>(w * w),
                   static_cast<std::int32_t>(c.count), static_cast<std::int32_t>(c.child)};
    }
  }

  // The points of the last build() sorted by the Morton (Z-order) code of their position: neighbours in the list are
  // neighbours in the plane.
  const std::vector<std::size_t>& order() const noexcept { return order_; }

  // Repulsive terms for point (px, py), scikit-learn's single-point walk: sum over cells of count * q and
  // count * q² * (p - centre of mass), q = 1 / (1 + d²); cells far enough (width² / d² < theta²) are summarised. The
  // point's own leaf (and exact duplicates of it) is skipped, as scikit-learn does. The gradient uses the group walk
  // (interactions) instead; this one is the reference the tests hold it to.
  void repulsion(double px, double py, double theta2, double& sum_q, double& fx, double& fy) const {
    std::int32_t stack[kStack];
    int top = 0;
    stack[top++] = 0;
    const auto t2 = static_cast<float>(theta2);
    const auto x = static_cast<float>(px), y = static_cast<float>(py);
    double s = 0, gx = 0, gy = 0;
    while (top > 0) {
      const Node& c = nodes_[static_cast<std::size_t>(stack[--top])];
      if (c.count == 0) continue;
      const float dx = x - c.mx, dy = y - c.my, d2 = dx * dx + dy * dy;
      const bool leaf = c.child < 0;
      if (leaf && std::abs(dx) <= 1e-12f && std::abs(dy) <= 1e-12f) continue;
      if (leaf || c.width2 < t2 * d2 || top + 4 > kStack) {
        const double q = 1.0 / (1.0 + double(d2)), m = double(c.count) * q;
        s += m;
        gx += m * q * dx;
        gy += m * q * dy;
      } else {
        for (int k = 0; k < 4; ++k) stack[top++] = c.child + k;
      }
    }
    sum_q += s;
    fx += gx;
    fy += gy;
  }

  // The cells a group of points (bounding box [x0, x1] x [y0, y1]) interacts with, for tsne_group_repulsion: a cell
  // is summarised when it is far enough from every point of the box (width² < theta² dmin², dmin the distance from
  // the box to the cell's centre of mass), which implies the single-point criterion for each of them: the group
  // opens at least the cells each point would, so its sums are at least as accurate. Leaves are listed with
  // leaf = 1 (their own point is skipped when evaluated). One walk serves the whole group.
  void interactions(float x0, float x1, float y0, float y1, float theta2, std::vector<float>& lx,
                    std::vector<float>& ly, std::vector<float>& lc, std::vector<float>& leaf) const {
    lx.clear(), ly.clear(), lc.clear(), leaf.clear();
    std::int32_t stack[kStack];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const Node& c = nodes_[static_cast<std::size_t>(stack[--top])];
      if (c.count == 0) continue;
      const float ex = std::max({0.0f, x0 - c.mx, c.mx - x1}), ey = std::max({0.0f, y0 - c.my, c.my - y1});
      const bool is_leaf = c.child < 0;
      if (is_leaf || c.width2 < theta2 * (ex * ex + ey * ey) || top + 4 > kStack) {
        lx.push_back(c.mx), ly.push_back(c.my), lc.push_back(static_cast<float>(c.count));
        leaf.push_back(is_leaf ? 1.0f : 0.0f);
      } else {
        for (int k = 0; k < 4; ++k) stack[top++] = c.child + k;
      }
    }
  }

 private:
  // order_: the points by the Morton code of their position in the bounding box (16 bits a coordinate).
  void morton_order(const float* xs, const float* ys, std::size_t n, float x0, float x1, float y0, float y1) {
    const double sx = 65535.0 / std::max<double>(x1 - x0, 1e-30), sy = 65535.0 / std::max<double>(y1 - y0, 1e-30);
    auto spread = [](std::uint32_t v) {  // the 16 bits of v to the even bits of the result
      std::uint64_t r = v;
      r = (r | (r << 8)) & 0x00FF00FFu;
      r = (r | (r << 4)) & 0x0F0F0F0Fu;
      r = (r | (r << 2)) & 0x33333333u;
      r = (r | (r << 1)) & 0x55555555u;
      return r;
    };
    keys_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto qx = static_cast<std::uint32_t>((double(xs[i]) - x0) * sx);
      const auto qy = static_cast<std::uint32_t>((double(ys[i]) - y0) * sy);
      keys_[i] = (spread(qx) | (spread(qy) << 1)) << 32 | i;
    }
    std::sort(keys_.begin(), keys_.end());
    order_.resize(n);
    for (std::size_t i = 0; i < n; ++i) order_[i] = static_cast<std::size_t>(keys_[i] & 0xFFFFFFFFu);
  }

  void insert(const float* xs, const float* ys, std::size_t p) {
    std::size_t ci = 0;
    for (int depth = 0;; ++depth) {
      Cell& c = cells_[ci];
      c.mx += xs[p];
      c.my += ys[p];
      ++c.count;
      if (c.child < 0) {
        if (c.count == 1) {
          c.point = static_cast<std::int64_t>(p);
          return;
        }
        const auto q = static_cast<std::size_t>(c.point);
        // Duplicates (or a cell too small to split further) stay together in one leaf.
        if ((xs[q] == xs[p] && ys[q] == ys[p]) || depth > 60) return;
        // The leaf's points so far (q and its duplicates: every one of them, not one) move to one child.
        const std::int64_t held = c.count - 1;
        split(ci);  // invalidates c
        Cell& cq = cells_[child_of(ci, xs[q], ys[q])];
        cq.mx = double(held) * xs[q], cq.my = double(held) * ys[q], cq.count = held;
        cq.point = static_cast<std::int64_t>(q);
      }
      ci = child_of(ci, xs[p], ys[p]);
    }
  }
  void split(std::size_t ci) {
    const double h = cells_[ci].half * 0.5, cx = cells_[ci].cx, cy = cells_[ci].cy;
    cells_[ci].child = static_cast<std::int64_t>(cells_.size());
    for (int s = 0; s < 4; ++s) cells_.push_back({cx + (s & 1 ? h : -h), cy + (s & 2 ? h : -h), h});
  }
  std::size_t child_of(std::size_t ci, double x, double y) const {
    const Cell& c = cells_[ci];
    return static_cast<std::size_t>(c.child) + (x >= c.cx ? 1 : 0) + (y >= c.cy ? 2 : 0);
  }
  // What the walks read of a cell.
  struct Node {
    float mx, my;        // centre of mass
    float width2;        // (2 half)²
    std::int32_t count;  // points below
    std::int32_t child;  // first of 4 children, -1 for a leaf
  };
  // Depth is at most 61 (insert), so at most 3 * 61 + 4 cells wait at once; the guard in the walks summarises a cell
  // rather than overflow.
  static constexpr int kStack = 256;
  std::vector<Cell> cells_;
  std::vector<Node> nodes_;
  std::vector<std::uint64_t> keys_;
  std::vector<std::size_t> order_;
};

// One row of the exact gradient's sums over j: z += w, att += p_j w (y_i - y_j), rep += w² (y_i - y_j), with
// w = 1 / (1 + |y_i - y_j|²). One scalar accumulator per sum (no arrays, no branches) so the loop vectorises; on
// x86-64 with GCC it is also compiled for AVX2 and AVX-512 and picked at load time, since builds target baseline
// SSE2 and this loop is most of t-SNE's time.
INX_SIMD_CLONES inline void tsne_exact_row(const float* col0, const float* col1, const float* prow, std::size_t n,
                                           float y0, float y1, bool two, float* sums) {
  float z = 0, a0 = 0, a1 = 0, r0 = 0, r1 = 0;
  if (two) {
#pragma omp simd reduction(+ : z, a0, a1, r0, r1)
    for (std::size_t j = 0; j < n; ++j) {
      const float dx = y0 - col0[j], dy = y1 - col1[j];
      const float w = 1.0f / (1.0f + dx * dx + dy * dy), pw = prow[j] * w, w2 = w * w;
      z += w;
      a0 += pw * dx, a1 += pw * dy;
      r0 += w2 * dx, r1 += w2 * dy;
    }
  } else {
#pragma omp simd reduction(+ : z, a0, r0)
    for (std::size_t j = 0; j < n; ++j) {
      const float dx = y0 - col0[j];
      const float w = 1.0f / (1.0f + dx * dx), pw = prow[j] * w, w2 = w * w;
      z += w;
      a0 += pw * dx;
      r0 += w2 * dx;
    }
  }
  sums[0] = z, sums[1] = a0, sums[2] = a1, sums[3] = r0, sums[4] = r1;
}

// The same sums for 2-D over j > i only, using P's symmetry: row i gets the reductions, rows j the mirrored terms
// (acc: attract x, attract y, repel x, repel y, n floats each). Half the divisions of tsne_exact_row; serial.
INX_SIMD_CLONES inline void tsne_exact_row_upper(const float* col0, const float* col1, const float* prow,
                                                 std::size_t i, std::size_t n, float* ax, float* ay, float* rx,
                                                 float* ry, float* sums) {
  const float y0 = col0[i], y1 = col1[i];
  float z = 0, a0 = 0, a1 = 0, r0 = 0, r1 = 0;
#pragma omp simd reduction(+ : z, a0, a1, r0, r1)
  for (std::size_t j = i + 1; j < n; ++j) {
    const float dx = y0 - col0[j], dy = y1 - col1[j];
    const float w = 1.0f / (1.0f + dx * dx + dy * dy), pw = prow[j] * w, w2 = w * w;
    z += w;
    a0 += pw * dx, a1 += pw * dy;
    r0 += w2 * dx, r1 += w2 * dy;
    ax[j] -= pw * dx, ay[j] -= pw * dy;
    rx[j] -= w2 * dx, ry[j] -= w2 * dy;
  }
  sums[0] = z, sums[1] = a0, sums[2] = a1, sums[3] = r0, sums[4] = r1;
}

// log(x) for x >= 1, inline and branch-free: exponent plus an atanh series on the mantissa in [0.707, 1.414)
// (error ~1e-7), so loops calling it vectorise instead of calling log1p n times.
[[gnu::always_inline]] inline float log_ge1(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  float m = std::bit_cast<float>((bits & 0x7fffffu) | 0x3f800000u);
  float e = static_cast<float>(static_cast<std::int32_t>(bits >> 23) - 127);
  const bool big = m > 1.41421356f;
  m = big ? 0.5f * m : m;
  e = big ? e + 1.0f : e;
  const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  return e * 0.693147181f + 2.0f * t * (1.0f + t2 * (1.0f / 3 + t2 * (1.0f / 5 + t2 * (1.0f / 7 + t2 * (1.0f / 9)))));
}

// sum_j p_j log(1 + |y_i - y_j|²), for the KL divergence.
INX_SIMD_CLONES inline double tsne_row_plog(const float* col0, const float* col1, const float* prow, std::size_t n,
                                            float y0, float y1, bool two) {
  float s = 0;
  if (two) {
#pragma omp simd reduction(+ : s)
    for (std::size_t j = 0; j < n; ++j) {
      const float dx = y0 - col0[j], dy = y1 - col1[j];
      s += prow[j] * log_ge1(1.0f + dx * dx + dy * dy);
    }
  } else {
#pragma omp simd reduction(+ : s)
    for (std::size_t j = 0; j < n; ++j) {
      const float dx = y0 - col0[j];
      s += prow[j] * log_ge1(1.0f + dx * dx);
    }
  }
  return s;
}
// The repulsive sums of one point over a group's interaction list (QuadTree::interactions): count q, count q² dx,
// count q² dy with q = 1 / (1 + d²), skipping the point's own leaf. Branch-free, so it vectorises.
INX_SIMD_CLONES inline void tsne_group_repulsion(const float* lx, const float* ly, const float* lc, const float* leaf,
                                                 std::size_t m, float px, float py, float* sums) {
  float s = 0, gx = 0, gy = 0;
#pragma omp simd reduction(+ : s, gx, gy)
  for (std::size_t t = 0; t < m; ++t) {
    const float dx = px - lx[t], dy = py - ly[t], d2 = dx * dx + dy * dy;
    const bool self = leaf[t] > 0 && std::abs(dx) <= 1e-12f && std::abs(dy) <= 1e-12f;
    const float q = 1.0f / (1.0f + d2), w = self ? 0.0f : lc[t] * q;
    s += w;
    gx += w * q * dx;
    gy += w * q * dy;
  }
  sums[0] = s, sums[1] = gx, sums[2] = gy;
}
// The attractive sums of one point over its row of sparse P: sum_j p_ij q_ij (y_i - y_j), q = 1 / (1 + d²).
INX_SIMD_CLONES inline void tsne_attraction(const float* xs, const float* ys, const std::int32_t* col, const float* val,
                                            std::size_t m, float px, float py, float* sums) {
  float ax = 0, ay = 0;
#pragma omp simd reduction(+ : ax, ay)
  for (std::size_t t = 0; t < m; ++t) {
    const float dx = px - xs[col[t]], dy = py - ys[col[t]];
    const float pq = val[t] / (1.0f + dx * dx + dy * dy);
    ax += pq * dx;
    ay += pq * dy;
  }
  sums[0] = ax, sums[1] = ay;
}
#undef INX_SIMD_CLONES

// Computes the gradient of KL(P || Q) for positions y (n x c, row-major) into grad, returning KL when asked.
class TsneGradient {
 public:
  TsneGradient(const TsneAffinities& p, std::size_t c, bool barnes_hut, double angle)
      : p_(p), c_(c), bh_(barnes_hut), theta2_(angle * angle), cols_(c, std::vector<float>(p.n)),
        parallel_(p.n >= kParallelRows) {
    if (bh_) {  // the attraction kernel's copy of sparse P
      col32_.assign(p_.col.begin(), p_.col.end());
      valf_.assign(p_.val.begin(), p_.val.end());
    } else {
      plogp_ = 0;
      for (float v : p_.dense)
        if (v > 0) plogp_ += double(v) * std::log(double(v));
    }
  }

  double operator()(const std::vector<double>& y, double exaggeration, bool compute_error, std::vector<double>& grad) {
    const std::size_t n = p_.n;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t a = 0; a < c_; ++a) cols_[a][i] = static_cast<float>(y[i * c_ + a]);
    if (bh_) return barnes_hut(exaggeration, compute_error, grad);
    return c_ == 1 ? exact<1>(exaggeration, compute_error, grad) : exact<2>(exaggeration, compute_error, grad);
  }

 private:
  // grad_i = 4 (sum_j e p_ij w_ij (y_i - y_j) - (1/Z) sum_j w_ij² (y_i - y_j)), w = 1 / (1 + |y_i - y_j|²).
  template <int C>
  double exact(double exg, bool compute_error, std::vector<double>& grad) {
    const std::size_t n = p_.n;
    double z = 0, plogw = 0;
    attract_.resize(n * C), repel_.resize(n * C);
    const float* c0 = cols_[0].data();
    const float* c1 = cols_[C - 1].data();
    if (C == 2 && !parallel_) {  // serial: visit each pair once
      upper_.assign(4 * n, 0.0f);
      float *ax = upper_.data(), *ay = ax + n, *rx = ay + n, *ry = rx + n;
      for (std::size_t i = 0; i < n; ++i) {
        const float* prow = p_.dense.data() + i * n;
        float sums[5];
        tsne_exact_row_upper(c0, c1, prow, i, n, ax, ay, rx, ry, sums);
        z += 2.0 * double(sums[0]);
        attract_[2 * i] = ax[i] + sums[1], attract_[2 * i + 1] = ay[i] + sums[2];
        repel_[2 * i] = rx[i] + sums[3], repel_[2 * i + 1] = ry[i] + sums[4];
        if (compute_error) plogw -= tsne_row_plog(c0, c1, prow, n, c0[i], c1[i], true);
      }
    } else {
#pragma omp parallel for schedule(static) reduction(+ : z, plogw) if (parallel_)
      for (std::int64_t ii = 0; ii < static_cast<std::int64_t>(n); ++ii) {
        const auto i = static_cast<std::size_t>(ii);
        const float* prow = p_.dense.data() + i * n;
        float sums[5];
        tsne_exact_row(c0, c1, prow, n, c0[i], c1[i], C == 2, sums);
        z += double(sums[0]) - 1.0;  // the j == i term
        for (int a = 0; a < C; ++a) attract_[i * C + a] = sums[1 + a], repel_[i * C + a] = sums[3 + a];
        if (compute_error) plogw -= tsne_row_plog(c0, c1, prow, n, c0[i], c1[i], C == 2);  // p_ii = 0: no term
      }
    }
    for (std::size_t t = 0; t < n * C; ++t) grad[t] = 4.0 * (exg * attract_[t] - repel_[t] / z);
    if (!compute_error) return 0;
    // KL(eP || Q) = sum eP log(eP) - sum eP log w + sum(eP) log Z, for P summing to 1.
    return exg * (plogp_ + std::log(exg)) - exg * plogw + exg * std::log(z);
  }

  double barnes_hut(double exg, bool compute_error, std::vector<double>& grad) {
    const std::size_t n = p_.n;
    const float *xs = cols_[0].data(), *ys = cols_[1].data();
    tree_.build(xs, ys, n);
    // Points in Morton (Z) order, in groups of kGroup neighbours: each group walks the tree once and evaluates its
    // interaction list for all its points with SIMD.
    const auto& order = tree_.order();
    double sum_q = 0;
    std::vector<double> neg(2 * n);
    const std::size_t groups = (n + kGroup - 1) / kGroup;
    const auto t2 = static_cast<float>(theta2_);
#pragma omp parallel reduction(+ : sum_q) if (parallel_)
    {
      std::vector<float> lx, ly, lc, leaf;
#pragma omp for schedule(dynamic, 4)
      for (std::int64_t g = 0; g < static_cast<std::int64_t>(groups); ++g) {
        const std::size_t b = static_cast<std::size_t>(g) * kGroup, e = std::min(n, b + kGroup);
        float x0 = xs[order[b]], x1 = x0, y0 = ys[order[b]], y1 = y0;
        for (std::size_t t = b + 1; t < e; ++t) {
          const std::size_t i = order[t];
          x0 = std::min(x0, xs[i]), x1 = std::max(x1, xs[i]), y0 = std::min(y0, ys[i]), y1 = std::max(y1, ys[i]);
        }
        tree_.interactions(x0, x1, y0, y1, t2, lx, ly, lc, leaf);
        for (std::size_t t = b; t < e; ++t) {
          const std::size_t i = order[t];
          float sums[3];
          tsne_group_repulsion(lx.data(), ly.data(), lc.data(), leaf.data(), lx.size(), xs[i], ys[i], sums);
          sum_q += double(sums[0]);
          neg[2 * i] = double(sums[1]), neg[2 * i + 1] = double(sums[2]);
        }
      }
    }
    double kl = 0;
#pragma omp parallel for schedule(static) reduction(+ : kl) if (parallel_)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
      const std::size_t b = p_.row_ptr[i], e = p_.row_ptr[i + 1];
      float sums[2];
      tsne_attraction(xs, ys, col32_.data() + b, valf_.data() + b, e - b, xs[i], ys[i], sums);
      const double px = exg * double(sums[0]), py = exg * double(sums[1]);
      if (compute_error)  // every 50th iteration: in double, as before
        for (std::size_t t = b; t < e; ++t) {
          const std::size_t j = p_.col[t];
          const double dx = double(xs[i]) - xs[j], dy = double(ys[i]) - ys[j];
          const double q = 1.0 / (1.0 + dx * dx + dy * dy), pij = exg * p_.val[t];
          constexpr double tiny = 1.1754943508222875e-38;  // FLT_MIN, scikit-learn's floor
          kl += pij * std::log(std::max(pij, tiny) / std::max(q / sum_q, tiny));
        }
      grad[2 * i] = 4.0 * (px - neg[2 * i] / sum_q);
      grad[2 * i + 1] = 4.0 * (py - neg[2 * i + 1] / sum_q);
    }
    return kl;
  }

  static constexpr std::size_t kGroup = 16;  // points that share one tree walk
  std::vector<std::int32_t> col32_;
  std::vector<float> valf_;

  // One gradient costs about n² (exact) or n log n (Barnes-Hut) simple steps: below this many rows it takes under a
  // millisecond, and 1000 OpenMP regions of that size lose more to barriers than they gain when cores are shared.
  static constexpr std::size_t kParallelRows = 1500;
  const TsneAffinities& p_;
  std::size_t c_;
  bool bh_;
  double theta2_;
  std::vector<std::vector<float>> cols_;
  std::vector<float> attract_, repel_, upper_;
  bool parallel_;
  double plogp_ = 0;
  QuadTree tree_;
};

}  // namespace cluster::detail
INX_END_NAMESPACE
