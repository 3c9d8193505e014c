// fmnist: inx's default Fashion-MNIST classifier (1x28x28 in, 10 classes out). Five 3x3 conv/BN/ReLU blocks with
// two max-pools, global average pooling and one linear layer, so Grad-CAM has a clean last conv layer
// (features.14, 128 maps of 7x7). Same module names as fmnist() in tools/inx_models.py.
#pragma once

#include <array>
#include <string_view>

#include "inx/nn/activation.hpp"
#include "inx/nn/batchnorm.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/flatten.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/sequential.hpp"

INX_BEGIN_NAMESPACE
namespace models {

namespace detail {
inline constexpr nn::ConvSpec conv3_same_nobias{.kernel = 3, .padding = 1, .bias = false};
}

using fmnist = nn::Sequential<
    nn::Named<"features",
              nn::Sequential<nn::Conv2d<1, 32, detail::conv3_same_nobias>, nn::BatchNorm2d<32>, nn::ReLU,    // 0-2
                             nn::Conv2d<32, 32, detail::conv3_same_nobias>, nn::BatchNorm2d<32>, nn::ReLU,   // 3-5
                             nn::MaxPool2d<>,                                                                // 6
                             nn::Conv2d<32, 64, detail::conv3_same_nobias>, nn::BatchNorm2d<64>, nn::ReLU,   // 7-9
                             nn::Conv2d<64, 64, detail::conv3_same_nobias>, nn::BatchNorm2d<64>, nn::ReLU,   // 10-12
                             nn::MaxPool2d<>,                                                                // 13
                             nn::Conv2d<64, 128, detail::conv3_same_nobias>, nn::BatchNorm2d<128>, nn::ReLU  // 14-16
                             >>,
    nn::Named<"pool", nn::AdaptiveAvgPool2d<1>>, nn::Named<"flatten", nn::Flatten>,
    nn::Named<"classifier", nn::Linear<128, 10>>>;

inline constexpr std::array<std::string_view, 10> fmnist_classes{
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

}  // namespace models
INX_END_NAMESPACE
