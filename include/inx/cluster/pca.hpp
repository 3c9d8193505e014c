// Principal component analysis with scikit-learn's conventions: centred columns, components as rows, explained
// variance with n - 1 degrees of freedom, and svd_flip's sign rule (the largest |score| of each component is
// positive), so components agree with sklearn.decomposition.PCA. It diagonalises the smaller of the Gram matrix
// X Xᵀ (n x n) and the covariance Xᵀ X (d x d), in double precision.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/eigen.hpp"
#include "inx/tensor/gemm.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

struct PCAResult {
  Tensor<float> components;                // k x d, unit rows
  Tensor<float> transformed;               // n x k, the centred rows projected on the components
  std::vector<double> explained_variance;  // k values, descending
  std::vector<double> mean;                // d column means
};

// The first k principal components of x. Components beyond the rank of the centred data have zero variance; they
// are returned as zero rows (scikit-learn returns an arbitrary direction there).
inline PCAResult pca(TensorView<const float> x, std::size_t k) {
  check_matrix(x, "pca");
  const std::size_t n = x.dim(0), d = x.dim(1);
  require<value_error>(k >= 1 && k <= std::min(n, d), "pca: expected 1 <= n_components <= min(n, d) = ",
                       std::min(n, d), ", got ", k);
  PCAResult r;
  r.mean.assign(d, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) r.mean[j] += x.data()[i * d + j];
  for (auto& m : r.mean) m /= static_cast<double>(n);
  const auto xc = detail::centre_columns(x);
  const bool gram = n <= d;
  const std::size_t m = gram ? n : d;
  auto g = Tensor<float>::uninitialized({m, m});
  if (gram)
    ops::gemm<cpu>(false, true, n, n, d, 1.0f, xc.data(), d, xc.data(), d, 0.0f, g.data(), n);
  else
    ops::gemm<cpu>(true, false, d, d, n, 1.0f, xc.data(), d, xc.data(), d, 0.0f, g.data(), d);
  std::vector<double> gd(m * m);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < m; ++j)  // symmetrise: float GEMM need not be exactly symmetric
      gd[i * m + j] = 0.5 * (double(g.data()[i * m + j]) + double(g.data()[j * m + i]));
  const auto eig = symmetric_eigen_top(std::move(gd), m, k);  // only the k wanted: O(m² k) after the reduction
  const double top = std::max(eig.values.front(), 0.0);
  const double dof = n > 1 ? static_cast<double>(n - 1) : 1.0;

  r.components = Tensor<float>(Shape{k, d});
  r.transformed = Tensor<float>(Shape{n, k});
  r.explained_variance.assign(k, 0.0);
  // Scores U S (n x k) and components Vᵀ (k x d); the second factor comes from one GEMM.
  auto sc = Tensor<float>(Shape{n, k});
  auto uv = Tensor<float>(Shape{k, m});  // gram: U columns scaled by 1/s (k x n); else: V rows (k x d)
  for (std::size_t c = 0; c < k; ++c) {
    const double lambda = eig.values[c];
    const double* v = &eig.vectors[c * m];
    if (!(lambda > 1e-10 * top) || top <= 0) continue;  // null direction: left as zeros
    r.explained_variance[c] = lambda / dof;
    const double sv = std::sqrt(lambda);
    for (std::size_t i = 0; i < m; ++i) uv.data()[c * m + i] = static_cast<float>(gram ? v[i] / sv : v[i]);
    if (gram)
      for (std::size_t i = 0; i < n; ++i) sc.data()[i * k + c] = static_cast<float>(v[i] * sv);
  }
  if (gram) {  // components = (U / s)ᵀ Xc
    ops::gemm<cpu>(false, false, k, d, n, 1.0f, uv.data(), n, xc.data(), d, 0.0f, r.components.data(), d);
  } else {  // components = V, scores = Xc V
    std::copy_n(uv.data(), k * d, r.components.data());
    ops::gemm<cpu>(false, true, n, k, d, 1.0f, xc.data(), d, uv.data(), d, 0.0f, sc.data(), k);
  }
  // svd_flip(u_based_decision=True): the entry of largest magnitude in each column of U is made positive.
  for (std::size_t c = 0; c < k; ++c) {
    std::size_t arg = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (std::abs(sc.data()[i * k + c]) > std::abs(sc.data()[arg * k + c])) arg = i;
    const float sign = sc.data()[arg * k + c] < 0 ? -1.0f : 1.0f;
    for (std::size_t j = 0; j < d; ++j) r.components.data()[c * d + j] *= sign;
    for (std::size_t i = 0; i < n; ++i) r.transformed.data()[i * k + c] = sign * sc.data()[i * k + c];
  }
  return r;
}

// The PCA step as a policy object: reduces rows to n_components columns (clamped to min(n, d)).
struct PCA {
  std::size_t n_components = 50;
  Tensor<float> apply(TensorView<const float> x) const {
    check_matrix(x, "pca");
    return pca(x, std::min({n_components, x.dim(0), x.dim(1)})).transformed;
  }
};

}  // namespace cluster
INX_END_NAMESPACE
