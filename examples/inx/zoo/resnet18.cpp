// The resnet18 network, compiled once for every subcommand (zoo.hpp).
#include "../zoo.hpp"
#include "inx/models/resnet.hpp"

namespace inx_cli::zoo {
std::unique_ptr<AnyNetwork> resnet18() { return std::make_unique<ZooNetwork<inx::models::resnet18>>(); }
}  // namespace inx_cli::zoo
