// The single place inx includes xtensor. xtensor moved its headers in 0.26 and changed ABI expectations in 0.27;
// keeping every include here makes a version change a one-file edit. Code elsewhere includes this header and uses
// the xt:: names it brings, plus inx::xview() to see a contiguous buffer as an xtensor expression.
#pragma once

#include <cstddef>
#include <vector>


#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE
// A non-owning xtensor expression over `size` contiguous elements with the given shape.
template <class T, class Shape>
auto xview(T* data, std::size_t size, const Shape& shape) {
  return xt::adapt(data, size, xt::no_ownership(), shape);
}
INX_END_NAMESPACE
