// `inx evaluate`: how faithful each explanation method is on a model and a set of images. For every method (the
// Grad-CAM family and INV, at each chosen layer) and two baselines that explain nothing (a random map, the input's
// Sobel edges) it scores deletion, insertion, AD, IC, AG and the cascading-randomisation sanity check
// (include/inx/metrics/), prints a table of means and standard deviations over the images, and writes
// metrics.json, metrics.csv and curves.png (the mean deletion and insertion curves) into --out. Images are taken
// --batch at a time: each batch is explained, scored and dropped, so memory stays flat however many images a run has.
// Under `mpirun -np N` each rank evaluates a contiguous share of the images and rank 0 writes the files, the same
// as one process writes (the mean curves summed in a different order: within 1e-12 relative).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "zoo.hpp"
#include "inx/core/config.hpp"
#include "inx/explain/any_weighting.hpp"
#include "inx/explain/explainer.hpp"
#include "inx/io/file.hpp"
#include "inx/io/idx.hpp"
#include "inx/io/image.hpp"
#include "inx/io/png_write.hpp"
#include "inx/metrics/metrics.hpp"
#include "inx/models/preprocess.hpp"
#include "inx/nn/network.hpp"
#include "inx/render/plot.hpp"
#include "policies.hpp"
#include "progress.hpp"
#include "ranks.hpp"
#include "staging.hpp"

