// JPEG through io::load_image (libjpeg-turbo's TurboJPEG, then inx's channel conversion). Inputs without the JPEG
// start-of-image marker are skipped so the fuzzer spends its time inside the JPEG decoder.
#include "fuzz_image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) return -1;
  fuzz::decode_image(data, size);
  return 0;
}
