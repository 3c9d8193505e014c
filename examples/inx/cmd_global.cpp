// `inx global`: the class-level ("global") explanation from people's words on the cluster maps. Reads the reports of
// `inx explain` (--reports), the label records (--labels, CSV or JSON) and the precomputed sentence embeddings of
// their normalised texts (--embeddings, --vocab; tools/embed_labels.py makes them from the list --texts-out writes),
// groups synonyms, scores and merges the clusters, and writes global.json, global.html and the example pictures into
// --out. docs/labels.md has the definitions. Under `mpirun -np N` the images are shared among the ranks: each scores
// and merges its images' clusters and makes their pictures, and rank 0 sums the scores into the same global.json.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <tuple>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "ranks.hpp"
#include "staging.hpp"
#include "inx/io/image.hpp"
#include "inx/labels/aggregate.hpp"
#include "inx/labels/embeddings.hpp"
#include "inx/labels/global_report.hpp"
#include "inx/labels/merged_map.hpp"
#include "inx/labels/records.hpp"
#include "inx/models/registry.hpp"
#include "inx/render/explanation.hpp"
#include "inx/render/global_html.hpp"

namespace inx_cli {
namespace {
namespace fs = std::filesystem;
namespace lb = inx::labels;

struct GlobalOptions {
  std::vector<std::string> reports;
  std::string labels, embeddings, vocab, texts_out, stop_words, out = "out/global";
  std::size_t top = 5, examples = 3;
  double threshold = 0;
  bool quiet = false;
};

// Every text the embeddings must cover: the normalised label texts and each of their words, sorted, one per line.
std::string texts_to_embed(const std::vector<lb::LabelRecord>& records) {
  std::set<std::string> all;
  for (const auto& r : records) {
    all.insert(r.normalised);
    for (auto& w : lb::words(r.normalised)) all.insert(w);
  }
  std::string out;
  for (const auto& t : all) out += t + "\n";
  return out;
}

// A picture of the page: a merged group, its file under the output folder, and whether it is the merged map over the
// input (else a copy of the heaviest cluster's overlay).
struct Picture {
  lb::MergedGroup group;
  std::string file;
  bool overlay = false;
};

nlohmann::json group_json(const lb::MergedGroup& m) {
  return {{"image", m.image}, {"layer", m.layer}, {"clusters", m.clusters}, {"weight", m.weight}, {"best", m.best},
          {"score", m.score}};
}
lb::MergedGroup group_of(const nlohmann::json& j) {
  lb::MergedGroup m;
  m.image = j.at("image").get<std::string>();
  m.layer = j.at("layer").get<std::string>();
  m.clusters = j.at("clusters").get<std::vector<std::size_t>>();
  m.weight = j.at("weight").get<double>();
  m.best = j.at("best").get<std::set<std::string>>();
  m.score = j.at("score").get<std::map<std::string, double>>();
  return m;
}
std::string cbor(const nlohmann::json& j) {
  const auto b = nlohmann::json::to_cbor(j);
  return {b.begin(), b.end()};
}

// Rank 0: every rank's merged groups, in the order one process makes them (by image and layer; each image's groups
// come from the one rank that has it, in that rank's order). CBOR keeps the scores bit for bit.
std::vector<lb::MergedGroup> gather_merged(const std::vector<lb::MergedGroup>& mine) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& m : mine) j.push_back(group_json(m));
  std::vector<lb::MergedGroup> all;
  for (const auto& part : ranks().gather(cbor(j)))
    for (const auto& mj : nlohmann::json::from_cbor(part)) all.push_back(group_of(mj));
  std::stable_sort(all.begin(), all.end(), [](const lb::MergedGroup& a, const lb::MergedGroup& b) {
    return std::tie(a.image, a.layer) < std::tie(b.image, b.layer);
  });
  return all;
}

// Rank 0's plan of the pictures, on every rank.
std::vector<Picture> broadcast_plan(const std::vector<Picture>& plan) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& p : plan) j.push_back({{"group", group_json(p.group)}, {"file", p.file}, {"overlay", p.overlay}});
  std::vector<Picture> out;
  for (const auto& pj : nlohmann::json::from_cbor(ranks().broadcast(cbor(j))))
    out.push_back({group_of(pj.at("group")), pj.at("file").get<std::string>(), pj.at("overlay").get<bool>()});
  return out;
}

