// The exception types inx throws. Every failure caused by user input is an inx::error whose message names the
// input, what was expected and what was found, in one line, so a program can print what() and exit.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE

namespace detail {
// The message with every control character escaped (a newline from a file's bytes becomes "\n", others "\xHH"),
// so that an error is always one line, whatever the input it quotes.
inline std::string one_line(std::string s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else out += ch;
  }
  return out;
}
}  // namespace detail

// Base of all inx errors; catch this to report any user-facing failure. The message is kept to one line.
class error : public std::runtime_error {
 public:
  explicit error(const std::string& what) : std::runtime_error(detail::one_line(what)) {}
  explicit error(const char* what) : std::runtime_error(detail::one_line(what)) {}
};

// A file could not be opened, read, written, or its contents are malformed.
class io_error : public error {
 public:
  using error::error;
};

// Tensor shapes, ranks or sizes do not fit together.
class shape_error : public error {
 public:
  using error::error;
};

// A value is out of its allowed range (NaN, Inf, a negative count, an unknown name...).
class value_error : public error {
 public:
  using error::error;
};

// A required backend or device is not available (no GPU, CUDA not built).
class device_error : public error {
 public:
  using error::error;
};

namespace detail {
// Concatenates streamable parts into one message: msg("file ", path, ": expected ", n, " bytes").
template <class... Parts>
std::string msg(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}
}  // namespace detail

// Throws E with the concatenated message when cond is false.
template <class E = value_error, class... Parts>
inline void require(bool cond, const Parts&... parts) {
  if (!cond) throw E(detail::msg(parts...));
}

INX_END_NAMESPACE
