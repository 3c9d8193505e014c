// Weighting policies: the Grad-CAM family. Each turns one image's activation A (K, H, W) of a layer and the gradient
// G = d logit_c / d A into a weight per channel, and the classic map from them. Definitions follow
// pytorch-grad-cam 1.5 (the implementation users already trust), plus INV's guided weight; a user adds a method as
// one more small type that satisfies `Weighting`.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace explain {

// A weighting policy: channel_weights(A, G) gives one weight per channel. A policy whose classic map is not the
// weighted sum of the activations (HiRes-CAM, LayerCAM: per-pixel weights) also defines map(A, G).
template <class W>
concept Weighting = requires(const W& w, TensorView<const float> a, TensorView<const float> g) {
  { W::name } -> std::convertible_to<std::string_view>;
  { w.channel_weights(a, g) } -> std::same_as<std::vector<double>>;
};

namespace detail {
inline void check_pair(TensorView<const float> a, TensorView<const float> g, std::string_view who) {
  require<shape_error>(a.rank() == 3, who, ": expected an activation (K, H, W), got shape ", a.shape().str());
  require<shape_error>(a.shape() == g.shape(), who, ": activation ", a.shape().str(), " and gradient ",
                       g.shape().str(), " differ in shape");
}

// Calls f(k, a_k, g_k, pixels) for each channel, a_k and g_k pointing at its H*W values.
template <class F>
void per_channel(TensorView<const float> a, TensorView<const float> g, F&& f) {
  const std::size_t k = a.dim(0), hw = a.dim(1) * a.dim(2);
  for (std::size_t c = 0; c < k; ++c) f(c, a.data() + c * hw, g.data() + c * hw, hw);
}

// sum_k f(k, i) * A_k(i) per pixel i, as an (H, W) map.
template <class F>
Tensor<float> pixel_sum(TensorView<const float> a, F&& weight) {
  const std::size_t k = a.dim(0), h = a.dim(1), w = a.dim(2), hw = h * w;
  std::vector<double> acc(hw, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    const float* ac = a.data() + c * hw;
    for (std::size_t i = 0; i < hw; ++i) acc[i] += weight(c, i) * double(ac[i]);
  }
  auto out = Tensor<float>::uninitialized({h, w});
  for (std::size_t i = 0; i < hw; ++i) out.data()[i] = static_cast<float>(acc[i]);
  return out;
}
}  // namespace detail

// Grad-CAM (Selvaraju et al.): the spatial mean of the gradient.
struct GradCam {
  static constexpr std::string_view name = "gradcam";
  std::vector<double> channel_weights(TensorView<const float> a, TensorView<const float> g) const {
    detail::check_pair(a, g, name);
    std::vector<double> w(a.dim(0));
    detail::per_channel(a, g, [&](std::size_t c, const float*, const float* gc, std::size_t n) {
      double s = 0;
      for (std::size_t i = 0; i < n; ++i) s += gc[i];
      w[c] = s / double(n);
    });
    return w;
  }
};

// Grad-CAM++ (Chattopadhay et al.), in pytorch-grad-cam's closed form: a = G^2 / (2 G^2 + sum(A) G^3 + 1e-6) where
// G != 0 (else 0), weight = sum over pixels of max(G, 0) * a.
struct GradCamPlusPlus {
  static constexpr std::string_view name = "gradcampp";
  double eps = 1e-6;
  std::vector<double> channel_weights(TensorView<const float> a, TensorView<const float> g) const {
    detail::check_pair(a, g, name);
    std::vector<double> w(a.dim(0));
    detail::per_channel(a, g, [&](std::size_t c, const float* ac, const float* gc, std::size_t n) {
      double sum_a = 0, s = 0;
      for (std::size_t i = 0; i < n; ++i) sum_a += ac[i];
      for (std::size_t i = 0; i < n; ++i) {
        const double g1 = gc[i];
        if (g1 == 0) continue;
        const double g2 = g1 * g1, g3 = g2 * g1;
        s += std::max(g1, 0.0) * g2 / (2 * g2 + sum_a * g3 + eps);
      }
      w[c] = s;
    });
    return w;
  }
};

