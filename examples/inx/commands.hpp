// The subcommands of the `inx` program. Each lives in its own cmd_<name>.cpp and registers itself on the app;
// main.cpp calls every add_* below. A subcommand reports bad input by throwing inx::error: main prints its message
// as one line on stderr and exits 1.
#pragma once

#include <CLI/CLI.hpp>

namespace inx_cli {
void add_version(CLI::App& app);
void add_cluster(CLI::App& app);
void add_classify(CLI::App& app);
void add_layers(CLI::App& app);
void add_explain(CLI::App& app);
void add_evaluate(CLI::App& app);
void add_global(CLI::App& app);
void add_label_page(CLI::App& app);
}  // namespace inx_cli
