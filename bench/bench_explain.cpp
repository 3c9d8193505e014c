// Explanation timings (issue #7), warm (oneDNN primitives made, weights filled): the whole INV explanation of an
// image — network forward and backward, weighting, clustering, cluster maps; no pictures — and plain Grad-CAM, on
// the real photographs (skimage's chelsea and coffee, tests/data/explain) preprocessed to 224x224. Besides the time
// per call each benchmark reports, as counters, where the time went (network / weighting / clustering / maps, ms per
// image) and images/s. bench/compare_explain.py runs the references beside it.
//   BM_inv<vgg16>/kmeans|paper   the nine default vgg16 layers (features.11 ... features.29), batch 1
//   BM_inv<resnet50>             its 13 default layers (every block of layer2-layer4), kmeans, batch 1 and 8
//   BM_gradcam<resnet50>         Grad-CAM at layer4, batch 1 and 8
//   BM_inv<fmnist>, BM_gradcam<fmnist>  the default model (shipped weights), batch 8
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "inx/cluster/any.hpp"
#include "inx/cluster/auto.hpp"
#include "inx/cluster/cluster.hpp"
#include "inx/explain/explainer.hpp"
#include "inx/io/image.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/models/preprocess.hpp"
#include "inx/models/registry.hpp"
#include "inx/models/resnet.hpp"
#include "inx/models/synthetic.hpp"
#include "inx/models/vgg.hpp"
#include "inx/nn/network.hpp"
#include "timing.hpp"

namespace {
namespace ex = inx::explain;
namespace cl = inx::cluster;
using inx::Tensor;

template <class M>
constexpr const char* model_name() {
  if constexpr (std::is_same_v<M, inx::models::vgg16>) return "vgg16";
  if constexpr (std::is_same_v<M, inx::models::resnet50>) return "resnet50";
  return "fmnist";
}

template <class M>
inx::nn::Network<M>& network() {
  static auto net = [] {
    auto n = std::make_unique<inx::nn::Network<M>>();
    if constexpr (std::is_same_v<M, inx::models::fmnist>)
      n->load(inx::io::load_tensors(std::string(INX_SOURCE_DIR) + "/data/models/fmnist.npz"));
    else
      inx::models::fill_synthetic<inx::cpu>(*n);
    return n;
  }();
  return *net;
}

// n images, alternating the two photographs (fmnist: the sample images), as the model's preprocessing makes them.
template <class M>
Tensor<float> batch(std::size_t n) {
  const auto& info = inx::models::model_info(model_name<M>());
  const auto& p = info.preprocess;
  const std::vector<std::string> files =
      p.channels == 1 ? std::vector<std::string>{"data/samples/fmnist_0000_ankle_boot.png",
                                                 "data/samples/fmnist_0018_bag.png"}
                      : std::vector<std::string>{"tests/data/explain/chelsea.png", "tests/data/explain/coffee.png"};
  auto x = Tensor<float>::uninitialized({n, p.channels, p.crop, p.crop});
  for (std::size_t i = 0; i < n; ++i) {
    const auto path = std::string(INX_SOURCE_DIR) + "/" + files[i % 2];
    auto img = inx::io::load_image(path, p.channels == 1 ? 1 : 3);
    auto one = inx::models::preprocess(img.view(), p, path);
    std::copy_n(one.data(), one.size(), x.data() + i * one.size());
  }
  return x;
}

template <class M, class W, class P>
void run(benchmark::State& state, W w, P p, std::vector<std::string> layers, bool cluster) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& net = network<M>();
  const auto x = batch<M>(n);
  ex::Explainer<inx::nn::Network<M>, W, P> e(net, std::move(layers), w, p, cluster);
  (void)e.explain(x.view());  // warm-up: oneDNN primitives for these shapes
  const ex::Timings before = e.timings();
  inx_bench::timed_loop(state, 0, [&] {
    auto r = e.explain(x.view());
    benchmark::DoNotOptimize(r.data());
  });
  const double calls = double(state.iterations()) * double(n) / 1e3;  // ms per image
  const auto& t = e.timings();
  state.counters["network_ms"] = (t.network - before.network) / calls;
  state.counters["weighting_ms"] = (t.weighting - before.weighting) / calls;
  state.counters["clustering_ms"] = (t.clustering - before.clustering) / calls;
  state.counters["maps_ms"] = (t.maps - before.maps) / calls;
  state.counters["analysis_ms"] = (t.analysis - before.analysis) / calls;  // wall; the three above are thread time
  state.counters["images/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters.erase("GFLOP");
  state.counters.erase("GFLOP/s_median");
}

template <class M>
std::vector<std::string> default_layers() {
  return inx::models::split_list(inx::models::model_info(model_name<M>()).default_layers);
}
std::string last_layer(const std::vector<std::string>& l) { return l.back(); }

template <class M>
void BM_inv_kmeans(benchmark::State& s) {
  run<M>(s, ex::GuidedGradCam{}, cl::AutoK<cl::KMeans<>>{.base = {.n_init = 1}}, default_layers<M>(), true);
}
template <class M>
void BM_inv_paper(benchmark::State& s) {
  run<M>(s, ex::GuidedGradCam{}, cl::PaperPreset{}, default_layers<M>(), true);
}
template <class M>
void BM_gradcam(benchmark::State& s) {
  const std::string tap = std::is_same_v<M, inx::models::resnet50> ? "layer4" : last_layer(default_layers<M>());
  run<M>(s, ex::GradCam{}, cl::PaperPreset{}, {tap}, false);
}

using inx::models::fmnist;
using inx::models::resnet50;
using inx::models::vgg16;
BENCHMARK(BM_inv_kmeans<vgg16>)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_inv_paper<vgg16>)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_gradcam<vgg16>)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_inv_kmeans<resnet50>)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_gradcam<resnet50>)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_inv_paper<fmnist>)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_inv_kmeans<fmnist>)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_gradcam<fmnist>)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
