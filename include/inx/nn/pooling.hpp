// Pooling layers: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d as in PyTorch (square windows). Max pooling keeps
// the argmax of each window for backward only when the pass asks for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inx/nn/features.hpp"
#include "inx/nn/layer.hpp"
#include "inx/tensor/pool.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

struct PoolSpec {
  std::size_t kernel = 2;
  std::size_t stride = 0;  // 0: equal to the kernel, PyTorch's default
  std::size_t padding = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;  // AvgPool2d only
};

namespace detail {
constexpr ops::Pool2dParams pool_params(PoolSpec s) {
  const std::size_t st = s.stride ? s.stride : s.kernel;
  return {s.kernel, s.kernel, st, st, s.padding, s.padding, s.ceil_mode, s.count_include_pad};
}
}  // namespace detail

template <PoolSpec S = PoolSpec{}>
struct MaxPool2d {
  static_assert(S.kernel > 0 && 2 * S.padding <= S.kernel, "MaxPool2d: padding must be at most half the kernel");
  static constexpr std::size_t in_channels = any_channels, out_channels = any_channels;
  static constexpr ops::Pool2dParams params = detail::pool_params(S);

  template <Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view name) {
      require_nchw(x.shape(), any_channels, name);
      auto y = Tensor<float, D>::uninitialized(ops::pool2d_output_shape(x.shape(), params));
      in_shape_ = x.shape();
      if (pass.keep_for_data()) {
        argmax_ = Tensor<std::int32_t, D>::uninitialized(y.shape());
        ops::max_pool2d_forward<D>(x.view(), y.view(), params, argmax_.data());
      } else {
        ops::max_pool2d_forward<D>(x.view(), y.view(), params, nullptr);
      }
      return y;
    }
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>&, std::string_view name) {
      require<value_error>(argmax_.shape() == dy.shape(), name,
                           ": backward needs a forward pass that kept the pooling indices");
      auto dx = Tensor<float, D>::uninitialized(in_shape_);
      ops::max_pool2d_backward<D>(dy.view(), argmax_.data(), dx.view());
      argmax_ = {};
      return dx;
    }
    template <class V>
    void visit(V&, std::string_view) {}

   private:
    Tensor<std::int32_t, D> argmax_;
    Shape in_shape_;
  };
};

template <PoolSpec S = PoolSpec{}>
struct AvgPool2d {
  static_assert(S.kernel > 0 && 2 * S.padding <= S.kernel, "AvgPool2d: padding must be at most half the kernel");
  static constexpr std::size_t in_channels = any_channels, out_channels = any_channels;
  static constexpr ops::Pool2dParams params = detail::pool_params(S);

  template <Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>&, std::string_view name) {
      require_nchw(x.shape(), any_channels, name);
      auto y = Tensor<float, D>::uninitialized(ops::pool2d_output_shape(x.shape(), params));
      ops::avg_pool2d_forward<D>(x.view(), y.view(), params);
      in_shape_ = x.shape();
      return y;
    }
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>&, std::string_view) {
      auto dx = Tensor<float, D>::uninitialized(in_shape_);
      ops::avg_pool2d_backward<D>(dy.view(), dx.view(), params);
      return dx;
    }
    template <class V>
    void visit(V&, std::string_view) {}

   private:
    Shape in_shape_;
  };
};

// Output (N, C, OH, OW) whatever the input size; OH = OW = 1 is global average pooling.
template <std::size_t OH, std::size_t OW = OH>
struct AdaptiveAvgPool2d {
  static_assert(OH > 0 && OW > 0, "AdaptiveAvgPool2d: output size must be positive");
  static constexpr std::size_t in_channels = any_channels, out_channels = any_channels;
  static constexpr Features after(Features in) { return {in.channels, OH * OW}; }

  template <Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>&, std::string_view name) {
      require_nchw(x.shape(), any_channels, name);
      auto y = Tensor<float, D>::uninitialized({x.dim(0), x.dim(1), OH, OW});
      ops::adaptive_avg_pool2d_forward<D>(x.view(), y.view());
      in_shape_ = x.shape();
      return y;
    }
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>&, std::string_view) {
      auto dx = Tensor<float, D>::uninitialized(in_shape_);
      ops::adaptive_avg_pool2d_backward<D>(dy.view(), dx.view());
      return dx;
    }
    template <class V>
    void visit(V&, std::string_view) {}

   private:
    Shape in_shape_;
  };
};

}  // namespace nn
INX_END_NAMESPACE
