// The .npy header: the Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } that
// describes the array, parsed strictly (exactly these three keys, plain literals, nothing after the closing brace)
// and written byte for byte as NumPy 1.24's np.save writes it.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "inx/io/array.hpp"
#include "inx/io/file.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

inline constexpr char npy_magic[] = "\x93NUMPY";
inline constexpr std::size_t npy_max_header = 1u << 20;

struct NpyHeader {
  dtype type = dtype::f32;
  bool big_endian = false;
  bool fortran_order = false;
  Shape shape;
};

class NpyHeaderParser {
 public:
  NpyHeaderParser(std::string_view text, const std::string& where) : s_(text), where_(where) {}

  NpyHeader parse() {
    NpyHeader h;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    ws();
    expect('{');
    ws();
    while (peek() != '}') {
      const std::string key = string_literal();
      ws();
      expect(':');
      ws();
      if (key == "descr") {
        if (seen_descr) fail("no duplicate key 'descr'");
        seen_descr = true;
        descr(string_literal(), h);
      } else if (key == "fortran_order") {
        if (seen_fortran) fail("no duplicate key 'fortran_order'");
        seen_fortran = true;
        h.fortran_order = boolean();
      } else if (key == "shape") {
        if (seen_shape) fail("no duplicate key 'shape'");
        seen_shape = true;
        h.shape = shape();
      } else {
        fail("only the keys 'descr', 'fortran_order' and 'shape', found '" + key + "'");
      }
      ws();
      if (peek() == ',') {
        ++i_;
        ws();
      } else if (peek() != '}') {
        fail("',' or '}'");
      }
    }
    ++i_;
    ws();
    if (i_ != s_.size()) fail("nothing after the closing '}'");
    if (!(seen_descr && seen_fortran && seen_shape)) fail("all of the keys 'descr', 'fortran_order' and 'shape'");
    return h;
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  [[noreturn]] void fail(const std::string& expected) const {
    std::string shown(s_.substr(0, 120));
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
    throw io_error(inx::detail::msg(where_, ": malformed .npy header: expected ", expected, " at character ", i_,
                                    " of \"", shown, s_.size() > 120 ? "..." : "", "\""));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("'") + c + "'");
    ++i_;
  }
  std::string string_literal() {
    const char q = peek();
    if (q != '\'' && q != '"') fail("a quoted string");
    const std::size_t begin = ++i_;
    while (i_ < s_.size() && s_[i_] != q) {
      if (s_[i_] == '\\' || s_[i_] == '\n') fail("a plain string without escapes");
      ++i_;
    }
    if (i_ == s_.size()) fail("a closing quote");
    return std::string(s_.substr(begin, i_++ - begin));
  }
  bool boolean() {
    if (s_.substr(i_, 4) == "True") return i_ += 4, true;
    if (s_.substr(i_, 5) == "False") return i_ += 5, false;
    fail("True or False");
  }
  Shape shape() {
    expect('(');
    ws();
    std::size_t dims[Shape::kMaxRank];
    std::size_t rank = 0;
    bool trailing_comma = false;
    while (peek() != ')') {
      if (rank == Shape::kMaxRank) fail("at most " + std::to_string(Shape::kMaxRank) + " dimensions");
      dims[rank++] = integer();
      ws();
      trailing_comma = peek() == ',';
      if (trailing_comma) {
        ++i_;
        ws();
      } else if (peek() != ')') {
        fail("',' or ')' in the shape");
      }
    }
    if (rank == 1 && !trailing_comma) fail("a one-element tuple written (n,)");
    ++i_;
    return Shape(std::span<const std::size_t>(dims, rank));
  }
  std::size_t integer() {
    const std::size_t begin = i_;
    std::uint64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      if (v > (std::uint64_t{1} << 56)) fail("a dimension below 2^56");
      v = v * 10 + static_cast<std::uint64_t>(s_[i_++] - '0');
    }
    if (i_ == begin) fail("a non-negative integer");
    return static_cast<std::size_t>(v);
  }
  void descr(const std::string& d, NpyHeader& h) {
    static constexpr struct {
      const char* code;
      dtype type;
    } known[] = {{"f4", dtype::f32}, {"f8", dtype::f64}, {"i8", dtype::i64},
                 {"i4", dtype::i32}, {"u1", dtype::u8},  {"b1", dtype::b1}};
    if (d.size() == 3) {
      for (const auto& k : known) {
        if (d.compare(1, 2, k.code) != 0) continue;
        const bool one_byte = dtype_size(k.type) == 1;
        if (d[0] == '<' || d[0] == '>' || (one_byte && d[0] == '|')) {
          h.type = k.type;
          h.big_endian = d[0] == '>' && !one_byte;
          return;
        }
      }
    }
    throw io_error(inx::detail::msg(where_, ": unsupported dtype '", d,
                                    "': expected one of <f4 <f8 <i8 <i4 |u1 |b1 (or big-endian >f4 >f8 >i8 >i4)"));
  }

  std::string_view s_;
  const std::string& where_;
  std::size_t i_ = 0;
};

inline const char* npy_descr(dtype t) noexcept {
  switch (t) {
    case dtype::f32: return "<f4";
    case dtype::f64: return "<f8";
    case dtype::i64: return "<i8";
    case dtype::i32: return "<i4";
    case dtype::u8: return "|u1";
    case dtype::b1: return "|b1";
  }
  return "?";
}

// Magic, version, length and header as NumPy 1.24 writes them (64-byte aligned, growth padding, final newline).
inline std::string npy_header_bytes(dtype t, const Shape& shape) {
  std::string dict = std::string("{'descr': '") + npy_descr(t) + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.rank(); ++i) dict += (i ? ", " : "") + std::to_string(shape[i]);
  dict += shape.rank() == 1 ? ",), }" : "), }";
  if (shape.rank() > 0) dict.append(21 - std::to_string(shape[0]).size(), ' ');
  const std::size_t hlen = dict.size() + 1;
  const bool v1 = hlen + 64 - (10 + hlen) % 64 <= 65535;  // NumPy uses version 1.0 whenever the length fits
  const std::size_t prefix = v1 ? 10 : 12;
  const std::size_t pad = 64 - (prefix + hlen) % 64;
  std::string out(npy_magic, 6);
  out.push_back(v1 ? 1 : 2);
  out.push_back(0);
  if (v1) store_le<std::uint16_t>(out, static_cast<std::uint16_t>(hlen + pad));
  else store_le<std::uint32_t>(out, static_cast<std::uint32_t>(hlen + pad));
  out += dict;
  out.append(pad, ' ');
  out.push_back('\n');
  return out;
}

}  // namespace io::detail
INX_END_NAMESPACE
