// The Barnes-Hut pieces of t-SNE against all pairs: the quadtree's group walk (QuadTree::interactions with
// tsne_group_repulsion) and the whole Barnes-Hut gradient against the exact one on the same P.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "inx/cluster/tsne_gradient.hpp"

namespace {
namespace d = inx::cluster::detail;

struct Points {
  std::vector<float> x, y;
};

// Clumps of points at several scales, and exact duplicates (which share a leaf and skip each other).
Points clumps(std::size_t n, std::uint32_t seed, bool duplicates = true) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  Points p;
  for (std::size_t i = 0; i < n; ++i) {
    const float s = (i % 3 == 0) ? 0.05f : (i % 3 == 1 ? 1.0f : 8.0f);
    p.x.push_back(float(i % 5) * 4 + s * g(rng));
    p.y.push_back(float(i % 7) * 3 + s * g(rng));
  }
  if (duplicates)
    for (std::size_t i = 0; i + 10 < n; i += 37) p.x[i + 10] = p.x[i], p.y[i + 10] = p.y[i];
  return p;
}

// All-pairs repulsive sums of point i: count q, q² dx, q² dy over every j not at i's position.
std::array<double, 3> brute(const Points& p, std::size_t i) {
  std::array<double, 3> s{0, 0, 0};
  for (std::size_t j = 0; j < p.x.size(); ++j) {
    const double dx = double(p.x[i]) - p.x[j], dy = double(p.y[i]) - p.y[j];
    if (dx == 0 && dy == 0) continue;
    const double q = 1 / (1 + dx * dx + dy * dy);
    s[0] += q, s[1] += q * q * dx, s[2] += q * q * dy;
  }
  return s;
}

// Groups of 16 points, each checked against all pairs and against the single-point walk.
void check_groups(const Points& p, float theta, double tol_sum, double tol_force) {
  d::QuadTree tree;
  tree.build(p.x.data(), p.y.data(), p.x.size());
  std::vector<float> lx, ly, lc, leaf;
  double worst_sum = 0, worst_force = 0, single_sum = 0, single_force = 0, scale = 0;
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    const auto b = brute(p, i);
    scale = std::max(scale, std::hypot(b[1], b[2]));
  }
  // Groups of the list as given (wide boxes) and of the tree's Morton order (what the gradient uses), which must be
  // a permutation of the points.
  std::vector<std::size_t> order = tree.order(), sorted = order, listed(p.x.size());
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < listed.size(); ++i) listed[i] = i;
  ASSERT_EQ(sorted, listed);
  order.insert(order.end(), listed.begin(), listed.end());
  for (std::size_t g0 = 0; g0 < order.size(); g0 += 16) {
    const std::size_t g1 = std::min(order.size(), g0 + 16);
    float x0 = p.x[order[g0]], x1 = x0, y0 = p.y[order[g0]], y1 = y0;
    for (std::size_t t = g0; t < g1; ++t) {
      const std::size_t i = order[t];
      x0 = std::min(x0, p.x[i]), x1 = std::max(x1, p.x[i]), y0 = std::min(y0, p.y[i]), y1 = std::max(y1, p.y[i]);
    }
    tree.interactions(x0, x1, y0, y1, theta * theta, lx, ly, lc, leaf);
    for (std::size_t t = g0; t < g1; ++t) {
      const std::size_t i = order[t];
      float s[3];
      d::tsne_group_repulsion(lx.data(), ly.data(), lc.data(), leaf.data(), lx.size(), p.x[i], p.y[i], s);
      const auto b = brute(p, i);
      worst_sum = std::max(worst_sum, std::abs(s[0] - b[0]) / b[0]);
      worst_force = std::max(worst_force, std::hypot(s[1] - b[1], s[2] - b[2]) / scale);
      double q = 0, fx = 0, fy = 0;  // the single-point walk (scikit-learn's criterion)
      tree.repulsion(p.x[i], p.y[i], double(theta) * theta, q, fx, fy);
      single_sum = std::max(single_sum, std::abs(q - b[0]) / b[0]);
      single_force = std::max(single_force, std::hypot(fx - b[1], fy - b[2]) / scale);
    }
  }
  EXPECT_LE(worst_sum, tol_sum) << "theta " << theta;
  EXPECT_LE(worst_force, tol_force) << "theta " << theta;
  // The group criterion implies each point's: never less accurate than the single-point walk (float rounding aside).
  EXPECT_LE(worst_sum, single_sum + 1e-5) << "theta " << theta;
  EXPECT_LE(worst_force, single_force + 1e-5) << "theta " << theta;
}

