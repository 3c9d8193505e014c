// Confidence under the map as a mask. The map is min-max normalised per image ((m - min) / (max' + 1e-8), max' the
// maximum after subtracting the minimum, as torchcam normalises a CAM), upsampled to the input and multiplied into
// it; Y is the class probability on the input, O on the masked input.
// - Average Drop and Increase in Confidence (Chattopadhyay et al., Grad-CAM++, 2018; as torchcam 0.5's
//   ClassificationMetric computes them): AD = mean max(0, Y - O) / (Y + 1e-7), IC = mean [O > Y].
// - Average Gain (Zhang et al., Opti-CAM, 2023; as xplique's AverageGainMetric): AG = mean max(0, O - Y) / (1 - Y + 1e-8).
// All three in percent; lower AD, higher IC and AG are better. The three share one pass (masked_confidence).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "inx/metrics/metric.hpp"
#include "inx/metrics/probe.hpp"

INX_BEGIN_NAMESPACE
namespace metrics {

// (m - min) / (max(m - min) + 1e-8): a constant map becomes 0 everywhere, so it masks the whole input.
inline Tensor<float> minmax_mask(TensorView<const float> map) {
  auto t = Tensor<float>::uninitialized(map.shape());
  const float* m = map.data();
  const auto [lo, hi] = std::minmax_element(m, m + map.size());
  const float a = *lo, top = *hi - a;
  for (std::size_t i = 0; i < map.size(); ++i) t.data()[i] = (m[i] - a) / (top + 1e-8f);
  return t;
}

struct Confidence {
  std::vector<double> original;  // Y: the class probability on each input
  std::vector<double> masked;    // O: on the input times its normalised map
};

template <Probe P>
Confidence masked_confidence(P& probe, std::span<const Item> items, std::string_view who = "confidence") {
  Confidence out;
  if (items.empty()) return out;
  const Shape shape = items[0].x.shape();
  for (const auto& it : items) {
    detail::check_item(it, who);
    require<shape_error>(it.x.shape() == shape, who, ": every input must have the same shape; got ", shape.str(),
                         " and ", it.x.shape().str());
  }
  const std::size_t c = shape[0], h = shape[1], w = shape[2], hw = h * w;
  BatchStream<P> stream(probe, shape);
  for (const auto& it : items) {  // input j is at 2j, its masked copy at 2j + 1
    std::copy_n(it.x.data(), c * hw, stream.slot());
    stream.commit(it.cls);
    const auto mask = map_at(minmax_mask(it.map).view(), h, w);
    float* dst = stream.slot();
    for (std::size_t ch = 0; ch < c; ++ch)
      for (std::size_t i = 0; i < hw; ++i) dst[ch * hw + i] = mask.data()[i] * it.x.data()[ch * hw + i];
    stream.commit(it.cls);
  }
  const auto& p = stream.finish();
  for (std::size_t j = 0; j < items.size(); ++j) {
    out.original.push_back(p[2 * j]);
    out.masked.push_back(p[2 * j + 1]);
  }
  return out;
}

template <class Derived>
struct ConfidenceMetric {
  template <Probe P>
  std::vector<double> scores(P& probe, std::span<const Item> items) const {
    return from(masked_confidence(probe, items, Derived::name));
  }
  static std::vector<double> from(const Confidence& c) {
    std::vector<double> s(c.original.size());
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = Derived::of(c.original[i], c.masked[i]);
    return s;
  }
};

struct AverageDrop : ConfidenceMetric<AverageDrop> {
  static constexpr std::string_view name = "ad";
  static constexpr bool higher_is_better = false;
  static double of(double y, double o) { return 100.0 * std::max(0.0, y - o) / (y + 1e-7); }
};

struct IncreaseInConfidence : ConfidenceMetric<IncreaseInConfidence> {
  static constexpr std::string_view name = "ic";
  static constexpr bool higher_is_better = true;
  static double of(double y, double o) { return o > y ? 100.0 : 0.0; }
};

struct AverageGain : ConfidenceMetric<AverageGain> {
  static constexpr std::string_view name = "ag";
  static constexpr bool higher_is_better = true;
  static double of(double y, double o) { return 100.0 * std::max(0.0, o - y) / (1.0 - y + 1e-8); }
};

}  // namespace metrics
INX_END_NAMESPACE
