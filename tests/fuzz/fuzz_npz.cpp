// .npz: the ZIP directory (ZIP64 records, extras), stored and deflated members (inflate), CRCs, member .npy files.
#include "fuzz_input.hpp"
#include "inx/io/npz.hpp"
#include "inx/io/tensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_input(data, size, ".npz");
  fuzz::expect_clean([&] { (void)inx::io::load_npz(path); });
  fuzz::expect_clean([&] { (void)inx::io::load_tensors(path); });
  return 0;
}
