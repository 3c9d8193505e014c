// Every reader over every file of the broken corpus (tests/data/io/broken, made by tools/make_io_fixtures.py) must
// throw inx::io_error naming the file, and nothing else: no crash, no other exception, no huge allocation.
#include <gtest/gtest.h>

#include <functional>

#include "io_test_util.hpp"

using namespace iotest;
namespace io = inx::io;

TEST(Broken, EveryReaderRejectsEveryBrokenFileWithIoError) {
  const std::pair<const char*, std::function<void(const std::filesystem::path&)>> readers[] = {
      {"read_npy", [](const auto& p) { io::read_npy(p); }},
      {"load_npy<float>", [](const auto& p) { io::load_npy<float>(p); }},
      {"load_npz", [](const auto& p) { io::load_npz(p); }},
      {"load_tensors", [](const auto& p) { io::load_tensors(p); }},
      {"load_idx", [](const auto& p) { io::load_idx(p); }},
      {"load_image", [](const auto& p) { io::load_image(p); }},
      {"load_image(3)", [](const auto& p) { io::load_image(p, 3); }},
  };
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(data("broken"))) {
    ++files;
    const std::string name = e.path().filename().string();
    for (const auto& [reader, read] : readers) {
      try {
        read(e.path());
        ADD_FAILURE() << reader << " accepted broken file " << name;
      } catch (const inx::io_error& err) {
        const std::string m = err.what();
        EXPECT_NE(m.find(name), std::string::npos) << reader << "(" << name << "): message lacks the file: " << m;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
      } catch (const std::exception& err) {
        ADD_FAILURE() << reader << "(" << name << ") threw a non-io_error: " << err.what();
      }
    }
  }
  EXPECT_GE(files, 60u);
}

// Each broken file is rejected for its own reason (not just a wrong magic): spot-check the messages.
TEST(Broken, MessagesSayWhatWasWrong) {
  auto message = [](auto fn, const char* file) -> std::string {
    try {
      fn(data(std::string("broken/") + file));
    } catch (const inx::io_error& e) {
      return e.what();
    }
    return "(no error)";
  };
  auto npy = [](const auto& p) { io::read_npy(p); };
  auto npz = [](const auto& p) { io::load_npz(p); };
  auto idx = [](const auto& p) { io::load_idx(p); };
  auto img = [](const auto& p) { io::load_image(p); };
  const std::tuple<std::function<void(const std::filesystem::path&)>, const char*, const char*> cases[] = {
      {npy, "truncated_data.npy", "truncated"},
      {npy, "trailing_garbage.npy", "trailing"},
      {npy, "shape_1e12.npy", "truncated data"},
      {npy, "header_duplicate_key.npy", "duplicate"},
      {npy, "header_int_shape.npy", "(n,)"},
      {npy, "dtype_complex.npy", "unsupported dtype"},
      {npy, "bool_value_2.npy", "expected 0 or 1"},
      {npy, "rank_9.npy", "at most 8"},
      {npz, "bad_crc_stored.npz", "CRC-32"},
      {npz, "bad_crc_deflated.npz", "CRC-32"},
      {npz, "bomb_declared_1e12.npz", "zip bomb"},
      {npz, "bomb_more_than_declared.npz", "more than"},
      {npz, "declared_more_than_real.npz", "early"},
      {npz, "trailing_garbage.npz", "end-of-central-directory"},
      {npz, "overlapping.npz", "overlap"},
      {npz, "encrypted.npz", "encrypted"},
      {npz, "method_bzip2.npz", "method 12"},
      {npz, "entry_count_absurd.npz", "cannot fit"},
      {npz, "member_bad_npy.npz", "trailing"},
      {idx, "absurd_dims.idx", "truncated"},
      {idx, "bomb_dims.idx.gz", "gzip"},
      {idx, "trailing_garbage.idx.gz", "trailing"},
      {idx, "float_type.idx", "0xd"},
      {img, "huge_dims.png", "declared size"},
  };
  for (const auto& [fn, file, needle] : cases) {
    const std::string m = message(fn, file);
    EXPECT_NE(m.find(needle), std::string::npos) << file << ": " << m;
  }
}
