// Hand-made inputs of the label tests: a small report folder, embeddings with known geometry, temp files.
#pragma once

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inx/labels/embeddings.hpp"

namespace labeltest {
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("inx_labels_" + tag + "_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return path / name;
  }
};

inline const std::vector<std::string> kClasses{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                               "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// Three images: a.png and b.png (class 9, Ankle boot) and c.png (class 5, Sandal); layers features.9 and features.16,
// two clusters each (weights 60/40 and 70/30) except b.png's features.16 (one cluster, 100).
inline void write_report(const fs::path& dir) {
  using nlohmann::json;
  const auto layer = [](const std::string& name, std::vector<double> w) {
    json cl = json::array();
    for (std::size_t r = 0; r < w.size(); ++r)
      cl.push_back({{"rank", r}, {"weight", w[r]}, {"channels", {r, r + 10}}, {"constant", false},
                    {"png", name + "_c" + std::to_string(r) + ".png"}, {"npy", nullptr}});
    return json{{"name", name}, {"shape", {64, 14, 14}}, {"channel_weights", json::array()}, {"cam_npy", nullptr},
                {"cam_constant", false}, {"clusters", cl}};
  };
  const auto image = [&](const std::string& name, int cls, std::vector<double> w16) {
    return json{{"image", name},       {"class", cls},
                {"class_name", kClasses[std::size_t(cls)]}, {"prob", 0.9},
                {"predicted", cls},    {"input_png", name + "_input.png"},
                {"layers", {layer("features.9", {60, 40}), layer("features.16", w16)}}};
  };
  const json j{{"model", "fmnist"}, {"method", "inv"}, {"cluster", "kmeans"},
               {"images", {image("a.png", 9, {70, 30}), image("b.png", 9, {100}), image("c.png", 5, {70, 30})}}};
  fs::create_directories(dir);
  std::ofstream(dir / "report.json") << j.dump(1);
}

// Unit vectors in 3-D: "heel" ~ "high heel", "laces" ~ "shoelaces", "sole" apart; the words too.
inline inx::labels::Embeddings embeddings() {
  const std::vector<std::pair<std::string, std::vector<float>>> rows{
      {"heel", {1, 0, 0}},          {"high heel", {0.98f, 0.199f, 0}}, {"laces", {0, 1, 0}},
      {"shoelaces", {0.2f, 0.98f, 0}}, {"sole", {0, 0, 1}},          {"high", {0.7f, 0.714f, 0}}};
  auto t = inx::Tensor<float>::uninitialized({rows.size(), 3});
  std::vector<std::string> vocab;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double n = 0;
    for (float v : rows[i].second) n += double(v) * v;
    for (std::size_t k = 0; k < 3; ++k) t.data()[i * 3 + k] = float(rows[i].second[k] / std::sqrt(n));
    vocab.push_back(rows[i].first);
  }
  return inx::labels::Embeddings(std::move(t), vocab, "test embeddings");
}

}  // namespace labeltest
