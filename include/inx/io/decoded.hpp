// A decoded image before conversion: interleaved samples, 8 or 16 bits each, as the file stores them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

struct DecodedImage {
  std::size_t width = 0, height = 0;
  int channels = 0;                  // 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA
  bool wide = false;                 // 16-bit samples (host-endian std::uint16_t) rather than 8-bit
  std::vector<unsigned char> bytes;  // height x width x channels samples
  // A PNG's tRNS key colour for gray or RGB images (in the decoded samples' scale): the pixels of exactly that
  // colour become transparent when alpha is asked for, as PIL's convert("LA"/"RGBA") does.
  bool has_key = false;
  std::uint16_t key[3] = {0, 0, 0};
};

}  // namespace io::detail
INX_END_NAMESPACE
