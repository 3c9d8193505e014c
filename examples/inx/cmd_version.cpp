// `inx version`: what this program is (version, commit, compiler, oneDNN, CUDA, MPI) and where it reads its data.
#include <oneapi/dnnl/dnnl.h>

#include <cstdio>
#include <string>

#include "commands.hpp"
#include "ranks.hpp"
#include "common.hpp"
#include "inx/core/config.hpp"
#include "inx/core/threads.hpp"
#include "inx_build_info.h"

namespace inx_cli {
namespace {

std::string compiler() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown compiler";
#endif
}

std::string onednn() {
  const dnnl_version_t* v = dnnl_version();
  const char* runtime = v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : v->cpu_runtime == DNNL_RUNTIME_TBB ? "TBB"
                                                                    : "other";
  const std::string hash = v->hash ? v->hash : "";
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) + " (" +
         (hash.empty() || hash == "N/A" ? "" : "commit " + hash + ", ") + "CPU runtime " + runtime + ")";
}

void print_version() {
  std::printf("inx %s\n", INX_VERSION_STRING);
  std::printf("commit:    %s\n", INX_GIT_COMMIT);
  std::printf("compiler:  %s, C++%ld\n", compiler().c_str(), (__cplusplus / 100) % 100);
  std::printf("oneDNN:    %s\n", onednn().c_str());
  // The CUDA backend (cuda/, target inx::cuda) is a library for programs built with nvcc; this program is CPU-only
  // until `--device cuda` lands.
  std::printf("CUDA:      not built into this program\n");
  if (const auto mpi = mpi_description(); mpi.empty())
    std::printf("MPI:       not built into this program\n");
  else if (ranks().active())
    std::printf("MPI:       %s (rank %d of %d)\n", mpi.c_str(), ranks().rank(), ranks().size());
  else
    std::printf("MPI:       %s (not started by mpirun: one process)\n", mpi.c_str());
  std::printf("threads:   %d (OMP_NUM_THREADS sets them)\n", inx::num_threads());
  try {
    const auto& d = data_location();
    std::printf("data:      %s (%s)\n", d.dir.string().c_str(), d.source.c_str());
  } catch (const inx::error& e) {
    std::printf("data:      not found: %s\n", e.what());
  }
  try {
    std::printf("user data: %s\n", paths::user_data_dir(paths::Environment::from_process()).string().c_str());
  } catch (const inx::error& e) {
    std::printf("user data: unknown: %s\n", e.what());
  }
  // Each zoo model that has weights of its own, and the file the program would load for it.
  const char* label = "weights:";
  for (const auto& m : inx::models::zoo) {
    if (m.weights_file.empty()) continue;
    std::string where;
    try {
      const auto w = paths::find_weights(std::string(m.weights_file), data_dir(), paths::Environment::from_process());
      where = w.found ? w.found->string()
                      : "not found in " + w.shipped.parent_path().string() + " or " +
                            w.fetched.parent_path().string() + " (python3 " + fetch_script().string() + " fetches them)";
    } catch (const inx::error& e) {
      where = std::string("unknown: ") + e.what();
    }
    std::printf("%-10s %s: %s\n", label, std::string(m.name).c_str(), where.c_str());
    label = "";
  }
}

}  // namespace

void add_version(CLI::App& app) {
  auto* cmd = app.add_subcommand("version",
                                 "Print inx's version, the commit and compiler it was built with, oneDNN's version, "
                                 "whether CUDA and MPI are built in, the CPU threads it uses and where it finds its "
                                 "data (the user data folder is where fetched weights go)");
  cmd->callback(print_version);
}

}  // namespace inx_cli
