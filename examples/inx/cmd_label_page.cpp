// `inx label-page`: the labelling game (labeling.html) for the clusters of earlier `inx explain` runs, which must
// have written reveal masks (--reveal) or maps (--npy). `inx explain --labeling` writes the same page directly.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "labeling.hpp"
#include "inx/labels/reports.hpp"
#include "inx/models/registry.hpp"

namespace inx_cli {
namespace {

struct LabelPageOptions {
  std::vector<std::string> reports;
  std::string out = "labeling.html";
};

void run(const LabelPageOptions& o) {
  std::vector<std::filesystem::path> dirs(o.reports.begin(), o.reports.end());
  const auto reports = inx::labels::load_reports(dirs);
  const auto& info = inx::models::model_info(reports.model);
  const auto names = read_class_names(data_dir() / info.classes_file, info.classes);
  const auto cards = cards_from_reports(reports);
  inx::render::write_labeling_html(o.out, reports.model, names, cards, info.preprocess.crop < 100);
  std::printf("%zu clusters of %zu images to label: %s\n", cards.size(), reports.images.size(), o.out.c_str());
}

}  // namespace

void add_label_page(CLI::App& app) {
  auto o = std::make_shared<LabelPageOptions>();
  auto* cmd = app.add_subcommand("label-page", "write the labelling game (labeling.html) for explained images");
  cmd->add_option("--reports", o->reports, "`inx explain` output folders run with --reveal or --npy")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--out", o->out, "the page to write (default labeling.html)");
  cmd->callback([o] { run(*o); });
}

}  // namespace inx_cli
