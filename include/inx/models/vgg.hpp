// vgg16 and vgg16_bn as torchvision 0.14 defines them (1000 ImageNet classes): configuration "D" of 3x3
// convolutions (with batch norm for vgg16_bn) and max-pools under `features`, adaptive average pooling to 7x7, and
// the three fully connected layers with dropout under `classifier`. State-dict keys and shapes are torchvision's.
#pragma once

#include <cstddef>
#include <type_traits>

#include "inx/nn/activation.hpp"
#include "inx/nn/batchnorm.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/dropout.hpp"
#include "inx/nn/flatten.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/sequential.hpp"

INX_BEGIN_NAMESPACE
namespace models {

namespace detail {
template <class... Ts>
struct type_list {};

template <class A, class B>
struct concat;
template <class... A, class... B>
struct concat<type_list<A...>, type_list<B...>> {
  using type = type_list<A..., B...>;
};

// One entry of a VGG configuration: C output channels of a 3x3 convolution, or 0 for a 2x2 max-pool.
template <bool BN, std::size_t In, std::size_t C>
struct vgg_item {
  static constexpr std::size_t out = C;
  using conv = nn::Conv2d<In, C, nn::ConvSpec{.kernel = 3, .padding = 1}>;
  using type = std::conditional_t<BN, type_list<conv, nn::BatchNorm2d<C>, nn::ReLU>, type_list<conv, nn::ReLU>>;
};
template <bool BN, std::size_t In>
struct vgg_item<BN, In, 0> {
  static constexpr std::size_t out = In;
  using type = type_list<nn::MaxPool2d<>>;
};

template <bool BN, class Acc, std::size_t In, std::size_t... Cfg>
struct vgg_builder {
  using type = Acc;
};
template <bool BN, class Acc, std::size_t In, std::size_t C, std::size_t... Rest>
struct vgg_builder<BN, Acc, In, C, Rest...> {
  using item = vgg_item<BN, In, C>;
  using type = typename vgg_builder<BN, typename concat<Acc, typename item::type>::type, item::out, Rest...>::type;
};

template <class L>
struct to_sequential;
template <class... Ts>
struct to_sequential<type_list<Ts...>> {
  using type = nn::Sequential<Ts...>;
};

template <bool BN>
using vgg16_features = typename to_sequential<typename vgg_builder<BN, type_list<>, 3, 64, 64, 0, 128, 128, 0, 256,
                                                                   256, 256, 0, 512, 512, 512, 0, 512, 512, 512,
                                                                   0>::type>::type;

template <class Features, std::size_t Classes>
using vgg = nn::Sequential<
    nn::Named<"features", Features>, nn::Named<"avgpool", nn::AdaptiveAvgPool2d<7>>, nn::Named<"flatten", nn::Flatten>,
    nn::Named<"classifier",
              nn::Sequential<nn::Linear<512 * 7 * 7, 4096>, nn::ReLU, nn::Dropout<0.5f>, nn::Linear<4096, 4096>,
                             nn::ReLU, nn::Dropout<0.5f>, nn::Linear<4096, Classes>>>>;
}  // namespace detail

template <std::size_t Classes = 1000>
using vgg16_t = detail::vgg<detail::vgg16_features<false>, Classes>;
template <std::size_t Classes = 1000>
using vgg16_bn_t = detail::vgg<detail::vgg16_features<true>, Classes>;

struct vgg16 : vgg16_t<> {};
struct vgg16_bn : vgg16_bn_t<> {};

}  // namespace models
INX_END_NAMESPACE
