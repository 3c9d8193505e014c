// The exception types inx throws. Every failure caused by user input is an inx::error whose message names the
// input, what was expected and what was found, in one line, so a program can print what() and exit.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE

// Base of all inx errors; catch this to report any user-facing failure.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
