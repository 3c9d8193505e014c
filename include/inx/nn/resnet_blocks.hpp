// ResNet's BasicBlock and Bottleneck exactly as torchvision defines them (v1.5: the stride sits on the 3x3
// convolution), with torchvision's module names: conv1, bn1, relu, conv2, bn2[, conv3, bn3], downsample.0/.1.
// The downsample projection is there exactly when the block changes the stride or the channel count.
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

namespace detail {
template <std::size_t K, std::size_t Stride>
inline constexpr ConvSpec resnet_conv{.kernel = K, .stride = Stride, .padding = K / 2, .bias = false};

// The shortcut of a block from In to Out channels at `Stride`: identity, or a 1x1 convolution and batch norm.
template <std::size_t In, std::size_t Out, std::size_t Stride>
using resnet_shortcut =
    std::conditional_t<Stride == 1 && In == Out, Identity,
                       Sequential<Named<"downsample", Sequential<Conv2d<In, Out, resnet_conv<1, Stride>>,
                                                                 BatchNorm2d<Out>>>>>;
}  // namespace detail

template <std::size_t In, std::size_t Out, std::size_t Stride = 1>
struct BasicBlock
    : Residual<Sequential<Named<"conv1", Conv2d<In, Out, detail::resnet_conv<3, Stride>>>,
                          Named<"bn1", BatchNorm2d<Out>>, Named<"relu", ReLU>,
                          Named<"conv2", Conv2d<Out, Out, detail::resnet_conv<3, 1>>>, Named<"bn2", BatchNorm2d<Out>>>,
               detail::resnet_shortcut<In, Out, Stride>, Sequential<Named<"relu", ReLU>>> {
  static_assert(Stride == 1 || Stride == 2, "BasicBlock: stride must be 1 or 2");
};

// Width is the 3x3 convolution's channel count (torchvision's `planes`); Out = 4 * planes in the standard ResNets.
template <std::size_t In, std::size_t Width, std::size_t Out, std::size_t Stride = 1>
struct Bottleneck
    : Residual<Sequential<Named<"conv1", Conv2d<In, Width, detail::resnet_conv<1, 1>>>,
                          Named<"bn1", BatchNorm2d<Width>>, Named<"relu", ReLU>,
                          Named<"conv2", Conv2d<Width, Width, detail::resnet_conv<3, Stride>>>,
                          Named<"bn2", BatchNorm2d<Width>>, Named<"relu", ReLU>,
                          Named<"conv3", Conv2d<Width, Out, detail::resnet_conv<1, 1>>>,
                          Named<"bn3", BatchNorm2d<Out>>>,
               detail::resnet_shortcut<In, Out, Stride>, Sequential<Named<"relu", ReLU>>> {
  static_assert(Stride == 1 || Stride == 2, "Bottleneck: stride must be 1 or 2");
};

}  // namespace nn
INX_END_NAMESPACE
