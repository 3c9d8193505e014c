// The ranks of an MPI run (`mpirun -np N program ...`) as one RAII object over MPI's C API, with the few
// collectives a sharded pipeline needs (gather of bytes to rank 0, broadcast, sums) and a way for one failing rank
// to stop all the others cleanly instead of leaving them waiting.
//
// Started without an MPI launcher, a World is one rank of one and calls nothing of MPI, so a program linked with it
// behaves exactly as it does without it.
//
// The failure protocol: every collective starts with the same small all-reduce, a header holding the lowest rank
// that has failed (or none). A rank that catches an error calls fail(): it joins that header as the failing rank,
// and every other rank, at whatever collective it has reached, learns of the failure there, takes the failing rank's
// message, and throws peer_failed; so all ranks unwind (their destructors clean up) and exit, and no rank hangs in a
// collective that will never complete. Only ranks that call the same collectives in the same order may use this:
// a pipeline runs the same number of steps on every rank (empty ones where a rank has nothing left).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "inx/core/config.hpp"
#include "inx/core/error.hpp"
#include "inx/mpi/errors.hpp"

INX_BEGIN_NAMESPACE
namespace mpi {

// Whether this process was started by an MPI launcher (Open MPI's mpirun, MPICH's Hydra, PMIx, Slurm's srun with PMI).
inline bool launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

// The MPI library's own name and version ("Open MPI v4.1.4"), up to its first comma; callable at any time.
inline std::string library_version() {
  char buf[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  if (MPI_Get_library_version(buf, &len) != MPI_SUCCESS) return "unknown";
  std::string s(buf, std::size_t(len));
  if (const auto end = s.find_first_of(",\r\n"); end != std::string::npos) s.resize(end);  // "Open MPI v4.1.4"
  while (!s.empty() && (s.back() == ',' || s.back() == ' ')) s.pop_back();
  return s;
}

class World {
 public:
  // Initialises MPI when launched by mpirun (threads: only the main thread calls MPI; OpenMP runs inside each rank).
  World(int& argc, char**& argv) {
    if (!launched()) return;
    int provided = 0;
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    active_ = true;
    // Errors come back as codes (and become inx::error) instead of aborting the job from inside MPI.
    check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  }
  ~World() {
    int finalized = 1;
    if (active_ && MPI_Finalized(&finalized) == MPI_SUCCESS && !finalized) MPI_Finalize();
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  bool active() const noexcept { return active_; }          // MPI was initialised (launched by mpirun)
  bool parallel() const noexcept { return size_ > 1; }
  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  bool root() const noexcept { return rank_ == 0; }

  // A collective with nothing to exchange: returns when every rank has reached it (or throws peer_failed).
  void sync() const { header(); }

  // Every rank's bytes, in rank order, at rank 0 (empty elsewhere).
  std::vector<std::string> gather(const std::string& mine) const {
    if (!parallel()) return {mine};
    header();
    const auto n = static_cast<std::uint64_t>(mine.size());
    std::vector<std::uint64_t> sizes(root() ? std::size_t(size_) : 0);
    check(MPI_Gather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Gather");
    std::vector<int> counts, displs;
    std::string all;
    if (root()) {
      std::uint64_t total = 0;
      for (auto s : sizes) {
        counts.push_back(int(s));
        displs.push_back(int(total));
        total += s;
        require<value_error>(total <= std::uint64_t(std::numeric_limits<int>::max()), "MPI gather: the ranks' "
                             "results come to more than 2 GiB; use fewer images per run");
      }
      all.resize(std::size_t(total));
    }
    check(MPI_Gatherv(mine.data(), int(mine.size()), MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, 0,
                      MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<std::string> out;
    for (std::size_t r = 0; r < counts.size(); ++r) out.push_back(all.substr(std::size_t(displs[r]), std::size_t(counts[r])));
    return out;
  }

  // Rank 0's bytes, on every rank.
  std::string broadcast(std::string bytes) const {
    if (!parallel()) return bytes;
    header();
    bcast_bytes(bytes, 0);
    return bytes;
  }

  // Element-wise sums over the ranks, on every rank.
  void sum(std::span<double> v) const { allreduce(v.data(), v.size(), MPI_DOUBLE); }
  void sum(std::span<std::uint64_t> v) const { allreduce(v.data(), v.size(), MPI_UINT64_T); }
  std::uint64_t sum(std::uint64_t v) const {
    sum(std::span<std::uint64_t>(&v, 1));
    return v;
  }

  // This rank has failed with `what` (exit code `code`): tells the other ranks at their next collective. Returns the
  // failing rank whose message is reported (the lowest that failed, which may be another one) and its message.
  peer_failed fail(int code, const std::string& what) const {
    if (!parallel()) return {rank_, code, what};
    const int first = header_reduce(rank_);
    return agree(first, code, what);
  }

  // Ends the whole job at once (for errors a rank cannot report through fail()).
  [[noreturn]] void abort(int code) const {
    if (active_) MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
  }

 private:
  static void check(int rc, const char* call) {
    if (rc == MPI_SUCCESS) return;
    char buf[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, buf, &len);
    throw mpi_error(detail::msg("MPI: ", call, " failed: ", std::string(buf, std::size_t(len))));
  }
  // The lowest failing rank (size_ when none).
  int header_reduce(int mine) const {
    int first = size_;
    check(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    return first;
  }
  void header() const {
    if (!parallel()) return;
    const int first = header_reduce(size_);
    if (first < size_) throw agree(first, 0, "");
  }
  // Every rank takes the failing rank's code and message.
  peer_failed agree(int first, int code, std::string what) const {
    check(MPI_Bcast(&code, 1, MPI_INT, first, MPI_COMM_WORLD), "MPI_Bcast");
    bcast_bytes(what, first);
    return {first, code, what};
  }
  void bcast_bytes(std::string& bytes, int from) const {
    auto n = static_cast<std::uint64_t>(bytes.size());
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, from, MPI_COMM_WORLD), "MPI_Bcast");
    require<value_error>(n <= std::uint64_t(std::numeric_limits<int>::max()), "MPI broadcast: more than 2 GiB");
    bytes.resize(std::size_t(n));
    check(MPI_Bcast(bytes.data(), int(n), MPI_BYTE, from, MPI_COMM_WORLD), "MPI_Bcast");
  }
  void allreduce(void* data, std::size_t n, MPI_Datatype type) const {
    if (!parallel()) return;
    header();
    require<value_error>(n <= std::size_t(std::numeric_limits<int>::max()), "MPI sum: too many values");
    check(MPI_Allreduce(MPI_IN_PLACE, data, int(n), type, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  }

  bool active_ = false;
  int rank_ = 0, size_ = 1;
};

}  // namespace mpi
INX_END_NAMESPACE
