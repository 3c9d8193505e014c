// Embeddings and their vocabulary (labels/embeddings.hpp): the input is the vocabulary text, a 0x00 byte, then the
// .npy bytes; every mismatch between the two must be a clean error.
#include <cstring>
#include <filesystem>
#include <fstream>

#include "fuzz_input.hpp"
#include "inx/labels/embeddings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* sep = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
  if (!sep) return -1;
  const std::size_t vn = std::size_t(sep - data);
  const auto npy = fuzz::write_input(sep + 1, size - vn - 1, ".npy");
  static const auto vocab = std::filesystem::temp_directory_path() / ("inx_fuzz_vocab_" + std::to_string(::getpid()));
  {
    std::ofstream f(vocab, std::ios::binary);
    f.write(reinterpret_cast<const char*>(data), std::streamsize(vn));
  }
  fuzz::expect_clean([&] { (void)inx::labels::load_embeddings(npy, vocab); });
  return 0;
}
