// Residual<Branch, Shortcut, Post>: y = Post(Branch(x) + Shortcut(x)), the skeleton of ResNet's blocks and
// MobileNetV2's inverted residual. Branch, Shortcut and Post are flat containers whose children are named directly
// under the block (`layer1.0.conv1`, `layer1.0.downsample.0`, `layer1.0.relu`), as in torchvision, where these are
// attributes of the block module rather than a nested Sequential. The block's own output is reported by its parent.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "inx/nn/layer.hpp"
#include "inx/tensor/elementwise.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

// Passes its input through: the shortcut of a block whose input and output have the same shape, or a block with
// nothing after the add.
struct Identity {
  static constexpr std::size_t in_channels = any_channels, out_channels = any_channels;
  static constexpr bool keeps_spatial = true;

  template <Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>&, std::string_view) { return x; }
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>&, std::string_view) { return dy; }
    template <class V>
    void visit(V&, std::string_view) {}
  };
};

template <LayerType Branch, LayerType Shortcut = Identity, LayerType Post = Identity>
struct Residual {
  static constexpr std::size_t in_channels = Branch::in_channels;
  static constexpr std::size_t out_channels = Branch::out_channels;
  static_assert(in_channels != any_channels && out_channels != any_channels,
                "Residual: the branch must fix its input and output channel counts");
  static_assert(channels_after<Shortcut>(in_channels) == out_channels,
                "Residual: the shortcut must give as many channels as the branch (add a downsample projection)");
  static_assert(Post::in_channels == any_channels || Post::in_channels == out_channels,
                "Residual: the layer after the add must take the branch's channel count");
  static_assert(channels_after<Post>(out_channels) == out_channels,
                "Residual: the layer after the add must keep the channel count");
  static constexpr bool identity_shortcut = std::is_same_v<Shortcut, Identity>;

  template <Device D>
  class layer {
   public:
    // The shortcut runs first: a tap inside it must make the branch keep what its backward needs, since the
    // branch's backward runs before the shortcut's.
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view name) {
      require_nchw(x.shape(), in_channels, name);
      Tensor<float, D> s = shortcut_.forward(x.clone(), pass, name);
      auto y = branch_.forward(std::move(x), pass, name);
      require<shape_error>(y.shape() == s.shape(), name, ": the branch gives ", y.shape().str(),
                           " but the shortcut gives ", s.shape().str());
      ops::add<D>(y.view(), s.view(), y.view());
      return post_.forward(std::move(y), pass, name);
    }

    // The gradient at the add goes unchanged to both the branch and the shortcut; their input gradients add up.
    // Stops as soon as the pass has every gradient it needs (a tap inside the branch needs no shortcut backward).
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>& pass, std::string_view name) {
      dy = post_.backward(std::move(dy), pass, name);
      if (pass.backward_done()) return {};
      auto ds = dy.clone();
      auto dx = branch_.backward(std::move(dy), pass, name);
      if (pass.backward_done()) return {};
      ds = shortcut_.backward(std::move(ds), pass, name);
      if (pass.backward_done()) return {};
      ops::add<D>(dx.view(), ds.view(), dx.view());
      return dx;
    }

    template <class V>
    void visit(V& v, std::string_view name) {
      branch_.visit(v, name);
      shortcut_.visit(v, name);
      post_.visit(v, name);
    }

    auto& branch() noexcept { return branch_; }
    auto& shortcut() noexcept { return shortcut_; }

   private:
    layer_t<Branch, D> branch_;
    layer_t<Shortcut, D> shortcut_;
    layer_t<Post, D> post_;
  };
};

}  // namespace nn
INX_END_NAMESPACE
