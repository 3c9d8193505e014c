// Named<"features", L>: L under a module name of its own instead of its index in the enclosing Sequential, as in
// PyTorch models that assign attributes (`self.features = ...`, `self.fc = ...`).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "inx/nn/features.hpp"
#include "inx/nn/layer.hpp"

INX_BEGIN_NAMESPACE
namespace nn {

// A string usable as a template argument.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&s)[N]) { std::copy_n(s, N, chars); }
  constexpr std::string_view view() const { return {chars, N - 1}; }
};

template <fixed_string Name, LayerType L>
struct Named {
  static_assert(Name.view().size() > 0 && Name.view().find('.') == std::string_view::npos,
                "Named: a module name is non-empty and has no '.'");
  using inner = L;
  static constexpr std::string_view name = Name.view();
  static constexpr std::size_t in_channels = L::in_channels;
  static constexpr std::size_t out_channels = L::out_channels;
  static constexpr Features after(Features in) { return features_after<L>(in); }
  template <Device D>
  using layer = layer_t<L, D>;
};

template <class L>
inline constexpr bool is_named = false;
template <fixed_string Name, class L>
inline constexpr bool is_named<Named<Name, L>> = true;

// The module name of child I of type L: its own name when Named, else its index.
template <class L, std::size_t I>
std::string module_name() {
  if constexpr (is_named<L>) {
    return std::string(L::name);
  } else {
    return std::to_string(I);
  }
}

}  // namespace nn
INX_END_NAMESPACE
