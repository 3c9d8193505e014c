// `inx cluster`: clusters the rows of an n x d float32 .npy matrix (one row per feature map) with one policy and
// writes the int64 labels (noise -1) as .npy and, optionally, a JSON summary {labels, n_clusters, policy, score}.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <vector>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "inx/cluster/cluster.hpp"
#include "inx/io/npy.hpp"

namespace inx_cli {
namespace {

struct ClusterOptions {
  std::string policy = "kmeans", metric, linkage, input, labels_out, json;  // metric, linkage: "" = not given
  std::int64_t k = 0, min_samples = 5, n_init = 10;
  double eps = 0, threshold = 0.8;
  std::uint64_t seed = 0;
  std::vector<std::string> given;  // the policy-specific flags on the command line
};

// Which policy-specific flag each policy uses: a flag the chosen policy cannot use is an error, not silently ignored.
void check_flags(const ClusterOptions& o) {
  static const std::map<std::string, std::set<std::string>> uses{
      {"kmeans", {"--k", "--n-init", "--seed", "--metric"}},
      {"dbscan", {"--eps", "--min-samples", "--metric"}},
      {"correlation", {"--k", "--threshold", "--linkage"}},
      {"ward", {"--k"}},
      {"paper", {"--k", "--seed"}},
  };
  const auto& ok = uses.at(o.policy);
  for (const auto& f : o.given) {
    if (ok.contains(f)) continue;
    std::string list;
    for (const auto& u : ok) list += (list.empty() ? "" : ", ") + u;
    throw inx::value_error(inx::detail::msg(f, ": policy ", o.policy, " does not use it (its options: ", list, ")"));
  }
}

inx::cluster::Clustering run_policy(const ClusterOptions& o, inx::TensorView<const float> x) {
  namespace cl = inx::cluster;
  const auto metric = cl::metric_from_name(o.metric.empty() ? "euclidean" : o.metric);
  if (o.policy == "kmeans") {
    inx::require(metric == cl::Metric::euclidean, "--metric: kmeans uses euclidean distances, got ", o.metric);
    return cl::KMeans<>{.k = o.k > 0 ? o.k : 8, .n_init = static_cast<int>(o.n_init), .seed = o.seed}.fit(x);
  }
  if (o.policy == "dbscan") {
    inx::require(o.eps > 0, "--eps: dbscan needs eps > 0, got ", o.eps);
    return cl::with_metric(metric, [&](auto d) { return cl::DBSCAN<decltype(d)>{o.eps, o.min_samples}.fit(x); });
  }
  if (o.policy == "correlation")
    return cl::CorrelationMerge{.threshold = o.threshold, .k = o.k,
                                .linkage = cl::linkage_from_name(o.linkage.empty() ? "average" : o.linkage)}
        .fit(x);
  if (o.policy == "ward") return cl::Ward{o.k > 0 ? o.k : 2}.fit(x);
  if (o.policy == "paper") {
    cl::PaperPreset p{.seed = o.seed};
    if (o.k > 0) p.kmin = p.kmax = o.k;
    return p.fit(x);
  }
  throw inx::value_error("--policy: expected kmeans, dbscan, correlation, ward or paper, got '" + o.policy + "'");
}

void run(const ClusterOptions& o) {
  check_flags(o);
  const auto x = inx::io::load_npy<float>(o.input);
  inx::require<inx::shape_error>(x.rank() == 2, "input ", o.input, ": expected a 2-D matrix (rows x features), got shape ",
                                 x.shape().str());
  const auto r = run_policy(o, x.view());
  const std::size_t n = r.labels.size();
  if (!o.labels_out.empty()) {
    auto t = inx::Tensor<std::int64_t>::from_host({n}, std::span<const std::int64_t>(r.labels));
    inx::io::save_npy<std::int64_t>(o.labels_out, t.view());
  }
  if (!o.json.empty()) {
    nlohmann::json j{{"policy", o.policy}, {"n_clusters", r.n_clusters}, {"score", r.score},
                     {"score_name", r.score_name}, {"labels", r.labels}};
    inx::io::write_file(o.json, j.dump(1) + "\n");  // atomic: a failed run never leaves half a JSON file
  }
  std::printf("%s: %zu rows, %lld clusters, %s %.6g\n", o.policy.c_str(), n, static_cast<long long>(r.n_clusters),
              r.score_name.c_str(), r.score);
}

}  // namespace

void add_cluster(CLI::App& app) {
  auto o = std::make_shared<ClusterOptions>();
  auto* cmd = app.add_subcommand("cluster", "Cluster the rows of an n x d float32 .npy matrix (one row per feature map)");
  cmd->add_option("--policy", o->policy, "kmeans | dbscan | correlation | ward | paper")
      ->check(CLI::IsMember({"kmeans", "dbscan", "correlation", "ward", "paper"}))
      ->capture_default_str();
  cmd->add_option("--k", o->k, "number of clusters (kmeans: default 8, ward: 2, correlation: 0 = use --threshold, "
                               "paper: fixes k instead of choosing 3..8 by silhouette)");
  cmd->add_option("--eps", o->eps, "dbscan: neighbourhood radius (> 0)");
  cmd->add_option("--min-samples", o->min_samples, "dbscan: neighbours (itself included) that make a core row")
      ->capture_default_str();
  cmd->add_option("--threshold", o->threshold, "correlation: merge while correlation >= threshold")
      ->capture_default_str();
  cmd->add_option("--linkage", o->linkage, "correlation: single | average | complete (default average)");
  cmd->add_option("--metric", o->metric, "dbscan: euclidean | cosine | correlation (default euclidean; kmeans: "
                                         "euclidean only)")
      ->check(CLI::IsMember({"euclidean", "cosine", "correlation"}));
  cmd->add_option("--n-init", o->n_init, "kmeans: restarts")->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed (kmeans, paper)")->capture_default_str();
  cmd->add_option("--input", o->input, "n x d float32 .npy")->required();
  cmd->add_option("--labels-out", o->labels_out, "write the int64 labels (noise -1) to this .npy");
  cmd->add_option("--json", o->json, "write {labels, n_clusters, policy, score} to this JSON file");
  cmd->callback([o, cmd] {
    for (const char* f : {"--k", "--eps", "--min-samples", "--threshold", "--linkage", "--metric", "--n-init", "--seed"})
      if (cmd->count(f) > 0) o->given.emplace_back(f);
    run(*o);
  });
}

}  // namespace inx_cli
