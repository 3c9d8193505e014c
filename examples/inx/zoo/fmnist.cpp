// The fmnist network, compiled once for every subcommand (zoo.hpp).
#include "../zoo.hpp"
#include "inx/models/fmnist.hpp"

namespace inx_cli::zoo {
std::unique_ptr<AnyNetwork> fmnist() { return std::make_unique<ZooNetwork<inx::models::fmnist>>(); }
}  // namespace inx_cli::zoo
