// Conv2d<In, Out, {kernel, stride, padding, dilation, groups, bias, same}>: PyTorch's nn.Conv2d with square kernels.
// Parameters `weight` (Out, In/groups, K, K) and, when bias is on, `bias` (Out). `same` pads like TensorFlow's SAME
// (computed per input, asymmetric where the total is odd; `padding` is then ignored), as EfficientNet-Lite needs.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "inx/nn/layer.hpp"
#include "inx/tensor/conv.hpp"
#include "inx/tensor/elementwise.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

struct ConvSpec {
  std::size_t kernel = 3, stride = 1, padding = 0, dilation = 1, groups = 1;
  bool bias = true;
  bool same = false;
};

template <std::size_t In, std::size_t Out, ConvSpec S = ConvSpec{}>
struct Conv2d {
  static_assert(In > 0 && Out > 0, "Conv2d: channel counts must be positive");
  static_assert(S.kernel > 0 && S.stride > 0 && S.dilation > 0 && S.groups > 0,
                "Conv2d: kernel, stride, dilation and groups must be positive");
  static_assert(In % S.groups == 0 && Out % S.groups == 0, "Conv2d: In and Out must be divisible by groups");
  static_assert(!S.same || S.padding == 0, "Conv2d: `same` computes the padding; leave `padding` at 0");

  static constexpr std::size_t in_channels = In;
  static constexpr std::size_t out_channels = Out;
  static constexpr ConvSpec spec = S;
  static constexpr ops::Conv2dParams params{S.stride,   S.stride,   S.padding, S.padding,
                                            S.dilation, S.dilation, S.groups,  S.same};

  template <Device D>
  class layer {
   public:
    // Gradient buffers are allocated by the first training backward, so inference holds the weights once.
    layer() : weight_(Shape{Out, In / S.groups, S.kernel, S.kernel}) {
      if constexpr (S.bias) {
        bias_.emplace(Shape{Out});
        bias_grad_.emplace();
      }
    }

    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view name) {
      require_nchw(x.shape(), In, name);
      auto y = ops::conv2d<D>(x.view(), weight_.view(), S.bias ? bias_->data() : nullptr, params);
      in_shape_ = x.shape();
      if (pass.keep_for_weights()) input_ = std::move(x);
      return y;
    }

    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>& pass, std::string_view name) {
      if (pass.weight_grads()) {
        require<value_error>(!input_.empty() || in_shape_.numel() == 0, name,
                             ": backward with weight gradients needs a forward pass that kept its input");
        if (weight_grad_.empty()) {
          weight_grad_ = Tensor<float, D>::uninitialized(weight_.shape());
          if constexpr (S.bias) *bias_grad_ = Tensor<float, D>::uninitialized({Out});
        }
        ops::conv2d_backward_weights<D>(input_.view(), dy.view(), weight_grad_.view(),
                                        S.bias ? bias_grad_->data() : nullptr, params);
        input_ = {};
      }
      auto dx = Tensor<float, D>::uninitialized(in_shape_);
      ops::conv2d_backward_data<D>(dy.view(), weight_.view(), dx.view(), params);
      return dx;
    }

    template <class V>
    void visit(V& v, std::string_view name) {
      v(child_name(name, "weight"), weight_, &weight_grad_, TensorRole::parameter);
      if constexpr (S.bias) v(child_name(name, "bias"), *bias_, &*bias_grad_, TensorRole::parameter);
    }

   private:
    Tensor<float, D> weight_, weight_grad_;
    std::optional<Tensor<float, D>> bias_, bias_grad_;
    Tensor<float, D> input_;
    Shape in_shape_;
  };
};

}  // namespace nn
INX_END_NAMESPACE
