// `inx`: classify images, cluster feature maps and explain classifiers from the command line.
//
// Under `mpirun -np N` (with the MPI layer built in) explain, evaluate, classify and global shard their images over
// the N ranks (ranks.hpp) and rank 0 writes the results; the other subcommands run on rank 0 alone. A rank that
// fails tells the others through Ranks::fail, so the run stops everywhere with one line on stderr: the message of the
// lowest failing rank, printed by that rank.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>

#include "commands.hpp"
#include "inx/core/error.hpp"
#include "ranks.hpp"

namespace {
bool sharded(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "explain" || a == "evaluate" || a == "classify" || a == "global") return true;
    if (!a.empty() && a[0] != '-') return false;  // the first word that is not a flag is the subcommand
  }
  return false;
}
}  // namespace

int main(int argc, char** argv) {
  static std::optional<inx_cli::Ranks> world;  // static: outlives every use through ranks()
  try {
    world.emplace(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "inx: %s\n", e.what());
    return 1;
  }
  inx_cli::detail::ranks_ptr() = &*world;
  const bool collective = world->parallel() && sharded(argc, argv);
  if (world->parallel() && !collective && !world->root()) return 0;  // one process is enough for the others

  // A failure: alone, print it; in a collective run, tell the other ranks and print it if this rank is the one
  // reported (the lowest that failed).
  auto failed = [&](int code, const std::string& what) {
    if (!collective) {
      std::fprintf(stderr, "inx: %s\n", what.c_str());
      return code;
    }
    const auto f = world->fail(code, what);
    if (f.rank() == world->rank()) std::fprintf(stderr, "inx: %s\n", what.c_str());
    return f.code();
  };

  CLI::App app{"inx: layer-by-layer explanations of convolutional image classifiers (INV)"};
  app.require_subcommand(1);
  inx_cli::add_version(app);
  inx_cli::add_cluster(app);
  inx_cli::add_classify(app);
  inx_cli::add_layers(app);
  inx_cli::add_explain(app);
  inx_cli::add_evaluate(app);
  inx_cli::add_global(app);
  inx_cli::add_label_page(app);
  try {
    app.parse(argc, argv);
    // Every rank that succeeded waits here for the others: a rank that fails later still finds them listening.
    if (collective) world->sync();
  } catch (const CLI::CallForHelp& e) {
    return world->root() ? app.exit(e) : 0;
  } catch (const CLI::CallForAllHelp& e) {
    return world->root() ? app.exit(e) : 0;
  } catch (const CLI::ParseError& e) {
    return failed(2, e.what());
  } catch (const inx_cli::peer_failed& e) {
    return e.code();  // another rank failed and says so
  } catch (const inx_cli::mpi_error& e) {
    std::fprintf(stderr, "inx: %s\n", e.what());
    world->abort(1);
  } catch (const inx::error& e) {
    return failed(1, e.what());
  } catch (const std::bad_alloc&) {
    return failed(1, "out of memory");
  } catch (const std::exception& e) {
    return failed(1, std::string("internal error: ") + e.what());
  }
  return 0;
}
