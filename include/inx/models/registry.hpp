// The model zoo by name, for programs that pick a model at run time: with_model("resnet50", f) calls
// f.template operator()<models::resnet50>() (write f as `[&]<class M>() {...}`); an unknown name is a value_error
// that lists the valid ones. Each entry also says how its inputs are preprocessed and where its class names live.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "inx/core/error.hpp"
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
};

inline constexpr std::array<ModelInfo, 6> zoo{{
    {"fmnist", fmnist_preprocess, "classes/fmnist.txt", 10},
    {"vgg16", imagenet_preprocess, "classes/imagenet.txt", 1000},
    {"vgg16_bn", imagenet_preprocess, "classes/imagenet.txt", 1000},
    {"resnet18", imagenet_preprocess, "classes/imagenet.txt", 1000},
    {"resnet50", imagenet_preprocess, "classes/imagenet.txt", 1000},
    {"mobilenet_v2", imagenet_preprocess, "classes/imagenet.txt", 1000},
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

// Calls f.template operator()<M>() with the model type named `name` and returns what it returns.
template <class F>
decltype(auto) with_model(std::string_view name, F&& f) {
  (void)model_info(name);  // the error for an unknown name
  if (name == "fmnist") return f.template operator()<fmnist>();
  if (name == "vgg16") return f.template operator()<vgg16>();
  if (name == "vgg16_bn") return f.template operator()<vgg16_bn>();
  if (name == "resnet18") return f.template operator()<resnet18>();
  if (name == "resnet50") return f.template operator()<resnet50>();
  return f.template operator()<mobilenet_v2>();
}

}  // namespace models
INX_END_NAMESPACE