TEST(TsneTree, GroupWalkIsAllPairsAtThetaZero) { check_groups(clumps(600, 1), 0.0f, 2e-5, 2e-5); }

TEST(TsneTree, GroupWalkWithinBarnesHutErrorAtThetaHalf) {
  // theta = 0.5 (scikit-learn's angle): the group criterion implies each point's, so the error is at most the
  // single-point walk's (checked in check_groups); on these clumps both reach about 1 % of the sums and of the
  // largest force.
  check_groups(clumps(600, 2), 0.5f, 2e-2, 2e-2);
  check_groups(clumps(2048, 3), 0.5f, 2e-2, 2e-2);
}

// The Barnes-Hut gradient (sparse P over all pairs, so the same P) against the exact gradient.
TEST(TsneTree, BarnesHutGradientMatchesExact) {
  const std::size_t n = 700;
  const auto p = clumps(n, 4, false);  // without duplicates: the exact gradient counts them in Z, Barnes-Hut skips them
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.1, 1.0);
  const std::size_t k = n - 1;
  std::vector<std::size_t> nbr(n * k);
  std::vector<double> cond(n * k);
  for (std::size_t i = 0; i < n; ++i) {
    double total = 0;
    for (std::size_t q = 0, j = 0; j < n; ++j) {
      if (j == i) continue;
      nbr[i * k + q] = j;
      total += cond[i * k + q] = u(rng);
      ++q;
    }
    for (std::size_t q = 0; q < k; ++q) cond[i * k + q] /= total;
  }
  d::TsneAffinities sparse;
  sparse.n = n;
  sparse.build_sparse(nbr, cond, k);
  d::TsneAffinities dense;
  dense.n = n;
  dense.dense.assign(n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t e = sparse.row_ptr[i]; e < sparse.row_ptr[i + 1]; ++e)
      dense.dense[i * n + sparse.col[e]] = static_cast<float>(sparse.val[e]);
  std::vector<double> y(2 * n);
  for (std::size_t i = 0; i < n; ++i) y[2 * i] = p.x[i], y[2 * i + 1] = p.y[i];
  for (double exg : {1.0, 12.0}) {
    std::vector<double> g_exact(2 * n), g_bh(2 * n), g_bh0(2 * n);
    d::TsneGradient exact(dense, 2, false, 0.5), bh(sparse, 2, true, 0.5), bh0(sparse, 2, true, 0.0);
    exact(y, exg, false, g_exact);
    bh(y, exg, false, g_bh);
    bh0(y, exg, false, g_bh0);
    double scale = 0, err = 0, err0 = 0;
    for (std::size_t t = 0; t < 2 * n; ++t) {
      scale = std::max(scale, std::abs(g_exact[t]));
      err = std::max(err, std::abs(g_bh[t] - g_exact[t]));
      err0 = std::max(err0, std::abs(g_bh0[t] - g_exact[t]));
    }
    EXPECT_LE(err0, 1e-4 * scale) << "theta 0, exaggeration " << exg;
    // At theta 0.5 the repulsion is approximate and the gradient is a difference of two nearly equal terms: about
    // 2 % of the largest component here.
    EXPECT_LE(err, 5e-2 * scale) << "theta 0.5, exaggeration " << exg;
  }
}

}  // namespace
