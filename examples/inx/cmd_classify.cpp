// `inx classify`: runs a zoo model on images with the model's standard preprocessing and prints the top K classes
// with their names and probabilities; --json writes {"model", "results": [{"image", "logits", "top": [{"class",
// "name", "prob"}]}]}. Without --weights, fmnist uses the weights the project ships (data/models/fmnist.npz).
// --maps LAYER --maps-out FILE.npy also writes that layer's feature maps as a C x (H*W) matrix, one row per map: the
// input `inx cluster` takes. Under `mpirun -np N` the images are shared among the ranks and rank 0 prints and
// writes every result, in the order of --image.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "ranks.hpp"
#include "zoo.hpp"
#include "inx/io/image.hpp"
#include "inx/io/npy.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/registry.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/nn/network.hpp"

namespace inx_cli {
namespace {

struct ClassifyOptions {
  std::string device = "cpu";
  std::string model, weights, json, maps, maps_out;
  std::vector<std::string> images;
  std::size_t top = 5;
  bool synthetic = false;
};

struct Result {
  std::string image;
  std::vector<float> logits;
  std::vector<std::size_t> top;
  std::vector<double> prob;  // softmax of all logits, in class order
};

Result classify(auto& net, const std::string& image, const inx::models::ModelInfo& info, std::size_t k,
                const std::string& maps, inx::Tensor<float>* maps_out) {
  // fmnist converts any image to grayscale while decoding; ImageNet models keep the file's channels so a
  // grayscale photograph is reported instead of silently replicated.
  const int channels = info.preprocess.channels == 1 ? 1 : 0;
  auto img = inx::io::load_image(image, channels);
  auto x = inx::models::preprocess(img.view(), info.preprocess, image);
  inx::Tensor<float> logits;
  if (maps.empty()) {
    logits = net.forward(x.view());
  } else {
    auto taps = net.forward_taps(x.view(), {maps});
    logits = std::move(taps.logits);
    auto& a = taps.activations.at(maps);
    inx::require<inx::value_error>(a.rank() == 4, "--maps ", maps, ": expected a convolutional layer with (N, C, H, W) "
                                   "output, got ", a.shape().str());
    a.reshape_inplace({a.dim(1), a.dim(2) * a.dim(3)});
    *maps_out = std::move(a);
  }
  inx::require<inx::value_error>(inx::ops::all_finite<inx::cpu>(logits.view()), "image ", image, ": model '",
                                 info.name, "' produced NaN or Inf logits");
  Result r{image, std::vector<float>(logits.data(), logits.data() + logits.size()), {}, {}};
  const double mx = *std::max_element(r.logits.begin(), r.logits.end());
  double total = 0;
  for (float v : r.logits) total += std::exp(double(v) - mx);
  for (float v : r.logits) r.prob.push_back(std::exp(double(v) - mx) / total);
  r.top.resize(r.logits.size());
  std::iota(r.top.begin(), r.top.end(), 0);
  std::partial_sort(r.top.begin(), r.top.begin() + std::ptrdiff_t(k), r.top.end(),
                    [&](std::size_t a, std::size_t b) { return r.logits[a] > r.logits[b]; });
  r.top.resize(k);
  return r;
}

void write_json(const std::string& path, const std::string& model, const std::vector<Result>& results,
                const std::vector<std::string>& names) {
  nlohmann::json j{{"model", model}, {"results", nlohmann::json::array()}};
  for (const auto& r : results) {
    nlohmann::json top = nlohmann::json::array();
    for (std::size_t c : r.top) top.push_back({{"class", c}, {"name", names[c]}, {"prob", r.prob[c]}});
    j["results"].push_back({{"image", r.image}, {"logits", r.logits}, {"top", top}});
  }
  inx::io::write_file(path, j.dump(1) + "\n");  // atomic: a failed run never leaves half a JSON file
}

// Rank 0: every rank's results in rank order (the order of --image); the other ranks send theirs and get nothing.
// CBOR keeps the logits and probabilities bit for bit.
std::vector<Result> gather_results(const std::vector<Result>& mine) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : mine) j.push_back({{"image", r.image}, {"logits", r.logits}, {"top", r.top}, {"prob", r.prob}});
  const auto bytes = nlohmann::json::to_cbor(j);
  std::vector<Result> all;
  for (const auto& part : ranks().gather(std::string(bytes.begin(), bytes.end())))
    for (const auto& rj : nlohmann::json::from_cbor(part))
      all.push_back({rj.at("image").get<std::string>(), rj.at("logits").get<std::vector<float>>(),
                     rj.at("top").get<std::vector<std::size_t>>(), rj.at("prob").get<std::vector<double>>()});
  return all;
}

