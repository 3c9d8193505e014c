// EfficientNet-Lite as the PyPI package efficientnet-lite-pytorch 0.1.0 builds it (EfficientNet.from_name(
// 'efficientnet-lite0'), converted from TensorFlow's efficientnet/lite): a 3x3 stride-2 stem of 32 channels, MBConv
// blocks in seven stages under `_blocks`, a 1x1 head to 1280 channels, global average pooling, dropout and `_fc`.
// ReLU6 throughout, no squeeze-excitation, TensorFlow's SAME padding and batch-norm eps 1e-3. State-dict keys and
// shapes are the checkpoint's (`_conv_stem.weight`, `_blocks.3._depthwise_conv.weight`, `_fc.bias`, ...).
//
// efficientnet_lite_t<Width, Depth, Dropout> scales the stages as the package does: channels by Width rounded to a
// multiple of 8 (never more than 10% down), repeats by ceil(Depth * r); the stem, the head, and the first and last
// stages' repeats stay fixed. Lite0-2 are aliases of it.
//
// Tap names: blocks are `_blocks.N`; the head's ReLU6 is `_swish` (in PyTorch one module shared by every activation,
// whose last call is this one); the stem's ReLU6 is unnamed (index 2). `pool` and `flatten` stand for the package's
// functional calls. The package pads with sizes fixed for its 224x224 input; here the padding is computed per input,
// which is the same for every input whose stride-2 layers all see even sizes (any multiple of 32, e.g. 224).
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "inx/nn/activation.hpp"
#include "inx/nn/dropout.hpp"
#include "inx/nn/flatten.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/mbconv.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/sequential.hpp"

INX_BEGIN_NAMESPACE
namespace models {
namespace efficientnet_detail {

struct StageArgs {
  std::size_t repeats, kernel, stride, expand, in, out;
};
struct BlockArgs {
  std::size_t in, out, kernel, stride, expand;
};

// TensorFlow's efficientnet_lite_builder block strings r1_k3_s11_e1_i32_o16 ... r1_k3_s11_e6_i192_o320.
inline constexpr std::array<StageArgs, 7> lite_stages{{{1, 3, 1, 1, 32, 16},
                                                       {2, 3, 2, 6, 16, 24},
                                                       {2, 5, 2, 6, 24, 40},
                                                       {3, 3, 2, 6, 40, 80},
                                                       {3, 5, 1, 6, 80, 112},
                                                       {4, 5, 2, 6, 112, 192},
                                                       {1, 3, 1, 6, 192, 320}}};
inline constexpr std::size_t stem_channels = 32, head_channels = 1280;

// The package's round_filters (divisor 8, min_depth 8) and round_repeats (ceil), in the same double arithmetic.
constexpr std::size_t round_filters(std::size_t filters, double width) {
  const double x = double(filters) * width;
  std::size_t r = std::size_t(x + 4.0) / 8 * 8;
  if (r < 8) r = 8;
  if (double(r) < 0.9 * x) r += 8;
  return r;
}
constexpr std::size_t round_repeats(std::size_t repeats, double depth) {
  const double x = double(repeats) * depth;
  const auto t = std::size_t(x);
  return double(t) < x ? t + 1 : t;
}
constexpr std::size_t stage_repeats(std::size_t i, double depth) {
  const bool fixed = i == 0 || i + 1 == lite_stages.size();
  return fixed ? lite_stages[i].repeats : round_repeats(lite_stages[i].repeats, depth);
}
constexpr std::size_t block_count(double depth) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < lite_stages.size(); ++i) n += stage_repeats(i, depth);
  return n;
}

template <double Width, double Depth>
constexpr std::array<BlockArgs, block_count(Depth)> make_blocks() {
  std::array<BlockArgs, block_count(Depth)> blocks{};
  std::size_t b = 0;
  for (std::size_t i = 0; i < lite_stages.size(); ++i) {
    const auto& s = lite_stages[i];
    const std::size_t in = i == 0 ? stem_channels : round_filters(s.in, Width), out = round_filters(s.out, Width);
    blocks[b++] = {in, out, s.kernel, s.stride, s.expand};
    for (std::size_t r = 1; r < stage_repeats(i, Depth); ++r) blocks[b++] = {out, out, s.kernel, 1, s.expand};
  }
  return blocks;
}

template <double Width, double Depth>
inline constexpr std::array<BlockArgs, block_count(Depth)> blocks = make_blocks<Width, Depth>();

// (BlockArgs as a template argument of an alias crashes GCC 12, hence the spelt-out members.)
template <double Width, double Depth, std::size_t... I>
auto blocks_type(std::index_sequence<I...>)
    -> nn::Sequential<nn::MBConv<blocks<Width, Depth>[I].in, blocks<Width, Depth>[I].out,
                                 blocks<Width, Depth>[I].kernel, blocks<Width, Depth>[I].stride,
                                 blocks<Width, Depth>[I].expand>...>;

template <double Width, double Depth>
using blocks_t = decltype(blocks_type<Width, Depth>(std::make_index_sequence<block_count(Depth)>{}));

}  // namespace efficientnet_detail

template <double Width, double Depth, float Dropout, std::size_t Classes = 1000>
using efficientnet_lite_t = nn::Sequential<
    nn::Named<"_conv_stem", nn::SameConv2d<3, efficientnet_detail::stem_channels, 3, 2>>,
    nn::Named<"_bn0", nn::TfBatchNorm2d<efficientnet_detail::stem_channels>>, nn::ReLU6,
    nn::Named<"_blocks", efficientnet_detail::blocks_t<Width, Depth>>,
    nn::Named<"_conv_head", nn::SameConv2d<efficientnet_detail::blocks<Width, Depth>.back().out,
                                           efficientnet_detail::head_channels>>,
    nn::Named<"_bn1", nn::TfBatchNorm2d<efficientnet_detail::head_channels>>, nn::Named<"_swish", nn::ReLU6>,
    nn::Named<"pool", nn::AdaptiveAvgPool2d<1>>, nn::Named<"flatten", nn::Flatten>,
    nn::Named<"_dropout", nn::Dropout<Dropout>>,
    nn::Named<"_fc", nn::Linear<efficientnet_detail::head_channels, Classes>>>;

// Width, depth and dropout from the package's efficientnet_params (resolutions 224, 240, 260).
struct efficientnet_lite0 : efficientnet_lite_t<1.0, 1.0, 0.2f> {};
struct efficientnet_lite1 : efficientnet_lite_t<1.0, 1.1, 0.2f> {};
struct efficientnet_lite2 : efficientnet_lite_t<1.1, 1.2, 0.3f> {};

}  // namespace models
INX_END_NAMESPACE