// XGrad-CAM (Fu et al.): sum over pixels of G * A / (sum(A) + 1e-7).
struct XGradCam {
  static constexpr std::string_view name = "xgradcam";
  double eps = 1e-7;
  std::vector<double> channel_weights(TensorView<const float> a, TensorView<const float> g) const {
    detail::check_pair(a, g, name);
    std::vector<double> w(a.dim(0));
    detail::per_channel(a, g, [&](std::size_t c, const float* ac, const float* gc, std::size_t n) {
      double sum_a = 0, s = 0;
      for (std::size_t i = 0; i < n; ++i) sum_a += ac[i];
      for (std::size_t i = 0; i < n; ++i) s += double(gc[i]) * double(ac[i]);
      w[c] = s / (sum_a + eps);
    });
    return w;
  }
};

// HiRes-CAM (Draelos & Carin): the map is sum_k G_k * A_k pixel by pixel. Its channel weight, for reports and for
// INV, is the spatial mean of G (what the map's per-pixel weight averages to).
struct HiResCam {
  static constexpr std::string_view name = "hirescam";
  std::vector<double> channel_weights(TensorView<const float> a, TensorView<const float> g) const {
    return GradCam{}.channel_weights(a, g);
  }
  Tensor<float> map(TensorView<const float> a, TensorView<const float> g) const {
    detail::check_pair(a, g, name);
    const std::size_t hw = a.dim(1) * a.dim(2);
    return detail::pixel_sum(a, [&](std::size_t c, std::size_t i) { return double(g.data()[c * hw + i]); });
  }
};

// LayerCAM (Jiang et al.): the map is sum_k max(G_k, 0) * A_k pixel by pixel; channel weight the spatial mean of
// max(G, 0).
struct LayerCam {
  static constexpr std::string_view name = "layercam";
  std::vector<double> channel_weights(TensorView<const float> a, TensorView<const float> g) const {
    detail::check_pair(a, g, name);
    std::vector<double> w(a.dim(0));
    detail::per_channel(a, g, [&](std::size_t c, const float*, const float* gc, std::size_t n) {
      double s = 0;
      for (std::size_t i = 0; i < n; ++i) s += std::max(double(gc[i]), 0.0);
      w[c] = s / double(n);
    });
    return w;
  }
  Tensor<float> map(TensorView<const float> a, TensorView<const float> g) const {
    detail::check_pair(a, g, name);
    const std::size_t hw = a.dim(1) * a.dim(2);
    return detail::pixel_sum(a, [&](std::size_t c, std::size_t i) {
      return std::max(double(g.data()[c * hw + i]), 0.0);
    });
  }
};

// INV's guided weight (Bianchi et al., the authors' code): the gradient where both the activation and the gradient
// are positive, averaged over all pixels of the map — evidence for the class that the map actually carries.
struct GuidedGradCam {
  static constexpr std::string_view name = "inv";
  std::vector<double> channel_weights(TensorView<const float> a, TensorView<const float> g) const {
    detail::check_pair(a, g, name);
    std::vector<double> w(a.dim(0));
    detail::per_channel(a, g, [&](std::size_t c, const float* ac, const float* gc, std::size_t n) {
      double s = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (ac[i] > 0 && gc[i] > 0) s += gc[i];
      w[c] = s / double(n);
    });
    return w;
  }
};

// The classic map of a weighting: its own map(A, G) where it has one, else sum_k w_k A_k; then clipped at 0, as
// pytorch-grad-cam does before scaling. (H, W), at layer resolution.
template <Weighting W>
Tensor<float> classic_map(const W& method, TensorView<const float> a, TensorView<const float> g,
                          std::span<const double> weights) {
  detail::check_pair(a, g, W::name);
  require<shape_error>(weights.size() == a.dim(0), W::name, ": expected ", a.dim(0), " channel weights, got ",
                       weights.size());
  Tensor<float> m;
  if constexpr (requires { { method.map_with(a, g, weights) } -> std::same_as<Tensor<float>>; }) {
    m = method.map_with(a, g, weights);  // a type-erased policy (AnyWeighting) forwards to the one it wraps
  } else if constexpr (requires { { method.map(a, g) } -> std::same_as<Tensor<float>>; }) {
    m = method.map(a, g);
  } else {
    m = detail::pixel_sum(a, [&](std::size_t c, std::size_t) { return weights[c]; });
  }
  for (float& v : m.span()) v = v > 0 ? v : 0.0f;
  return m;
}

static_assert(Weighting<GradCam> && Weighting<GradCamPlusPlus> && Weighting<XGradCam> && Weighting<HiResCam> &&
              Weighting<LayerCam> && Weighting<GuidedGradCam>);

}  // namespace explain
INX_END_NAMESPACE
