#include <cstdio>

#include "commands.hpp"
#include "inx/core/config.hpp"
#include "inx/core/threads.hpp"

namespace inx_cli {
void add_version(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print inx's version and the CPU threads it uses");
  cmd->callback([] { std::printf("inx %s (%d CPU threads)\n", INX_VERSION_STRING, inx::num_threads()); });
}
}  // namespace inx_cli
