// mobilenet_v2 as torchvision 0.14 defines it (width 1.0, 1000 ImageNet classes): a 3x3 stem, seventeen inverted
// residual blocks, a 1x1 convolution to 1280 channels under `features`, global average pooling and
// `classifier` (dropout 0.2, linear). `pool` and `flatten` are torchvision's functional calls made parameter-free
// modules; state-dict keys and shapes are torchvision's.
#pragma once

#include <cstddef>

#include "inx/nn/dropout.hpp"
#include "inx/nn/flatten.hpp"
#include "inx/nn/inverted_residual.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/sequential.hpp"

INX_BEGIN_NAMESPACE
namespace models {

template <std::size_t Classes = 1000>
using mobilenet_v2_t = nn::Sequential<
    nn::Named<"features",
              nn::Sequential<nn::ConvBNActivation<3, 32, 3, 2>,                                          // 0
                             nn::InvertedResidual<32, 16, 1, 1>,                                         // 1
                             nn::InvertedResidual<16, 24, 2, 6>, nn::InvertedResidual<24, 24, 1, 6>,     // 2-3
                             nn::InvertedResidual<24, 32, 2, 6>, nn::InvertedResidual<32, 32, 1, 6>,     // 4-5
                             nn::InvertedResidual<32, 32, 1, 6>,                                         // 6
                             nn::InvertedResidual<32, 64, 2, 6>, nn::InvertedResidual<64, 64, 1, 6>,     // 7-8
                             nn::InvertedResidual<64, 64, 1, 6>, nn::InvertedResidual<64, 64, 1, 6>,     // 9-10
                             nn::InvertedResidual<64, 96, 1, 6>, nn::InvertedResidual<96, 96, 1, 6>,     // 11-12
                             nn::InvertedResidual<96, 96, 1, 6>,                                         // 13
                             nn::InvertedResidual<96, 160, 2, 6>, nn::InvertedResidual<160, 160, 1, 6>,  // 14-15
                             nn::InvertedResidual<160, 160, 1, 6>,                                       // 16
                             nn::InvertedResidual<160, 320, 1, 6>,                                       // 17
                             nn::ConvBNActivation<320, 1280, 1>>>,                                       // 18
    nn::Named<"pool", nn::AdaptiveAvgPool2d<1>>, nn::Named<"flatten", nn::Flatten>,
    nn::Named<"classifier", nn::Sequential<nn::Dropout<0.2f>, nn::Linear<1280, Classes>>>>;

struct mobilenet_v2 : mobilenet_v2_t<> {};

}  // namespace models
INX_END_NAMESPACE
