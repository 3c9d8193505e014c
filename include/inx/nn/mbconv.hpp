// MBConv<In, Out, Kernel, Stride, Expand>: EfficientNet-Lite's mobile inverted bottleneck as the PyPI package
// efficientnet-lite-pytorch names it: a 1x1 expansion (`_expand_conv`, `_bn0`) unless the ratio is 1, a depthwise
// Kernel x Kernel convolution (`_depthwise_conv`, `_bn1`), ReLU6 after both, and a linear 1x1 projection
// (`_project_conv`, `_bn2`). Every convolution pads like TensorFlow's SAME and has no bias; batch norms use eps 1e-3
// (TensorFlow's). The input is added back when the stride is 1 and the channel count does not change. Lite has no
// squeeze-excitation, and drop-connect is a training-time detail left out (evaluation is the identity).
// The ReLU6s are unnamed, so they tap by index within the block ("_blocks.3.2", "_blocks.3.5").
#pragma once

#include <cstddef>
#include <type_traits>

#include "inx/nn/activation.hpp"
#include "inx/nn/batchnorm.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/residual.hpp"
#include "inx/nn/sequential.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

inline constexpr float tf_batch_norm_eps = 1e-3f;

template <std::size_t C>
using TfBatchNorm2d = BatchNorm2d<C, tf_batch_norm_eps>;

template <std::size_t In, std::size_t Out, std::size_t Kernel = 1, std::size_t Stride = 1, std::size_t Groups = 1>
using SameConv2d =
    Conv2d<In, Out, ConvSpec{.kernel = Kernel, .stride = Stride, .groups = Groups, .bias = false, .same = true}>;

namespace detail {
template <std::size_t In, std::size_t Out, std::size_t Kernel, std::size_t Stride, std::size_t Hidden>
using mbconv_tail = Sequential<Named<"_depthwise_conv", SameConv2d<Hidden, Hidden, Kernel, Stride, Hidden>>,
                               Named<"_bn1", TfBatchNorm2d<Hidden>>, ReLU6,
                               Named<"_project_conv", SameConv2d<Hidden, Out>>, Named<"_bn2", TfBatchNorm2d<Out>>>;
template <std::size_t In, std::size_t Out, std::size_t Kernel, std::size_t Stride, std::size_t Hidden>
using mbconv_full = Sequential<Named<"_expand_conv", SameConv2d<In, Hidden>>, Named<"_bn0", TfBatchNorm2d<Hidden>>,
                               ReLU6, Named<"_depthwise_conv", SameConv2d<Hidden, Hidden, Kernel, Stride, Hidden>>,
                               Named<"_bn1", TfBatchNorm2d<Hidden>>, ReLU6,
                               Named<"_project_conv", SameConv2d<Hidden, Out>>, Named<"_bn2", TfBatchNorm2d<Out>>>;
template <std::size_t In, std::size_t Out, std::size_t Kernel, std::size_t Stride, std::size_t Expand>
using mbconv_branch = std::conditional_t<Expand == 1, mbconv_tail<In, Out, Kernel, Stride, In>,
                                         mbconv_full<In, Out, Kernel, Stride, In * Expand>>;
}  // namespace detail

template <std::size_t In, std::size_t Out, std::size_t Kernel, std::size_t Stride, std::size_t Expand>
struct MBConv : std::conditional_t<Stride == 1 && In == Out,
                                   Residual<detail::mbconv_branch<In, Out, Kernel, Stride, Expand>>,
                                   detail::mbconv_branch<In, Out, Kernel, Stride, Expand>> {
  static_assert(Stride == 1 || Stride == 2, "MBConv: stride must be 1 or 2");
  static_assert(Kernel % 2 == 1, "MBConv: the depthwise kernel must be odd");
  static_assert(Expand >= 1, "MBConv: the expansion ratio must be at least 1");
};

}  // namespace nn
INX_END_NAMESPACE
