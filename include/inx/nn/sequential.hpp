// Sequential<L0, L1, ...>: layers applied in order, named "0", "1", ... as in torch.nn.Sequential (or by their own
// name when wrapped in Named<"fc", L>), so a model's parameter names are PyTorch's state_dict() keys. Layers that
// do not fit together fail to compile.
#pragma once

#include <cstddef>
#include <string>
#include <tuple>
#include <utility>

#include "inx/nn/features.hpp"
#include "inx/nn/layer.hpp"
#include "inx/nn/named.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

template <LayerType... Ls>
struct Sequential {
  static_assert(sizeof...(Ls) > 0, "Sequential: needs at least one layer");

 private:
  // Walks the layers at compile time, checking each against what the previous one gives.
  template <std::size_t I, std::size_t C, std::size_t Sp>
  static constexpr Features walk() {
    if constexpr (I == sizeof...(Ls)) {
      return Features{C, Sp};
    } else {
      using L = std::tuple_element_t<I, std::tuple<Ls...>>;
      static_assert(check_channels<I, L::in_channels, C>::value);
      constexpr Features next = features_after<L>(Features{C == any_channels ? L::in_channels : C, Sp});
      return walk<I + 1, next.channels, next.spatial>();
    }
  }

 public:
  using first = std::tuple_element_t<0, std::tuple<Ls...>>;
  static constexpr std::size_t in_channels = first::in_channels;
  static constexpr Features result = walk<0, in_channels, 0>();
  static constexpr std::size_t out_channels = result.channels;
  static constexpr Features after(Features in) {
    (void)in;
    return result;
  }

  template <Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, Pass<D>& pass, std::string_view name) {
      return forward_from<0>(std::move(x), pass, name);
    }
    Tensor<float, D> backward(Tensor<float, D> dy, Pass<D>& pass, std::string_view name) {
      return backward_from<sizeof...(Ls)>(std::move(dy), pass, name);
    }
    template <class V>
    void visit(V& v, std::string_view name) {
      visit_from<0>(v, name);
    }

    template <std::size_t I>
    auto& get() noexcept {
      return std::get<I>(children_);
    }

   private:
    template <std::size_t I>
    using child_type = std::tuple_element_t<I, std::tuple<Ls...>>;

    template <std::size_t I>
    Tensor<float, D> forward_from(Tensor<float, D> x, Pass<D>& pass, std::string_view name) {
      if constexpr (I == sizeof...(Ls)) {
        return x;
      } else {
        const std::string child = child_name(name, module_name<child_type<I>, I>());
        x = std::get<I>(children_).forward(std::move(x), pass, child);
        pass.on_output(child, x.view());
        return forward_from<I + 1>(std::move(x), pass, name);
      }
    }
    // Runs children I-1 down to 0; stops early when the pass has every gradient it needs.
    template <std::size_t I>
    Tensor<float, D> backward_from(Tensor<float, D> dy, Pass<D>& pass, std::string_view name) {
      if constexpr (I == 0) {
        return dy;
      } else {
        const std::string child = child_name(name, module_name<child_type<I - 1>, I - 1>());
        pass.on_output_grad(child, dy.view());
        if (pass.backward_done()) return {};
        dy = std::get<I - 1>(children_).backward(std::move(dy), pass, child);
        return backward_from<I - 1>(std::move(dy), pass, name);
      }
    }
    template <std::size_t I, class V>
    void visit_from(V& v, std::string_view name) {
      if constexpr (I < sizeof...(Ls)) {
        std::get<I>(children_).visit(v, child_name(name, module_name<child_type<I>, I>()));
        visit_from<I + 1>(v, name);
      }
    }

    std::tuple<layer_t<Ls, D>...> children_;
  };
};

}  // namespace nn
INX_END_NAMESPACE
