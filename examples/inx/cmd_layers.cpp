// `inx layers`: every module of a zoo model that can be tapped, in execution order, with its output shape for an
// input of the model's size (or --size H,W), so nobody has to guess layer names. Feature-map layers (C, H, W) are
// the ones `inx explain --layers` takes; the model's default explanation layers are marked.
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "zoo.hpp"
#include "inx/nn/network.hpp"

namespace inx_cli {
namespace {

struct LayersOptions {
  std::string device = "cpu";
  std::string model, size;
};

void run(const LayersOptions& o) {
  const Compute device = resolve_device(o.device);  // before anything is read or written
  const auto& info = inx::models::model_info(o.model);
  std::size_t h = info.preprocess.crop, w = info.preprocess.crop;
  if (!o.size.empty()) {
    const auto parts = inx::models::split_list(o.size);
    std::size_t ph = 0, pw = 0;
    const bool ok = parts.size() == 2 && std::sscanf(parts[0].c_str(), "%zu", &ph) == 1 &&
                    std::sscanf(parts[1].c_str(), "%zu", &pw) == 1 && ph >= 1 && pw >= 1 && ph <= 4096 && pw <= 4096;
    inx::require<inx::value_error>(ok, "--size: expected H,W with 1 <= H, W <= 4096, got '", o.size, "'");
    h = ph;
    w = pw;
  }
  const auto defaults = inx::models::split_list(info.default_layers);
  const std::set<std::string> is_default(defaults.begin(), defaults.end());
  {
    auto net = make_network(o.model, device);
    auto x = inx::Tensor<float>::zeros({1, info.preprocess.channels, h, w});
    std::vector<std::pair<std::string, inx::Shape>> trace;
    try {
      trace = net->trace(x.view());
    } catch (const inx::shape_error& e) {
      throw inx::value_error(inx::detail::msg("--size ", h, ",", w, ": too small for model '", o.model, "' (",
                                              e.what(), ")"));
    }
    std::printf("%s, input (%zu, %zu, %zu); * = explained by default\n", o.model.c_str(), info.preprocess.channels, h,
                w);
    for (const auto& [name, shape] : trace) {
      std::string s = "(";
      for (std::size_t i = 1; i < shape.rank(); ++i) s += std::to_string(shape[i]) + (i + 1 < shape.rank() ? ", " : "");
      s += ")";
      std::printf("%c %-28s %-18s%s\n", is_default.contains(name) ? '*' : ' ', name.c_str(), s.c_str(),
                  shape.rank() == 4 ? "" : "  (not a feature map)");
    }
  }

}

}  // namespace

void add_layers(CLI::App& app) {
  auto o = std::make_shared<LayersOptions>();
  auto* cmd = app.add_subcommand("layers", "List a zoo model's modules (PyTorch names) with their output shapes");
  cmd->add_option("--model", o->model, "one of: " + inx::models::model_names())->required();
  cmd->add_option("--device", o->device, device_help())->capture_default_str();
  cmd->add_option("--size", o->size, "input height,width (default: the model's input size)");
  cmd->callback([o] { run(*o); });
}

}  // namespace inx_cli
