// The vgg16_bn network, compiled once for every subcommand (zoo.hpp).
#include "../zoo.hpp"
#include "inx/models/vgg.hpp"

namespace inx_cli::zoo {
std::unique_ptr<AnyNetwork> vgg16_bn() { return std::make_unique<ZooNetwork<inx::models::vgg16_bn>>(); }
}  // namespace inx_cli::zoo
