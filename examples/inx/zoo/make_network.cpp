// make_network: a zoo model by name, on the CPU or the GPU; resolve_device: the --device flag.
#include "../zoo.hpp"
#include "inx/models/registry.hpp"

namespace inx_cli {

Compute resolve_device(std::string_view flag) {
  if (flag == "cpu") return Compute::cpu;
  if (flag == "cuda" || flag == "auto") {
    const std::string why = gpu::unavailable_reason();
    if (why.empty()) return Compute::cuda;
    if (flag == "auto") return Compute::cpu;
    throw inx::device_error(inx::detail::msg("--device cuda: ", why, "; run with --device cpu (or auto) instead"));
  }
  throw inx::value_error(inx::detail::msg("--device: expected cpu, cuda or auto, got '", flag, "'"));
}

std::unique_ptr<AnyNetwork> make_network(std::string_view model, Compute device) {
  (void)inx::models::model_info(model);  // the error for an unknown name, listing the valid ones
  if (device == Compute::cuda) return gpu::make_network(model);
  if (model == "fmnist") return zoo::fmnist();
  if (model == "vgg16") return zoo::vgg16();
  if (model == "vgg16_bn") return zoo::vgg16_bn();
  if (model == "resnet18") return zoo::resnet18();
  if (model == "resnet50") return zoo::resnet50();
  if (model == "efficientnet_lite0") return zoo::efficientnet_lite0();
  if (model == "mobilenet_v2") return zoo::mobilenet_v2();
  throw inx::value_error(inx::detail::msg("--model: '", model, "' has no network in this program"));
}

}  // namespace inx_cli
