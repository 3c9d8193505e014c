// Shared helpers of the io tests: fixture paths, the value patterns tools/make_io_fixtures.py writes, temp dirs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

#include "inx/io/io.hpp"

namespace iotest {
namespace fs = std::filesystem;

inline fs::path data(const std::string& rel) { return fs::path(INX_TEST_DATA_DIR) / "io" / rel; }

// pattern(code, n)[i] from make_io_fixtures.py, as the C++ element type.
template <class T>
T pattern(std::int64_t i) {
  if constexpr (std::is_same_v<T, float>) return static_cast<float>(static_cast<double>(i) * 0.5 - 3.25);
  else if constexpr (std::is_same_v<T, double>) return static_cast<double>(i) * 0.1 + 1.0 / 3.0;
  else if constexpr (std::is_same_v<T, std::int64_t>) return i * 1000003 - 5000000000000;
  else if constexpr (std::is_same_v<T, std::int32_t>) return static_cast<std::int32_t>(i * 7 - 50);
  else if constexpr (std::is_same_v<T, std::uint8_t>) return static_cast<std::uint8_t>((i * 37) % 256);
  else return i % 3 == 0;
}

template <class T>
inx::Tensor<T> pattern_tensor(inx::Shape s) {
  auto t = inx::Tensor<T>::uninitialized(s);
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = pattern<T>(static_cast<std::int64_t>(i));
  return t;
}

inline std::vector<char> file_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A fresh, empty folder under the system temp dir, removed when the object dies.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("inx_io_" + tag + "_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
}  // namespace iotest
