// `inx global`: the class-level ("global") explanation from people's words on the cluster maps. Reads the reports of
// `inx explain` (--reports), the label records (--labels, CSV or JSON) and the precomputed sentence embeddings of
// their normalised texts (--embeddings, --vocab; tools/embed_labels.py makes them from the list --texts-out writes),
// groups synonyms, scores and merges the clusters, and writes global.json, global.html and the example pictures into
// --out. docs/labels.md has the definitions.
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
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
  const auto scores = lb::score_clusters(records, groups);
  const auto merged = lb::merge_clusters(scores, reports);
  const auto classes = lb::global_explanations(merged, reports);

  lb::GlobalInfo gi;
  gi.model = reports.model;
  gi.labels_file = fs::path(o.labels).filename().string();
  gi.reports = o.reports;
  gi.records = records.size();
  gi.top = o.top;
  gi.examples = o.examples;

  Staging staging(o.out);
  fs::create_directories(staging.dir() / "examples");
  // One picture per merged group shown on the page: its merged map over the input when the report has .npy maps,
  // else a copy of its heaviest cluster's overlay.
  std::map<const lb::MergedGroup*, std::string> pictures;
  for (const auto& c : classes)
    for (const auto& l : c.layers)
      for (std::size_t i = 0; i < l.labels.size() && i < o.top; ++i)
        for (std::size_t k = 0; k < l.labels[i].examples.size() && k < o.examples; ++k) {
          const auto* m = l.labels[i].examples[k];
          if (pictures.contains(m)) continue;
          const std::string rel = "examples/" + std::to_string(pictures.size()) + ".png";
          const auto* im = reports.image(m->image);
          const auto map = lb::merged_map(*m, reports);
          if (!map.empty() && !im->input_png.empty() && fs::exists(im->input_png)) {
            const auto picture = inx::io::load_image(im->input_png, 3);
            inx::require<inx::value_error>(picture.dim(1) == map.dim(0) && picture.dim(2) == map.dim(1), "report of ",
                                           m->image, ": its input picture and maps differ in size");
            inx::io::save_png(staging.dir() / rel, inx::render::overlay_map(picture.view(), map.view()).view());
          } else {
            const auto png = lb::heaviest_png(*m, reports);
            if (png.empty() || !fs::exists(png)) {
              pictures[m] = "";
              continue;
            }
            fs::copy_file(png, staging.dir() / rel);
          }
          pictures[m] = rel;
        }
  lb::write_global_json(staging.dir() / "global.json", gi, groups, classes);
  inx::render::write_global_html(staging.dir() / "global.html", gi, classes, reports.layer_order,
                                 [&](const lb::MergedGroup& m) {
                                   const auto it = pictures.find(&m);
                                   return it == pictures.end() ? std::string() : it->second;
                                 });
  staging.commit();
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
