// Tensor<T, Device>: an owning, contiguous, row-major (C order) array; images are NCHW. TensorView<T, Device> is the
// non-owning counterpart that kernels take, so a slice of a batch or a reshaped tensor is passed without copying.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>

#include "inx/core/error.hpp"
#include "inx/tensor/device.hpp"
#include "inx/tensor/shape.hpp"

INX_BEGIN_NAMESPACE

// A contiguous view: a pointer and a shape. T may be const for read-only views.
template <class T, Device D = cpu>
class TensorView {
 public:
  using value_type = std::remove_const_t<T>;
  using device_type = D;

  TensorView() = default;
  TensorView(T* data, Shape shape) : data_(data), shape_(shape) {}
  // A view of mutable data converts to a read-only view.
  template <class U>
    requires(std::is_const_v<T> && std::same_as<U, value_type>)
  TensorView(TensorView<U, D> v) : data_(v.data()), shape_(v.shape()) {}

  T* data() const noexcept { return data_; }
  const Shape& shape() const noexcept { return shape_; }
  std::size_t rank() const noexcept { return shape_.rank(); }
  std::size_t dim(std::size_t i) const noexcept { return shape_[i]; }
  std::size_t size() const { return shape_.numel(); }
  bool empty() const { return size() == 0; }

  // The same elements under another shape with the same element count.
  TensorView reshape(Shape s) const {
    require<shape_error>(s.numel() == size(), "reshape: cannot view ", shape_.str(), " as ", s.str());
    return {data_, s};
  }
  // Rows [begin, end) along the first dimension (e.g. a sub-batch).
  TensorView slice(std::size_t begin, std::size_t end) const {
    require<shape_error>(rank() >= 1 && begin <= end && end <= dim(0), "slice: [", begin, ", ", end,
                         ") is outside dimension 0 of ", shape_.str());
    Shape s = shape_;
    s[0] = end - begin;
    return {data_ + begin * (size() / std::max<std::size_t>(dim(0), 1)), s};
  }
  // Element i of dimension 0, with one rank less.
  TensorView operator[](std::size_t i) const {
    auto v = slice(i, i + 1);
    return {v.data(), Shape(shape_.begin() + 1, shape_.end())};
  }

  // Host-only element access and iteration.
  std::span<T> span() const
    requires is_host_device<D>
  {
    return {data_, size()};
  }
  template <class... I>
  T& operator()(I... idx) const
    requires is_host_device<D>
  {
    static_assert(sizeof...(I) > 0);
    const std::size_t ix[] = {static_cast<std::size_t>(idx)...};
    std::size_t off = 0;
    for (std::size_t k = 0; k < sizeof...(I); ++k) off = off * shape_[k] + ix[k];
    for (std::size_t k = sizeof...(I); k < rank(); ++k) off *= shape_[k];
    return data_[off];
  }

 private:
  T* data_ = nullptr;
  Shape shape_{0};  // default: no elements (a rank-0 shape would be a one-element scalar)
};

// An owning tensor. Move-only: copies are explicit (clone) so a hot loop never copies by accident.
template <class T, Device D = cpu>
class Tensor {
  static_assert(std::is_trivially_copyable_v<T>, "Tensor elements must be trivially copyable");

 public:
  using value_type = T;
  using device_type = D;

  Tensor() = default;
  // Zero-initialised tensor of the given shape.
  explicit Tensor(Shape shape) : Tensor(uninitialized(shape)) { D::fill_zero(data_.get(), bytes()); }

  // A tensor whose contents are not initialised: for outputs that a kernel overwrites completely.
  static Tensor uninitialized(Shape shape) {
    Tensor t;
    t.shape_ = shape;
    t.data_.reset(static_cast<T*>(D::allocate(shape.numel() * sizeof(T))));
    return t;
  }
  static Tensor zeros(Shape shape) { return Tensor(shape); }
  // A tensor filled with `value` (host devices).
  static Tensor full(Shape shape, T value)
    requires is_host_device<D>
  {
    auto t = uninitialized(shape);
    std::fill_n(t.data(), t.size(), value);
    return t;
  }
  // A tensor holding a copy of host data; the element count must equal shape.numel().
  static Tensor from_host(Shape shape, std::span<const T> host) {
    require<shape_error>(host.size() == shape.numel(), "Tensor::from_host: ", host.size(),
                         " values do not fill shape ", shape.str());
    auto t = uninitialized(shape);
    D::copy_from_host(t.data(), host.data(), t.bytes());
    return t;
  }

  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  Tensor clone() const {
    auto t = uninitialized(shape_);
    D::copy(t.data(), data(), bytes());
    return t;
  }
  // A copy of this tensor on device D2.
  template <Device D2>
  Tensor<T, D2> to() const {
    auto t = Tensor<T, D2>::uninitialized(shape_);
    if constexpr (std::same_as<D, D2>) {
      D::copy(t.data(), data(), bytes());
    } else if constexpr (is_host_device<D>) {
      D2::copy_from_host(t.data(), data(), bytes());
    } else {
      static_assert(is_host_device<D2>, "device-to-device copies between different devices go through the host");
      D::copy_to_host(t.data(), data(), bytes());
    }
    return t;
  }

  T* data() noexcept { return data_.get(); }
  const T* data() const noexcept { return data_.get(); }
  const Shape& shape() const noexcept { return shape_; }
  std::size_t rank() const noexcept { return shape_.rank(); }
  std::size_t dim(std::size_t i) const noexcept { return shape_[i]; }
  std::size_t size() const { return shape_.numel(); }
  std::size_t bytes() const { return size() * sizeof(T); }
  bool empty() const { return size() == 0; }

  TensorView<T, D> view() noexcept { return {data(), shape_}; }
  TensorView<const T, D> view() const noexcept { return {data(), shape_}; }
  operator TensorView<T, D>() noexcept { return view(); }
  operator TensorView<const T, D>() const noexcept { return view(); }

  TensorView<T, D> reshape(Shape s) { return view().reshape(s); }
  TensorView<const T, D> reshape(Shape s) const { return view().reshape(s); }
  TensorView<T, D> slice(std::size_t b, std::size_t e) { return view().slice(b, e); }
  TensorView<const T, D> slice(std::size_t b, std::size_t e) const { return view().slice(b, e); }
  TensorView<T, D> operator[](std::size_t i) { return view()[i]; }
  TensorView<const T, D> operator[](std::size_t i) const { return view()[i]; }

  // Changes the shape in place; the element count must stay the same.
  void reshape_inplace(Shape s) {
    require<shape_error>(s.numel() == size(), "reshape: cannot view ", shape_.str(), " as ", s.str());
    shape_ = s;
  }

  std::span<T> span()
    requires is_host_device<D>
  {
    return {data(), size()};
  }
  std::span<const T> span() const
    requires is_host_device<D>
  {
    return {data(), size()};
  }
  template <class... I>
  T& operator()(I... idx)
    requires is_host_device<D>
  {
    return view()(idx...);
  }
  template <class... I>
  const T& operator()(I... idx) const
    requires is_host_device<D>
  {
    return view()(idx...);
  }

 private:
  struct deleter {
    void operator()(T* p) const noexcept { D::deallocate(p); }
  };
  std::unique_ptr<T, deleter> data_;
  Shape shape_{0};  // default: no elements (a rank-0 shape would be a one-element scalar)
};

// Throws shape_error naming `what` unless the two shapes are equal.
inline void require_same_shape(const Shape& a, const Shape& b, const char* what) {
  require<shape_error>(a == b, what, ": shapes ", a.str(), " and ", b.str(), " differ");
}

INX_END_NAMESPACE
