// What every layer is. A layer *type* (Conv2d<3, 64, {...}>, Sequential<...>, a ResNet block) describes the layer
// at compile time: its channel counts and a nested `layer<D>` class template that holds its parameters on device D
// and runs it. Keeping the description apart from the device lets one model type run on the CPU or on CUDA.
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>

#include "inx/nn/pass.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

// Channel count of a layer that keeps whatever it receives (ReLU, pooling, batch norm of any width...).
inline constexpr std::size_t any_channels = 0;

// What a parameter visitor sees: persistent tensors named as PyTorch's state_dict() names them.
enum class TensorRole {
  parameter,  // learnt; has a gradient
  buffer,     // persistent state that is not learnt (batch-norm running statistics)
};

namespace detail {
struct null_visitor {
  template <Device D>
  void operator()(std::string_view, Tensor<float, D>&, Tensor<float, D>*, TensorRole) const {}
};
}  // namespace detail

// The runnable layer on device D: forward consumes its input (so in-place layers reuse it) and keeps what the pass
// asks for; backward turns the gradient at its output into the gradient at its input, writing weight gradients
// (overwriting, not accumulating) when the pass trains. `name` is the layer's full PyTorch module name.
template <class L, class D>
concept RunnableLayer = Device<D> && requires(L& l, Tensor<float, D> t, Pass<D>& pass, std::string_view name,
                                              detail::null_visitor& v) {
  { l.forward(std::move(t), pass, name) } -> std::same_as<Tensor<float, D>>;
  { l.backward(std::move(t), pass, name) } -> std::same_as<Tensor<float, D>>;
  l.visit(v, name);
};

// A layer type: channel counts known at compile time (any_channels where the layer adapts) and a runnable layer<D>.
template <class L>
concept LayerType = requires {
  { L::in_channels } -> std::convertible_to<std::size_t>;
  { L::out_channels } -> std::convertible_to<std::size_t>;
  typename L::template layer<cpu>;
} && RunnableLayer<typename L::template layer<cpu>, cpu>;

template <class L, Device D>
using layer_t = typename L::template layer<D>;

// Output channels of L when it receives `in` channels.
template <class L>
inline constexpr std::size_t channels_after(std::size_t in) {
  return L::out_channels == any_channels ? in : L::out_channels;
}

// Throws shape_error unless x is (N, C, H, W) with C == channels (0: any).
inline void require_nchw(const Shape& x, std::size_t channels, std::string_view layer) {
  require<shape_error>(x.rank() == 4 && (channels == any_channels || x[1] == channels), layer,
                       ": expected input (N, ", channels == any_channels ? std::string("C") : std::to_string(channels),
                       ", H, W), got ", x.str());
}

}  // namespace nn
INX_END_NAMESPACE
