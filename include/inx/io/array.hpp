// NpyArray: an n-dimensional array of any dtype inx reads and writes (.npy, .npz), as raw C-order little-endian
// bytes plus its dtype and shape, so files can be read before the caller decides which element type it wants.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/tensor/tensor.hpp"

static_assert(std::endian::native == std::endian::little, "inx's io assumes a little-endian host");

INX_BEGIN_NAMESPACE
namespace io {

enum class dtype { f32, f64, i64, i32, u8, b1 };

// NumPy's name for a dtype ("float32", ...), for messages.
inline const char* dtype_name(dtype t) noexcept {
  switch (t) {
    case dtype::f32: return "float32";
    case dtype::f64: return "float64";
    case dtype::i64: return "int64";
    case dtype::i32: return "int32";
    case dtype::u8: return "uint8";
    case dtype::b1: return "bool";
  }
  return "?";
}

inline std::size_t dtype_size(dtype t) noexcept {
  switch (t) {
    case dtype::f32: return 4;
    case dtype::f64: return 8;
    case dtype::i64: return 8;
    case dtype::i32: return 4;
    case dtype::u8: return 1;
    case dtype::b1: return 1;
  }
  return 0;
}

// The dtype of a C++ element type; only the six types below have one.
template <class T>
inline constexpr bool has_dtype =
    std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::int64_t> ||
    std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::uint8_t> || std::is_same_v<T, bool>;

template <class T>
  requires has_dtype<T>
constexpr dtype dtype_of() noexcept {
  if constexpr (std::is_same_v<T, float>) return dtype::f32;
  else if constexpr (std::is_same_v<T, double>) return dtype::f64;
  else if constexpr (std::is_same_v<T, std::int64_t>) return dtype::i64;
  else if constexpr (std::is_same_v<T, std::int32_t>) return dtype::i32;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return dtype::u8;
  else return dtype::b1;
}

struct NpyArray {
  dtype type = dtype::f32;
  Shape shape;
  std::vector<std::byte> bytes;  // C order, native little endian; bools are 0 or 1

  std::size_t size() const { return shape.numel(); }

  // The data as Tensor<T>. T must match the dtype exactly, except that to<float>() also narrows float64.
  template <class T>
  Tensor<T> to() const {
    return to_impl<T>("array");
  }

  // Same as to<T>(), naming `what` (a file, an npz entry) in the error.
  template <class T>
    requires has_dtype<T>
  Tensor<T> to_impl(const std::string& what) const {
    const std::size_t n = shape.numel();
    require<io_error>(bytes.size() == n * dtype_size(type), what, ": ", bytes.size(), " data bytes do not fill a ",
                      dtype_name(type), " array of shape ", shape.str());
    auto t = Tensor<T>::uninitialized(shape);
    if (type == dtype_of<T>()) {
      if (n) std::memcpy(t.data(), bytes.data(), n * sizeof(T));
      return t;
    }
    if constexpr (std::is_same_v<T, float>) {
      if (type == dtype::f64) {
        const auto* src = reinterpret_cast<const double*>(bytes.data());
        float* dst = t.data();
#pragma omp parallel for if (n > (1u << 20))
        for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]);
        return t;
      }
    }
    throw io_error(inx::detail::msg(what, ": expected dtype ", dtype_name(dtype_of<T>()),
                                    std::is_same_v<T, float> ? " (or float64)" : "", ", found ", dtype_name(type)));
  }
};

// A copy of a tensor as an NpyArray.
template <class T>
  requires has_dtype<T>
NpyArray to_npy(TensorView<const T> t) {
  NpyArray a;
  a.type = dtype_of<T>();
  a.shape = t.shape();
  a.bytes.resize(t.size() * sizeof(T));
  if (!a.bytes.empty()) std::memcpy(a.bytes.data(), t.data(), a.bytes.size());
  return a;
}
template <class T>
  requires has_dtype<T>
NpyArray to_npy(TensorView<T> t) {
  return to_npy<T>(TensorView<const T>(t));
}
template <class T>
  requires has_dtype<T>
NpyArray to_npy(const Tensor<T>& t) {
  return to_npy<T>(t.view());
}

// Any array converted to float32 (weights: integer buffers such as num_batches_tracked become floats too).
inline Tensor<float> to_float32(const NpyArray& a, const std::string& what) {
  if (a.type == dtype::f32 || a.type == dtype::f64) return a.to_impl<float>(what);
  const std::size_t n = a.shape.numel();
  require<io_error>(a.bytes.size() == n * dtype_size(a.type), what, ": ", a.bytes.size(),
                    " data bytes do not fill a ", dtype_name(a.type), " array of shape ", a.shape.str());
  auto t = Tensor<float>::uninitialized(a.shape);
  auto convert = [&](auto tag) {
    using S = decltype(tag);
    for (std::size_t i = 0; i < n; ++i) {
      S v;
      std::memcpy(&v, a.bytes.data() + i * sizeof(S), sizeof(S));
      t.data()[i] = static_cast<float>(v);
    }
  };
  switch (a.type) {
    case dtype::i64: convert(std::int64_t{}); break;
    case dtype::i32: convert(std::int32_t{}); break;
    default: convert(std::uint8_t{}); break;  // u8 and b1 (stored as 0/1 bytes)
  }
  return t;
}

}  // namespace io
INX_END_NAMESPACE