void run(const ClassifyOptions& o) {
  const Compute device = resolve_device(o.device);  // before anything is read or written
  const auto& info = inx::models::model_info(o.model);
  inx::require<inx::value_error>(o.top >= 1 && o.top <= info.classes, "--top: expected 1 to ", info.classes,
                                 " for model '", o.model, "', got ", o.top);
  const auto names = read_class_names(data_dir() / info.classes_file, info.classes);
  inx::require<inx::value_error>(o.maps.empty() == o.maps_out.empty(), "--maps and --maps-out go together");
  inx::require<inx::value_error>(o.maps_out.empty() || o.images.size() == 1,
                                 "--maps-out: expected exactly one --image, got ", o.images.size());
  std::vector<Result> results;
  inx::Tensor<float> maps;
  {
    auto net = make_network(o.model, device);
    load_weights(*net, o.model, o.weights, o.synthetic);
    const auto share = my_shard(o.images.size());  // all of them without mpirun
    for (std::size_t i = share.begin; i < share.end; ++i)
      results.push_back(classify(*net, o.images[i], info, o.top, o.maps, &maps));
  }
  if (ranks().parallel()) results = gather_results(results);
  if (!ranks().root()) return;

  if (!o.maps_out.empty()) inx::io::save_npy(o.maps_out, maps.view());
  for (const auto& r : results) {
    std::printf("%s\n", r.image.c_str());
    for (std::size_t c : r.top) std::printf("  %8.4f  %4zu  %s\n", r.prob[c], c, names[c].c_str());
  }
  if (!o.json.empty()) write_json(o.json, o.model, results, names);
}

}  // namespace

void add_classify(CLI::App& app) {
  auto o = std::make_shared<ClassifyOptions>();
  auto* cmd = app.add_subcommand(
      "classify",
      "Classify images with a zoo model. Preprocessing: ImageNet models resize the shorter side to 256 (bilinear, "
      "antialiased), centre-crop 224 and normalise with ImageNet's mean/std (RGB or RGBA images, at least 32x32); "
      "fmnist converts the image to grayscale and resizes it to 28x28 unless it already is, values in [0, 1]");
  cmd->add_option("--model", o->model, "one of: " + inx::models::model_names())->required();
  cmd->add_option("--device", o->device, device_help())->capture_default_str();
  cmd->add_option("--weights", o->weights, ".npz (or folder of .npy) with PyTorch state_dict names; "
                                           "default for fmnist: the shipped models/fmnist.npz; for efficientnet_lite0: "
                                           "models/efficientnet_lite0.npz in the user data folder (`inx version` "
                                           "shows it; tools/fetch_efficientnet.py fetches it)");
  cmd->add_flag("--synthetic-weights", o->synthetic,
                "use deterministic synthetic weights instead of --weights (smoke tests, timing; predictions are "
                "meaningless)");
  cmd->add_option("--image", o->images, "PNG or JPEG image (repeatable)")->required();
  cmd->add_option("--top", o->top, "how many classes to print per image")->capture_default_str();
  cmd->add_option("--json", o->json, "also write the logits and top classes to this JSON file");
  cmd->add_option("--maps", o->maps, "a layer by PyTorch module name (e.g. features.16, layer4) whose feature maps "
                                     "--maps-out writes");
  cmd->add_option("--maps-out", o->maps_out, "write the --maps layer's feature maps of the (single) image as a "
                                             "C x (H*W) float32 .npy, one row per map (input of `inx cluster`)");
  cmd->callback([o] { run(*o); });
}

}  // namespace inx_cli
