#include <gtest/gtest.h>

#include <cstdlib>

#include "io_test_util.hpp"

using namespace iotest;
namespace io = inx::io;
using inx::Shape;

namespace {
template <class T>
void expect_pattern(const std::map<std::string, io::NpyArray>& m, const std::string& key, Shape shape) {
  SCOPED_TRACE(key);
  ASSERT_TRUE(m.contains(key));
  const auto t = m.at(key).to<T>();
  ASSERT_EQ(t.shape(), shape);
  for (std::size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t.data()[i], pattern<T>(std::int64_t(i)));
}

void expect_numpy_arrays(const std::map<std::string, io::NpyArray>& m) {
  EXPECT_EQ(m.size(), 7u);
  expect_pattern<float>(m, "features.0.weight", Shape{2, 3, 4, 5});
  expect_pattern<float>(m, "features.0.bias", Shape{7});
  expect_pattern<std::int64_t>(m, "bn.num_batches_tracked", Shape{});
  expect_pattern<double>(m, "classifier.weight", Shape{0, 3});
  expect_pattern<bool>(m, "mask", Shape{7});
  expect_pattern<std::uint8_t>(m, "labels", Shape{2, 3, 4, 5});
  expect_pattern<std::int32_t>(m, "counts", Shape{7});
}
}  // namespace

TEST(Npz, ReadsNumpySavez) { expect_numpy_arrays(io::load_npz(data("npz/savez.npz"))); }
TEST(Npz, ReadsNumpySavezCompressed) { expect_numpy_arrays(io::load_npz(data("npz/savez_compressed.npz"))); }
TEST(Npz, ReadsZip64Records) { expect_numpy_arrays(io::load_npz(data("npz/zip64.npz"))); }

TEST(Npz, RoundTripStoredAndCompressed) {
  TempDir dir("npz_rt");
  for (bool compressed : {false, true}) {
    const auto src = io::load_npz(data("npz/savez.npz"));
    const auto path = dir.path / (compressed ? "c.npz" : "s.npz");
    io::save_npz(path, src, compressed);
    expect_numpy_arrays(io::load_npz(path));
  }
  EXPECT_LT(std::filesystem::file_size(dir.path / "c.npz"), std::filesystem::file_size(dir.path / "s.npz"));
}

TEST(Npz, EmptyArchive) {
  TempDir dir("npz_empty");
  io::save_npz(dir.path / "e.npz", {});
  EXPECT_TRUE(io::load_npz(dir.path / "e.npz").empty());
}

TEST(Tensors, NpzFolderAndSingleFileGiveFloat32) {
  for (const char* src : {"npz/savez.npz", "npz/savez_compressed.npz"}) {
    const auto w = io::load_tensors(data(src));
    ASSERT_EQ(w.size(), 7u);
    EXPECT_EQ(w.at("features.0.weight").shape(), (Shape{2, 3, 4, 5}));
    EXPECT_EQ(w.at("features.0.weight").data()[17], pattern<float>(17));
    EXPECT_EQ(w.at("bn.num_batches_tracked").data()[0], static_cast<float>(pattern<std::int64_t>(0)));
    EXPECT_EQ(w.at("labels").data()[5], static_cast<float>(pattern<std::uint8_t>(5)));
    EXPECT_EQ(w.at("mask").data()[3], 1.0f);
  }
  const auto f = io::load_tensors(data("npz/weights_folder"));
  ASSERT_EQ(f.size(), 3u);  // README.txt is not a tensor
  EXPECT_EQ(f.at("features.0.bias").shape(), Shape{7});
  EXPECT_EQ(f.at("features.0.bias").data()[6], pattern<float>(6));
  const auto one = io::load_tensors(data("npy/f64_4d.npy"));
  EXPECT_EQ(one.at("f64_4d").data()[1], static_cast<float>(pattern<double>(1)));
  EXPECT_THROW(io::load_tensors(data("npz/no_such.npz")), inx::io_error);
  EXPECT_THROW(io::load_tensors(data("idx")), inx::io_error);  // a folder without .npy files
}

// Files inx writes must load in NumPy: the fixture script's --verify mode checks them when Python is present.
TEST(Npz, NumpyLoadsWhatInxWrites) {
  const char* py = "/usr/bin/python3";
  if (!std::filesystem::exists(py) || std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
    GTEST_SKIP() << "no /usr/bin/python3 with numpy";
  TempDir dir("npz_verify");
  std::map<std::string, io::NpyArray> all;
  auto add = [&](auto tag, const char* code) {
    using T = decltype(tag);
    for (auto [name, shape] : {std::pair{"0d", Shape{}}, {"1d", Shape{7}}, {"4d", Shape{2, 3, 4, 5}},
                               {"empty", Shape{0, 3}}}) {
      const std::string key = std::string("layer.0.") + code + "_" + name;
      auto t = pattern_tensor<T>(shape);
      all[key] = io::to_npy<T>(t.view());
      io::save_npy(dir.path / (key + ".npy"), t.view());
    }
  };
  add(float{}, "f32");
  add(double{}, "f64");
  add(std::int64_t{}, "i64");
  add(std::int32_t{}, "i32");
  add(std::uint8_t{}, "u8");
  add(bool{}, "b1");
  io::save_npz(dir.path / "stored.npz", all, false);
  io::save_npz(dir.path / "deflated.npz", all, true);
  const std::string cmd = std::string(py) + " " + INX_SOURCE_DIR + "/tools/make_io_fixtures.py --verify " +
                          dir.path.string() + " > " + (dir.path / "log.txt").string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << std::string(file_bytes(dir.path / "log.txt").data(), file_bytes(dir.path / "log.txt").size());
}
