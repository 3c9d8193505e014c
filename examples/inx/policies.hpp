// The clustering policies INV runs with in `inx explain` and `inx evaluate`, by their --cluster name.
#pragma once

#include <cstdint>
#include <string>

#include "inx/cluster/any.hpp"
#include "inx/cluster/auto.hpp"
#include "inx/cluster/cluster.hpp"
#include "inx/core/error.hpp"

namespace inx_cli {

inline inx::cluster::AnyPolicy policy_from_name(const std::string& name, std::uint64_t seed) {
  namespace cl = inx::cluster;
  if (name == "paper") return cl::PaperPreset{.seed = seed};
  // One k-means++ start per k, as scikit-learn's n_init="auto" does with k-means++: the silhouette over k = 3..8
  // already compares six partitions.
  if (name == "kmeans") return cl::AutoK<cl::KMeans<>>{.base = {.n_init = 1, .seed = seed}};
  if (name == "dbscan") return cl::AutoDBSCAN<cl::Cosine>{};
  if (name == "correlation") return cl::CorrelationMerge{};
  if (name == "ward") return cl::AutoK<cl::Ward>{};
  throw inx::value_error("--cluster: expected paper, kmeans, dbscan, correlation or ward, got '" + name + "'");
}

}  // namespace inx_cli
