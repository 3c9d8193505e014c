// Explanation reports as the label module reads them: report.json files written by `inx explain` (schema in
// tests/data/explain/report_schema.json), reduced to what labels need — per image its name, class, and per layer the
// ranked clusters with their weights and map files. Every field is checked; an error names the file and the JSON
// path of the bad value. Several reports (folders) can be read together; an image may appear in only one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

struct ReportCluster {
  std::size_t rank = 0;
  double weight = 0;                  // w_C, percent of the layer
  std::size_t size = 0;               // member channels
  bool constant = false;
  std::filesystem::path png, npy;     // absolute (resolved against the report's folder); empty when not written
};

struct ReportLayer {
  std::string name;
  std::vector<ReportCluster> clusters;  // by rank
};

struct ReportImage {
  std::string image;                  // as in report.json
  std::int64_t class_index = 0;       // the explained class: the true class for the label module
  std::string class_name;
  std::filesystem::path input_png;    // absolute; empty when not written
  std::vector<ReportLayer> layers;    // in the report's order (shallow to deep)
  const ReportLayer* layer(const std::string& name) const {
    for (const auto& l : layers)
      if (l.name == name) return &l;
    return nullptr;
  }
};

struct ReportSet {
  std::string model;
  std::vector<std::string> layer_order;  // every layer name, in the order of the first report that has it
  std::vector<ReportImage> images;
  std::map<std::string, std::size_t> by_name;
  std::map<std::string, std::size_t> by_file;  // file name -> image; npos when two images share it
  // The image a record names: as in report.json, or by its file name alone when that is unambiguous (records
  // written on another machine, where the folders differ).
  const ReportImage* image(const std::string& name) const {
    if (const auto it = by_name.find(name); it != by_name.end()) return &images[it->second];
    const auto it = by_file.find(std::filesystem::path(name).filename().string());
    return it == by_file.end() || it->second == std::string::npos ? nullptr : &images[it->second];
  }
};

namespace detail {
struct JsonAt {
  const nlohmann::json& j;
  std::string path, file;
  JsonAt at(const std::string& key) const {
    require<value_error>(j.is_object() && j.contains(key), file, ": ", path, " has no \"", key, "\"");
    return {j.at(key), path + "." + key, file};
  }
  JsonAt at(std::size_t i) const { return {j.at(i), path + "[" + std::to_string(i) + "]", file}; }
  bool has(const std::string& key) const { return j.is_object() && j.contains(key) && !j.at(key).is_null(); }
  void expect(bool ok, const char* what) const {
    require<value_error>(ok, file, ": ", path, " must be ", what);
  }
  std::string str() const {
    expect(j.is_string(), "a string");
    return j.get<std::string>();
  }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) const {
    expect(j.is_number_integer() && j.get<std::int64_t>() >= lo && j.get<std::int64_t>() <= hi,
           ("an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]").c_str());
    return j.get<std::int64_t>();
  }
  double number() const {
    expect(j.is_number() && std::isfinite(j.get<double>()), "a finite number");
    return j.get<double>();
  }
  std::size_t array_size() const {
    expect(j.is_array(), "an array");
    return j.size();
  }
  // A file name relative to the report's folder, or null.
  std::filesystem::path file_in(const std::filesystem::path& dir) const {
    if (j.is_null()) return {};
    const std::string f = str();
    expect(!f.empty() && f.find("..") == std::string::npos && f[0] != '/', "a file name inside the report's folder");
    return dir / f;
  }
};
}  // namespace detail

// Adds the report `dir`/report.json to `set`.
inline void add_report(ReportSet& set, const std::filesystem::path& dir) {
  const auto file = dir / "report.json";
  std::ifstream f(file, std::ios::binary);
  require<io_error>(f.good(), "report ", file, ": cannot open for reading (is ", dir, " an `inx explain` folder?)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    throw io_error(inx::detail::msg("report ", file, ": not valid JSON (", e.what(), ")"));
  }
  const std::string where = inx::detail::msg("report ", file);
  const detail::JsonAt root{j, "$", where};
  const std::string model = root.at("model").str();
  require<value_error>(set.model.empty() || set.model == model, where, ": model \"", model,
                       "\" differs from the other reports' \"", set.model, "\"");
  set.model = model;
  const auto images = root.at("images");
  for (std::size_t i = 0; i < images.array_size(); ++i) {
    const auto im = images.at(i);
    ReportImage r;
    r.image = im.at("image").str();
    im.at("image").expect(!r.image.empty(), "a non-empty string");
    r.class_index = im.at("class").integer(0, 1 << 20);
    r.class_name = im.at("class_name").str();
    if (im.has("input_png")) r.input_png = im.at("input_png").file_in(dir);
    const auto layers = im.at("layers");
    for (std::size_t l = 0; l < layers.array_size(); ++l) {
      const auto lj = layers.at(l);
      ReportLayer layer;
      layer.name = lj.at("name").str();
      lj.at("name").expect(!layer.name.empty() && !r.layer(layer.name), "a non-empty layer name, unique per image");
      const auto clusters = lj.at("clusters");
      for (std::size_t c = 0; c < clusters.array_size(); ++c) {
        const auto cj = clusters.at(c);
        ReportCluster rc;
        rc.rank = std::size_t(cj.at("rank").integer(std::int64_t(c), std::int64_t(c)));  // ranks are 0, 1, 2, ...
        rc.weight = cj.at("weight").number();
        rc.size = cj.at("channels").array_size();
        if (cj.has("constant")) {
          cj.at("constant").expect(cj.at("constant").j.is_boolean(), "true or false");
          rc.constant = cj.at("constant").j.get<bool>();
        }
        if (cj.has("png")) rc.png = cj.at("png").file_in(dir);
        if (cj.has("npy")) rc.npy = cj.at("npy").file_in(dir);
        layer.clusters.push_back(std::move(rc));
      }
      if (std::find(set.layer_order.begin(), set.layer_order.end(), layer.name) == set.layer_order.end())
        set.layer_order.push_back(layer.name);
      r.layers.push_back(std::move(layer));
    }
    const auto [it, fresh] = set.by_name.emplace(r.image, set.images.size());
    require<value_error>(fresh, where, ": image \"", r.image, "\" is also in another report");
    const auto [f, first] = set.by_file.emplace(std::filesystem::path(r.image).filename().string(), set.images.size());
    if (!first) f->second = std::string::npos;
    set.images.push_back(std::move(r));
  }
}

inline ReportSet load_reports(const std::vector<std::filesystem::path>& dirs) {
  require<value_error>(!dirs.empty(), "--reports: expected at least one `inx explain` folder");
  ReportSet set;
  for (const auto& d : dirs) add_report(set, d);
  require<value_error>(!set.images.empty(), "--reports: the reports hold no image");
  return set;
}

}  // namespace labels
INX_END_NAMESPACE