namespace inx_cli {
namespace {

namespace mt = inx::metrics;
using inx::Tensor;

const std::vector<std::string> kMethods{"gradcam", "gradcampp", "xgradcam", "hirescam", "layercam", "inv", "random",
                                        "sobel"};
const std::vector<std::string> kMetrics{"deletion", "insertion", "ad", "ic", "ag", "sanity"};

struct EvaluateOptions {
  std::string device = "cpu";
  std::string model = "fmnist", weights, layers, methods = "gradcam,gradcampp,xgradcam,hirescam,layercam,inv,random,sobel",
              metrics = "deletion,insertion,ad,ic,ag,sanity", cluster = "paper", out = "out/evaluate", idx;
  std::vector<std::string> images;
  std::int64_t step = -1;  // -1: the input width
  std::size_t batch = 32, idx_count = 0, idx_offset = 0, sanity_steps = 0;
  std::uint64_t seed = 0;
  bool synthetic = false, quiet = false;
};

// One row of the table: a method at a layer (INV gives two: its top cluster map and the w_C-weighted mean of its
// cluster maps), or a baseline.
struct Row {
  enum class Kind { cam, inv_top, inv_mean, random, sobel } kind;
  std::string name;
  std::size_t method = 0, layer = 0;  // index into the explainers and the layers
};

// The scores of one metric column, per row and image (NaN-free: every metric is defined for every map).
struct Column {
  std::string key, title;
  bool higher_is_better;
};

std::vector<std::string> parse_list(const std::string& flag, const std::string& text,
                                    const std::vector<std::string>& allowed) {
  auto items = inx::models::split_list(text);
  inx::require<inx::value_error>(!items.empty(), flag, ": expected a comma-separated list, got '", text, "'");
  std::set<std::string> seen;
  for (const auto& m : items) {
    if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) {
      std::string all;
      for (const auto& a : allowed) all += (all.empty() ? "" : ", ") + a;
      throw inx::value_error(inx::detail::msg(flag, ": unknown '", m, "'; expected some of ", all));
    }
    inx::require<inx::value_error>(seen.insert(m).second, flag, ": '", m, "' is given twice");
  }
  return items;
}

// The inputs: image files (as `inx explain` reads them) and/or images of an IDX file, preprocessed for the model.
// Every rank knows every image's name; only this rank's share (all of them without mpirun) is loaded.
struct Inputs {
  std::vector<std::string> names;  // every image, in order
  inx::mpi::Shard share;           // the images this rank evaluates
  std::vector<Tensor<float>> x;    // (C, H, W) each, as the network sees them: image share.begin + i at x[i]
};

Inputs load_inputs(const EvaluateOptions& o, const inx::models::Preprocess& pre) {
  Inputs in;
  const auto files = o.images.empty() ? std::vector<std::string>() : image_files(o.images);
  in.names = files;
  inx::Tensor<std::uint8_t> raw;
  std::size_t h = 0, w = 0;
  if (!o.idx.empty()) {
    raw = inx::io::load_idx(o.idx);
    inx::require<inx::value_error>(raw.rank() == 3, "--idx ", o.idx, ": expected images (N, H, W), found shape ",
                                   raw.shape().str());
    const std::size_t n = raw.dim(0);
    h = raw.dim(1), w = raw.dim(2);
    inx::require<inx::value_error>(o.idx_offset < n, "--idx-offset: ", o.idx_offset, " is past the ", n,
                                   " images of ", o.idx);
    const std::size_t count = o.idx_count ? o.idx_count : n - o.idx_offset;
    inx::require<inx::value_error>(o.idx_offset + count <= n, "--idx-count: ", count, " images from ", o.idx_offset,
                                   " run past the ", n, " images of ", o.idx);
    for (std::size_t i = o.idx_offset; i < o.idx_offset + count; ++i) in.names.push_back(o.idx + "#" + std::to_string(i));
  }
  inx::require<inx::value_error>(!in.names.empty(), "--image or --idx: expected at least one image to evaluate on");
  in.share = my_shard(in.names.size());
  auto add = [&](inx::TensorView<const float> chw, const std::string& name) {
    auto t = inx::models::preprocess(chw, pre, name);
    t.reshape_inplace({pre.channels, pre.crop, pre.crop});
    in.x.push_back(std::move(t));
  };
  auto img = Tensor<float>::uninitialized({1, h, w});
  for (std::size_t k = in.share.begin; k < in.share.end; ++k) {
    if (k < files.size()) {
      add(inx::io::load_image(files[k], pre.channels == 1 ? 1 : 0).view(), files[k]);
      continue;
    }
    const std::size_t i = o.idx_offset + (k - files.size());
    for (std::size_t p = 0; p < h * w; ++p) img.data()[p] = float(raw.data()[i * h * w + p]) / 255.0f;
    add(img.view(), in.names[k]);
  }
  return in;
}

// A rank's results (under mpirun): its images' scores, classes and probabilities, and its sums of the curves and
// sanity scores over its images, as references to run()'s own tables. bytes() packs this rank's part as CBOR (numbers
// bit for bit); on rank 0, clear_sums() and then add() of every part, in rank order, fill the tables for all images.
struct Partial {
  using Scores = std::vector<std::vector<std::vector<double>>>;
  using Sums = std::vector<std::vector<double>>;
  inx::mpi::Shard share;
  Scores& scores;
  std::vector<std::int64_t>& classes;
  std::vector<double>& probs;
  std::vector<std::size_t>& constant;
  Sums &del, &ins, &rho, &ssim;
  std::vector<std::string>& modules;
  std::size_t& forwards;

  std::string bytes() const {
    auto slice = [&](const auto& v) {
      return std::vector(v.begin() + std::ptrdiff_t(share.begin), v.begin() + std::ptrdiff_t(share.end));
    };
    nlohmann::json j;
    j["begin"] = share.begin;
    j["scores"] = nlohmann::json::array();
    for (const auto& col : scores) {
      nlohmann::json cj = nlohmann::json::array();
      for (const auto& row : col) cj.push_back(slice(row));
      j["scores"].push_back(cj);
    }
    j["classes"] = slice(classes);
    j["probs"] = slice(probs);
    j["constant"] = constant;
    j["del"] = del, j["ins"] = ins, j["rho"] = rho, j["ssim"] = ssim;
    j["modules"] = modules;
    j["forwards"] = forwards;
    const auto b = nlohmann::json::to_cbor(j);
    return {b.begin(), b.end()};
  }

  void clear_sums() {
    for (auto* v : {&del, &ins, &rho, &ssim})
      for (auto& row : *v) row.clear();
    std::fill(constant.begin(), constant.end(), 0);
    forwards = 0;
  }

