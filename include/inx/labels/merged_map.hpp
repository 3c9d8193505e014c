// The map of a merged group: the w_C-weighted mean of its clusters' maps (the .npy files `inx explain --npy`
// writes), min-max scaled like every cluster map. Without .npy maps there is no merged map (an empty tensor): the
// caller shows the heaviest cluster's picture instead.
#pragma once

#include <algorithm>
#include <string>

#include "inx/explain/inv.hpp"
#include "inx/io/npy.hpp"
#include "inx/labels/aggregate.hpp"
#include "inx/labels/reports.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

inline Tensor<float> merged_map(const MergedGroup& m, const ReportSet& reports) {
  const ReportLayer* layer = reports.image(m.image)->layer(m.layer);
  Tensor<float> acc;
  for (auto c : m.clusters) {
    const auto& rc = layer->clusters[c];
    if (rc.npy.empty()) return {};
    const auto map = io::load_npy<float>(rc.npy);
    require<value_error>(map.rank() == 2 && (acc.empty() || map.shape() == acc.shape()), "map ", rc.npy,
                         ": expected an (H, W) map like the other clusters of ", m.image, " ", m.layer, ", found ",
                         map.shape().str());
    if (acc.empty()) acc = Tensor<float>::zeros(map.shape());
    for (std::size_t i = 0; i < map.size(); ++i) acc.data()[i] += float(rc.weight) * map.data()[i];
  }
  // Scaled like every cluster map; scaling also makes the mean's divisor (the summed weights) irrelevant.
  explain::minmax_scale(acc.span());
  return acc;
}

// The picture behind a merged group when there is no merged map: its heaviest cluster's overlay (empty if none).
inline std::filesystem::path heaviest_png(const MergedGroup& m, const ReportSet& reports) {
  const ReportLayer* layer = reports.image(m.image)->layer(m.layer);
  std::size_t best = m.clusters.front();
  for (auto c : m.clusters)
    if (layer->clusters[c].weight > layer->clusters[best].weight) best = c;
  return layer->clusters[best].png;
}

}  // namespace labels
INX_END_NAMESPACE
