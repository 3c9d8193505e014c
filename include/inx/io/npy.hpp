// .npy files: read any of the six dtypes (format versions 1.0, 2.0 and 3.0; Fortran-order data is transposed to C
// order and big-endian data byte-swapped on reading), write C-order little-endian files identical to np.save's.
#pragma once

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "inx/io/array.hpp"
#include "inx/io/file.hpp"
#include "inx/io/limits.hpp"
#include "inx/io/npy_header.hpp"

INX_BEGIN_NAMESPACE
namespace io {
namespace detail {

// Reads `n` bytes from src into out, growing out as data arrives, so a source whose declared size is a lie (a
// deflate stream that ends early) never makes the whole declared size resident.
template <class Source>
void read_growing(Source& src, std::vector<std::byte>& out, std::size_t n) {
  constexpr std::size_t chunk = std::size_t{64} << 20;
  out.clear();
  out.reserve(n);
  while (out.size() < n) {
    const std::size_t done = out.size(), step = std::min(chunk, n - done);
    out.resize(done + step);
    src.read(out.data() + done, step);
  }
}

// The C-order copy of Fortran-order data: element (i0, ..., ik) sits at i0 + d0 * (i1 + d1 * (...)) in the source.
inline std::vector<std::byte> fortran_to_c(const std::vector<std::byte>& src, const Shape& shape, std::size_t item) {
  const std::size_t rank = shape.rank(), n = shape.numel();
  if (rank < 2 || n == 0) return src;
  std::vector<std::byte> dst(src.size());
  std::size_t stride[Shape::kMaxRank], idx[Shape::kMaxRank] = {};
  for (std::size_t k = 0, s = 1; k < rank; s *= shape[k], ++k) stride[k] = s;
  std::size_t off = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(dst.data() + i * item, src.data() + off * item, item);
    for (std::size_t k = rank; k-- > 0;) {  // odometer over C order, tracking the Fortran offset
      off += stride[k];
      if (++idx[k] < shape[k]) break;
      off -= stride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return dst;
}

// A parsed header plus the element count, checked against the bytes the source holds.
struct NpyLayout {
  NpyHeader h;
  std::size_t n = 0, item = 0;
};

// Reads and checks the magic, version and header; afterwards src holds exactly the data bytes.
template <class Source>
NpyLayout read_npy_header_from(Source& src, const std::string& where, const Limits& limits) {
  unsigned char pre[12];
  require<io_error>(src.remaining() >= 10, where, ": not a .npy file: expected at least 10 bytes, found ",
                    src.remaining());
  src.read(pre, 8);
  require<io_error>(std::memcmp(pre, npy_magic, 6) == 0, where, ": not a .npy file: wrong magic (expected \\x93NUMPY)");
  const int major = pre[6], minor = pre[7];
  require<io_error>((major >= 1 && major <= 3) && minor == 0, where, ": unsupported .npy format version ", major, ".",
                    minor, " (expected 1.0, 2.0 or 3.0)");
  std::uint64_t hlen;
  if (major == 1) {
    src.read(pre + 8, 2);
    hlen = load_le<std::uint16_t>(pre + 8);
  } else {
    require<io_error>(src.remaining() >= 4, where, ": truncated .npy header length");
    src.read(pre + 8, 4);
    hlen = load_le<std::uint32_t>(pre + 8);
  }
  require<io_error>(hlen <= npy_max_header && hlen <= src.remaining(), where, ": .npy header length ", hlen,
                    " exceeds the ", std::min<std::uint64_t>(src.remaining(), npy_max_header),
                    " bytes available");
  std::string text(hlen, '\0');
  src.read(text.data(), hlen);
  NpyLayout l;
  l.h = NpyHeaderParser(text, where).parse();

  std::size_t n = 1;
  for (std::size_t d : l.h.shape) {
    require<io_error>(d == 0 || n <= (std::size_t{1} << 60) / d, where, ": shape ", l.h.shape.str(),
                      " has too many elements");
    n *= d;
  }
  require<io_error>(n <= limits.tensor_elements, where, ": shape ", l.h.shape.str(), " has ", n,
                    " elements, more than the limit of ", limits.tensor_elements, " (io::Limits::tensor_elements)");
  l.n = n;
  l.item = dtype_size(l.h.type);
  require<io_error>(n <= (std::size_t{1} << 60) / l.item, where, ": shape ", l.h.shape.str(),
                    " has too many elements");
  const std::uint64_t want = n * l.item, have = src.remaining();
  require<io_error>(want <= have, where, ": truncated data: shape ", l.h.shape.str(), " of ", dtype_name(l.h.type),
                    " needs ", want, " bytes, found ", have);
  require<io_error>(want == have, where, ": ", have - want, " trailing bytes after the ", want,
                    " data bytes of shape ", l.h.shape.str());
  return l;
}

// Byte-swaps big-endian data and checks bools, in place.
inline void fix_npy_data(std::byte* data, const NpyLayout& l, const std::string& where) {
  if (l.h.big_endian)
    for (std::size_t i = 0; i < l.n; ++i) std::reverse(data + i * l.item, data + (i + 1) * l.item);
  if (l.h.type == dtype::b1) {
    const auto bad = std::find_if(data, data + l.n, [](std::byte b) { return b > std::byte{1}; });
    if (bad != data + l.n)
      throw io_error(inx::detail::msg(where, ": bool element ", bad - data, " holds ", static_cast<int>(*bad),
                                      ", expected 0 or 1"));
  }
}

template <class Source>
NpyArray read_npy_data(Source& src, const NpyLayout& l, const std::string& where) {
  NpyArray a;
  a.type = l.h.type;
  a.shape = l.h.shape;
  read_growing(src, a.bytes, l.n * l.item);
  fix_npy_data(a.bytes.data(), l, where);
  if (l.h.fortran_order) a.bytes = fortran_to_c(a.bytes, a.shape, l.item);
  return a;
}

// Parses a whole .npy stream from `src`, whose remaining() must be exactly the stream's length.
template <class Source>
NpyArray read_npy_from(Source& src, const std::string& where, const Limits& limits) {
  const NpyLayout l = read_npy_header_from(src, where, limits);
  return read_npy_data(src, l, where);
}

// Reads a .npy stream as Tensor<T>: straight into the tensor when the file holds C-order T, else through an
// NpyArray and `convert` (which throws for dtypes it does not accept).
template <class T, class Source, class Convert>
Tensor<T> read_npy_tensor_from(Source& src, const std::string& where, const Limits& limits, Convert convert) {
  const NpyLayout l = read_npy_header_from(src, where, limits);
  if (l.h.type == dtype_of<T>() && !l.h.fortran_order) {
    auto t = Tensor<T>::uninitialized(l.h.shape);  // not touched until data arrives, so a lying size costs nothing
    src.read(t.data(), l.n * l.item);
    fix_npy_data(reinterpret_cast<std::byte*>(t.data()), l, where);
    return t;
  }
  return convert(read_npy_data(src, l, where));
}

inline std::string file_label(const std::filesystem::path& p) { return inx::detail::msg("file ", p); }

}  // namespace detail

// Reads a .npy file of any supported dtype.
inline NpyArray read_npy(const std::filesystem::path& path, const Limits& limits = {}) {
  detail::InFile f(path);
  return detail::read_npy_from(f, detail::file_label(path), limits);
}

// Reads a .npy file as Tensor<T>; the dtype must match T (float also accepts float64).
template <class T>
  requires has_dtype<T>
Tensor<T> load_npy(const std::filesystem::path& path, const Limits& limits = {}) {
  detail::InFile f(path);
  const std::string where = detail::file_label(path);
  return detail::read_npy_tensor_from<T>(f, where, limits, [&](const NpyArray& a) { return a.to_impl<T>(where); });
}

// Writes a C-order .npy file that np.load reads (the same bytes np.save writes). Atomic: temporary file + rename.
template <class T>
  requires has_dtype<T>
void save_npy(const std::filesystem::path& path, TensorView<const T> t) {
  detail::OutFile f(path);
  const std::string header = detail::npy_header_bytes(dtype_of<T>(), t.shape());
  f.write(header.data(), header.size());
  f.write(t.data(), t.size() * sizeof(T));
  f.commit();
}
template <class T>
  requires has_dtype<T>
void save_npy(const std::filesystem::path& path, TensorView<T> t) {
  save_npy<T>(path, TensorView<const T>(t));
}
template <class T>
  requires has_dtype<T>
void save_npy(const std::filesystem::path& path, const Tensor<T>& t) {
  save_npy<T>(path, t.view());
}

inline void save_npy(const std::filesystem::path& path, const NpyArray& a) {
  require<io_error>(a.bytes.size() == a.shape.numel() * dtype_size(a.type), "save_npy ", path, ": ",
                    a.bytes.size(), " data bytes do not fill shape ", a.shape.str());
  detail::OutFile f(path);
  const std::string header = detail::npy_header_bytes(a.type, a.shape);
  f.write(header.data(), header.size());
  f.write(a.bytes.data(), a.bytes.size());
  f.commit();
}

}  // namespace io
INX_END_NAMESPACE
