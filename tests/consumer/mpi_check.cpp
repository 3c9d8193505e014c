// A user's program on the installed inx::mpi: shares 10 items among the ranks and gathers their sums at rank 0.
// Without mpirun it is one rank of one; under `mpirun -np 2` rank 0 must see both shares.
#include <cstdio>
#include <string>

#include "inx/mpi/shard.hpp"
#include "inx/mpi/world.hpp"

int main(int argc, char** argv) {
  inx::mpi::World world(argc, argv);
  const auto share = inx::mpi::shard(10, std::size_t(world.size()), std::size_t(world.rank()));
  std::size_t sum = 0;
  for (std::size_t i = share.begin; i < share.end; ++i) sum += i;
  const auto parts = world.gather(std::to_string(sum));
  if (!world.root()) return 0;
  std::size_t total = 0;
  for (const auto& p : parts) total += std::stoul(p);
  std::printf("inx::mpi: %d rank(s), sum of 0..9 = %zu\n", world.size(), total);
  return total == 45 ? 0 : 1;
}
