// What every metric is given and how it is checked. An Item is one explained input: the preprocessed image x
// (C, H, W) the network sees, a saliency map (h, w) of any size (upsampled to H x W bilinearly with half-pixel
// centres, as torch interpolate(align_corners=False)), and the explained class. A Metric is a small type with a name,
// a direction and scores(probe, items): one score per item, the perturbed inputs of all items sent through the probe
// in batches. Summary gives the mean and sample standard deviation of a set of scores.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/io/resize.hpp"
#include "inx/metrics/probe.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace metrics {

struct Item {
  TensorView<const float> x;    // (C, H, W), preprocessed
  TensorView<const float> map;  // (h, w), any size; higher = more important
  std::int64_t cls = 0;         // the explained class
};

template <class M, class P>
concept Metric = Probe<P> && requires(const M& m, P& probe, std::span<const Item> items) {
  { M::name } -> std::convertible_to<std::string_view>;
  { M::higher_is_better } -> std::convertible_to<bool>;
  { m.scores(probe, items) } -> std::same_as<std::vector<double>>;
};

struct Summary {
  double mean = 0, std = 0;  // std: sample standard deviation (0 for fewer than two scores)
  std::size_t count = 0;
};

inline Summary summarise(std::span<const double> v) {
  Summary s;
  s.count = v.size();
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= double(v.size());
  if (v.size() > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(ss / double(v.size() - 1));
  }
  return s;
}

namespace detail {
inline void check_item(const Item& it, std::string_view who) {
  require<shape_error>(it.x.rank() == 3 && it.x.size() > 0, who, ": expected an input (C, H, W), got ",
                       it.x.shape().str());
  require<shape_error>(it.map.rank() == 2 && it.map.size() > 0, who, ": expected a map (h, w), got ",
                       it.map.shape().str());
  require<value_error>(it.cls >= 0, who, ": class ", it.cls, " is negative");
  for (float v : std::span<const float>(it.map.data(), it.map.size()))
    require<value_error>(std::isfinite(v), who, ": the map holds NaN or Inf");
}
}  // namespace detail

// The map at the input's size H x W (a copy when it already is).
inline Tensor<float> map_at(TensorView<const float> map, std::size_t h, std::size_t w) {
  require<shape_error>(map.rank() == 2, "map: expected (h, w), got ", map.shape().str());
  if (map.dim(0) == h && map.dim(1) == w) {
    auto t = Tensor<float>::uninitialized({h, w});
    std::copy_n(map.data(), map.size(), t.data());
    return t;
  }
  auto up = io::resize_bilinear(map.reshape({1, map.dim(0), map.dim(1)}), h, w, /*antialias=*/false);
  up.reshape_inplace({h, w});
  return up;
}

}  // namespace metrics
INX_END_NAMESPACE
