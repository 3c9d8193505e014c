// Explainer<Net, Weighting, ClusterPolicy>: the INV explanation of a batch of images. One forward and one backward
// of the network give the activations of the chosen layers and the gradients of each image's class logit; then, per
// image and layer, the weighting policy weights the channels, and (when clustering) the INV steps of inv.hpp prune,
// cluster, merge and rank the feature maps. Returns plain records (records.hpp); where the time went is in timings().
#pragma once

#include <chrono>
#include <algorithm>
#include <cmath>
#include <exception>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/paper.hpp"
#include "inx/core/error.hpp"
#include "inx/explain/inv.hpp"
#include "inx/explain/records.hpp"
#include "inx/explain/weighting.hpp"
#include "inx/io/resize.hpp"
#include "inx/tensor/elementwise.hpp"

INX_BEGIN_NAMESPACE
namespace explain {

// Seconds spent in each stage, summed over every call of explain(). Layers are explained concurrently, so weighting,
// clustering and maps are thread-seconds (on 2 threads their sum is up to twice the wall time they took).
struct Timings {
  double network = 0;     // forward and backward
  double weighting = 0;   // channel weights and classic maps
  double clustering = 0;  // the clustering policy
  double maps = 0;        // cluster maps (upsampling, scaling) and ranking
  double analysis = 0;    // wall time of everything after the network (the three above, run concurrently)
  double total() const { return network + analysis; }
};

template <class Net, Weighting W = GuidedGradCam, cluster::ClusteringPolicy P = cluster::PaperPreset>
class Explainer {
 public:
  using device_type = typename Net::device_type;

  // `cluster`: run INV's steps 1-5 (channel_weights in percent, clusters); false: only the method's classic map and
  // its own channel weights.
  Explainer(Net& net, std::vector<std::string> layers, W weighting = {}, P policy = {}, bool cluster = true)
      : net_(net), layers_(std::move(layers)), weighting_(std::move(weighting)), policy_(std::move(policy)),
        cluster_(cluster) {
    require<value_error>(!layers_.empty(), "layers: expected at least one layer to explain");
    std::set<std::string> seen;
    for (const auto& l : layers_) require<value_error>(seen.insert(l).second, "layers: '", l, "' is given twice");
  }

