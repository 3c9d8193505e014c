// Where `inx` finds its data (class names, the default model, sample images, the label demo) and the weights a user
// fetched. Pure functions of the environment and the executable's location, so that tests can build fake install
// trees; common.hpp calls them with this process's values.
//
// The data folder, first match wins:
//   1. $INX_DATA_DIR, when set (an explicit choice beats any guess; it must hold classes/);
//   2. the source tree's data/, when the program runs from the build tree it was built in;
//   3. <the executable's folder>/<relative data dir> (../share/inx for a standard install), when it holds classes/.
// Weights a user fetches (tools/fetch_efficientnet.py) live in the user data folder, which must be writable:
//   $INX_USER_DATA_DIR, else $XDG_DATA_HOME/inx (when absolute, as the XDG spec asks), else $HOME/.local/share/inx.
// A model's weights file (models/NAME.npz) is looked up in the data folder, then in the user data folder.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "inx/core/error.hpp"

namespace inx_cli::paths {

namespace fs = std::filesystem;

// The environment variables the lookup reads (unset and empty are the same).
struct Environment {
  std::optional<std::string> inx_data_dir, inx_user_data_dir, xdg_data_home, home;

  static Environment from_process() {
    auto get = [](const char* name) -> std::optional<std::string> {
      const char* v = std::getenv(name);
      if (v == nullptr || *v == '\0') return std::nullopt;
      return std::string(v);
    };
    return {get("INX_DATA_DIR"), get("INX_USER_DATA_DIR"), get("XDG_DATA_HOME"), get("HOME")};
  }
};

// Where the program was built: its build-tree bin/ folder, the source tree's data/, and the install's data folder
// relative to the install's bin/ folder.
struct Layout {
  fs::path build_bin_dir, source_data_dir, relative_data_dir;
};

// The data folder and how it was chosen (`inx version` prints both).
struct DataDir {
  fs::path dir;
  std::string source;
};

inline bool holds_inx_data(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "classes", ec);
}

inline bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return !a.empty() && !b.empty() && fs::equivalent(a, b, ec) && !ec;
}

// The running program's own file (Linux: /proc/self/exe); empty when it cannot be read.
inline fs::path executable() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

inline DataDir find_data_dir(const Environment& env, const fs::path& exe, const Layout& layout) {
  if (env.inx_data_dir) {
    const fs::path dir = *env.inx_data_dir;
    inx::require<inx::io_error>(holds_inx_data(dir), "INX_DATA_DIR=", dir.string(),
                                ": not a folder of inx's data (expected classes/, models/ and samples/ in it)");
    return {dir, "INX_DATA_DIR"};
  }
  const fs::path bin = exe.parent_path();
  if (same_folder(bin, layout.build_bin_dir) && holds_inx_data(layout.source_data_dir))
    return {layout.source_data_dir, "the source tree this build came from"};
  const fs::path installed = (bin / layout.relative_data_dir).lexically_normal();
  if (!exe.empty() && holds_inx_data(installed)) return {installed, "the install this program belongs to"};
  throw inx::io_error("inx's data folder not found: " + installed.string() +
                      " holds no classes/ (reinstall inx, or set INX_DATA_DIR to a folder of inx's data)");
}

// The folder for files a user adds (fetched weights); it need not exist yet.
inline fs::path user_data_dir(const Environment& env) {
  if (env.inx_user_data_dir) return fs::path(*env.inx_user_data_dir);
  if (env.xdg_data_home && fs::path(*env.xdg_data_home).is_absolute()) return fs::path(*env.xdg_data_home) / "inx";
  inx::require<inx::io_error>(env.home.has_value(),
                              "the user data folder is unknown: set INX_USER_DATA_DIR (or XDG_DATA_HOME or HOME)");
  return fs::path(*env.home) / ".local" / "share" / "inx";
}

// A model's weights file (models/NAME.npz): the data folder's copy when there is one (fmnist's ships with inx), else
// the user data folder's (fetched); `found` is empty when neither exists. The user data folder is asked for only when
// the data folder has no copy.
struct WeightsLookup {
  std::optional<fs::path> found;
  fs::path shipped, fetched;
};

inline WeightsLookup find_weights(const std::string& file, const fs::path& data, const Environment& env) {
  std::error_code ec;
  WeightsLookup r{std::nullopt, data / file, {}};
  if (fs::is_regular_file(r.shipped, ec)) {
    r.found = r.shipped;
    return r;
  }
  r.fetched = user_data_dir(env) / file;
  if (fs::is_regular_file(r.fetched, ec)) r.found = r.fetched;
  return r;
}

}  // namespace inx_cli::paths
