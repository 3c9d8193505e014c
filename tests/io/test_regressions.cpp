// The regression corpus (tests/data/io/regressions, README.md there): inputs from outside the fixture generator that
// broke or could break a reader — bug evidence, fuzzer findings, damaged real files. Each is refused with a one-line
// io_error naming the file and its reason; the set of files is exact, so a new finding needs a case here.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "io_test_util.hpp"

using namespace iotest;
namespace io = inx::io;

TEST(Regressions, EveryFileIsRefusedForItsReason) {
  const auto img = [](const fs::path& p) { (void)io::load_image(p); };
  const auto weights = [](const fs::path& p) { (void)io::load_tensors(p); };
  const std::vector<std::tuple<std::string, std::function<void(const fs::path&)>, std::string>> cases = {
      // stb_image read out of bounds here; libjpeg-turbo finds corrupt data in the header and stops.
      {"stb_jpeg_huffman_oob.jpg", img, "cannot read the header of the JPEG image (Corrupt JPEG data: 80 extraneous bytes"},
      {"skimage_truncated.jpg", img, "cannot read the header of the JPEG image (Bogus Huffman table definition)"},
      // fuzz_weights: a member name holding a newline made a two-line error; control characters are now escaped.
      {"fuzz_npz_member_name_newline.npz", weights, "local header names it \"a.np\\n\""},
  };
  std::set<std::string> expected, found;
  for (const auto& [file, read, reason] : cases) {
    expected.insert(file);
    for (int channels : {0, 1, 3}) {
      std::string m = "(no error)";
      try {
        if (channels == 0 || !file.ends_with(".jpg")) read(data("regressions/" + file));
        else (void)io::load_image(data("regressions/" + file), channels);
      } catch (const inx::io_error& e) {
        m = e.what();
      }
      EXPECT_NE(m.find(file), std::string::npos) << file << ": " << m;
      EXPECT_NE(m.find(reason), std::string::npos) << file << ": expected '" << reason << "', got: " << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << file << ": not one line: " << m;
    }
  }
  for (const auto& e : fs::directory_iterator(data("regressions")))
    if (e.path().filename() != "README.md") found.insert(e.path().filename().string());
  EXPECT_EQ(found, expected);
}
