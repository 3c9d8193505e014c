// The CUDA side of the program where inx was built without its CUDA backend: --device cuda says so.
#include "../zoo.hpp"

namespace inx_cli::gpu {

std::string unavailable_reason() {
  return "this inx was built without the CUDA backend (build it with `cmake --preset cuda`, which needs the CUDA "
         "toolkit with cuDNN)";
}

std::unique_ptr<AnyNetwork> make_network(std::string_view) {
  throw inx::device_error(inx::detail::msg("--device cuda: ", unavailable_reason()));
}

}  // namespace inx_cli::gpu
