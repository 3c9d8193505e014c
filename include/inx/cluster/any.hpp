// AnyPolicy: any clustering policy behind one type, chosen at run time (a program's --cluster flag) without
// compiling the code that uses it once per policy.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "inx/cluster/clustering.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

class AnyPolicy {
 public:
  static constexpr std::string_view name = "any";

  template <ClusteringPolicy P>
    requires(!std::same_as<std::remove_cvref_t<P>, AnyPolicy>)
  AnyPolicy(P p)  // NOLINT(google-explicit-constructor): wrapping is the point
      : label_(P::name), fit_([p = std::move(p)](TensorView<const float> x) { return p.fit(x); }) {}

  Clustering fit(TensorView<const float> x) const { return fit_(x); }
  // The wrapped policy's name.
  const std::string& label() const noexcept { return label_; }

 private:
  std::string label_;
  std::function<Clustering(TensorView<const float>)> fit_;
};

static_assert(ClusteringPolicy<AnyPolicy>);

}  // namespace cluster
INX_END_NAMESPACE