void run(const GlobalOptions& o) {
  inx::require<inx::value_error>(o.top >= 1 && o.top <= 50, "--top: expected 1 to 50 labels, got ", o.top);
  inx::require<inx::value_error>(o.examples >= 1 && o.examples <= 10, "--examples: expected 1 to 10, got ", o.examples);
  std::vector<fs::path> dirs(o.reports.begin(), o.reports.end());
  const auto reports = lb::load_reports(dirs);
  const auto& info = inx::models::model_info(reports.model);
  const auto names = read_class_names(data_dir() / info.classes_file, info.classes);
  const lb::StopWords stop(o.stop_words.empty() ? data_dir() / "labels" / "stopwords_en.txt" : fs::path(o.stop_words));
  const auto records = lb::load_label_records(o.labels, reports, names, stop);
  if (!o.texts_out.empty()) {
    if (!ranks().root()) return;
    inx::io::write_file(o.texts_out, texts_to_embed(records));
    std::printf("%zu label records; the texts to embed are in %s (next: tools/embed_labels.py %s --out EMB.npy "
                "--vocab VOCAB.txt)\n", records.size(), o.texts_out.c_str(), o.texts_out.c_str());
    return;
  }
  inx::require<inx::value_error>(!o.embeddings.empty() && !o.vocab.empty(),
                                 "--embeddings and --vocab: both needed (or --texts-out to list the texts to embed)");
  const auto emb = lb::load_embeddings(o.embeddings, o.vocab);
  // Every record's text and words need a row: a missing one is named with the record's line.
  for (const auto& r : records) {
    (void)emb.row(r.normalised, r.where);
    for (const auto& w : lb::words(r.normalised)) (void)emb.row(w, r.where + " (a word of its text)");
  }
  std::vector<std::string> texts;
  for (const auto& r : records) texts.push_back(r.normalised);
  lb::GroupOptions go;
  go.threshold = o.threshold;
  const auto groups = lb::group_synonyms(texts, emb, go, "labels " + fs::path(o.labels).filename().string());
  // This rank's images (all of them without mpirun): their records are scored and their clusters merged here.
  const auto share = my_shard(reports.images.size());
  auto mine = [&](const std::string& image) {
    const auto k = std::size_t(reports.image(image) - reports.images.data());
    return k >= share.begin && k < share.end;
  };
  std::vector<lb::LabelRecord> my_records;
  for (const auto& r : records)
    if (mine(r.image)) my_records.push_back(r);
  auto merged = lb::merge_clusters(lb::score_clusters(my_records, groups), reports);
  if (ranks().parallel()) merged = gather_merged(merged);  // rank 0: all of them, in one process's order
  const auto classes = lb::global_explanations(merged, reports);  // empty but on rank 0

  // One picture per merged group shown on the page, planned by rank 0 and made by the rank that has the image: its
  // merged map over the input when the report has .npy maps, else a copy of its heaviest cluster's overlay.
  std::vector<Picture> plan;
  std::map<const lb::MergedGroup*, std::string> pictures;
  for (const auto& c : classes)
    for (const auto& l : c.layers)
      for (std::size_t i = 0; i < l.labels.size() && i < o.top; ++i)
        for (std::size_t k = 0; k < l.labels[i].examples.size() && k < o.examples; ++k) {
          const auto* m = l.labels[i].examples[k];
          if (pictures.contains(m)) continue;
          const std::string rel = "examples/" + std::to_string(pictures.size()) + ".png";
          const auto* im = reports.image(m->image);
          const auto* layer = im->layer(m->layer);
          const bool maps = std::all_of(m->clusters.begin(), m->clusters.end(),
                                        [&](std::size_t c) { return !layer->clusters[c].npy.empty(); });
          if (maps && !im->input_png.empty() && fs::exists(im->input_png)) {
            plan.push_back({*m, rel, true});
          } else {
            const auto png = lb::heaviest_png(*m, reports);
            if (png.empty() || !fs::exists(png)) {
              pictures[m] = "";
              continue;
            }
            plan.push_back({*m, rel, false});
          }
          pictures[m] = rel;
        }
  if (ranks().parallel()) plan = broadcast_plan(plan);

  Staging staging(o.out);
  fs::create_directories(staging.dir() / "examples");
  for (const auto& p : plan) {
    if (!mine(p.group.image)) continue;
    if (p.overlay) {
      const auto* im = reports.image(p.group.image);
      const auto map = lb::merged_map(p.group, reports);
      const auto picture = inx::io::load_image(im->input_png, 3);
      inx::require<inx::value_error>(picture.dim(1) == map.dim(0) && picture.dim(2) == map.dim(1), "report of ",
                                     p.group.image, ": its input picture and maps differ in size");
      inx::io::save_png(staging.dir() / p.file, inx::render::overlay_map(picture.view(), map.view()).view());
    } else {
      fs::copy_file(lb::heaviest_png(p.group, reports), staging.dir() / p.file);
    }
  }
  if (ranks().root()) {
    lb::GlobalInfo gi;
    gi.model = reports.model;
    gi.labels_file = fs::path(o.labels).filename().string();
    gi.reports = o.reports;
    gi.records = records.size();
    gi.top = o.top;
    gi.examples = o.examples;
    lb::write_global_json(staging.dir() / "global.json", gi, groups, classes);
    inx::render::write_global_html(staging.dir() / "global.html", gi, classes, reports.layer_order,
                                   [&](const lb::MergedGroup& m) {
                                     const auto it = pictures.find(&m);
                                     return it == pictures.end() ? std::string() : it->second;
                                   });
  }
  commit_in_rank_order(staging);
  if (!ranks().root()) return;
  if (o.quiet) return;
  std::printf("%zu records, %zu texts in %zu synonym groups, %zu merged groups; wrote %s/global.json and global.html\n",
              records.size(), groups.texts.size(), groups.count(), merged.size(), o.out.c_str());
  for (const auto& c : classes) {
    std::printf("%s: %zu images, %zu labelled\n", c.class_name.c_str(), c.images, c.labelled_images);
    for (const auto& l : c.layers) {
      std::string top;
      for (std::size_t i = 0; i < l.labels.size() && i < 3; ++i) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s%s %.2f", i ? ", " : "", l.labels[i].label.c_str(), l.labels[i].total);
        top += buf;
      }
      std::printf("  %-14s %s\n", l.layer.c_str(), top.empty() ? "(no labels)" : top.c_str());
    }
  }
}

}  // namespace

