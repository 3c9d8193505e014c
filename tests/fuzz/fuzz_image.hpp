// The PNG and JPEG harnesses: load_image with a channel conversion chosen by the input's length (so every
// conversion is exercised and any input reproduces), and every decoded value checked to be a finite level in [0, 1].
#pragma once

#include <cmath>

#include "fuzz_input.hpp"
#include "inx/io/image.hpp"

namespace fuzz {
inline void decode_image(const std::uint8_t* data, std::size_t size) {
  const auto path = write_input(data, size, ".img");
  const int channels = static_cast<int>(size % 5);
  // Small limits keep each run fast; the limits themselves are checked by tests/io/test_limits.cpp.
  inx::io::Limits limits;
  limits.image_pixels = 1u << 22;
  expect_clean([&] {
    const auto t = inx::io::load_image(path, channels, limits);
    for (float v : t.span())
      if (!(v >= 0.0f && v <= 1.0f)) std::abort();
  });
}
}  // namespace fuzz
