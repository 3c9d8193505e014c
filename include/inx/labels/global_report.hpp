// The global explanation as JSON (global.json): per class and layer the top labels with their T(s) and example
// merged groups, per class the trend of every label over the layers, and the synonym groups behind the labels.
// Schema: tests/data/labels/global_schema.json.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inx/io/file.hpp"
#include "inx/labels/aggregate.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

struct GlobalInfo {
  std::string model, labels_file;
  std::vector<std::string> reports;
  std::size_t records = 0;
  std::size_t top = 5;       // labels per class and layer
  std::size_t examples = 3;  // example merged groups per label
};

inline nlohmann::json global_json(const GlobalInfo& info, const SynonymGroups& groups,
                                  const std::vector<ClassExplanation>& classes) {
  using nlohmann::json;
  json g = json::array();
  for (std::size_t k = 0; k < groups.count(); ++k) {
    json texts = json::array();
    for (std::size_t i = 0; i < groups.texts.size(); ++i)
      if (std::size_t(groups.group[i]) == k) texts.push_back(groups.texts[i]);
    g.push_back({{"label", groups.representative[k]}, {"texts", texts}});
  }
  json cl = json::array();
  for (const auto& c : classes) {
    json layers = json::array();
    for (const auto& l : c.layers) {
      json labels = json::array();
      for (std::size_t i = 0; i < l.labels.size() && i < info.top; ++i) {
        const auto& e = l.labels[i];
        json ex = json::array();
        for (std::size_t k = 0; k < e.examples.size() && k < info.examples; ++k) {
          const auto* m = e.examples[k];
          ex.push_back({{"image", m->image}, {"clusters", m->clusters}, {"weight", m->weight},
                        {"score", m->score.at(e.label)}});
        }
        labels.push_back({{"label", e.label}, {"score", e.total}, {"examples", ex}});
      }
      layers.push_back({{"layer", l.layer}, {"labels", labels}});
    }
    json trends = json::array();
    for (const auto& [label, y] : c.mean_by_layer)
      trends.push_back({{"label", label}, {"mean_by_layer", y}, {"slope", c.trend.at(label)}});
    cl.push_back({{"class", c.class_index}, {"class_name", c.class_name}, {"images", c.images},
                  {"labelled_images", c.labelled_images}, {"layers", layers}, {"trends", trends}});
  }
  return json{{"model", info.model},     {"reports", info.reports}, {"labels", info.labels_file},
              {"records", info.records}, {"groups", g},             {"classes", cl}};
}

inline void write_global_json(const std::filesystem::path& path, const GlobalInfo& info, const SynonymGroups& groups,
                              const std::vector<ClassExplanation>& classes) {
  io::write_file(path, global_json(info, groups, classes).dump(1) + "\n");
}

}  // namespace labels
INX_END_NAMESPACE
