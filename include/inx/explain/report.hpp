// The explanation report as JSON: {"model", "method", "cluster", "images": [{"image", "class", "class_name", "prob",
// "predicted", "layers": [{"name", "shape": [C, H, W], "channel_weights", "kept", "cam_npy", "cam_png",
// "cam_constant", "clusters": [{"rank", "weight", "channels", "constant", "png", "npy"}]}]}]}; "constant" marks a map
// without range (it shows nothing and is drawn neutral). File names are the records' own (relative to the report);
// empty ones are written as null. Validated by tests/explain/report_schema.json.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "inx/explain/records.hpp"
#include "inx/io/file.hpp"

INX_BEGIN_NAMESPACE
namespace explain {

struct ReportInfo {
  std::string model, method, cluster;  // cluster: empty when the method does not cluster
};

namespace detail {
inline nlohmann::json file_or_null(const std::string& f) { return f.empty() ? nlohmann::json() : nlohmann::json(f); }
}  // namespace detail

inline nlohmann::json report_json(const ReportInfo& info, std::span<const ImageRecord> images) {
  using nlohmann::json;
  json j{{"model", info.model}, {"method", info.method},
         {"cluster", info.cluster.empty() ? json() : json(info.cluster)}, {"images", json::array()}};
  for (const auto& im : images) {
    json layers = json::array();
    for (const auto& l : im.layers) {
      json clusters = json::array();
      for (const auto& c : l.clusters)
        clusters.push_back({{"rank", c.rank}, {"weight", c.weight}, {"channels", c.channels}, {"constant", c.constant},
                            {"png", detail::file_or_null(c.png)}, {"npy", detail::file_or_null(c.npy)}});
      layers.push_back({{"name", l.name}, {"shape", {l.channels, l.height, l.width}},
                        {"channel_weights", l.channel_weights}, {"kept", l.kept},
                        {"n_clusters_found", l.n_clusters_found}, {"cam_npy", detail::file_or_null(l.cam_npy)},
                        {"cam_png", detail::file_or_null(l.cam_png)}, {"cam_constant", l.cam_constant},
                        {"clusters", clusters}});
    }
    j["images"].push_back({{"image", im.image}, {"class", im.class_index}, {"class_name", im.class_name},
                           {"prob", im.prob}, {"predicted", im.predicted},
                           {"input_size", {im.input_height, im.input_width}},
                           {"input_png", detail::file_or_null(im.input_png)},
                           {"sheet_png", detail::file_or_null(im.sheet_png)}, {"layers", layers}});
  }
  return j;
}

// Writes the report atomically (temporary file, then rename).
inline void write_report(const std::filesystem::path& path, const ReportInfo& info,
                         std::span<const ImageRecord> images) {
  io::write_file(path, report_json(info, images).dump(1) + "\n");
}

}  // namespace explain
INX_END_NAMESPACE
