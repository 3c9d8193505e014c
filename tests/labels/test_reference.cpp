// Synonym grouping against scikit-learn on real Sentence-BERT embeddings of the demo's label texts
// (data/labels/demo/embeddings.npy; fixture: tools/make_label_fixtures.py): complete-linkage cosine partitions for several k, the silhouette of every k, and the
// chosen grouping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "inx/cluster/linkage.hpp"
#include "inx/cluster/silhouette.hpp"
#include "inx/io/npz.hpp"
#include "inx/labels/groups.hpp"

namespace lb = inx::labels;
namespace cl = inx::cluster;

namespace {
std::string data(const std::string& f) { return std::string(INX_TEST_DATA_DIR) + "/labels/" + f; }

// Whether two labelings are the same partition (equal up to renaming the labels).
bool same_partition(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  if (a.size() != b.size()) return false;
  std::map<std::int64_t, std::int64_t> ab, ba;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ab.emplace(a[i], b[i]).first->second != b[i]) return false;
    if (ba.emplace(b[i], a[i]).first->second != a[i]) return false;
  }
  return true;
}

struct Fixture {
  std::vector<std::string> texts;
  std::map<std::string, inx::io::NpyArray> z;
  lb::Embeddings emb;
  Fixture() {
    std::ifstream f(data("reference_texts.txt"));
    for (std::string line; std::getline(f, line);) texts.push_back(line);
    z = inx::io::load_npz(data("reference.npz"));
    const std::string demo = std::string(INX_SOURCE_DIR) + "/data/labels/demo/";
    emb = lb::load_embeddings(demo + "embeddings.npy", demo + "vocab.txt");
  }
  std::vector<std::int64_t> labels(const std::string& key) const {
    const auto t = z.at(key).to<std::int64_t>();
    return {t.data(), t.data() + t.size()};
  }
};
}  // namespace

TEST(LabelReference, CompleteLinkageAndSilhouetteMatchScikitLearn) {
  const Fixture fx;
  const std::size_t n = fx.texts.size();
  ASSERT_GT(n, 50u);
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = fx.emb.row(fx.texts[i], "reference_texts.txt");
  const auto dist = lb::cosine_distances(fx.emb, rows);
  const auto tree = cl::linkage_tree(dist, n, cl::Linkage::complete);
  for (int k : {2, 3, 5, 10, 20, 40}) {
    const auto ours = cl::cut_tree(tree, n, std::size_t(k));
    EXPECT_TRUE(same_partition(ours, fx.labels("labels_k" + std::to_string(k)))) << "k = " << k;
  }
  const auto sil = fx.z.at("silhouette").to<double>();
  ASSERT_EQ(sil.size(), n - 2);
  for (std::size_t k = 2; k + 1 <= n; ++k) {
    const auto ours = cl::cut_tree(tree, n, k);
    ASSERT_NEAR(cl::silhouette_score_from_distances(dist, ours), sil.data()[k - 2], 2e-5) << "k = " << k;
  }
}

TEST(LabelReference, ChosenGroupsAreScikitLearnsBestK) {
  const Fixture fx;
  const auto g = lb::group_synonyms(fx.texts, fx.emb);
  const auto best_k = fx.z.at("best_k").to<std::int64_t>().data()[0];
  EXPECT_EQ(std::int64_t(g.count()), best_k);
  EXPECT_TRUE(same_partition(g.group, fx.labels("best_labels")));
  const auto sil = fx.z.at("silhouette").to<double>();
  EXPECT_NEAR(g.silhouette, *std::max_element(sil.data(), sil.data() + sil.size()), 2e-5);
  std::printf("%zu texts in %zu groups (silhouette %.4f)\n", fx.texts.size(), g.count(), g.silhouette);
}
