// Flatten: (N, C, H, W) -> (N, C*H*W), as torch.nn.Flatten(); a reshape, so it copies nothing.
#pragma once

#include "inx/nn/features.hpp"
#include "inx/nn/layer.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

struct Flatten {
  static constexpr std::size_t in_channels = any_channels, out_channels = any_channels;
  // The flattened width is known at compile time when the spatial size is (after adaptive pooling).
  static constexpr Features after(Features in) {
    return {in.channels != any_channels && in.spatial ? in.channels * in.spatial : any_channels, 0};
  }

  template <Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>&, std::string_view name) {
      require<shape_error>(x.rank() >= 2, name, ": expected input (N, ...), got ", x.shape().str());
      in_shape_ = x.shape();
      const std::size_t n = x.dim(0);
      x.reshape_inplace({n, n ? x.size() / n : 0});
      return x;
    }
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>&, std::string_view) {
      dy.reshape_inplace(in_shape_);
      return dy;
    }
    template <class V>
    void visit(V&, std::string_view) {}

   private:
    Shape in_shape_;
  };
};

}  // namespace nn
INX_END_NAMESPACE
