// IDX (MNIST's format), raw or gzip-compressed (chosen by the file's magic, as load_idx does).
#include "fuzz_input.hpp"
#include "inx/io/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_input(data, size, ".idx");
  fuzz::expect_clean([&] { (void)inx::io::load_idx(path); });
  return 0;
}
