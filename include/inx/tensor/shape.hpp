// Shape: the extents of a tensor, up to kMaxRank dimensions, stored inline so copying a shape never allocates.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE

class Shape {
 public:
  static constexpr std::size_t kMaxRank = 8;

  Shape() = default;
  Shape(std::initializer_list<std::size_t> dims) : Shape(std::span<const std::size_t>(dims.begin(), dims.size())) {}
  explicit Shape(std::span<const std::size_t> dims) {
    require<shape_error>(dims.size() <= kMaxRank, "shape: rank ", dims.size(), " exceeds the maximum ", kMaxRank);
    rank_ = dims.size();
    std::copy(dims.begin(), dims.end(), d_.begin());
  }
  template <class It>
  Shape(It first, It last) {
    for (; first != last; ++first) {
      require<shape_error>(rank_ < kMaxRank, "shape: rank exceeds the maximum ", kMaxRank);
      d_[rank_++] = static_cast<std::size_t>(*first);
    }
  }

  std::size_t rank() const noexcept { return rank_; }
  std::size_t operator[](std::size_t i) const noexcept { return d_[i]; }
  std::size_t& operator[](std::size_t i) noexcept { return d_[i]; }
  const std::size_t* begin() const noexcept { return d_.data(); }
  const std::size_t* end() const noexcept { return d_.data() + rank_; }
  std::span<const std::size_t> dims() const noexcept { return {d_.data(), rank_}; }

  // Number of elements; throws if the product overflows size_t (a corrupt header must not wrap around).
  std::size_t numel() const {
    std::size_t n = 1;
    for (std::size_t i = 0; i < rank_; ++i) {
      if (d_[i] != 0 && n > std::numeric_limits<std::size_t>::max() / d_[i])
        throw shape_error(detail::msg("shape ", str(), ": element count overflows"));
      n *= d_[i];
    }
    return n;
  }

  friend bool operator==(const Shape& a, const Shape& b) noexcept {
    return a.rank_ == b.rank_ && std::equal(a.begin(), a.end(), b.begin());
  }

  // "(2, 3, 4)", as NumPy and PyTorch print shapes.
  std::string str() const {
    std::string s = "(";
    for (std::size_t i = 0; i < rank_; ++i) {
      if (i) s += ", ";
      s += std::to_string(d_[i]);
    }
    if (rank_ == 1) s += ",";
    return s + ")";
  }

 private:
  std::array<std::size_t, kMaxRank> d_{};
  std::size_t rank_ = 0;
};

inline std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.str(); }

INX_END_NAMESPACE
