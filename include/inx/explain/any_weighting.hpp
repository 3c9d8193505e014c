// AnyWeighting: any weighting policy behind one type, chosen at run time (a program's --method flag), and the
// built-in methods by name.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inx/explain/weighting.hpp"

INX_BEGIN_NAMESPACE
namespace explain {

class AnyWeighting {
 public:
  static constexpr std::string_view name = "any";

  template <Weighting W>
    requires(!std::same_as<std::remove_cvref_t<W>, AnyWeighting>)
  AnyWeighting(W w)  // NOLINT(google-explicit-constructor): wrapping is the point
      : label_(W::name),
        weights_([w](TensorView<const float> a, TensorView<const float> g) { return w.channel_weights(a, g); }),
        map_([w](TensorView<const float> a, TensorView<const float> g, std::span<const double> k) {
          return classic_map(w, a, g, k);
        }) {}

  std::vector<double> channel_weights(TensorView<const float> a, TensorView<const float> g) const {
    return weights_(a, g);
  }
  // The wrapped policy's classic map (already clipped at 0; classic_map clips again, which changes nothing).
  Tensor<float> map_with(TensorView<const float> a, TensorView<const float> g, std::span<const double> k) const {
    return map_(a, g, k);
  }
  const std::string& label() const noexcept { return label_; }

 private:
  std::string label_;
  std::function<std::vector<double>(TensorView<const float>, TensorView<const float>)> weights_;
  std::function<Tensor<float>(TensorView<const float>, TensorView<const float>, std::span<const double>)> map_;
};

// The built-in methods: inv (guided), gradcam, gradcampp, xgradcam, hirescam, layercam.
inline constexpr std::string_view method_names = "inv, gradcam, gradcampp, xgradcam, hirescam, layercam";

inline AnyWeighting weighting_from_name(std::string_view name) {
  if (name == GuidedGradCam::name) return GuidedGradCam{};
  if (name == GradCam::name) return GradCam{};
  if (name == GradCamPlusPlus::name) return GradCamPlusPlus{};
  if (name == XGradCam::name) return XGradCam{};
  if (name == HiResCam::name) return HiResCam{};
  if (name == LayerCam::name) return LayerCam{};
  throw value_error(inx::detail::msg("method '", name, "': unknown; expected one of ", method_names));
}

}  // namespace explain
INX_END_NAMESPACE
