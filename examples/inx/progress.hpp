// Progress of a long run on stderr: images done, images per second and time left. On a terminal one line that
// updates in place; otherwise (a log file, CI) one line per 10 % so logs stay short. Quiet for a single batch.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdio>

namespace inx_cli {

class Progress {
 public:
  Progress(std::size_t total, bool quiet) : total_(total), quiet_(quiet || total < 2), tty_(::isatty(2) == 1) {}

  void advance(std::size_t n) {
    done_ += n;
    if (quiet_) return;
    const double s = std::chrono::duration<double>(clock::now() - start_).count();
    const double rate = s > 0 ? double(done_) / s : 0;
    const double left = rate > 0 ? double(total_ - done_) / rate : 0;
    const std::size_t tenth = done_ * 10 / total_;
    if (tty_) {
      std::fprintf(stderr, "\r%zu/%zu images, %.2f images/s, %.0f s left   %s", done_, total_, rate, left,
                   done_ == total_ ? "\n" : "");
    } else if (tenth > last_tenth_ || done_ == total_) {
      last_tenth_ = tenth;
      std::fprintf(stderr, "%3zu%%  %zu/%zu images, %.2f images/s, %.0f s left\n", done_ * 100 / total_, done_, total_,
                   rate, left);
    }
    std::fflush(stderr);
  }

 private:
  using clock = std::chrono::steady_clock;
  std::size_t total_, done_ = 0, last_tenth_ = 0;
  bool quiet_, tty_;
  clock::time_point start_ = clock::now();
};

}  // namespace inx_cli