  void add(const std::string& part) {
    const auto j = nlohmann::json::from_cbor(part);
    const auto begin = std::ptrdiff_t(j.at("begin").get<std::size_t>());
    for (std::size_t ci = 0; ci < scores.size(); ++ci)
      for (std::size_t r = 0; r < scores[ci].size(); ++r) {
        const auto v = j.at("scores").at(ci).at(r).get<std::vector<double>>();
        std::copy(v.begin(), v.end(), scores[ci][r].begin() + begin);
      }
    const auto cls = j.at("classes").get<std::vector<std::int64_t>>();
    const auto pr = j.at("probs").get<std::vector<double>>();
    std::copy(cls.begin(), cls.end(), classes.begin() + begin);
    std::copy(pr.begin(), pr.end(), probs.begin() + begin);
    const auto k = j.at("constant").get<std::vector<std::size_t>>();
    for (std::size_t r = 0; r < constant.size(); ++r) constant[r] += k[r];
    auto add_sums = [](Sums& into, const nlohmann::json& from) {
      const auto s = from.get<Sums>();
      for (std::size_t r = 0; r < into.size(); ++r) {
        if (s[r].empty()) continue;  // a rank without images
        if (into[r].empty()) into[r].assign(s[r].size(), 0.0);
        for (std::size_t t = 0; t < s[r].size(); ++t) into[r][t] += s[r][t];
      }
    };
    add_sums(del, j.at("del"));
    add_sums(ins, j.at("ins"));
    add_sums(rho, j.at("rho"));
    add_sums(ssim, j.at("ssim"));
    if (modules.empty()) modules = j.at("modules").get<std::vector<std::string>>();
    forwards += j.at("forwards").get<std::size_t>();
  }
};

// A UTF-8 string padded with spaces to `width` characters (not bytes).
std::string pad(const std::string& s, std::size_t width) {
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  return chars >= width ? s : s + std::string(width - chars, ' ');
}

void run(const EvaluateOptions& o) {
  const Compute device = resolve_device(o.device);  // before anything is read or written
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  const auto& info = inx::models::model_info(o.model);
  const auto& pre = info.preprocess;
  inx::require<inx::value_error>(o.batch >= 1 && o.batch <= 4096, "--batch: expected 1 to 4096, got ", o.batch);
  const std::size_t pixels = pre.crop * pre.crop;
  inx::require<inx::value_error>(o.step == -1 || (o.step >= 1 && std::size_t(o.step) <= pixels), "--step: expected 1 "
                                 "to the input's ", pixels, " pixels (", pre.crop, " x ", pre.crop, "), got ", o.step);
  const auto methods = parse_list("--method", o.methods, kMethods);
  const auto wanted = parse_list("--metrics", o.metrics, kMetrics);
  auto has = [&](const std::string& m) { return std::find(wanted.begin(), wanted.end(), m) != wanted.end(); };
  auto layers = inx::models::split_list(o.layers);
  if (layers.empty()) {  // the usual Grad-CAM target: the model's last explained layer
    const auto all = inx::models::split_list(std::string(info.default_layers));
    layers = {all.back()};
  }
  const auto names = read_class_names(data_dir() / info.classes_file, info.classes);
  auto policy = policy_from_name(o.cluster, o.seed);

  // Rows and columns of the table.
  std::vector<std::string> explained;  // methods that need the network, in the order given
  std::vector<Row> rows;
  for (const auto& m : methods) {
    if (m == "random" || m == "sobel") continue;
    explained.push_back(m);
    for (std::size_t l = 0; l < layers.size(); ++l) {
      if (m == "inv") {
        rows.push_back({Row::Kind::inv_top, "inv-top@" + layers[l], explained.size() - 1, l});
        rows.push_back({Row::Kind::inv_mean, "inv-mean@" + layers[l], explained.size() - 1, l});
      } else {
        rows.push_back({Row::Kind::cam, m + "@" + layers[l], explained.size() - 1, l});
      }
    }
  }
  for (const auto& m : methods) {
    if (m == "random") rows.push_back({Row::Kind::random, "random", 0, 0});
    if (m == "sobel") rows.push_back({Row::Kind::sobel, "sobel", 0, 0});
  }
  std::vector<Column> cols;
  if (has("deletion")) cols.push_back({"deletion", "deletion", false});
  if (has("insertion")) cols.push_back({"insertion", "insertion", true});
  if (has("ad")) cols.push_back({"ad", "AD %", false});
  if (has("ic")) cols.push_back({"ic", "IC %", true});
  if (has("ag")) cols.push_back({"ag", "AG %", true});
  if (has("sanity")) {
    cols.push_back({"sanity_spearman", "sanity rho", false});
    cols.push_back({"sanity_ssim", "sanity SSIM", false});
  }

  const Inputs in = load_inputs(o, pre);
  const std::size_t n_img = in.names.size(), n_rows = rows.size(), c = pre.channels, side = pre.crop;
  // scores[col][row][image]; curves summed over images per row; constant-map counts per row.
  std::vector<std::vector<std::vector<double>>> scores(cols.size(),
                                                       std::vector<std::vector<double>>(n_rows, std::vector<double>(n_img)));
  std::vector<std::vector<double>> del_sum(n_rows), ins_sum(n_rows);
  std::vector<std::size_t> constant(n_rows, 0);
  std::vector<std::int64_t> classes(n_img);
  std::vector<double> probs(n_img);
  std::vector<std::string> sanity_modules;
  std::vector<std::vector<double>> sanity_rho_sum(n_rows), sanity_ssim_sum(n_rows);  // per step, summed over images
  std::size_t forwards = 0;
  const mt::Deletion deletion{.step = o.step < 0 ? 0 : std::size_t(o.step)};
  const mt::Insertion insertion{.step = deletion.step};
  auto col_index = [&](const std::string& key) {
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (cols[i].key == key) return i;
    return cols.size();
  };

  {
    using Net = AnyNetwork;
    auto net = make_network(o.model, device);
    load_weights(*net, o.model, o.weights, o.synthetic);
    using Ex = inx::explain::Explainer<Net, inx::explain::AnyWeighting, inx::cluster::AnyPolicy>;
    std::vector<std::unique_ptr<Ex>> explainers;
    for (const auto& m : explained)
      explainers.push_back(std::make_unique<Ex>(*net, layers, inx::explain::weighting_from_name(m), policy, m == "inv"));
    mt::NetworkProbe probe(*net, o.batch);
    Progress progress(n_img, o.quiet || !ranks().root());
    // This rank's share of the images (b0: a global image index).
    for (const auto& batch : my_batches(n_img, o.batch)) {
      const std::size_t b0 = batch.begin, nb = batch.size();
      if (nb == 0) {  // nothing left on this rank: it still takes part in the count of images done
        progress.advance(std::size_t(ranks().sum(std::uint64_t(0))));
        continue;
      }
      auto x = Tensor<float>::uninitialized({nb, c, side, side});
      for (std::size_t i = 0; i < nb; ++i)
        std::copy_n(in.x[b0 - in.share.begin + i].data(), c * side * side, x.data() + i * c * side * side);
      {  // the explained class: the prediction on the unmodified input
        auto logits = net->forward(x.view());
        inx::require<inx::value_error>(inx::ops::all_finite<inx::cpu>(logits.view()), "--weights: the network "
                                       "produced NaN or Inf logits (check the weights)");
        const std::size_t k = logits.dim(1);
        for (std::size_t i = 0; i < nb; ++i) {
          const float* li = logits.data() + i * k;
          classes[b0 + i] = std::int64_t(std::max_element(li, li + k) - li);
          probs[b0 + i] = mt::softmax_at({li, k}, std::size_t(classes[b0 + i]));
        }
      }
      const std::vector<std::int64_t> cls(classes.begin() + std::ptrdiff_t(b0), classes.begin() + std::ptrdiff_t(b0 + nb));

      // maps[row][image] of this batch, at the resolution each method gives (cams at layer resolution, INV's and
      // the baselines' at input resolution), for the network as it is now.
      auto maps_of = [&](Net&) {
        std::vector<std::vector<Tensor<float>>> maps(n_rows);
        std::vector<std::vector<inx::explain::ImageRecord>> recs;
        for (auto& e : explainers) recs.push_back(e->explain(x.view(), cls));
        for (std::size_t r = 0; r < n_rows; ++r) {
          const auto& row = rows[r];
          for (std::size_t i = 0; i < nb; ++i) {
            if (row.kind == Row::Kind::random) {
              maps[r].push_back(mt::random_map(side, side, o.seed + b0 + i));
              continue;
            }
            if (row.kind == Row::Kind::sobel) {
              maps[r].push_back(mt::sobel_map(x.view()[i]));
              continue;
            }
            auto& lr = recs[row.method][i].layers[row.layer];
            if (row.kind == Row::Kind::cam) {
              maps[r].push_back(std::move(lr.cam));
            } else if (lr.clusters.empty()) {  // nothing kept: no evidence for the class at this layer
              maps[r].push_back(Tensor<float>::zeros({side, side}));
            } else if (row.kind == Row::Kind::inv_top) {
              maps[r].push_back(lr.clusters.front().map.clone());
            } else {
              auto m = Tensor<float>::zeros({side, side});
              double total = 0;
              for (const auto& cl : lr.clusters) total += cl.weight;
              for (const auto& cl : lr.clusters)
                for (std::size_t p = 0; p < side * side; ++p) m.data()[p] += float(cl.weight / total) * cl.map.data()[p];
              maps[r].push_back(std::move(m));
            }
          }
        }
        return maps;
      };
      const auto maps = maps_of(*net);

      std::vector<mt::Item> items;  // row-major: row r, image i at r * nb + i
      for (std::size_t r = 0; r < n_rows; ++r)
        for (std::size_t i = 0; i < nb; ++i) {
          items.push_back({x.view()[i], maps[r][i].view(), cls[i]});
          const auto& m = maps[r][i];
          const auto [lo, hi] = std::minmax_element(m.data(), m.data() + m.size());
          if (!(*hi > *lo)) ++constant[r];
        }
      auto put = [&](const std::string& key, std::size_t r, std::size_t i, double v) {
        const std::size_t ci = col_index(key);
        if (ci < cols.size()) scores[ci][r][b0 + i] = v;
      };
      auto add_curve = [](std::vector<double>& sum, const std::vector<double>& p) {
        if (sum.empty()) sum.assign(p.size(), 0.0);
        for (std::size_t s = 0; s < p.size(); ++s) sum[s] += p[s];
      };
      if (has("deletion")) {
        const auto cv = deletion.curves(probe, items);
        for (std::size_t t = 0; t < items.size(); ++t) {
          put("deletion", t / nb, t % nb, cv[t].auc);
          add_curve(del_sum[t / nb], cv[t].probabilities);
        }
      }
      if (has("insertion")) {
        const auto cv = insertion.curves(probe, items);
        for (std::size_t t = 0; t < items.size(); ++t) {
          put("insertion", t / nb, t % nb, cv[t].auc);
          add_curve(ins_sum[t / nb], cv[t].probabilities);
        }
      }
      if (has("ad") || has("ic") || has("ag")) {
        const auto conf = mt::masked_confidence(probe, items);
        for (std::size_t t = 0; t < items.size(); ++t) {
          const double y = conf.original[t], ov = conf.masked[t];
          put("ad", t / nb, t % nb, mt::AverageDrop::of(y, ov));
          put("ic", t / nb, t % nb, mt::IncreaseInConfidence::of(y, ov));
          put("ag", t / nb, t % nb, mt::AverageGain::of(y, ov));
        }
      }
      if (has("sanity")) {
        auto flat = [&](Net& n) {  // every map at input resolution, row-major like `items`
          auto ms = maps_of(n);
          std::vector<Tensor<float>> out;
          for (auto& per_row : ms)
            for (auto& m : per_row) out.push_back(mt::map_at(m.view(), side, side));
          return out;
        };
        const auto steps = mt::cascading_randomisation(*net, flat, o.seed, o.sanity_steps);
        if (sanity_modules.empty())
          for (const auto& s : steps) sanity_modules.push_back(s.module);
        for (std::size_t r = 0; r < n_rows; ++r) {
          if (sanity_rho_sum[r].empty()) sanity_rho_sum[r].assign(steps.size(), 0.0), sanity_ssim_sum[r].assign(steps.size(), 0.0);
          for (std::size_t i = 0; i < nb; ++i) {
            double rho = 0, ss = 0;
            for (std::size_t s = 0; s < steps.size(); ++s) {
              rho += steps[s].spearman[r * nb + i];
              ss += steps[s].ssim[r * nb + i];
              sanity_rho_sum[r][s] += steps[s].spearman[r * nb + i];
              sanity_ssim_sum[r][s] += steps[s].ssim[r * nb + i];
            }
            // Quantus' MPRT with return_average_correlation: the mean over the randomised layers
            put("sanity_spearman", r, i, rho / double(steps.size()));
            put("sanity_ssim", r, i, ss / double(steps.size()));
          }
        }
      }
      progress.advance(std::size_t(ranks().sum(std::uint64_t(nb))));
    }
    forwards = probe.forwards();
  }
  if (ranks().parallel()) {  // rank 0 takes every rank's scores and sums; the others are done
    Partial mine{in.share, scores, classes, probs, constant, del_sum, ins_sum, sanity_rho_sum, sanity_ssim_sum,
                 sanity_modules, forwards};
    const auto parts = ranks().gather(mine.bytes());
    if (ranks().root()) {
      mine.clear_sums();
      for (const auto& part : parts) mine.add(part);
    }
    // Rank 0 writes the files; the others are done (main.cpp has them wait for it, so a failure there stops all).
    if (!ranks().root()) return;
  }


  // The table.
  std::vector<std::vector<mt::Summary>> summary(cols.size(), std::vector<mt::Summary>(n_rows));
  for (std::size_t ci = 0; ci < cols.size(); ++ci)
    for (std::size_t r = 0; r < n_rows; ++r) summary[ci][r] = mt::summarise(scores[ci][r]);
  std::size_t name_w = 6;
  for (const auto& r : rows) name_w = std::max(name_w, r.name.size());
  std::string head = pad("method", name_w + 2) + pad("n", 6), dir = pad("", name_w + 2) + pad("", 6);
  for (const auto& col : cols) {
    head += pad(col.title, 18);
    dir += pad(col.higher_is_better ? "higher is better" : "lower is better", 18);
  }
  std::printf("%s\n%s\n", head.c_str(), dir.c_str());
  for (std::size_t r = 0; r < n_rows; ++r) {
    std::string line = pad(rows[r].name, name_w + 2) + pad(std::to_string(n_img), 6);
    for (std::size_t ci = 0; ci < cols.size(); ++ci) {
      char cell[64];
      const bool pct = cols[ci].key == "ad" || cols[ci].key == "ic" || cols[ci].key == "ag";
      std::snprintf(cell, sizeof cell, pct ? "%.2f ± %.2f" : "%.4f ± %.4f", summary[ci][r].mean, summary[ci][r].std);
      line += pad(cell, 18);
    }
    std::printf("%s\n", line.c_str());
  }
  for (std::size_t r = 0; r < n_rows; ++r)
    if (constant[r])
      std::printf("note: %s gave a constant map (no evidence for the class) on %zu of %zu images\n",
                  rows[r].name.c_str(), constant[r], n_img);

  // The files: metrics.json, metrics.csv, curves.png, staged and moved into place together.
  Staging staging(o.out);
  nlohmann::ordered_json j;
  j["inx_version"] = INX_VERSION_STRING;
  j["model"] = o.model;
  j["weights"] = o.synthetic ? "synthetic" : weights_path(o.model, o.weights).string();
  j["layers"] = layers;
  j["cluster"] = o.cluster;
  j["step"] = o.step < 0 ? std::int64_t(side) : o.step;
  j["batch"] = o.batch;
  j["seed"] = o.seed;
  j["forward_passes"] = forwards;
  j["metrics"] = nlohmann::json::array();
  for (const auto& col : cols) j["metrics"].push_back({{"key", col.key}, {"higher_is_better", col.higher_is_better}});
  j["methods"] = nlohmann::json::array();
  for (const auto& r : rows) j["methods"].push_back(r.name);
  auto& js = j["summary"];
  js = nlohmann::json::object();
  for (std::size_t r = 0; r < n_rows; ++r) {
    nlohmann::ordered_json m;
    for (std::size_t ci = 0; ci < cols.size(); ++ci)
      m[cols[ci].key] = {{"mean", summary[ci][r].mean}, {"std", summary[ci][r].std}, {"n", summary[ci][r].count}};
    m["constant_maps"] = constant[r];
    js[rows[r].name] = m;
  }
  j["images"] = nlohmann::json::array();
  for (std::size_t i = 0; i < n_img; ++i) {
    nlohmann::ordered_json im;
    im["image"] = in.names[i];
    im["class_index"] = classes[i];
    im["class_name"] = names[std::size_t(classes[i])];
    im["prob"] = probs[i];
    nlohmann::ordered_json sc;
    for (std::size_t r = 0; r < n_rows; ++r) {
      nlohmann::ordered_json m;
      for (std::size_t ci = 0; ci < cols.size(); ++ci) m[cols[ci].key] = scores[ci][r][i];
      sc[rows[r].name] = m;
    }
    im["scores"] = sc;
    j["images"].push_back(im);
  }
  auto mean_of = [&](const std::vector<double>& sum) {
    std::vector<double> m(sum);
    for (double& v : m) v /= double(n_img);
    return m;
  };
  j["curves"] = nlohmann::json::object();
  for (std::size_t r = 0; r < n_rows; ++r) {
    nlohmann::ordered_json cv;
    if (!del_sum[r].empty()) cv["deletion"] = mean_of(del_sum[r]);
    if (!ins_sum[r].empty()) cv["insertion"] = mean_of(ins_sum[r]);
    if (!cv.empty()) j["curves"][rows[r].name] = cv;
  }
  if (has("sanity")) {
    nlohmann::ordered_json sj;
    sj["modules"] = sanity_modules;
    sj["methods"] = nlohmann::json::object();
    for (std::size_t r = 0; r < n_rows; ++r)
      sj["methods"][rows[r].name] = {{"spearman", mean_of(sanity_rho_sum[r])}, {"ssim", mean_of(sanity_ssim_sum[r])}};
    j["sanity"] = sj;
  }
  inx::io::write_file(staging.dir() / "metrics.json", j.dump(1) + "\n");
  {
    std::string csv = "image,class_index,class_name,method";
    for (const auto& col : cols) csv += "," + col.key;
    csv += "\n";
    auto quoted = [](const std::string& s) {
      std::string q = "\"";
      for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    };
    for (std::size_t i = 0; i < n_img; ++i)
      for (std::size_t r = 0; r < n_rows; ++r) {
        csv += quoted(in.names[i]) + "," + std::to_string(classes[i]) + "," + quoted(names[std::size_t(classes[i])]) +
               "," + rows[r].name;
        for (std::size_t ci = 0; ci < cols.size(); ++ci) {
          char v[32];
          std::snprintf(v, sizeof v, ",%.9g", scores[ci][r][i]);
          csv += v;
        }
        csv += "\n";
      }
    inx::io::write_file(staging.dir() / "metrics.csv", csv);
  }
  if (has("deletion") || has("insertion")) {
    std::vector<inx::render::Panel> panels;
    if (has("deletion")) panels.push_back({"Deletion (lower is better)", "fraction of pixels deleted", "p(class)", {}});
    if (has("insertion")) panels.push_back({"Insertion (higher is better)", "fraction of pixels inserted", "p(class)", {}});
    const std::string title = "mean over " + std::to_string(n_img) + " images (AUC " +
                              (panels.size() == 2 ? "deletion, insertion)" : has("deletion") ? "deletion)" : "insertion)");
    for (std::size_t r = 0; r < n_rows; ++r) {
      std::string label = rows[r].name + " (";
      for (const auto& key : {"deletion", "insertion"}) {
        const std::size_t ci = col_index(key);
        if (ci == cols.size()) continue;
        char v[32];
        std::snprintf(v, sizeof v, "%s%.3f", label.back() == '(' ? "" : ", ", summary[ci][r].mean);
        label += v;
      }
      label += ")";
      std::size_t pi = 0;
      if (has("deletion")) panels[pi++].series.push_back({label, mean_of(del_sum[r])});
      if (has("insertion")) panels[pi].series.push_back({label, mean_of(ins_sum[r])});
    }
    inx::io::save_png(staging.dir() / "curves.png", inx::render::line_chart(panels, title).view());
  }
  staging.commit();
  const double total = std::chrono::duration<double>(clock::now() - t_start).count();
  std::printf("wrote %s/metrics.json, metrics.csv%s\n", o.out.c_str(),
              has("deletion") || has("insertion") ? ", curves.png" : "");
  if (!o.quiet)
    std::fprintf(stderr, "inx evaluate: %zu images, %zu methods, %zu forward passes in %.2f s\n", n_img, n_rows,
                 forwards, total);
}

}  // namespace

