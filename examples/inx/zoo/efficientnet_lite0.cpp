// The efficientnet_lite0 network, compiled once for every subcommand (zoo.hpp).
#include "../zoo.hpp"
#include "inx/models/efficientnet.hpp"

namespace inx_cli::zoo {
std::unique_ptr<AnyNetwork> efficientnet_lite0() { return std::make_unique<ZooNetwork<inx::models::efficientnet_lite0>>(); }
}  // namespace inx_cli::zoo
