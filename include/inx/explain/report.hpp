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
#include <vector>

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

// The records of a report_json() document back, without their maps (the report holds none): the inverse of
// report_json for every field it writes, so report_json(info, images_from_json(j)) == j. Throws io_error naming
// `where` for a document that is not such a report.
inline std::vector<ImageRecord> images_from_json(const nlohmann::json& j, const std::string& where = "report") {
  auto file = [](const nlohmann::json& v) { return v.is_null() ? std::string() : v.get<std::string>(); };
  std::vector<ImageRecord> out;
  try {
    for (const auto& im : j.at("images")) {
      ImageRecord r;
      r.image = im.at("image").get<std::string>();
      r.class_index = im.at("class").get<std::int64_t>();
      r.class_name = im.at("class_name").get<std::string>();
      r.prob = im.at("prob").get<double>();
      r.predicted = im.at("predicted").get<std::int64_t>();
      r.input_height = im.at("input_size").at(0).get<std::size_t>();
      r.input_width = im.at("input_size").at(1).get<std::size_t>();
      r.input_png = file(im.at("input_png"));
      r.sheet_png = file(im.at("sheet_png"));
      for (const auto& lj : im.at("layers")) {
        LayerRecord l;
        l.name = lj.at("name").get<std::string>();
        l.channels = lj.at("shape").at(0).get<std::size_t>();
        l.height = lj.at("shape").at(1).get<std::size_t>();
        l.width = lj.at("shape").at(2).get<std::size_t>();
        l.channel_weights = lj.at("channel_weights").get<std::vector<double>>();
        l.kept = lj.at("kept").get<std::vector<std::int64_t>>();
        l.n_clusters_found = lj.at("n_clusters_found").get<std::int64_t>();
        l.cam_npy = file(lj.at("cam_npy"));
        l.cam_png = file(lj.at("cam_png"));
        l.cam_constant = lj.at("cam_constant").get<bool>();
        for (const auto& cj : lj.at("clusters")) {
          ClusterRecord c;
          c.rank = cj.at("rank").get<std::size_t>();
          c.weight = cj.at("weight").get<double>();
          c.channels = cj.at("channels").get<std::vector<std::int64_t>>();
          c.constant = cj.at("constant").get<bool>();
          c.png = file(cj.at("png"));
          c.npy = file(cj.at("npy"));
          l.clusters.push_back(std::move(c));
        }
        r.layers.push_back(std::move(l));
      }
      out.push_back(std::move(r));
    }
  } catch (const nlohmann::json::exception& e) {
    throw io_error(inx::detail::msg(where, ": not an inx explanation report (", e.what(), ")"));
  }
  return out;
}

// Writes the report atomically (temporary file, then rename).
inline void write_report(const std::filesystem::path& path, const ReportInfo& info,
                         std::span<const ImageRecord> images) {
  io::write_file(path, report_json(info, images).dump(1) + "\n");
}

}  // namespace explain
INX_END_NAMESPACE