void add_evaluate(CLI::App& app) {
  auto o = std::make_shared<EvaluateOptions>();
  auto* cmd = app.add_subcommand(
      "evaluate",
      "Score explanation methods on a model and images: deletion, insertion (RISE), Average Drop, Increase in "
      "Confidence, Average Gain, and the cascading-randomisation sanity check, beside a random and an edge-map baseline");
  cmd->add_option("--model", o->model, "one of: " + inx::models::model_names())->capture_default_str();
  cmd->add_option("--device", o->device, device_help())->capture_default_str();
  cmd->add_option("--weights", o->weights, ".npz (or folder of .npy) with PyTorch state_dict names (default: the "
                                           "model's own, as for inx explain)");
  cmd->add_flag("--synthetic-weights", o->synthetic, "deterministic synthetic weights (timing; meaningless scores)");
  cmd->add_option("--image", o->images, "PNG or JPEG image, or a folder of them (repeatable)");
  cmd->add_option("--idx", o->idx, "also evaluate on the images of an IDX file (e.g. Fashion-MNIST's "
                                   "t10k-images-idx3-ubyte.gz)");
  cmd->add_option("--idx-offset", o->idx_offset, "first image of --idx to use")->capture_default_str();
  cmd->add_option("--idx-count", o->idx_count, "images of --idx to use (0: all from the offset)")->capture_default_str();
  cmd->add_option("--method", o->methods, "comma-separated: gradcam, gradcampp, xgradcam, hirescam, layercam, inv, "
                                          "random, sobel")
      ->capture_default_str();
  cmd->add_option("--layers", o->layers, "comma-separated layers to explain (default: the model's last default "
                                         "layer; `inx layers` lists them)");
  cmd->add_option("--metrics", o->metrics, "comma-separated: deletion, insertion, ad, ic, ag, sanity")
      ->capture_default_str();
  cmd->add_option("--step", o->step, "deletion/insertion: pixels per step (default: the input width)");
  cmd->add_option("--batch", o->batch, "images per explanation batch and inputs per forward pass")
      ->capture_default_str();
  cmd->add_option("--cluster", o->cluster, "INV's clustering: paper | kmeans | dbscan | correlation | ward")
      ->check(CLI::IsMember({"paper", "kmeans", "dbscan", "correlation", "ward"}))
      ->capture_default_str();
  cmd->add_option("--sanity-steps", o->sanity_steps, "sanity: randomise only the top N parametrised layers (0: all)")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the random baseline, the clustering and the randomisation")
      ->capture_default_str();
  cmd->add_option("--out", o->out, "folder for metrics.json, metrics.csv and curves.png")->capture_default_str();
  cmd->add_flag("--quiet", o->quiet, "no progress or timing on stderr");
  cmd->callback([o] { run(*o); });
}

}  // namespace inx_cli