  // x: a preprocessed batch (N, C, H, W). classes: empty (explain each image's predicted class) or N entries, where
  // a negative entry also means the predicted class.
  std::vector<ImageRecord> explain(TensorView<const float, device_type> x, std::span<const std::int64_t> classes = {}) {
    require<shape_error>(x.rank() == 4 && x.dim(0) >= 1, "explain: expected a batch (N, C, H, W), got ",
                         x.shape().str());
    const std::size_t n = x.dim(0), in_h = x.dim(2), in_w = x.dim(3);
    require<value_error>(classes.empty() || classes.size() == n, "explain: expected ", n, " classes, got ",
                         classes.size());
    std::vector<std::int64_t> target(n, 0);
    auto t0 = clock::now();
    auto g = run_network(x, classes, target);
    timings_.network += seconds_since(t0);

    const auto& logits = g.logits;
    const std::size_t k = logits.dim(1);
    std::vector<ImageRecord> out(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float* li = logits.data() + i * k;
      double mx = li[0], total = 0;
      std::int64_t top = 0;
      for (std::size_t c = 0; c < k; ++c)
        if (li[c] > mx) mx = li[c], top = std::int64_t(c);
      for (std::size_t c = 0; c < k; ++c) total += std::exp(double(li[c]) - mx);
      out[i].class_index = target[i];
      out[i].predicted = top;
      out[i].prob = std::exp(double(li[std::size_t(target[i])]) - mx) / total;
      out[i].input_height = in_h;
      out[i].input_width = in_w;
    }
    // Host copies of every tapped activation and gradient, checked once.
    std::vector<Tensor<float>> acts, grads;
    for (const auto& name : layers_) {
      acts.push_back(g.activations.at(name).template to<cpu>());
      grads.push_back(g.gradients.at(name).template to<cpu>());
      const auto& act = acts.back();
      require<value_error>(act.rank() == 4, "layer '", name, "': its output ", act.shape().str(),
                           " is not a feature map (N, C, H, W); choose a convolutional layer (inx layers lists them)");
      require<value_error>(ops::all_finite<cpu>(act.view()) && ops::all_finite<cpu>(grads.back().view()), "layer '",
                           name, "': activations or gradients hold NaN or Inf (check the weights)");
    }
    // Every (image, layer) pair is one task, run on one thread each (their OpenMP regions and GEMMs run nested,
    // hence serially): a few coarse tasks keep both cores busy where each layer's many small parallel regions would
    // not. The biggest layers go first so the last task to finish is a small one.
    const std::size_t nl = layers_.size();
    for (auto& r : out) r.layers.resize(nl);
    std::vector<std::size_t> order(n * nl);
    for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return acts[a % nl].size() > acts[b % nl].size(); });
    std::exception_ptr failure;
    t0 = clock::now();
#pragma omp parallel for schedule(dynamic, 1) if (order.size() > 1)
    for (std::int64_t t = 0; t < std::int64_t(order.size()); ++t) {
      const std::size_t i = order[std::size_t(t)] / nl, l = order[std::size_t(t)] % nl;
      try {
        out[i].layers[l] = explain_layer(layers_[l], acts[l][i], grads[l][i], in_h, in_w);
      } catch (...) {
#pragma omp critical(inx_explain_failure)
        if (!failure) failure = std::current_exception();
      }
    }
    timings_.analysis += seconds_since(t0);
    if (failure) std::rethrow_exception(failure);
    return out;
  }

  // One layer of one image, from its activation and gradient (K, H, W): usable without a network.
  // Safe to call from several threads at once (the policies are const; timings are added under a lock).
  LayerRecord explain_layer(const std::string& name, TensorView<const float> a, TensorView<const float> g,
                            std::size_t in_h, std::size_t in_w) {
    Timings local;
    LayerRecord r = explain_layer_timed(name, a, g, in_h, in_w, local);
#pragma omp critical(inx_explain_timings)
    {
      timings_.weighting += local.weighting;
      timings_.clustering += local.clustering;
      timings_.maps += local.maps;
    }
    return r;
  }

  const Timings& timings() const noexcept { return timings_; }
  const std::vector<std::string>& layers() const noexcept { return layers_; }
  const W& weighting() const noexcept { return weighting_; }
  const P& policy() const noexcept { return policy_; }

 private:
  LayerRecord explain_layer_timed(const std::string& name, TensorView<const float> a, TensorView<const float> g,
                                  std::size_t in_h, std::size_t in_w, Timings& acc) const {
    LayerRecord r;
    r.name = name;
    r.channels = a.dim(0);
    r.height = a.dim(1);
    r.width = a.dim(2);
    auto t0 = clock::now();
    const auto alpha = weighting_.channel_weights(a, g);
    r.cam = classic_map(weighting_, a, g, alpha);
    r.cam_input = upsample_scaled(r.cam.view(), in_h, in_w);
    r.cam_constant = is_constant_map(r.cam_input.span());
    if constexpr (std::same_as<W, GradCam>) {
      r.gradcam_input = r.cam_input.clone();
    } else {
      const GradCam plain;
      const auto gw = plain.channel_weights(a, g);
      r.gradcam_input = upsample_scaled(classic_map(plain, a, g, gw).view(), in_h, in_w);
    }
    acc.weighting += seconds_since(t0);
    if (!cluster_) {
      r.channel_weights = alpha;
      return r;
    }
    r.channel_weights = percent_weights(alpha);
    r.kept = kept_channels(r.channel_weights);
    if (r.kept.empty()) return r;

    t0 = clock::now();
    std::vector<std::int64_t> labels(r.kept.size(), 0);
    if (r.kept.size() >= 2) labels = policy_.fit(kept_rows(a, r.kept).view()).labels;
    acc.clustering += seconds_since(t0);

    t0 = clock::now();
    std::vector<std::vector<std::int64_t>> members;
    for (std::size_t j = 0; j < labels.size(); ++j) {
      if (labels[j] < 0) continue;  // noise (DBSCAN) belongs to no cluster
      if (std::size_t(labels[j]) >= members.size()) members.resize(std::size_t(labels[j]) + 1);
      members[std::size_t(labels[j])].push_back(r.kept[j]);
    }
    std::erase_if(members, [](const auto& m) { return m.empty(); });
    r.n_clusters_found = std::int64_t(members.size());
    std::vector<double> cw(members.size(), 0.0);
    for (std::size_t c = 0; c < members.size(); ++c)
      for (auto ch : members[c]) cw[c] += r.channel_weights[std::size_t(ch)];
    const auto ranked = filter_and_rank(cw);
    for (std::size_t rank = 0; rank < ranked.size(); ++rank) {
      ClusterRecord c;
      c.rank = rank;
      c.weight = cw[ranked[rank]];
      c.channels = std::move(members[ranked[rank]]);
      c.map = cluster_map(a, c.channels, r.channel_weights, in_h, in_w);
      c.constant = is_constant_map(c.map.span());
      r.clusters.push_back(std::move(c));
    }
    acc.maps += seconds_since(t0);
    return r;
  }

  using clock = std::chrono::steady_clock;
  static double seconds_since(clock::time_point t0) {
    return std::chrono::duration<double>(clock::now() - t0).count();
  }

  static Tensor<float> upsample_scaled(TensorView<const float> m, std::size_t h, std::size_t w) {
    auto up = io::resize_bilinear(m.reshape({1, m.dim(0), m.dim(1)}), h, w, /*antialias=*/false);
    up.reshape_inplace({h, w});
    minmax_scale(up.span());
    return up;
  }

  auto run_network(TensorView<const float, device_type> x, std::span<const std::int64_t> classes,
                   std::vector<std::int64_t>& target) {
    auto seed = [&](TensorView<const float, cpu> logits) {
      const std::size_t n = logits.dim(0), k = logits.dim(1);
      require<value_error>(ops::all_finite<cpu>(logits), "explain: the network produced NaN or Inf logits (check "
                           "the weights and the input)");
      std::vector<float> s(n * k, 0.0f);
      for (std::size_t i = 0; i < n; ++i) {
        std::int64_t c = classes.empty() ? -1 : classes[i];
        require<value_error>(c < std::int64_t(k), "class ", c, ": expected a class index in [0, ", k, ")");
        if (c < 0) {
          c = 0;
          for (std::size_t j = 1; j < k; ++j)
            if (logits(i, j) > logits(i, std::size_t(c))) c = std::int64_t(j);
        }
        target[i] = c;
        s[i * k + std::size_t(c)] = 1.0f;
      }
      return s;
    };
    try {
      return net_.gradients(x, std::set<std::string>(layers_.begin(), layers_.end()), seed);
    } catch (const value_error&) {
      check_layer_names(x);  // a misspelt layer: say which names exist
      throw;
    }
  }

  // Throws a value_error listing every module name when a requested layer is not one of them.
  void check_layer_names(TensorView<const float, device_type> x) {
    const auto trace = net_.trace(x.slice(0, 1));
    std::set<std::string> known;
    for (const auto& [name, shape] : trace) known.insert(name);
    for (const auto& l : layers_) {
      if (known.contains(l)) continue;
      std::string valid;
      for (const auto& [name, shape] : trace)
        if (shape.rank() == 4) valid += (valid.empty() ? "" : ", ") + name;
      throw value_error(inx::detail::msg("layer '", l, "': no module of this network has that name; feature-map "
                                         "layers are: ", valid));
    }
  }

  Net& net_;
  std::vector<std::string> layers_;
  W weighting_;
  P policy_;
  bool cluster_;
  Timings timings_;
};

}  // namespace explain
INX_END_NAMESPACE
