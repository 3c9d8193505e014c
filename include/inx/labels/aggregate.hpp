// From label records to explanations: per-cluster scores, the merging of clusters that share a best label, and the
// global explanation of each class and layer. Definitions (docs/labels.md):
//   score(C, s) = f * (1 - 0.1 * mean level) * g, where f is the number of records of cluster C whose text is in
//                 synonym group s, the mean is over those records' reveal levels, and g = 1 if any record of C guessed
//                 the image's class, else 1/4;
//   best(C)     = the labels with the highest score(C, s) (ties kept); a label is a group's representative word;
//   merging     : within one image and layer, clusters whose best labels intersect are joined (union-find); a merged
//                 group M has weight w_M = sum of w_C, best(M) = the union of its clusters' best labels, and
//                 score(M, s) = sum over C in M of score(C, s); its map is the w_C-weighted mean of the cluster maps;
//   T(s)        = for a class and layer, the sum over merged groups M of that class's images with s in best(M) of
//                 score(M, s);
//   trend(s)    = the least-squares slope of T(s) / (images of the class) against the layer's depth index 0, 1, ...
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "inx/cluster/union_find.hpp"
#include "inx/labels/groups.hpp"
#include "inx/labels/records.hpp"
#include "inx/labels/reports.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

struct ClusterScore {
  std::string image, layer;
  std::size_t cluster = 0;
  std::size_t records = 0;
  bool guessed = false;                  // some record guessed the image's class
  std::map<std::string, double> score;   // label -> score(C, s)
  std::set<std::string> best;
};

struct MergedGroup {
  std::string image, layer;
  std::vector<std::size_t> clusters;     // ranks, ascending
  double weight = 0;                     // sum of the clusters' w_C (percent of the layer)
  std::set<std::string> best;
  std::map<std::string, double> score;   // label -> score(M, s)
};

// score(C, s) for every cluster that has records.
inline std::vector<ClusterScore> score_clusters(const std::vector<LabelRecord>& records, const SynonymGroups& groups) {
  struct Acc {
    std::size_t n = 0;
    bool guessed = false;
    std::map<std::string, std::pair<double, double>> by_label;  // label -> (f, sum of levels)
  };
  std::map<std::tuple<std::string, std::string, std::size_t>, Acc> acc;
  for (const auto& r : records) {
    auto& a = acc[{r.image, r.layer, r.cluster}];
    ++a.n;
    a.guessed = a.guessed || r.guess == r.truth;
    auto& [f, levels] = a.by_label[groups.representative[std::size_t(groups.group_of(r.normalised))]];
    f += 1;
    levels += r.level;
  }
  std::vector<ClusterScore> out;
  for (const auto& [key, a] : acc) {
    ClusterScore c;
    std::tie(c.image, c.layer, c.cluster) = key;
    c.records = a.n;
    c.guessed = a.guessed;
    double top = -1;
    for (const auto& [label, fl] : a.by_label) {
      const double s = fl.first * (1.0 - 0.1 * fl.second / fl.first) * (a.guessed ? 1.0 : 0.25);
      c.score[label] = s;
      top = std::max(top, s);
    }
    for (const auto& [label, s] : c.score)
      if (s == top) c.best.insert(label);
    out.push_back(std::move(c));
  }
  return out;
}

// Joins, within each image and layer, the clusters whose best labels intersect.
inline std::vector<MergedGroup> merge_clusters(const std::vector<ClusterScore>& scores, const ReportSet& reports) {
  std::map<std::pair<std::string, std::string>, std::vector<const ClusterScore*>> by_layer;
  for (const auto& c : scores) by_layer[{c.image, c.layer}].push_back(&c);
  std::vector<MergedGroup> out;
  for (const auto& [key, cs] : by_layer) {
    const ReportLayer* layer = reports.image(key.first)->layer(key.second);
    cluster::UnionFind uf(cs.size());
    for (std::size_t i = 0; i < cs.size(); ++i)
      for (std::size_t j = i + 1; j < cs.size(); ++j)
        if (std::any_of(cs[i]->best.begin(), cs[i]->best.end(), [&](const auto& s) { return cs[j]->best.contains(s); }))
          uf.unite(i, j);
    std::map<std::size_t, MergedGroup> groups;
    for (std::size_t i = 0; i < cs.size(); ++i) {
      auto& m = groups[uf.find(i)];
      m.image = key.first;
      m.layer = key.second;
      m.clusters.push_back(cs[i]->cluster);
      m.weight += layer->clusters[cs[i]->cluster].weight;
      m.best.insert(cs[i]->best.begin(), cs[i]->best.end());
      for (const auto& [label, s] : cs[i]->score) m.score[label] += s;
    }
    for (auto& [root, m] : groups) {
      std::sort(m.clusters.begin(), m.clusters.end());
      out.push_back(std::move(m));
    }
  }
  return out;
}

