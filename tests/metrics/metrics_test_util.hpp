// Shared by the metrics tests: the trained Fashion-MNIST network and the fixture of tools/make_metrics_fixtures.py.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "../nn/parity_util.hpp"
#include "inx/io/npz.hpp"
#include "inx/io/tensors.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/nn/network.hpp"

namespace inx_test {

using FmnistNetwork = inx::nn::Network<inx::models::fmnist>;

// A fresh copy of the trained default model (tests may randomise it).
inline std::unique_ptr<FmnistNetwork> trained_fmnist() {
  auto net = std::make_unique<FmnistNetwork>();
  const std::string path = std::string(INX_SOURCE_DIR) + "/data/models/fmnist.npz";
  net->load(inx::io::load_tensors(path), path);
  return net;
}

inline const std::map<std::string, inx::io::NpyArray>& metrics_fixture() {
  static const auto f = inx::io::load_npz(data_path("metrics/fmnist.npz"));
  return f;
}

template <class T = float>
inx::Tensor<T> fx(const std::string& key) {
  const auto& f = metrics_fixture();
  auto it = f.find(key);
  if (it == f.end()) throw std::runtime_error("fixture key missing: " + key);
  return it->second.to<T>();
}

}  // namespace inx_test
