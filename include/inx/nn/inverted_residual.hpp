// MobileNetV2's building blocks as torchvision 0.14 defines them: ConvBNActivation (torchvision's
// Conv2dNormActivation: conv without bias, batch norm, ReLU6, named 0/1/2) and InvertedResidual (a 1x1 expansion
// unless the ratio is 1, a 3x3 depthwise convolution, a linear 1x1 projection, all under `conv`; the input is added
// back only when the stride is 1 and the channel count does not change).
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

template <std::size_t In, std::size_t Out, std::size_t Kernel = 3, std::size_t Stride = 1, std::size_t Groups = 1,
          LayerType Act = ReLU6>
using ConvBNActivation =
    Sequential<Conv2d<In, Out, ConvSpec{.kernel = Kernel, .stride = Stride, .padding = (Kernel - 1) / 2,
                                        .groups = Groups, .bias = false}>,
               BatchNorm2d<Out>, Act>;

namespace detail {
template <std::size_t In, std::size_t Out, std::size_t Stride, std::size_t Hidden>
using inverted_tail = Sequential<ConvBNActivation<Hidden, Hidden, 3, Stride, Hidden>,  // depthwise
                                 Conv2d<Hidden, Out, ConvSpec{.kernel = 1, .bias = false}>, BatchNorm2d<Out>>;
template <std::size_t In, std::size_t Out, std::size_t Stride, std::size_t Hidden>
using inverted_full = Sequential<ConvBNActivation<In, Hidden, 1>,  // pointwise expansion
                                 ConvBNActivation<Hidden, Hidden, 3, Stride, Hidden>,
                                 Conv2d<Hidden, Out, ConvSpec{.kernel = 1, .bias = false}>, BatchNorm2d<Out>>;

template <std::size_t In, std::size_t Out, std::size_t Stride, std::size_t Expand>
using inverted_conv = Sequential<Named<"conv", std::conditional_t<Expand == 1, inverted_tail<In, Out, Stride, In>,
                                                                  inverted_full<In, Out, Stride, In * Expand>>>>;
}  // namespace detail

template <std::size_t In, std::size_t Out, std::size_t Stride, std::size_t Expand>
struct InvertedResidual
    : std::conditional_t<Stride == 1 && In == Out, Residual<detail::inverted_conv<In, Out, Stride, Expand>>,
                         detail::inverted_conv<In, Out, Stride, Expand>> {
  static_assert(Stride == 1 || Stride == 2, "InvertedResidual: stride must be 1 or 2");
  static_assert(Expand >= 1, "InvertedResidual: the expansion ratio must be at least 1");
};

}  // namespace nn
INX_END_NAMESPACE
