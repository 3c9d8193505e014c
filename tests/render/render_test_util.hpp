// Shared helpers of the render tests: fixture paths and npz members as tensors.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "inx/io/npz.hpp"

namespace rendertest {
namespace fs = std::filesystem;

inline fs::path data(const std::string& rel) { return fs::path(INX_TEST_DATA_DIR) / "render" / rel; }

// The members of a fixture archive, loaded once per test binary.
inline const std::map<std::string, inx::io::NpyArray>& fixture(const std::string& name) {
  static std::map<std::string, std::map<std::string, inx::io::NpyArray>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, inx::io::load_npz(data(name))).first;
  return it->second;
}

template <class T = float>
inx::Tensor<T> member(const std::string& file, const std::string& key) {
  const auto& f = fixture(file);
  const auto it = f.find(key);
  if (it == f.end())
    throw std::runtime_error(file + " has no member " + key + " (rerun tools/make_render_fixtures.py)");
  return it->second.to<T>();
}

// What() of the exception E that fn throws; fails the test if it throws nothing or something else.
template <class E, class F>
std::string message_of(F&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw the wrong type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "threw nothing";
  return {};
}
}  // namespace rendertest
