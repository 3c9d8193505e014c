// The model zoo by name, for programs that pick a model at run time: with_model("resnet50", f) calls
// f.template operator()<models::resnet50>() (write f as `[&]<class M>() {...}`); an unknown name is a value_error
// that lists the valid ones. Each entry also says how its inputs are preprocessed and where its class names live.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/models/efficientnet.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/models/mobilenet_v2.hpp"
#include "inx/models/preprocess.hpp"
#include "inx/models/resnet.hpp"
#include "inx/models/vgg.hpp"

INX_BEGIN_NAMESPACE
namespace models {

struct ModelInfo {
  std::string_view name;
  Preprocess preprocess;
  std::string_view classes_file;  // under the data folder: one class name per line
  std::size_t classes;
  // The layers an explanation looks at unless told otherwise, comma-separated PyTorch module names: vgg the nine the
  // INV paper uses (the ReLU outputs of block3_conv1 .. block5_conv3), resnet every block output of layer2-layer4,
  // mobilenet_v2 the blocks features.7-18, efficientnet_lite0 the last block of each stage from stride 16 on and the
  // head's ReLU6, fmnist every conv block's ReLU output.
  std::string_view default_layers;
  // The weights used when none are given ("" when the model has none of its own), relative to inx's data folder
  // (fmnist's ship with inx) or to the user data folder (efficientnet_lite0's, fetched by tools/fetch_efficientnet.py).
  std::string_view weights_file;
};

inline constexpr std::array<ModelInfo, 7> zoo{{
    {"fmnist", fmnist_preprocess, "classes/fmnist.txt", 10, "features.2,features.5,features.9,features.12,features.16",
     "models/fmnist.npz"},
    {"vgg16", imagenet_preprocess, "classes/imagenet.txt", 1000,
     "features.11,features.13,features.15,features.18,features.20,features.22,features.25,features.27,features.29", ""},
    {"vgg16_bn", imagenet_preprocess, "classes/imagenet.txt", 1000,
     "features.16,features.19,features.22,features.26,features.29,features.32,features.36,features.39,features.42", ""},
    {"resnet18", imagenet_preprocess, "classes/imagenet.txt", 1000,
     "layer2.0,layer2.1,layer3.0,layer3.1,layer4.0,layer4.1", ""},
    {"resnet50", imagenet_preprocess, "classes/imagenet.txt", 1000,
     "layer2.0,layer2.1,layer2.2,layer2.3,layer3.0,layer3.1,layer3.2,layer3.3,layer3.4,layer3.5,layer4.0,layer4.1,"
     "layer4.2", ""},
    {"mobilenet_v2", imagenet_preprocess, "classes/imagenet.txt", 1000,
     "features.7,features.8,features.9,features.10,features.11,features.12,features.13,features.14,features.15,"
     "features.16,features.17,features.18", ""},
    {"efficientnet_lite0", efficientnet_preprocess, "classes/imagenet.txt", 1000,
     "_blocks.7,_blocks.10,_blocks.14,_blocks.15,_swish", "models/efficientnet_lite0.npz"},
}};

// "fmnist, vgg16, ..." for messages and help texts.
inline std::string model_names() {
  std::string s;
  for (const auto& m : zoo) s += (s.empty() ? "" : ", ") + std::string(m.name);
  return s;
}

inline const ModelInfo& model_info(std::string_view name) {
  for (const auto& m : zoo)
    if (m.name == name) return m;
  throw value_error(inx::detail::msg("model '", name, "': unknown; expected one of ", model_names()));
}

// A comma-separated list as its items ("a,b" -> {"a", "b"}; empty items are dropped).
inline std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    auto item = s.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// Calls f.template operator()<M>() with the model type named `name` and returns what it returns.
template <class F>
decltype(auto) with_model(std::string_view name, F&& f) {
  (void)model_info(name);  // the error for an unknown name
  if (name == "fmnist") return f.template operator()<fmnist>();
  if (name == "vgg16") return f.template operator()<vgg16>();
  if (name == "vgg16_bn") return f.template operator()<vgg16_bn>();
  if (name == "resnet18") return f.template operator()<resnet18>();
  if (name == "resnet50") return f.template operator()<resnet50>();
  if (name == "efficientnet_lite0") return f.template operator()<efficientnet_lite0>();
  return f.template operator()<mobilenet_v2>();
}

}  // namespace models
INX_END_NAMESPACE
