// How a list of n items is shared among the ranks of a parallel run: contiguous blocks in list order, balanced by
// count (the first n mod ranks ranks take one item more), so that concatenating the ranks' results in rank order
// gives the list's order back. Plain arithmetic: it needs no MPI.
#pragma once

#include <cstddef>

#include "inx/core/config.hpp"
#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace mpi {

// The half-open range [begin, end) of the items one rank takes.
struct Shard {
  std::size_t begin = 0, end = 0;
  std::size_t size() const noexcept { return end - begin; }
  bool empty() const noexcept { return end == begin; }
};

// Rank `rank`'s block of n items shared among `ranks` ranks.
inline Shard shard(std::size_t n, std::size_t ranks, std::size_t rank) {
  require<value_error>(ranks >= 1 && rank < ranks, "shard: rank ", rank, " of ", ranks, " ranks is not a rank");
  const std::size_t base = n / ranks, extra = n % ranks;
  const std::size_t begin = rank * base + (rank < extra ? rank : extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

// The number of batches of `batch` items the busiest rank runs: every rank runs that many steps, the ranks with
// fewer items (or none) taking part with empty batches, so their collective calls match.
inline std::size_t max_batches(std::size_t n, std::size_t ranks, std::size_t batch) {
  require<value_error>(ranks >= 1 && batch >= 1, "max_batches: expected ranks and batch of at least 1");
  const std::size_t most = shard(n, ranks, 0).size();
  return (most + batch - 1) / batch;
}

}  // namespace mpi
INX_END_NAMESPACE
