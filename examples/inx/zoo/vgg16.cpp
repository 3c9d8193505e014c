// The vgg16 network, compiled once for every subcommand (zoo.hpp).
#include "../zoo.hpp"
#include "inx/models/vgg.hpp"

namespace inx_cli::zoo {
std::unique_ptr<AnyNetwork> vgg16() { return std::make_unique<ZooNetwork<inx::models::vgg16>>(); }
}  // namespace inx_cli::zoo
