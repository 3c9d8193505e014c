// What every harness shares: the fuzzer's bytes written to a file (inx's readers take paths, as a user calls them),
// and the rule that a reader may refuse an input only with an inx::error. Anything else (a crash, a sanitizer
// report, another exception type, a hang) is a finding.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <string>

#include "inx/core/error.hpp"

namespace fuzz {

// One file per process, in TMPDIR (a tmpfs under CI), rewritten for every input; `suffix` matters to readers that
// choose by extension (.npy vs .npz).
inline std::filesystem::path write_input(const std::uint8_t* data, std::size_t size, const char* suffix) {
  static const std::filesystem::path path = [&] {
    const char* tmp = std::getenv("TMPDIR");
    return std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
           ("inx_fuzz_" + std::to_string(::getpid()) + suffix);
  }();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

// Runs fn(); an inx::error with a one-line message is a clean refusal. Everything else propagates (or aborts) and
// ends the run as a finding.
template <class Fn>
void expect_clean(Fn&& fn) {
  try {
    fn();
  } catch (const inx::error& e) {
    const std::string m = e.what();
    if (m.empty() || m.find('\n') != std::string::npos) {
      std::fprintf(stderr, "inx::error without a one-line message: [%s]\n", m.c_str());
      std::abort();
    }
  }
}

}  // namespace fuzz
