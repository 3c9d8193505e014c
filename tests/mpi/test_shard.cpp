// The MPI layer's pieces that run without mpirun: how images are shared among ranks (inx/mpi/shard.hpp) and, when
// the layer is built, a World started without a launcher (one rank of one, MPI never initialised).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "inx/mpi/shard.hpp"
#ifdef INX_HAVE_MPI
#include "inx/mpi/world.hpp"
#endif

namespace {
namespace mpi = inx::mpi;

// Every split of n items over r ranks: contiguous blocks in order that cover [0, n) exactly once, sizes differing
// by at most one, the larger ones first; max_batches is the busiest rank's batch count.
TEST(Shard, ContiguousBalancedAndComplete) {
  for (std::size_t n : {0u, 1u, 2u, 3u, 7u, 12u, 13u, 100u, 50000u})
    for (std::size_t r : {1u, 2u, 3u, 4u, 7u, 16u}) {
      std::size_t next = 0, most = 0, least = n + 1;
      for (std::size_t k = 0; k < r; ++k) {
        const auto s = mpi::shard(n, r, k);
        ASSERT_EQ(s.begin, next) << n << " items, rank " << k << " of " << r;
        ASSERT_LE(s.begin, s.end);
        if (k > 0) {
          ASSERT_LE(s.size(), mpi::shard(n, r, k - 1).size());
        }
        most = std::max(most, s.size());
        least = std::min(least, s.size());
        next = s.end;
      }
      EXPECT_EQ(next, n) << n << " items over " << r;
      EXPECT_LE(most - least, 1u) << n << " items over " << r;
      for (std::size_t b : {1u, 2u, 5u, 64u})
        EXPECT_EQ(mpi::max_batches(n, r, b), (most + b - 1) / b) << n << " " << r << " " << b;
    }
  EXPECT_EQ(mpi::shard(12, 4, 1).begin, 3u);
  EXPECT_EQ(mpi::shard(13, 4, 0).size(), 4u);
  EXPECT_EQ(mpi::shard(13, 4, 3).begin, 10u);
  EXPECT_TRUE(mpi::shard(1, 2, 1).empty());  // rank 0 keeps a single image (what --maps-out needs)
}

TEST(Shard, RejectsRanksThatDoNotExist) {
  EXPECT_THROW(mpi::shard(10, 0, 0), inx::value_error);
  EXPECT_THROW(mpi::shard(10, 2, 2), inx::value_error);
  EXPECT_THROW(mpi::max_batches(10, 2, 0), inx::value_error);
}

#ifdef INX_HAVE_MPI
// Without a launcher's environment a World is one rank and touches nothing of MPI (the program behaves as without
// the layer); its collectives are the identity.
TEST(World, WithoutALauncherIsOneProcess) {
  if (mpi::launched()) GTEST_SKIP() << "started by an MPI launcher";
  int argc = 1;
  char name[] = "test_mpi";
  char* args[] = {name, nullptr};
  char** argv = args;
  mpi::World w(argc, argv);
  EXPECT_FALSE(w.active());
  EXPECT_FALSE(w.parallel());
  EXPECT_EQ(w.size(), 1);
  EXPECT_TRUE(w.root());
  EXPECT_EQ(w.gather("abc"), std::vector<std::string>{"abc"});
  EXPECT_EQ(w.broadcast("xyz"), "xyz");
  EXPECT_EQ(w.sum(std::uint64_t(5)), 5u);
  const auto f = w.fail(3, "bad");
  EXPECT_EQ(f.rank(), 0);
  EXPECT_EQ(f.code(), 3);
  EXPECT_STREQ(f.what(), "bad");
  int initialized = 1;
  MPI_Initialized(&initialized);
  EXPECT_EQ(initialized, 0);
  EXPECT_NE(mpi::library_version().find("MPI"), std::string::npos) << mpi::library_version();
}
#endif

}  // namespace
