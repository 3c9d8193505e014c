// The output folder of a subcommand that writes many files: everything goes into a staging folder next to the
// outputs first and is moved into place by commit(), so a failed run leaves nothing half-written behind.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "inx/core/error.hpp"

namespace inx_cli {

// The output folder's staging area: created next to the outputs, removed unless commit() moved its contents in.
class Staging {
 public:
  explicit Staging(const std::filesystem::path& out) : out_(out) {
    std::error_code ec;
    std::filesystem::create_directories(out_, ec);
    inx::require<inx::io_error>(!ec && std::filesystem::is_directory(out_), "--out ", out_.string(),
                                ": cannot create the folder (", ec ? ec.message() : "not a folder", ")");
    dir_ = out_ / (".inx-staging-" + std::to_string(::getpid()));
    std::filesystem::create_directory(dir_, ec);
    inx::require<inx::io_error>(!ec, "--out ", out_.string(), ": cannot write into the folder (", ec.message(), ")");
  }
  ~Staging() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::filesystem::path& dir() const noexcept { return dir_; }
  // Moves every entry of the staging folder over the output folder's (replacing earlier runs' files of that name).
  void commit() {
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      const auto dest = out_ / e.path().filename();
      std::error_code ec;
      std::filesystem::remove_all(dest, ec);
      std::filesystem::rename(e.path(), dest, ec);
      inx::require<inx::io_error>(!ec, "--out ", out_.string(), ": cannot move ", e.path().filename().string(),
                                  " into place (", ec.message(), ")");
    }
  }

 private:
  std::filesystem::path out_, dir_;
};

}  // namespace inx_cli
