// Linear<In, Out>: PyTorch's nn.Linear, y = x W^T + b on (N, In) inputs. Parameters `weight` (Out, In) and,
// when Bias is on, `bias` (Out).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "inx/nn/layer.hpp"
#include "inx/tensor/elementwise.hpp"
#include "inx/tensor/gemm.hpp"
#include "inx/tensor/reduce.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

template <std::size_t In, std::size_t Out, bool Bias = true>
struct Linear {
  static_assert(In > 0 && Out > 0, "Linear: feature counts must be positive");
  static constexpr std::size_t in_channels = In, out_channels = Out;

  template <Device D>
  class layer {
   public:
    // Gradient buffers are allocated by the first training backward, so inference holds the weights once.
    layer() : weight_(Shape{Out, In}) {
      if constexpr (Bias) {
        bias_.emplace(Shape{Out});
        bias_grad_.emplace();
      }
    }

    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view name) {
      require<shape_error>(x.rank() == 2 && x.dim(1) == In, name, ": expected input (N, ", In, "), got ",
                           x.shape().str());
      auto y = ops::matmul<D>(x.view(), weight_.view(), false, true);
      if constexpr (Bias) ops::add_channel_bias<D>(y.view(), bias_->view());
      rows_ = x.dim(0);
      if (pass.keep_for_weights()) input_ = std::move(x);
      return y;
    }

    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>& pass, std::string_view name) {
      require<shape_error>(dy.rank() == 2 && dy.dim(0) == rows_ && dy.dim(1) == Out, name,
                           ": output gradient ", dy.shape().str(), " does not match the forward pass");
      if (pass.weight_grads()) {
        require<value_error>(input_.shape() == (Shape{rows_, In}), name,
                             ": backward with weight gradients needs a forward pass that kept its input");
        if (weight_grad_.empty()) {
          weight_grad_ = Tensor<float, D>::uninitialized(weight_.shape());
          if constexpr (Bias) *bias_grad_ = Tensor<float, D>::uninitialized({Out});
        }
        ops::matmul<D>(dy.view(), input_.view(), weight_grad_.view(), true, false);
        if constexpr (Bias) ops::sum_channels<D>(dy.view(), bias_grad_->view());
        input_ = {};
      }
      return ops::matmul<D>(dy.view(), weight_.view());
    }

    template <class V>
    void visit(V& v, std::string_view name) {
      v(child_name(name, "weight"), weight_, &weight_grad_, TensorRole::parameter);
      if constexpr (Bias) v(child_name(name, "bias"), *bias_, &*bias_grad_, TensorRole::parameter);
    }

   private:
    Tensor<float, D> weight_, weight_grad_;
    std::optional<Tensor<float, D>> bias_, bias_grad_;
    Tensor<float, D> input_;
    std::size_t rows_ = 0;
  };
};

}  // namespace nn
INX_END_NAMESPACE
