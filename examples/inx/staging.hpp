// The output folder of a subcommand that writes many files: everything goes into a staging folder next to the
// outputs first and is moved into place by commit(), so a failed run leaves nothing half-written behind.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "inx/core/error.hpp"
#include "ranks.hpp"

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
  // Moves every entry of the staging folder over the output folder's, replacing earlier runs' files of that name;
  // with `merge`, a folder that is already there (another rank's of this run) gets this folder's entries added.
  void commit(bool merge = false) { move_entries(dir_, out_, merge); }

 private:
  void move_entries(const std::filesystem::path& from, const std::filesystem::path& to, bool merge) const {
    for (const auto& e : std::filesystem::directory_iterator(from)) {
      const auto dest = to / e.path().filename();
      std::error_code ec;
      if (merge && e.is_directory() && std::filesystem::is_directory(dest, ec)) {
        move_entries(e.path(), dest, merge);
        continue;
      }
      std::filesystem::remove_all(dest, ec);
      std::filesystem::rename(e.path(), dest, ec);
      inx::require<inx::io_error>(!ec, "--out ", out_.string(), ": cannot move ",
                                  e.path().lexically_relative(dir_).string(), " into place (", ec.message(), ")");
    }
  }

  std::filesystem::path out_, dir_;
};

// Commits every rank's staging folder (one rank: just commit()): rank 0 first, its files replacing earlier runs',
// then the other ranks, adding theirs; in step, so that no rank moves files into a folder rank 0 is replacing, and a
// rank that failed before stops the run before anything is moved. (main.cpp's last sync waits for the last ones.)
inline void commit_in_rank_order(Staging& staging) {
  if (!ranks().parallel()) {
    staging.commit();
    return;
  }
  ranks().sync();
  if (ranks().root()) staging.commit();
  ranks().sync();
  if (!ranks().root()) staging.commit(true);
}

}  // namespace inx_cli
