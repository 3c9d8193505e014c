// .npy: the header parser, every dtype, Fortran order, byte order, and the float32 conversion of model weights.
#include "fuzz_input.hpp"
#include "inx/io/npy.hpp"
#include "inx/io/tensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_input(data, size, ".npy");
  fuzz::expect_clean([&] { (void)inx::io::read_npy(path); });
  fuzz::expect_clean([&] { (void)inx::io::load_tensors(path); });
  return 0;
}