void add_global(CLI::App& app) {
  auto o = std::make_shared<GlobalOptions>();
  auto* cmd = app.add_subcommand("global", "class-level explanations from people's labels on the cluster maps");
  cmd->add_option("--reports", o->reports, "`inx explain` output folders (each holds a report.json)")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--labels", o->labels, "label records, .csv or .json (image, layer, cluster, text, level, guess)")
      ->required();
  cmd->add_option("--embeddings", o->embeddings, "float32 .npy, one L2-normalised row per vocabulary line");
  cmd->add_option("--vocab", o->vocab, "the embedded texts, one per line (row i = line i + 1)");
  cmd->add_option("--texts-out", o->texts_out, "write the texts to embed (normalised texts and their words) and stop");
  cmd->add_option("--top", o->top, "labels per class and layer (default 5)");
  cmd->add_option("--examples", o->examples, "example pictures per label (default 3)");
  cmd->add_option("--threshold", o->threshold,
                  "group synonyms by a cosine-distance threshold instead of the silhouette (e.g. 0.4)");
  cmd->add_option("--stop-words", o->stop_words, "stop-word list (default data/labels/stopwords_en.txt)");
  cmd->add_option("--out", o->out, "output folder (default out/global)");
  cmd->add_flag("--quiet", o->quiet, "print nothing on success");
  cmd->callback([o] { run(*o); });
}

}  // namespace inx_cli
