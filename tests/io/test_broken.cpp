// Every reader over every file of the broken corpus (tests/data/io/broken, made by tools/make_io_fixtures.py) must
// throw inx::io_error naming the file, and nothing else: no crash, no other exception, no huge allocation.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <tuple>

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
  EXPECT_EQ(files, 72u);
}

// The corpus is exactly this set of files, and each one is rejected by its own reader for its own reason (the
// message after the file name). A file added to the corpus without a line here, or a reason that changes, fails.
TEST(Broken, EveryFileIsRejectedForItsOwnReason) {
  auto npy = [](const std::filesystem::path& p) { io::read_npy(p); };
  auto npz = [](const std::filesystem::path& p) { io::load_npz(p); };
  auto idx = [](const std::filesystem::path& p) { io::load_idx(p); };
  auto img = [](const std::filesystem::path& p) { io::load_image(p); };
  using Reader = std::function<void(const std::filesystem::path&)>;
  const std::tuple<const char*, Reader, const char*> cases[] = {
      {"absurd_dims.idx", idx, "IDX shape (60000, 60000, 60000) has 216000000000000 elements, more than the limit"},
      {"bad_crc_deflated.npz", npz, "member \"a.npy\": CRC-32 mismatch (stored 1234, computed"},
      {"bad_crc_stored.npz", npz, "member \"features.0.weight.npy\": CRC-32 mismatch (stored"},
      {"bad_gzip_crc.idx.gz", idx, "corrupt compressed data (zlib: incorrect data check)"},
      {"bomb_declared_1e12.npz", npz, "member \"a.npy\" declares 1000000000000 bytes from only 1118"},
      {"bomb_dims.idx.gz", idx, "IDX shape (60000, 60000, 60000) has 216000000000000 elements, more than the limit"},
      {"bomb_more_than_declared.npz", npz, "member \"a.npy\": compressed data inflates to more than the"},
      {"bool_value_2.npy", npy, "bool element 2 holds 2, expected 0 or 1"},
      {"cd_offset_past_end.npz", npz, "central directory (offset 2147483632, 437 bytes) does not end"},
      {"corrupt.idx.gz", idx, "not an IDX file (wrong magic: expected 00 00 at the start of"},
      {"corrupt_deflate.npz", npz, "member \"a.npy\": corrupt compressed data (zlib: invalid block"},
      {"declared_more_than_real.npz", npz, "member \"a.npy\": compressed data ends 1000 bytes early (after"},
      {"dtype_complex.npy", npy, "unsupported dtype '<c8': expected one of <f4 <f8 <i8 <i4 |u1"},
      {"dtype_object.npy", npy, "unsupported dtype '|O': expected one of <f4 <f8 <i8 <i4 |u1 |b1"},
      {"dtype_pipe_f4.npy", npy, "unsupported dtype '|f4': expected one of <f4 <f8 <i8 <i4 |u1"},
      {"dtype_structured.npy", npy, "malformed .npy header: expected a quoted string"},
      {"duplicate_key.npz", npz, "duplicate key \"a\""},
      {"empty.npy", npy, "not a .npy file: expected at least 10 bytes, found 0"},
      {"encrypted.npz", npz, "member \"a.npy\" is encrypted"},
      {"entry_count_absurd.npz", npz, "65000 members cannot fit a central directory of 437 bytes"},
      {"float_type.idx", idx, "IDX data type 0xd is not supported (expected 0x08, unsigned"},
      {"gif.png", img, "expected a PNG or JPEG image (wrong magic)"},
      {"gz_wrong_inner_magic.idx.gz", idx, "not an IDX file (wrong magic: expected 00 00 at the start of"},
      {"header_after_brace.npy", npy, "malformed .npy header: expected nothing after the closing '}'"},
      {"header_bad_bool.npy", npy, "malformed .npy header: expected True or False"},
      {"header_duplicate_key.npy", npy, "malformed .npy header: expected no duplicate key 'descr'"},
      {"header_escape.npy", npy, "malformed .npy header: expected a plain string without escapes"},
      {"header_expression.npy", npy, "malformed .npy header: expected ',' or ')' in the shape"},
      {"header_extra_key.npy", npy, "malformed .npy header: expected only the keys 'descr',"},
      {"header_int_shape.npy", npy, "malformed .npy header: expected a one-element tuple written (n,)"},
      {"header_len_past_end.npy", npy, ".npy header length 60000 exceeds the 190 bytes available"},
      {"header_missing_shape.npy", npy, "malformed .npy header: expected all of the keys 'descr',"},
      {"header_negative_dim.npy", npy, "malformed .npy header: expected a non-negative integer"},
      {"header_not_dict.npy", npy, "malformed .npy header: expected '{'"},
      {"header_only.png", img, "cannot read the chunks of the PNG image (end of stream)"},
      {"header_unclosed.npy", npy, "malformed .npy header: expected a quoted string"},
      {"huge_dims.png", img, "declares 10000x10000 pixels, more than its 236 bytes can hold"},
      {"isize_mismatch.idx.gz", idx, "IDX shape (3, 4, 5) disagrees with the gzip trailer's size"},
      {"jpeg_header_truncated.jpg", img, "cannot read the JPEG header (no frame header before the data ends)"},
      {"jpeg_soi_only.jpg", img, "cannot read the JPEG header (no frame header before the data ends)"},
      {"local_name_mismatch.npz", npz, "member \"a.npy\": local header names it \"b.npy\""},
      {"magic_only.npy", npy, "not a .npy file: expected at least 10 bytes, found 6"},
      {"member_bad_npy.npz", npz, "member \"a.npy\": 5 trailing bytes after the 480 data bytes of"},
      {"member_truncated_npy.npz", npz, "member \"a.npy\": truncated data: shape (2, 3, 4, 5) of float32"},
      {"method_bzip2.npz", npz, "member \"a.npy\" uses compression method 12, expected 0 (stored)"},
      {"no_end_record.npz", npz, "not a ZIP archive (no end-of-central-directory record at its"},
      {"not_npy_member.npz", npz, "member \"readme.txt\": expected a .npy member"},
      {"overlapping.npz", npz, "members \"a.npy\" and \"a.npy\" overlap"},
      {"rank_0.idx", idx, "IDX rank 0 (expected 1 to 8)"},
      {"rank_9.idx", idx, "IDX rank 9 (expected 1 to 8)"},
      {"rank_9.npy", npy, "malformed .npy header: expected at most 8 dimensions"},
      {"shape_1e12.npy", npy, "shape (1000000, 1000000) has 1000000000000 elements, more than the limit of"},
      {"shape_huge_digits.npy", npy, "malformed .npy header: expected a dimension below 2^56"},
      {"shape_overflow.npy", npy, "shape (4294967296, 4294967296, 4294967296) has too many elements"},
      {"stored_size_mismatch.npz", npz, "stored member \"a.npy\" declares 608 stored bytes but size 616"},
      {"text.png", img, "expected a PNG or JPEG image (wrong magic)"},
      {"trailing_garbage.idx", idx, "1 trailing bytes after the IDX data of shape (3, 4, 5)"},
      {"trailing_garbage.idx.gz", idx, "IDX shape (3, 4, 5) disagrees with the gzip trailer's size"},
      {"trailing_garbage.npy", npy, "8 trailing bytes after the 480 data bytes of shape (2, 3, 4, 5)"},
      {"trailing_garbage.npz", npz, "not a ZIP archive (no end-of-central-directory record at its"},
      {"truncated.idx.gz", idx, "IDX shape (3, 4, 5) disagrees with the gzip trailer's size"},
      {"truncated.png", img, "cannot decode the PNG image (end of stream)"},
      {"truncated_compressed.npz", npz, "not a ZIP archive (no end-of-central-directory record at its"},
      {"truncated_data.idx", idx, "truncated: IDX shape (3, 4, 5) needs 60 data bytes, found 55"},
      {"truncated_data.npy", npy, "truncated data: shape (2, 3, 4, 5) of float32 needs 480 bytes,"},
      {"truncated_half.npz", npz, "not a ZIP archive (no end-of-central-directory record at its"},
      {"truncated_header.idx", idx, "truncated: expected 12 more bytes at offset 4, found 5"},
      {"v2_header_len_huge.npy", npy, ".npy header length 4294967280 exceeds the 2 bytes available"},
      {"version_4.npy", npy, "unsupported .npy format version 4.0 (expected 1.0, 2.0 or 3.0)"},
      {"wrong_magic.idx", idx, "not an IDX file (wrong magic: expected 00 00 at the start)"},
      {"wrong_magic.npy", npy, "not a .npy file: wrong magic (expected \\x93NUMPY)"},
      {"zip64_truncated.npz", npz, "not a ZIP archive (no end-of-central-directory record at its"},
  };
  std::set<std::string> expected, found;
  for (const auto& [file, read, reason] : cases) {
    expected.insert(file);
    std::string m = "(no error)";
    try {
      read(data(std::string("broken/") + file));
    } catch (const inx::io_error& e) {
      m = e.what();
    }
    EXPECT_NE(m.find(file), std::string::npos) << file << ": " << m;
    EXPECT_NE(m.find(reason), std::string::npos) << file << ": expected '" << reason << "', got: " << m;
  }
  for (const auto& e : std::filesystem::directory_iterator(data("broken"))) found.insert(e.path().filename().string());
  EXPECT_EQ(found, expected);
  EXPECT_EQ(found.size(), 72u);  // README's count
}
