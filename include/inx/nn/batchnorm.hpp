// BatchNorm2d<C, Eps>: PyTorch's nn.BatchNorm2d (eps 1e-5 unless given, momentum 0.1, affine, running statistics). Eval mode folds
// the statistics into one per-channel scale and shift; train mode normalises with the batch's statistics, updates
// the running ones (unbiased variance, as PyTorch) and keeps the normalised input for backward.
#pragma once

#include <cmath>
#include <cstddef>
#include <string_view>
#include <vector>

#include "inx/nn/layer.hpp"
#include "inx/tensor/batchnorm.hpp"
#include "inx/tensor/elementwise.hpp"
#include "inx/tensor/reduce.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

template <std::size_t C, float Eps = 1e-5f>
struct BatchNorm2d {
  static_assert(C > 0, "BatchNorm2d: channel count must be positive");
  static constexpr std::size_t in_channels = C, out_channels = C;
  static constexpr bool keeps_spatial = true;
  static constexpr float eps = Eps;
  static constexpr float momentum = 0.1f;

  template <Device D>
  class layer {
   public:
    layer()
        : weight_(Tensor<float, D>::from_host({C}, std::vector<float>(C, 1.0f))),
          bias_(Shape{C}),
          running_mean_(Shape{C}),
          running_var_(Tensor<float, D>::from_host({C}, std::vector<float>(C, 1.0f))),
          weight_grad_(Shape{C}),
          bias_grad_(Shape{C}) {}

    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view name) {
      require_nchw(x.shape(), C, name);
      return pass.training() ? forward_train(std::move(x), pass, name) : forward_eval(std::move(x), pass);
    }

    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>& pass, std::string_view name) {
      require<value_error>(!scale_.empty(), name, ": backward needs a forward pass that kept its statistics");
      if (!train_stats_) {  // eval: y = x * scale + shift; gamma and beta get gradients when the pass trains
        if (pass.weight_grads()) {
          require<value_error>(xhat_.shape() == dy.shape(), name,
                               ": backward with weight gradients needs a forward pass that kept its input");
          ops::sum_channels<D>(dy.view(), bias_grad_.view());
          ops::mul<D>(xhat_.view(), dy.view(), xhat_.view());
          ops::sum_channels<D>(xhat_.view(), weight_grad_.view());
          xhat_ = {};
        }
        ops::affine_per_channel<D>(dy.view(), scale_.view(), zeros().view(), dy.view());
        return dy;
      }
      ops::batch_norm_train_backward<D>(dy.view(), xhat_.view(), weight_.view(), scale_.view(), dy.view(),
                                        weight_grad_.view(), bias_grad_.view());
      xhat_ = {};
      return dy;
    }

    template <class V>
    void visit(V& v, std::string_view name) {
      v(child_name(name, "weight"), weight_, &weight_grad_, TensorRole::parameter);
      v(child_name(name, "bias"), bias_, &bias_grad_, TensorRole::parameter);
      v(child_name(name, "running_mean"), running_mean_, static_cast<Tensor<float, D>*>(nullptr), TensorRole::buffer);
      v(child_name(name, "running_var"), running_var_, static_cast<Tensor<float, D>*>(nullptr), TensorRole::buffer);
    }

   private:
    static std::vector<float> host(const Tensor<float, D>& t) {
      std::vector<float> h(t.size());
      D::copy_to_host(h.data(), t.data(), t.bytes());
      return h;
    }
    static Tensor<float, D> device(const std::vector<float>& h) { return Tensor<float, D>::from_host({h.size()}, h); }
    static Tensor<float, D> zeros() { return Tensor<float, D>(Shape{C}); }

    Tensor<float, D> forward_eval(Tensor<float, D> x, Pass<D>& pass) {
      auto g = host(weight_), b = host(bias_), rm = host(running_mean_), rv = host(running_var_);
      std::vector<float> scale(C), shift(C);
      for (std::size_t c = 0; c < C; ++c) {
        scale[c] = g[c] / std::sqrt(rv[c] + eps);
        shift[c] = b[c] - rm[c] * scale[c];
      }
      auto ts = device(scale);
      train_stats_ = false;
      xhat_ = {};
      if (pass.keep_for_weights()) {  // xhat = (x - mean) / sqrt(var + eps) with the running statistics
        std::vector<float> inv(C), off(C);
        for (std::size_t c = 0; c < C; ++c) {
          inv[c] = 1.0f / std::sqrt(rv[c] + eps);
          off[c] = -rm[c] * inv[c];
        }
        xhat_ = Tensor<float, D>::uninitialized(x.shape());
        ops::affine_per_channel<D>(x.view(), device(inv).view(), device(off).view(), xhat_.view());
      }
      ops::affine_per_channel<D>(x.view(), ts.view(), device(shift).view(), x.view());
      scale_ = pass.keep_for_data() ? std::move(ts) : Tensor<float, D>{};
      return x;
    }

    Tensor<float, D> forward_train(Tensor<float, D> x, Pass<D>&, std::string_view name) {
      train_stats_ = true;
      const std::size_t m = x.size() / C;
      require<shape_error>(m > 1, name, ": training needs more than one value per channel, got input ",
                           x.shape().str());
      auto mean = Tensor<float, D>::uninitialized({C}), var = Tensor<float, D>::uninitialized({C});
      scale_ = Tensor<float, D>::uninitialized({C});
      xhat_ = Tensor<float, D>::uninitialized(x.shape());
      ops::batch_norm_train_forward<D>(x.view(), weight_.view(), bias_.view(), eps, x.view(), xhat_.view(),
                                       mean.view(), var.view(), scale_.view());
      // Running statistics use the unbiased variance, as PyTorch's.
      auto mu = host(mean), v = host(var), rm = host(running_mean_), rv = host(running_var_);
      for (std::size_t c = 0; c < C; ++c) {
        rm[c] = (1 - momentum) * rm[c] + momentum * mu[c];
        rv[c] = (1 - momentum) * rv[c] + momentum * v[c] * float(m) / float(m - 1);
      }
      D::copy_from_host(running_mean_.data(), rm.data(), C * sizeof(float));
      D::copy_from_host(running_var_.data(), rv.data(), C * sizeof(float));
      return x;
    }

    Tensor<float, D> weight_, bias_, running_mean_, running_var_, weight_grad_, bias_grad_;
    Tensor<float, D> scale_;  // eval: gamma / sqrt(var + eps); train: 1 / sqrt(batch var + eps)
    Tensor<float, D> xhat_;   // the normalised input (train; eval when weight gradients are wanted)
    bool train_stats_ = false;  // whether the last forward normalised with the batch's statistics
  };
};

}  // namespace nn
INX_END_NAMESPACE
