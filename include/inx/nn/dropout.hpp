// Dropout<P>: PyTorch's nn.Dropout(p). Identity in eval mode (the explanation path never pays for it); in train mode
// each element is zeroed with probability P and the rest scaled by 1/(1-P), with a mask drawn from a counter-based
// hash of (seed, call, index) so a training run is reproducible from its seed whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "inx/nn/layer.hpp"
#include "inx/tensor/elementwise.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

namespace detail {
// A 32-bit integer hash with good avalanche (Wellons' lowbias32): consecutive inputs give unrelated outputs.
constexpr std::uint32_t hash32(std::uint32_t x) noexcept {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}
}  // namespace detail

template <float P = 0.5f>
struct Dropout {
  static_assert(P >= 0.0f && P < 1.0f, "Dropout: p must be in [0, 1)");
  static constexpr std::size_t in_channels = any_channels, out_channels = any_channels;
  static constexpr bool keeps_spatial = true;
  static constexpr float p = P;

  template <Device D>
  class layer {
   public:
    // Restarts the mask sequence; two layers with the same seed draw the same masks.
    void seed(std::uint32_t s) noexcept {
      seed_ = s;
      calls_ = 0;
    }

    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view) {
      mask_ = {};
      if (!pass.training() || P == 0.0f) return x;
      // The mask is drawn on the host and copied once: the device interface has no random-number kernel, and
      // dropout only sits before the small fully connected layers of the zoo.
      std::vector<float> m(x.size());
      const std::uint32_t stream = detail::hash32(seed_ ^ detail::hash32(calls_++ * 0x9e3779b9U));
      const float keep_scale = 1.0f / (1.0f - P);
      const auto threshold = static_cast<std::uint64_t>(double(P) * 4294967296.0);
      const auto n = static_cast<std::int64_t>(m.size());
#pragma omp parallel for
      for (std::int64_t i = 0; i < n; ++i)
        m[std::size_t(i)] = detail::hash32(stream ^ detail::hash32(std::uint32_t(i))) >= threshold ? keep_scale : 0.0f;
      mask_ = Tensor<float, D>::from_host(x.shape(), m);
      ops::mul<D>(x.view(), mask_.view(), x.view());
      if (!pass.keep_for_data()) mask_ = {};
      return x;
    }

    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>& pass, std::string_view name) {
      if (!pass.training() || P == 0.0f) return dy;
      require<value_error>(mask_.shape() == dy.shape(), name, ": backward needs a forward pass that kept its mask");
      ops::mul<D>(dy.view(), mask_.view(), dy.view());
      mask_ = {};
      return dy;
    }

    template <class V>
    void visit(V&, std::string_view) {}

   private:
    Tensor<float, D> mask_;
    std::uint32_t seed_ = 0;
    std::uint32_t calls_ = 0;
  };
};

}  // namespace nn
INX_END_NAMESPACE
