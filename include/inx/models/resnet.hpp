// resnet18 and resnet50 as torchvision 0.14 defines them (1000 ImageNet classes): the 7x7 stem, four stages of
// BasicBlocks or Bottlenecks, global average pooling and `fc`. State-dict keys and shapes are torchvision's;
// `flatten` is the functional torch.flatten of torchvision's forward made a (parameter-free) module.
#pragma once

#include <cstddef>

#include "inx/nn/activation.hpp"
#include "inx/nn/batchnorm.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/flatten.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/resnet_blocks.hpp"
#include "inx/nn/sequential.hpp"

INX_BEGIN_NAMESPACE
namespace models {

namespace detail {
// Stages layer1..layer4 between a shared stem and head.
template <class Layer1, class Layer2, class Layer3, class Layer4, std::size_t Features, std::size_t Classes>
using resnet = nn::Sequential<
    nn::Named<"conv1", nn::Conv2d<3, 64, nn::ConvSpec{.kernel = 7, .stride = 2, .padding = 3, .bias = false}>>,
    nn::Named<"bn1", nn::BatchNorm2d<64>>, nn::Named<"relu", nn::ReLU>,
    nn::Named<"maxpool", nn::MaxPool2d<nn::PoolSpec{.kernel = 3, .stride = 2, .padding = 1}>>,
    nn::Named<"layer1", Layer1>, nn::Named<"layer2", Layer2>, nn::Named<"layer3", Layer3>, nn::Named<"layer4", Layer4>,
    nn::Named<"avgpool", nn::AdaptiveAvgPool2d<1>>, nn::Named<"flatten", nn::Flatten>,
    nn::Named<"fc", nn::Linear<Features, Classes>>>;

// A stage: its first block changes stride and channels, the other Repeat - 1 keep them.
template <std::size_t In, std::size_t Out, std::size_t Stride>
using basic_stage = nn::Sequential<nn::BasicBlock<In, Out, Stride>, nn::BasicBlock<Out, Out>>;

template <std::size_t In, std::size_t Width, std::size_t Stride, class... Rest>
using bottleneck_stage = nn::Sequential<nn::Bottleneck<In, Width, 4 * Width, Stride>, Rest...>;
template <std::size_t W>
using bottleneck_same = nn::Bottleneck<4 * W, W, 4 * W>;
}  // namespace detail

template <std::size_t Classes = 1000>
using resnet18_t = detail::resnet<detail::basic_stage<64, 64, 1>, detail::basic_stage<64, 128, 2>,
                                  detail::basic_stage<128, 256, 2>, detail::basic_stage<256, 512, 2>, 512, Classes>;

template <std::size_t Classes = 1000>
using resnet50_t = detail::resnet<
    detail::bottleneck_stage<64, 64, 1, detail::bottleneck_same<64>, detail::bottleneck_same<64>>,
    detail::bottleneck_stage<256, 128, 2, detail::bottleneck_same<128>, detail::bottleneck_same<128>,
                             detail::bottleneck_same<128>>,
    detail::bottleneck_stage<512, 256, 2, detail::bottleneck_same<256>, detail::bottleneck_same<256>,
                             detail::bottleneck_same<256>, detail::bottleneck_same<256>, detail::bottleneck_same<256>>,
    detail::bottleneck_stage<1024, 512, 2, detail::bottleneck_same<512>, detail::bottleneck_same<512>>, 2048, Classes>;

// Distinct types (not aliases) keep compiler messages and symbol names short.
struct resnet18 : resnet18_t<> {};
struct resnet50 : resnet50_t<> {};

}  // namespace models
INX_END_NAMESPACE
