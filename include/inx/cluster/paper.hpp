// The INV paper's clustering preset (Bianchi et al., arXiv 2405.03301): min-max rows -> PCA to min(50, n, d)
// components -> t-SNE to 2-D -> Ward on the embedding for every k in [kmin, kmax], keeping the k with the best
// silhouette (ties to the smaller k).
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string_view>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/linkage.hpp"
#include "inx/cluster/pca.hpp"
#include "inx/cluster/preprocess.hpp"
#include "inx/cluster/silhouette.hpp"
#include "inx/cluster/tsne.hpp"
#include "inx/cluster/ward.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

struct PaperPreset {
  static constexpr std::string_view name = "paper";
  std::int64_t kmin = 3, kmax = 8;
  std::size_t pca_components = 50;
  TSNE tsne{};  // scikit-learn defaults; seed below overrides tsne.seed
  std::uint64_t seed = 0;

  // score: the silhouette of the chosen partition on the embedding. k is searched in [kmin, min(kmax, n - 1)];
  // with fewer rows than that (n <= kmin) every row is its own cluster and the score is 0.
  Clustering fit(TensorView<const float> x) const { return fit_embedding(x, nullptr); }

  Clustering fit_embedding(TensorView<const float> x, Tensor<float>* embedding_out) const {
    check_matrix(x, "paper");
    require<value_error>(kmin >= 2 && kmin <= kmax, "paper: expected 2 <= kmin <= kmax, got [", kmin, ", ", kmax, "]");
    const std::size_t n = x.dim(0);
    Clustering out;
    out.score_name = "silhouette";
    if (n <= static_cast<std::size_t>(kmin)) {
      out.labels.resize(n);
      std::iota(out.labels.begin(), out.labels.end(), 0);
      out.n_clusters = static_cast<std::int64_t>(n);
      if (embedding_out) *embedding_out = Tensor<float>(Shape{n, 2});
      return out;
    }
    const auto scaled = minmax_rows(x);
    const auto reduced = PCA{std::min({pca_components, n, x.dim(1)})}.apply(scaled);
    TSNE t = tsne;
    t.n_components = 2;
    t.seed = seed;
    auto emb = t.fit(reduced).embedding;
    const auto tree = ward_tree(emb);
    const std::int64_t kmax_eff = std::min<std::int64_t>(kmax, static_cast<std::int64_t>(n) - 1);
    auto best = best_k_by_silhouette(emb, kmin, kmax_eff, [&](std::int64_t k) {
      return cut_tree(tree, n, static_cast<std::size_t>(k));
    });
    if (best.k == 0) {  // every cut degenerate (all embedded points equal): one cluster
      best.labels.assign(n, 0);
      best.score = 0;
    }
    out.labels = std::move(best.labels);
    out.n_clusters = canonical_labels(out.labels);
    out.score = best.score;
    if (embedding_out) *embedding_out = std::move(emb);
    return out;
  }
};

static_assert(ClusteringPolicy<PaperPreset>);

}  // namespace cluster
INX_END_NAMESPACE
