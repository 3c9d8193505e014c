// The resnet50 network, compiled once for every subcommand (zoo.hpp).
#include "../zoo.hpp"
#include "inx/models/resnet.hpp"

namespace inx_cli::zoo {
std::unique_ptr<AnyNetwork> resnet50() { return std::make_unique<ZooNetwork<inx::models::resnet50>>(); }
}  // namespace inx_cli::zoo
