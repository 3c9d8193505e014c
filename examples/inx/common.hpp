// What several subcommands of `inx` share: the data folder, class names, which weights a model loads, and the
// images a list of paths and folders names.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/registry.hpp"
#include "inx/models/synthetic.hpp"

namespace inx_cli {

// The data folder: $INX_DATA_DIR when set, else the source tree's data/ the program was built from.
inline std::filesystem::path data_dir() {
  if (const char* env = std::getenv("INX_DATA_DIR"); env && *env) return env;
  return INX_DATA_DIR;
}

inline std::vector<std::string> read_class_names(const std::filesystem::path& file, std::size_t expected) {
  std::ifstream f(file);
  inx::require<inx::io_error>(f.good(), "class names ", file, ": cannot open (expected one name per line)");
  std::vector<std::string> names;
  for (std::string line; std::getline(f, line);)
    if (!line.empty()) names.push_back(line);
  inx::require<inx::value_error>(names.size() == expected, "class names ", file, ": expected ", expected,
                                 " names, found ", names.size());
  return names;
}

// --weights, or the model's own weights under the data folder: fmnist's ship with inx, efficientnet_lite0's are
// fetched by tools/fetch_efficientnet.py (tools/setup.sh runs it).
inline std::filesystem::path weights_path(const std::string& model, const std::string& weights) {
  if (!weights.empty()) return weights;
  const auto& info = inx::models::model_info(model);
  inx::require<inx::value_error>(!info.weights_file.empty(), "--weights: model '", model,
                                 "' has no weights of its own; give a .npz (tools/export_torch.py writes one)");
  auto own = data_dir() / std::string(info.weights_file);
  inx::require<inx::io_error>(std::filesystem::exists(own), "--weights: none given and ", own, " is missing (",
                              model == "fmnist" ? "examples/train_fmnist makes it"
                                                : "run /usr/bin/python3 tools/fetch_efficientnet.py to fetch it",
                              ")");
  return own;
}

// Fills a network with synthetic weights or loads them (--weights, or the shipped ones).
template <class Net>
void load_weights(Net& net, const std::string& model, const std::string& weights, bool synthetic) {
  if (synthetic) {
    inx::models::fill_synthetic<inx::cpu>(net);
    return;
  }
  const auto path = weights_path(model, weights);
  net.load(inx::io::load_tensors(path), path.string());
}

// The image files named by `paths`: files as given, folders as every .png/.jpg/.jpeg in them (sorted by name).
inline std::vector<std::string> image_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec)) {
      inx::require<inx::io_error>(std::filesystem::exists(p, ec), "--image ", p, ": no such file or folder");
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : std::filesystem::directory_iterator(p, ec)) {
      if (!e.is_regular_file()) continue;
      std::string ext = e.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") found.push_back(e.path().string());
    }
    inx::require<inx::io_error>(!ec, "--image ", p, ": cannot list the folder (", ec.message(), ")");
    inx::require<inx::io_error>(!found.empty(), "--image ", p, ": the folder holds no PNG or JPEG image");
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace inx_cli
