// `inx explain`: INV explanations (or one method of the Grad-CAM family) of images with a zoo model. Writes into
// --out: report.json (explain/report.hpp), report.html, and per image a folder with the input, one overlay per
// ranked cluster and layer, the classic map of each layer, a contact sheet, and optionally .npy maps and reveal
// masks. Everything is written into a staging folder first and moved into place at the end, so a failed run leaves
// nothing behind. With no flags it explains a bundled Fashion-MNIST image with the default model.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "labeling.hpp"
#include "zoo.hpp"
#include "inx/cluster/any.hpp"
#include "inx/cluster/auto.hpp"
#include "inx/cluster/cluster.hpp"
#include "inx/explain/any_weighting.hpp"
#include "inx/explain/explainer.hpp"
#include "inx/explain/report.hpp"
#include "inx/io/image.hpp"
#include "inx/io/npy.hpp"
#include "inx/models/preprocess.hpp"
#include "inx/nn/network.hpp"
#include "inx/render/explanation.hpp"
#include "inx/render/html.hpp"
#include "inx/render/reveal.hpp"
#include "policies.hpp"
#include "progress.hpp"
#include "ranks.hpp"
#include "staging.hpp"

namespace inx_cli {
namespace {

namespace fs = std::filesystem;

struct ExplainOptions {
  std::string device = "cpu";
  std::string model = "fmnist", weights, layers, method = "inv", cluster = "paper", out = "out/explain",
              colormap = "jet";
  std::vector<std::string> images;
  std::int64_t cls = -1;
  std::size_t batch = 8;
  std::uint64_t seed = 0;
  double alpha = 0.4, blur = 0;
  bool npy = false, reveal = false, html = true, labeling = false, synthetic = false, quiet = false;
};

// A name for a file from an image path: its stem with anything but [A-Za-z0-9_-] replaced.
std::string safe_stem(const std::string& path) {
  std::string s = fs::path(path).stem().string();
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) c = '_';
  return s.empty() ? "image" : s.substr(0, 60);
}

struct Loaded {
  inx::Tensor<float> input;    // (1, C, H, W) as the network takes it
  inx::Tensor<float> picture;  // (C, H, W) in [0, 1]: the same pixels before normalisation
};

Loaded load(const std::string& path, const inx::models::Preprocess& pre) {
  auto img = inx::io::load_image(path, pre.channels == 1 ? 1 : 0);
  auto plain = pre;
  plain.normalise = false;
  Loaded l;
  l.picture = inx::models::preprocess(img.view(), plain, path);
  l.input = l.picture.clone();
  l.picture.reshape_inplace({pre.channels, pre.crop, pre.crop});
  if (pre.normalise) inx::models::normalise(l.input.view(), pre);  // the same steps as preprocess() with it on
  return l;
}

// Writes the pictures (and maps) of one explained image under dir/<sub>/ and fills the records' file names.
void write_image(const fs::path& dir, const std::string& sub, inx::explain::ImageRecord& r,
                 const inx::Tensor<float>& picture, const ExplainOptions& o, const inx::render::PictureOptions& po) {
  namespace render = inx::render;
  fs::create_directory(dir / sub);
  auto rel = [&](const std::string& f) { return sub + "/" + f; };
  r.input_png = rel("input.png");
  inx::io::save_png(dir / r.input_png, render::to_rgb(picture.view()).view());
  for (auto& l : r.layers) {
    l.cam_png = rel(l.name + "_cam.png");
    inx::io::save_png(dir / l.cam_png, render::overlay_map(picture.view(), l.cam_input.view(), po).view());
    if (o.npy) {
      l.cam_npy = rel(l.name + "_cam.npy");
      inx::io::save_npy(dir / l.cam_npy, l.cam.view());
    }
    for (auto& c : l.clusters) {
      const std::string base = l.name + "_c" + std::to_string(c.rank);
      c.png = rel(base + ".png");
      inx::io::save_png(dir / c.png, render::overlay_map(picture.view(), c.map.view(), po).view());
      if (o.npy) {
        c.npy = rel(base + ".npy");
        inx::io::save_npy(dir / c.npy, c.map.view());
      }
      if (o.reveal)
        for (double q : render::reveal_levels) {
          char tag[32];
          std::snprintf(tag, sizeof tag, "_reveal_q%g.png", q);
          const auto mask = render::reveal_mask(c.map.view(), q, po.reveal_sigma(c.map.dim(0), c.map.dim(1)));
          inx::io::save_png(dir / rel(base + tag), render::reveal(picture.view(), mask.view()).view());
        }
    }
  }
  r.sheet_png = rel("sheet.png");
  inx::io::save_png(dir / r.sheet_png, render::explanation_sheet(picture.view(), r, po).view());
}

// Rank 0: every rank's records and label cards, in rank order (each rank's share is a contiguous block of the image
// list, so this is the list's order); the other ranks send theirs and keep nothing. Records travel as the report's
// own JSON in CBOR, which keeps every number bit for bit.
void gather_records(const inx::explain::ReportInfo& ri, std::vector<inx::explain::ImageRecord>& records,
                    std::vector<inx::render::LabelCard>& cards) {
  nlohmann::json mine = inx::explain::report_json(ri, records);
  mine["cards"] = nlohmann::json::array();
  for (const auto& c : cards) {
    nlohmann::json reveals = nlohmann::json::array();
    for (const auto& png : c.reveals) reveals.push_back(nlohmann::json::binary(png));
    mine["cards"].push_back({{"image", c.image}, {"layer", c.layer}, {"cluster", c.cluster}, {"truth", c.truth},
                             {"reveals", reveals}});
  }
  const auto bytes = nlohmann::json::to_cbor(mine);
  const auto parts = ranks().gather(std::string(bytes.begin(), bytes.end()));
  records.clear();
  cards.clear();
  for (std::size_t r = 0; r < parts.size(); ++r) {
    const auto j = nlohmann::json::from_cbor(parts[r]);
    for (auto& rec : inx::explain::images_from_json(j, "rank " + std::to_string(r) + "'s records"))
      records.push_back(std::move(rec));
    for (const auto& cj : j.at("cards")) {
      inx::render::LabelCard c;
      c.image = cj.at("image").get<std::string>();
      c.layer = cj.at("layer").get<std::string>();
      c.cluster = cj.at("cluster").get<std::size_t>();
      c.truth = cj.at("truth").get<std::int64_t>();
      for (std::size_t k = 0; k < c.reveals.size(); ++k) c.reveals[k] = cj.at("reveals").at(k).get_binary();
      cards.push_back(std::move(c));
    }
  }
}

void run(const ExplainOptions& o) {
  const Compute device = resolve_device(o.device);  // before anything is read or written
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  const auto& info = inx::models::model_info(o.model);
  inx::require<inx::value_error>(o.batch >= 1 && o.batch <= 4096, "--batch: expected 1 to 4096 images, got ",
                                 o.batch);
  inx::require<inx::value_error>(o.cls < std::int64_t(info.classes), "--class: expected a class index in [0, ",
                                 info.classes, ") for model '", o.model, "', got ", o.cls);
  inx::require<inx::value_error>(o.alpha >= 0 && o.alpha <= 1, "--alpha: expected 0 to 1, got ", o.alpha);
  inx::require<inx::value_error>(o.blur >= 0 && o.blur <= 100, "--blur: expected a sigma of 0 to 100 pixels, got ",
                                 o.blur);
  const bool clusters = o.method == "inv";
  auto weighting = inx::explain::weighting_from_name(o.method);
  auto policy = policy_from_name(o.cluster, o.seed);
  const auto names = read_class_names(data_dir() / info.classes_file, info.classes);
  auto layers = inx::models::split_list(o.layers.empty() ? std::string(info.default_layers) : o.layers);
  inx::require<inx::value_error>(!layers.empty(), "--layers: expected comma-separated layer names, got '", o.layers,
                                 "'");
  std::vector<std::string> images = o.images;
  if (images.empty()) {
    inx::require<inx::value_error>(o.model == "fmnist", "--image: required for model '", o.model, "'");
    images.push_back((data_dir() / "samples" / "fmnist_0000_ankle_boot.png").string());
  }
  images = image_files(images);
  inx::render::PictureOptions po;
  po.colormap = inx::render::colormap_from_name(o.colormap);
  po.alpha = static_cast<float>(o.alpha);
  po.blur_sigma = o.blur;
  Staging staging(o.out);

  std::vector<inx::explain::ImageRecord> records;
  std::vector<inx::render::LabelCard> cards;
  inx::explain::Timings timings;
  double t_render = 0;
  {
    auto net = make_network(o.model, device);
    load_weights(*net, o.model, o.weights, o.synthetic);
    inx::explain::Explainer<AnyNetwork, inx::explain::AnyWeighting, inx::cluster::AnyPolicy> explainer(
        *net, layers, weighting, policy, clusters);
    Progress progress(images.size(), o.quiet || !ranks().root());
    const auto& pre = info.preprocess;
    // This rank's share of the images (all of them without mpirun).
    for (const auto& batch : my_batches(images.size(), o.batch)) {
      const std::size_t b0 = batch.begin, nb = batch.size();
      if (nb == 0) {  // nothing left on this rank: it still takes part in the count of images done
        progress.advance(std::size_t(ranks().sum(std::uint64_t(0))));
        continue;
      }
      auto x = inx::Tensor<float>::uninitialized({nb, pre.channels, pre.crop, pre.crop});
      std::vector<inx::Tensor<float>> pictures;
      for (std::size_t i = 0; i < nb; ++i) {
        auto l = load(images[b0 + i], pre);
        std::copy_n(l.input.data(), l.input.size(), x.data() + i * l.input.size());
        pictures.push_back(std::move(l.picture));
      }
      std::vector<std::int64_t> cls(o.cls >= 0 ? nb : 0, o.cls);
      auto recs = explainer.explain(x.view(), cls);
      const auto t0 = clock::now();
      for (std::size_t i = 0; i < nb; ++i) {
        auto& r = recs[i];
        r.image = images[b0 + i];
        r.class_name = names[std::size_t(r.class_index)];
        char sub[96];
        std::snprintf(sub, sizeof sub, "%04zu_%s", b0 + i, safe_stem(r.image).c_str());
        write_image(staging.dir(), sub, r, pictures[i], o, po);
        if (o.labeling) add_cards(cards, r, pictures[i], po);
        // The maps are written; keep only what the report needs, so long runs do not hold every map in memory.
        for (auto& l : r.layers) {
          l.cam = {};
          l.cam_input = {};
          l.gradcam_input = {};
          for (auto& c : l.clusters) c.map = {};
        }
        records.push_back(std::move(r));
      }
      t_render += std::chrono::duration<double>(clock::now() - t0).count();
      progress.advance(std::size_t(ranks().sum(std::uint64_t(nb))));
    }
    timings = explainer.timings();
  }

  const inx::explain::ReportInfo ri{o.model, o.method, clusters ? o.cluster : ""};
  if (ranks().parallel()) {  // rank 0 takes every rank's records (and cards), in rank order: the images' order
    gather_records(ri, records, cards);
    std::vector<double> t{timings.network, timings.analysis, timings.weighting, timings.clustering, timings.maps,
                          t_render};
    ranks().sum(t);
    timings.network = t[0], timings.analysis = t[1], timings.weighting = t[2], timings.clustering = t[3];
    timings.maps = t[4];
    t_render = t[5];
  }
  if (ranks().root()) {
    inx::explain::write_report(staging.dir() / "report.json", ri, records);
    if (o.html) inx::render::write_html_report(staging.dir() / "report.html", ri, records);
    if (o.labeling)
      inx::render::write_labeling_html(staging.dir() / "labeling.html", o.model, names, cards,
                                       info.preprocess.crop < 100);
  }
  commit_in_rank_order(staging);
  if (!ranks().root()) return;

  for (const auto& r : records) {
    std::printf("%s: %s (class %lld, p = %.4f)\n", r.image.c_str(), r.class_name.c_str(),
                static_cast<long long>(r.class_index), r.prob);
    if (clusters)
      for (const auto& l : r.layers) {
        std::printf("  %-14s %zu of %zu maps kept, %zu clusters:", l.name.c_str(), l.kept.size(), l.channels,
                    l.clusters.size());
        for (const auto& c : l.clusters) std::printf(" %.1f%% (%zu maps)", c.weight, c.channels.size());
        std::printf("\n");
      }
  }
  const double total = std::chrono::duration<double>(clock::now() - t_start).count();
  std::printf("wrote %s/report.json%s\n", o.out.c_str(), o.html ? (" and " + o.out + "/report.html").c_str() : "");
  if (!o.quiet)
    std::fprintf(stderr,
                 "inx explain: %zu images in %.3f s (%.2f images/s): network %.3f s, analysis %.3f s (thread-seconds: "
                 "weighting %.3f, clustering %.3f, cluster maps %.3f), pictures and files %.3f s%s\n",
                 records.size(), total, double(records.size()) / total, timings.network, timings.analysis,
                 timings.weighting, timings.clustering, timings.maps, t_render,
                 ranks().parallel() ? (" (times summed over " + std::to_string(ranks().size()) + " ranks)").c_str()
                                    : "");
}

}  // namespace

