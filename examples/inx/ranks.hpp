// The ranks of this run of `inx`: with the MPI layer built in (INX_HAVE_MPI) and started by `mpirun -np N`, the
// N processes of inx::mpi::World; otherwise one rank of one with the same interface and no MPI at all. The sharded
// subcommands (explain, evaluate, classify, global) split their images with inx/mpi/shard.hpp, exchange results
// through these collectives, and let rank 0 write the run's files; main.cpp reports a failure through fail().
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/mpi/errors.hpp"
#include "inx/mpi/shard.hpp"

#ifdef INX_HAVE_MPI
#include "inx/mpi/world.hpp"
#endif

namespace inx_cli {

using inx::mpi::mpi_error;
using inx::mpi::peer_failed;

#ifdef INX_HAVE_MPI
using Ranks = inx::mpi::World;
inline std::string mpi_description() { return inx::mpi::library_version(); }
#else
inline std::string mpi_description() { return ""; }

// One process: every collective is the identity.
class Ranks {
 public:
  Ranks(int&, char**&) {}
  bool active() const noexcept { return false; }
  bool parallel() const noexcept { return false; }
  int rank() const noexcept { return 0; }
  int size() const noexcept { return 1; }
  bool root() const noexcept { return true; }
  void sync() const {}
  std::vector<std::string> gather(const std::string& mine) const { return {mine}; }
  std::string broadcast(std::string bytes) const { return bytes; }
  void sum(std::span<double>) const {}
  void sum(std::span<std::uint64_t>) const {}
  std::uint64_t sum(std::uint64_t v) const { return v; }
  peer_failed fail(int code, const std::string& what) const { return {0, code, what}; }
  [[noreturn]] void abort(int code) const { std::exit(code); }
};
#endif

namespace detail {
inline Ranks*& ranks_ptr() {
  static Ranks* r = nullptr;
  return r;
}
}  // namespace detail

// The run's ranks (main.cpp makes them before parsing the command line).
inline const Ranks& ranks() {
  inx::require<inx::error>(detail::ranks_ptr() != nullptr, "internal error: the ranks were not set up");
  return *detail::ranks_ptr();
}

// This rank's share of n items.
inline inx::mpi::Shard my_shard(std::size_t n) {
  return inx::mpi::shard(n, std::size_t(ranks().size()), std::size_t(ranks().rank()));
}

// This rank's share of n items in batches of `batch` (global indices), as many as the busiest rank has: the ones past
// the end of this rank's share are empty, so that every rank takes part in each batch's collective.
inline std::vector<inx::mpi::Shard> my_batches(std::size_t n, std::size_t batch) {
  const auto share = my_shard(n);
  std::vector<inx::mpi::Shard> out;
  for (std::size_t s = 0, steps = inx::mpi::max_batches(n, std::size_t(ranks().size()), batch); s < steps; ++s) {
    const std::size_t b = share.begin + std::min(s * batch, share.size());
    out.push_back({b, std::min(b + batch, share.end)});
  }
  return out;
}

}  // namespace inx_cli
