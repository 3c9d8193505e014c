// Element-wise activations: ReLU, ReLU6, LeakyReLU<slope>. They run in place on the tensor they receive and keep
// their output for backward only when the pass asks (the masks of the explanation path).
#pragma once

#include <string_view>

#include "inx/nn/layer.hpp"
#include "inx/tensor/elementwise.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

namespace detail {
// One activation layer type per ops::activation kind.
template <ops::activation Act, float Slope = 0.01f>
struct Activation {
  static constexpr std::size_t in_channels = any_channels, out_channels = any_channels;
  static constexpr bool keeps_spatial = true;

  template <Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view) {
      ops::activation_forward<D>(Act, x.view(), x.view(), Slope);
      // The output decides the mask as well as the input does (y > 0 iff x > 0; 0 < y < 6 iff 0 < x < 6).
      if (pass.keep_for_data()) output_ = x.clone();
      return x;
    }
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>&, std::string_view name) {
      require<value_error>(output_.shape() == dy.shape(), name,
                           ": backward needs a forward pass that kept the activation mask");
      ops::activation_backward<D>(Act, output_.view(), dy.view(), dy.view(), Slope);
      output_ = {};
      return dy;
    }
    template <class V>
    void visit(V&, std::string_view) {}

   private:
    Tensor<float, D> output_;
  };
};
}  // namespace detail

using ReLU = detail::Activation<ops::activation::relu>;
using ReLU6 = detail::Activation<ops::activation::relu6>;
template <float Slope = 0.01f>
using LeakyReLU = detail::Activation<ops::activation::leaky_relu, Slope>;

}  // namespace nn
INX_END_NAMESPACE
