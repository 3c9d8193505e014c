// Synonym groups: the distinct normalised label texts grouped by meaning. Agglomerative clustering of their
// embeddings with cosine distance and complete linkage (cluster/linkage.hpp), the number of groups chosen by the
// silhouette over k = 2..n-1 (ties to the smaller k), or the tree cut at a distance threshold. Each group is named
// by its representative: the word of its texts with the highest summed cosine similarity to the group's texts
// (words need rows in the embeddings too; tools/embed_labels.py embeds both).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "inx/cluster/linkage.hpp"
#include "inx/cluster/silhouette.hpp"
#include "inx/labels/embeddings.hpp"
#include "inx/labels/text.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

struct GroupOptions {
  double threshold = 0;  // > 0: join texts whose complete-linkage cosine distance is at most this, no silhouette
};

struct SynonymGroups {
  std::vector<std::string> texts;           // the distinct normalised texts, sorted
  std::vector<std::int64_t> group;          // group of each text, numbered by first appearance
  std::vector<std::string> representative;  // per group
  double silhouette = std::numeric_limits<double>::quiet_NaN();  // of the chosen k; NaN with a threshold or n < 3
  std::size_t count() const noexcept { return representative.size(); }
  std::int64_t group_of(const std::string& text) const {
    const auto it = std::lower_bound(texts.begin(), texts.end(), text);
    require<value_error>(it != texts.end() && *it == text, "synonym groups: unknown text \"", text, "\"");
    return group[std::size_t(it - texts.begin())];
  }
};

// The cosine-distance matrix (1 - similarity, clamped at 0) of the embedded texts, row-major n x n.
inline std::vector<double> cosine_distances(const Embeddings& e, const std::vector<std::size_t>& rows) {
  const std::size_t n = rows.size();
  std::vector<double> d(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) d[i * n + j] = d[j * n + i] = std::max(0.0, 1.0 - e.cosine(rows[i], rows[j]));
  return d;
}

// Groups `texts` (any order, repeats allowed); `where` names the label file in errors.
inline SynonymGroups group_synonyms(std::vector<std::string> texts, const Embeddings& e, const GroupOptions& o = {},
                                    const std::string& where = "labels") {
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  require<value_error>(!texts.empty(), where, ": no label texts to group");
  require<value_error>(o.threshold >= 0 && std::isfinite(o.threshold), "--threshold: expected a cosine distance >= 0");
  SynonymGroups g;
  g.texts = texts;
  const std::size_t n = texts.size();
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = e.row(texts[i], where);
  const auto dist = cosine_distances(e, rows);
  if (n == 1) {
    g.group = {0};
  } else {
    const auto tree = cluster::linkage_tree(dist, n, cluster::Linkage::complete);
    if (o.threshold > 0) {
      g.group = cluster::cut_tree_at(tree, n, o.threshold);
    } else if (n == 2) {
      g.group = {0, 1};  // no k in 2..n-1 to score: two distinct texts stay apart
    } else {
      double best = -2;
      for (std::size_t k = 2; k + 1 <= n; ++k) {
        auto labels = cluster::cut_tree(tree, n, k);
        const double s = cluster::silhouette_score_from_distances(dist, labels);
        if (s > best) {
          best = s;
          g.group = std::move(labels);
        }
      }
      g.silhouette = best;
    }
  }
  const std::size_t k = std::size_t(*std::max_element(g.group.begin(), g.group.end())) + 1;
  g.representative.resize(k);
  for (std::size_t c = 0; c < k; ++c) {
    std::vector<std::size_t> members;
    std::vector<std::string> candidates;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::size_t(g.group[i]) != c) continue;
      members.push_back(rows[i]);
      for (const auto& w : words(texts[i]))
        if (std::find(candidates.begin(), candidates.end(), w) == candidates.end()) candidates.push_back(w);
    }
    double best = -std::numeric_limits<double>::infinity();
    for (const auto& w : candidates) {
      const std::size_t r = e.row(w, where + " (a word of a label text)");
      double s = 0;
      for (auto m : members) s += e.cosine(r, m);
      if (s > best) {
        best = s;
        g.representative[c] = w;
      }
    }
  }
  return g;
}

}  // namespace labels
INX_END_NAMESPACE
