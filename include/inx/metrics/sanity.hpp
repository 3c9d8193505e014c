// The sanity check of Adebayo et al. ("Sanity Checks for Saliency Maps", NeurIPS 2018), cascading model-parameter
// randomisation as Quantus' MPRT does it for PyTorch: from the logits downwards, the parametrised modules
// (convolutions, linear layers, batch norms) are re-initialised one after another, cumulatively, with PyTorch's
// default initialisation, the generator seeded with seed + 1 before each; after each, the maps are recomputed for
// the originally explained classes and compared with the originals — the Spearman rank correlation of the absolute,
// max-normalised maps and the SSIM of the min-max-normalised ones. A method whose maps stay alike while the model
// it explains is destroyed is not explaining the model. The network's weights are restored afterwards.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/metrics/similarity.hpp"
#include "inx/nn/init.hpp"
#include "inx/nn/state_dict.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace metrics {

struct SanityStep {
  std::string module;             // the module re-initialised at this step (all above it already are)
  std::vector<double> spearman;   // per map, against the original
  std::vector<double> ssim;
};

// The original map as the check compares it: the ranks of |m| / max |m| and the min-max-normalised map.
struct SanityReference {
  Ranks ranks;
  Tensor<float> scaled;
};

inline SanityReference sanity_reference(TensorView<const float> original) {
  return {ranks_of(abs_max_normalised(original).view()), minmax_normalised(original)};
}

// (Spearman, SSIM) of a recomputed map against the original.
inline std::pair<double, double> sanity_similarity(const SanityReference& original, TensorView<const float> now) {
  const auto r = ranks_of(abs_max_normalised(now).view());
  const auto d = minmax_normalised(now);
  return {spearman(original.ranks, r), ssim(original.scaled.view(), d.view())};
}

inline std::pair<double, double> sanity_similarity(TensorView<const float> original, TensorView<const float> now) {
  return sanity_similarity(sanity_reference(original), now);
}

// maps_of(net) returns the maps to check (any number, the same each call; each at least 7 x 7) computed with the
// network as it is. on_step(i, count), when given, is called before each step (progress). `max_steps`: 0 walks
// every parametrised module; otherwise only the top max_steps.
template <class Net, class MapsOf>
std::vector<SanityStep> cascading_randomisation(Net& net, MapsOf&& maps_of, std::uint64_t seed,
                                                std::size_t max_steps = 0,
                                                const std::function<void(std::size_t, std::size_t)>& on_step = {}) {
  std::vector<SanityReference> original;
  for (const auto& m : maps_of(net)) original.push_back(sanity_reference(m.view()));
  auto modules = nn::parametrised_modules(net);
  require<value_error>(!modules.empty(), "sanity: the network has no parametrised module to randomise");
  std::reverse(modules.begin(), modules.end());
  if (max_steps && modules.size() > max_steps) modules.resize(max_steps);

  struct Restore {  // puts the trained weights back however the walk ends
    Net& net;
    nn::StateDict saved;
    ~Restore() { net.load(saved, "the saved weights"); }
  } restore{net, net.state()};

  std::vector<SanityStep> steps;
  for (std::size_t s = 0; s < modules.size(); ++s) {
    if (on_step) on_step(s, modules.size());
    nn::initialize_module(net, modules[s], seed + 1);
    const auto now = maps_of(net);
    require<value_error>(now.size() == original.size(), "sanity: maps_of returned ", now.size(), " maps, first ",
                         original.size());
    SanityStep st;
    st.module = modules[s];
    st.spearman.resize(now.size());
    st.ssim.resize(now.size());
    std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) if (now.size() > 1)
    for (std::int64_t i = 0; i < std::int64_t(now.size()); ++i) {
      try {
        const auto [rho, ss] = sanity_similarity(original[std::size_t(i)], now[std::size_t(i)].view());
        st.spearman[std::size_t(i)] = rho;
        st.ssim[std::size_t(i)] = ss;
      } catch (...) {
#pragma omp critical(inx_sanity_failure)
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
    steps.push_back(std::move(st));
  }
  return steps;
}

}  // namespace metrics
INX_END_NAMESPACE
