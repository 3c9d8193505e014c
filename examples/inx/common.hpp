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
#include "paths.hpp"

namespace inx_cli {

// This program's layout (examples/CMakeLists.txt defines the three paths).
inline paths::Layout layout() { return {INX_BUILD_BIN_DIR, INX_SOURCE_DATA_DIR, INX_RELATIVE_DATA_DIR}; }

// The data folder and how it was found (paths.hpp gives the order); looked up once.
inline const paths::DataDir& data_location() {
  static const paths::DataDir found =
      paths::find_data_dir(paths::Environment::from_process(), paths::executable(), layout());
  return found;
}
inline std::filesystem::path data_dir() { return data_location().dir; }

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

// tools/fetch_efficientnet.py: beside the source tree's data/, or in the install's data folder (tools/).
inline std::filesystem::path fetch_script() {
  const auto data = data_dir();
  for (const auto& p : {data / "tools" / "fetch_efficientnet.py", data / ".." / "tools" / "fetch_efficientnet.py"})
    if (std::filesystem::is_regular_file(p)) return p.lexically_normal();
  return "tools/fetch_efficientnet.py";
}

// --weights, or the model's own weights: fmnist's ship with inx (data folder), efficientnet_lite0's are fetched by
// tools/fetch_efficientnet.py into the user data folder (tools/setup.sh runs it).
inline std::filesystem::path weights_path(const std::string& model, const std::string& weights) {
  if (!weights.empty()) return weights;
  const auto& info = inx::models::model_info(model);
  inx::require<inx::value_error>(!info.weights_file.empty(), "--weights: model '", model,
                                 "' has no weights of its own; give a .npz (tools/export_torch.py writes one)");
  const auto w = paths::find_weights(std::string(info.weights_file), data_dir(), paths::Environment::from_process());
  inx::require<inx::io_error>(w.found.has_value(), "--weights: none given, and model '", model, "' has no weights in ",
                              w.shipped.parent_path(), " or ", w.fetched.parent_path(), " (",
                              model == "fmnist" ? "examples/train_fmnist makes them"
                                                : "python3 " + fetch_script().string() + " fetches them",
                              ")");
  return *w.found;
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