struct LabelEvidence {
  std::string label;
  double total = 0;                      // T(s)
  std::vector<const MergedGroup*> examples;  // the merged groups behind it, highest score(M, s) first
};

struct LayerExplanation {
  std::string layer;
  std::vector<LabelEvidence> labels;     // by T(s), highest first (ties by label)
};

struct ClassExplanation {
  std::int64_t class_index = 0;
  std::string class_name;
  std::size_t images = 0;                // images of this class in the reports
  std::size_t labelled_images = 0;       // of them, images with at least one record
  std::vector<LayerExplanation> layers;  // in depth order
  std::map<std::string, std::vector<double>> mean_by_layer;  // label -> T(s) / images, per layer
  std::map<std::string, double> trend;   // label -> least-squares slope over the depth index
};

// Least-squares slope of y against 0, 1, ..., n-1 (0 for fewer than two points).
inline double slope(const std::vector<double>& y) {
  const std::size_t n = y.size();
  if (n < 2) return 0;
  const double xm = double(n - 1) / 2.0;
  double ym = 0;
  for (double v : y) ym += v;
  ym /= double(n);
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (double(i) - xm) * (y[i] - ym);
    sxx += (double(i) - xm) * (double(i) - xm);
  }
  return sxy / sxx;
}

// The global explanation of every class that has images in the reports (classes without records included, with no
// labels: the page says so).
inline std::vector<ClassExplanation> global_explanations(const std::vector<MergedGroup>& merged,
                                                         const ReportSet& reports) {
  std::map<std::int64_t, ClassExplanation> classes;
  std::set<std::string> labelled;
  for (const auto& m : merged) labelled.insert(m.image);
  for (const auto& im : reports.images) {
    auto& c = classes[im.class_index];
    c.class_index = im.class_index;
    c.class_name = im.class_name;
    ++c.images;
    c.labelled_images += labelled.contains(im.image);
  }
  std::vector<ClassExplanation> out;
  for (auto& [index, c] : classes) {
    for (const auto& layer : reports.layer_order) {
      LayerExplanation le;
      le.layer = layer;
      std::map<std::string, LabelEvidence> ev;
      for (const auto& m : merged) {
        if (m.layer != layer || reports.image(m.image)->class_index != index) continue;
        for (const auto& s : m.best) {
          auto& e = ev[s];
          e.label = s;
          e.total += m.score.at(s);
          e.examples.push_back(&m);
        }
      }
      for (auto& [label, e] : ev) {
        std::stable_sort(e.examples.begin(), e.examples.end(), [&](const MergedGroup* a, const MergedGroup* b) {
          return a->score.at(label) > b->score.at(label);
        });
        le.labels.push_back(std::move(e));
      }
      std::stable_sort(le.labels.begin(), le.labels.end(),
                       [](const LabelEvidence& a, const LabelEvidence& b) { return a.total > b.total; });
      c.layers.push_back(std::move(le));
    }
    std::set<std::string> all;
    for (const auto& le : c.layers)
      for (const auto& e : le.labels) all.insert(e.label);
    for (const auto& s : all) {
      std::vector<double> y;
      for (const auto& le : c.layers) {
        double t = 0;
        for (const auto& e : le.labels)
          if (e.label == s) t = e.total;
        y.push_back(t / double(c.images));
      }
      c.trend[s] = slope(y);
      c.mean_by_layer[s] = std::move(y);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace labels
INX_END_NAMESPACE