void add_explain(CLI::App& app) {
  auto o = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand(
      "explain",
      "Explain why a model classified images, layer by layer (INV: prune, cluster and merge feature maps weighted by "
      "a guided Grad-CAM), or with one method of the Grad-CAM family. With no flags: a bundled Fashion-MNIST image "
      "with the default model");
  cmd->add_option("--model", o->model, "one of: " + inx::models::model_names())->capture_default_str();
  cmd->add_option("--device", o->device, device_help())->capture_default_str();
  cmd->add_option("--weights", o->weights, ".npz (or folder of .npy) with PyTorch state_dict names; "
                                           "default for fmnist: the shipped models/fmnist.npz; for efficientnet_lite0: "
                                           "models/efficientnet_lite0.npz in the user data folder (`inx version` "
                                           "shows it; tools/fetch_efficientnet.py fetches it)");
  cmd->add_flag("--synthetic-weights", o->synthetic, "deterministic synthetic weights (timing; meaningless maps)");
  cmd->add_option("--image", o->images, "PNG or JPEG image, or a folder of them (repeatable)");
  cmd->add_option("--layers", o->layers, "comma-separated layer names (default: the model's; `inx layers` lists "
                                         "them)");
  cmd->add_option("--class", o->cls, "explain this class index instead of the predicted one");
  cmd->add_option("--batch", o->batch, "images per forward/backward pass")->capture_default_str();
  cmd->add_option("--method", o->method, std::string(inx::explain::method_names))
      ->check(CLI::IsMember({"inv", "gradcam", "gradcampp", "xgradcam", "hirescam", "layercam"}))
      ->capture_default_str();
  cmd->add_option("--cluster", o->cluster, "paper | kmeans | dbscan | correlation | ward (with --method inv)")
      ->check(CLI::IsMember({"paper", "kmeans", "dbscan", "correlation", "ward"}))
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed of the clustering (paper, kmeans)")->capture_default_str();
  cmd->add_option("--out", o->out, "output folder")->capture_default_str();
  cmd->add_option("--colormap", o->colormap, "jet | viridis | turbo")
      ->check(CLI::IsMember({"jet", "viridis", "turbo"}))
      ->capture_default_str();
  cmd->add_option("--alpha", o->alpha, "overlay: weight of the colour map (the image gets 1 - alpha)")
      ->capture_default_str();
  cmd->add_option("--blur", o->blur, "Gaussian blur (sigma, pixels) of the maps before colouring; 0 = none")
      ->capture_default_str();
  cmd->add_flag("--npy", o->npy, "also write every map as float32 .npy (classic maps at layer resolution, cluster "
                                 "maps at input resolution)");
  cmd->add_flag("--reveal", o->reveal, "also write reveal masks (top 2, 4.5, 8, 13, 20, 30 % of each cluster map)");
  cmd->add_flag("--html,!--no-html", o->html, "write report.html (default: yes)");
  cmd->add_flag("--labeling", o->labeling, "also write labeling.html, the game that collects people's labels");
  cmd->add_flag("--quiet", o->quiet, "no progress or timing on stderr");
  cmd->callback([o] { run(*o); });
}

}  // namespace inx_cli
