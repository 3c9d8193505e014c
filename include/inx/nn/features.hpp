// Compile-time bookkeeping of what flows between layers: the channel count and, where a layer fixes it (adaptive
// pooling), the number of spatial positions. Sequential uses it to reject, at compile time, a model whose layers do
// not fit together — Conv2d<3, 64> followed by Conv2d<32, ...>, or Linear<4096, ...> after a 512x7x7 flatten.
#pragma once

#include <cstddef>

#include "inx/nn/layer.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

struct Features {
  std::size_t channels = any_channels;  // along dimension 1; any_channels when unknown
  std::size_t spatial = 0;              // H * W per channel when known at compile time, else 0
};

// Layers that only change values (activations, batch norm, dropout) declare keeps_spatial = true.
template <class L>
concept KeepsSpatial = L::keeps_spatial;

// Layers that reshape what flows (flatten, adaptive pooling) define `static constexpr Features after(Features)`.
template <class L>
concept TransformsFeatures = requires(Features f) {
  { L::after(f) } -> std::same_as<Features>;
};

template <class L>
constexpr Features features_after(Features in) {
  if constexpr (TransformsFeatures<L>) {
    return L::after(in);
  } else {
    Features out{channels_after<L>(in.channels), 0};
    if constexpr (KeepsSpatial<L>) out.spatial = in.spatial;
    return out;
  }
}

// Instantiated once per layer of a Sequential; a mismatch names the layer's index and both channel counts in the
// compiler's "in instantiation of check_channels<Index, Expected, Given>" line.
template <std::size_t Index, std::size_t Expected, std::size_t Given>
struct check_channels {
  static_assert(Expected == any_channels || Given == any_channels || Expected == Given,
                "Sequential: layer Index expects Expected input channels but the layer before it gives Given");
  static constexpr bool value = true;
};

}  // namespace nn
INX_END_NAMESPACE
