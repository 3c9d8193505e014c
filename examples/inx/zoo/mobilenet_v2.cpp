// The mobilenet_v2 network, compiled once for every subcommand (zoo.hpp).
#include "../zoo.hpp"
#include "inx/models/mobilenet_v2.hpp"

namespace inx_cli::zoo {
std::unique_ptr<AnyNetwork> mobilenet_v2() { return std::make_unique<ZooNetwork<inx::models::mobilenet_v2>>(); }
}  // namespace inx_cli::zoo
