// PNG through io::load_image (libspng, then inx's channel conversion). Inputs without the PNG signature are
// skipped so the fuzzer spends its time inside the PNG decoder.
#include <cstring>

#include "fuzz_image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (size < 8 || std::memcmp(data, sig, 8) != 0) return -1;  // -1: not added to the corpus
  fuzz::decode_image(data, size);
  return 0;
}
