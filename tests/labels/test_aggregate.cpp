// Records, synonym groups, scores, merging, T(s) and trends on hand-made reports, records and embeddings whose
// answers are worked out by hand (labels_test_util.hpp has the geometry).
#include <gtest/gtest.h>

#include "inx/labels/aggregate.hpp"
#include "labels_test_util.hpp"

namespace lb = inx::labels;
using namespace labeltest;

namespace {
const lb::StopWords& stop() {
  static const lb::StopWords s(std::string(INX_SOURCE_DIR) + "/data/labels/stopwords_en.txt");
  return s;
}

// a.png features.16: cluster 0 "heel" (level 0, right guess), "high heel" (2, wrong), "laces" (1, none);
//                    cluster 1 "the heel of the ankle boot" -> "heel" (4, wrong guess 0).
// a.png features.9:  cluster 0 "sole" (5, right); cluster 1 "shoelaces" (0, none).
// b.png features.16: cluster 0 "Laces!" (0, right, by name).
const char* kCsv =
    "image,layer,cluster,text,level,guess,player\n"
    "a.png,features.16,0,heel,0,9,p1\n"
    "a.png,features.16,0,High heel,2,Sandal,p2\n"
    "a.png,features.16,0,\"laces, \"\"the\"\" laces\",1,,p3\n"
    "a.png,features.16,1,the heel of the ankle boot,4,0,p1\n"
    "a.png,features.9,0,sole,5,9,p1\n"
    "a.png,features.9,1,shoelaces,0,,p2\n"
    "b.png,features.16,0,Laces!,0,ankle BOOT,p1\n";
}  // namespace

TEST(LabelRecords, CsvAndJsonGiveTheSameRecords) {
  TempDir dir("records");
  write_report(dir.path / "r");
  const auto reports = lb::load_reports({dir.path / "r"});
  ASSERT_EQ(reports.images.size(), 3u);
  EXPECT_EQ(reports.layer_order, (std::vector<std::string>{"features.9", "features.16"}));
  const auto csv = lb::load_label_records(dir.write("l.csv", kCsv), reports, kClasses, stop());
  ASSERT_EQ(csv.size(), 7u);
  EXPECT_EQ(csv[2].normalised, "laces");
  EXPECT_EQ(csv[3].normalised, "heel");
  EXPECT_EQ(csv[1].guess, 5);
  EXPECT_EQ(csv[2].guess, -1);
  EXPECT_EQ(csv[6].guess, 9);
  EXPECT_EQ(csv[6].truth, 9);
  EXPECT_EQ(csv[4].where, "labels l.csv line 6");
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : csv)
    j.push_back({{"image", r.image}, {"layer", r.layer}, {"cluster", r.cluster}, {"text", r.text},
                 {"level", r.level}, {"guess", r.guess < 0 ? nlohmann::json() : nlohmann::json(r.guess)}});
  const auto js = lb::load_label_records(dir.write("l.json", nlohmann::json{{"records", j}}.dump()), reports,
                                         kClasses, stop());
  ASSERT_EQ(js.size(), csv.size());
  for (std::size_t i = 0; i < js.size(); ++i) {
    EXPECT_EQ(js[i].normalised, csv[i].normalised);
    EXPECT_EQ(js[i].guess, csv[i].guess);
    EXPECT_EQ(js[i].level, csv[i].level);
  }
}

TEST(LabelRecords, BadRecordsNameTheirLine) {
  TempDir dir("bad");
  write_report(dir.path / "r");
  const auto reports = lb::load_reports({dir.path / "r"});
  const std::string head = "image,layer,cluster,text,level,guess\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"x.png,features.16,0,heel,0,", "line 3: image \"x.png\" is in none of the reports"},
      {"a.png,features.99,0,heel,0,", "line 3: image \"a.png\" has no explained layer \"features.99\""},
      {"b.png,features.16,1,heel,0,", "has 1 cluster(s), no rank 1"},
      {"a.png,features.16,-1,heel,0,", "cluster \"-1\" must be a cluster rank"},
      {"a.png,features.16,0,heel,6,", "level \"6\" must be an integer from 0 to 5"},
      {"a.png,features.16,0,heel,two,", "level \"two\" must be an integer"},
      {"a.png,features.16,0,the of a,0,", "is empty once the class name and stop words are removed"},
      {"a.png,features.16,0,ankle boot,0,", "is empty once the class name"},
      {"a.png,features.16,0,caf\xC3,0,", "line 3: text is not valid UTF-8"},
      {"a.png,features.16,0,heel,0,Spaceship", "guess \"Spaceship\" is neither a class index nor one of the"},
      {"a.png,features.16,0,heel,0,10", "guess 10 is not a class index (0 to 9)"},
      {"a.png,features.16,0,heel,0", "line 3: 5 fields, the header has 6"},
      {"a.png,features.16,0,\"heel,0,", "line 3: a quoted field is not closed"},
  };
  for (const auto& [row, want] : cases) {
    try {
      (void)lb::load_label_records(dir.write("b.csv", head + "a.png,features.9,0,sole,0,\n" + row + "\n"), reports,
                                   kClasses, stop());
      ADD_FAILURE() << "accepted: " << row;
    } catch (const inx::error& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find(want), std::string::npos) << row << " -> " << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
  // Line numbers count the header: the second record is on line 3.
  try {
    (void)lb::load_label_records(dir.write("c.csv", head + "a.png,features.9,0,sole,0,\nq.png,features.9,0,x,0,\n"),
                                 reports, kClasses, stop());
  } catch (const inx::value_error& e) {
    EXPECT_NE(std::string(e.what()).find("labels c.csv line 3: image \"q.png\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(lb::load_label_records(dir.write("e.csv", head), reports, kClasses, stop()), inx::value_error);
  EXPECT_THROW(lb::load_label_records(dir.write("e.csv", "image,layer,text\n"), reports, kClasses, stop()),
               inx::value_error);
  EXPECT_THROW(lb::load_label_records(dir.write("e.json", "[{\"image\": 3}]"), reports, kClasses, stop()),
               inx::value_error);
  EXPECT_THROW(lb::load_label_records(dir.write("e.json", "{oops"), reports, kClasses, stop()), inx::io_error);
  EXPECT_THROW(lb::load_label_records(dir.write("e.txt", "x"), reports, kClasses, stop()), inx::value_error);
}

TEST(SynonymGroups, GroupsByMeaningAndNamesGroupsByTheirBestWord) {
  const auto e = embeddings();
  const auto g = lb::group_synonyms({"sole", "heel", "laces", "high heel", "shoelaces", "heel"}, e);
  ASSERT_EQ(g.texts, (std::vector<std::string>{"heel", "high heel", "laces", "shoelaces", "sole"}));
  EXPECT_EQ(g.count(), 3u);
  EXPECT_EQ(g.group_of("heel"), g.group_of("high heel"));
  EXPECT_EQ(g.group_of("laces"), g.group_of("shoelaces"));
  EXPECT_NE(g.group_of("heel"), g.group_of("sole"));
  EXPECT_NE(g.group_of("laces"), g.group_of("sole"));
  EXPECT_EQ(g.representative[std::size_t(g.group_of("high heel"))], "heel");  // 1.98 against "high"'s 1.53
  EXPECT_EQ(g.representative[std::size_t(g.group_of("shoelaces"))], "laces");  // a tie: the first word
  EXPECT_EQ(g.representative[std::size_t(g.group_of("sole"))], "sole");
  EXPECT_GT(g.silhouette, 0.5);
  // A threshold instead of the silhouette: 0.05 joins only heel / high heel (distance 0.02) and laces / shoelaces.
  lb::GroupOptions o;
  o.threshold = 0.05;
  EXPECT_EQ(lb::group_synonyms({"sole", "heel", "laces", "high heel", "shoelaces"}, e, o).count(), 3u);
  o.threshold = 2.0;
  EXPECT_EQ(lb::group_synonyms({"sole", "heel", "laces"}, e, o).count(), 1u);
  EXPECT_EQ(lb::group_synonyms({"sole"}, e).count(), 1u);
  EXPECT_EQ(lb::group_synonyms({"sole", "heel"}, e).count(), 2u);
  EXPECT_THROW(lb::group_synonyms({"boots"}, e), inx::value_error);
  EXPECT_THROW(lb::group_synonyms({}, e), inx::value_error);
}

TEST(Aggregate, ScoresMergesAndGlobalExplanationsAsWorkedOut) {
  TempDir dir("agg");
  write_report(dir.path / "r");
  const auto reports = lb::load_reports({dir.path / "r"});
  const auto records = lb::load_label_records(dir.write("l.csv", kCsv), reports, kClasses, stop());
  std::vector<std::string> texts;
  for (const auto& r : records) texts.push_back(r.normalised);
  const auto groups = lb::group_synonyms(texts, embeddings());
  const auto scores = lb::score_clusters(records, groups);
  ASSERT_EQ(scores.size(), 5u);
  const auto find = [&](const std::string& im, const std::string& layer, std::size_t c) -> const lb::ClusterScore& {
    for (const auto& s : scores)
      if (s.image == im && s.layer == layer && s.cluster == c) return s;
    throw std::runtime_error("no such cluster");
  };
  // a.png features.16 cluster 0: guessed; heel f = 2, mean level 1 -> 1.8; laces f = 1, level 1 -> 0.9.
  const auto& a0 = find("a.png", "features.16", 0);
  EXPECT_TRUE(a0.guessed);
  EXPECT_DOUBLE_EQ(a0.score.at("heel"), 1.8);
  EXPECT_DOUBLE_EQ(a0.score.at("laces"), 0.9);
  EXPECT_EQ(a0.best, (std::set<std::string>{"heel"}));
  // cluster 1: not guessed; heel f = 1, level 4 -> 0.6 / 4 = 0.15.
  EXPECT_DOUBLE_EQ(find("a.png", "features.16", 1).score.at("heel"), 0.15);
  EXPECT_DOUBLE_EQ(find("a.png", "features.9", 0).score.at("sole"), 0.5);
  EXPECT_DOUBLE_EQ(find("a.png", "features.9", 1).score.at("laces"), 0.25);
  EXPECT_DOUBLE_EQ(find("b.png", "features.16", 0).score.at("laces"), 1.0);

  const auto merged = lb::merge_clusters(scores, reports);
  ASSERT_EQ(merged.size(), 4u);  // a/16 {0, 1} merge on "heel"; a/9 stays two groups; b/16 one
  for (const auto& m : merged) {
    if (m.image == "a.png" && m.layer == "features.16") {
      EXPECT_EQ(m.clusters, (std::vector<std::size_t>{0, 1}));
      EXPECT_DOUBLE_EQ(m.weight, 100.0);
      EXPECT_EQ(m.best, (std::set<std::string>{"heel"}));
      EXPECT_DOUBLE_EQ(m.score.at("heel"), 1.95);
      EXPECT_DOUBLE_EQ(m.score.at("laces"), 0.9);
    }
    if (m.image == "a.png" && m.layer == "features.9") {
      EXPECT_EQ(m.clusters.size(), 1u);
    }
  }

  const auto global = lb::global_explanations(merged, reports);
  ASSERT_EQ(global.size(), 2u);  // classes 5 and 9, in index order
  const auto& sandal = global[0];
  EXPECT_EQ(sandal.class_index, 5);
  EXPECT_EQ(sandal.images, 1u);
  EXPECT_EQ(sandal.labelled_images, 0u);
  for (const auto& l : sandal.layers) EXPECT_TRUE(l.labels.empty());
  const auto& boot = global[1];
  EXPECT_EQ(boot.class_name, "Ankle boot");
  EXPECT_EQ(boot.images, 2u);
  EXPECT_EQ(boot.labelled_images, 2u);
  ASSERT_EQ(boot.layers.size(), 2u);
  EXPECT_EQ(boot.layers[0].layer, "features.9");
  ASSERT_EQ(boot.layers[0].labels.size(), 2u);
  EXPECT_EQ(boot.layers[0].labels[0].label, "sole");
  EXPECT_DOUBLE_EQ(boot.layers[0].labels[0].total, 0.5);
  EXPECT_DOUBLE_EQ(boot.layers[0].labels[1].total, 0.25);
  ASSERT_EQ(boot.layers[1].labels.size(), 2u);  // heel 1.95 (a), laces 1.0 (b; a's laces is not a best label)
  EXPECT_EQ(boot.layers[1].labels[0].label, "heel");
  EXPECT_DOUBLE_EQ(boot.layers[1].labels[0].total, 1.95);
  EXPECT_EQ(boot.layers[1].labels[1].label, "laces");
  EXPECT_DOUBLE_EQ(boot.layers[1].labels[1].total, 1.0);
  ASSERT_EQ(boot.layers[1].labels[0].examples.size(), 1u);
  EXPECT_EQ(boot.layers[1].labels[0].examples[0]->image, "a.png");
  // Trends: mean T(s) per image of the class, per layer; two layers, so the slope is the difference.
  EXPECT_DOUBLE_EQ(boot.trend.at("heel"), 0.975);
  EXPECT_DOUBLE_EQ(boot.trend.at("laces"), 0.5 - 0.125);
  EXPECT_DOUBLE_EQ(boot.trend.at("sole"), -0.25);
  EXPECT_DOUBLE_EQ(lb::slope({1, 3, 5, 7}), 2.0);
  EXPECT_DOUBLE_EQ(lb::slope({4}), 0.0);
}

TEST(Embeddings, MismatchesAreRefusedNamingTheLine) {
  TempDir dir("emb");
  const auto rows = [](std::vector<float> v, std::size_t n, std::size_t d) {
    return inx::Tensor<float>::from_host({n, d}, v);
  };
  const auto err = [](auto&& fn) -> std::string {
    try {
      fn();
    } catch (const inx::error& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(err([&] { lb::Embeddings(rows({1, 0, 0, 1}, 2, 2), {"a"}); }).find("2 rows but 1 vocabulary lines"),
            std::string::npos);
  EXPECT_NE(err([&] { lb::Embeddings(rows({1, 0, NAN, 1}, 2, 2), {"a", "b"}); }).find("row 1 (vocabulary line 2) holds NaN"),
            std::string::npos);
  EXPECT_NE(err([&] { lb::Embeddings(rows({1, 0, 0.5f, 0.5f}, 2, 2), {"a", "b"}); }).find("expected L2-normalised"),
            std::string::npos);
  EXPECT_NE(err([&] { lb::Embeddings(rows({1, 0, 0, 1}, 2, 2), {"a", "a"}); }).find("vocabulary line 2 repeats line 1"),
            std::string::npos);
  EXPECT_NE(err([&] { lb::Embeddings(rows({1, 0, 0, 1}, 2, 2), {"a", ""}); }).find("vocabulary line 2 is empty"),
            std::string::npos);
  const lb::Embeddings ok(rows({1, 0, 0, 1}, 2, 2), {"a", "b"}, "e.npy");
  EXPECT_NE(err([&] { (void)ok.row("c", "labels.csv line 4"); }).find("labels.csv line 4: text \"c\" has no row in e.npy"),
            std::string::npos);
  // From files: float64 is refused, and the files must agree.
  auto f64 = inx::Tensor<double>::from_host({1, 2}, std::vector<double>{1, 0});
  inx::io::save_npy(dir.path / "d.npy", f64.view());
  dir.write("v.txt", "a\n");
  EXPECT_NE(err([&] { lb::load_embeddings(dir.path / "d.npy", dir.path / "v.txt"); }).find("expected float32 rows"),
            std::string::npos);
  auto f32 = inx::Tensor<float>::from_host({2, 2}, std::vector<float>{1, 0, 0, 1});
  inx::io::save_npy(dir.path / "e.npy", f32.view());
  dir.write("v2.txt", "collar\nsleeve\r\n");
  const auto e = lb::load_embeddings(dir.path / "e.npy", dir.path / "v2.txt");
  EXPECT_EQ(e.vocabulary(), (std::vector<std::string>{"collar", "sleeve"}));
  EXPECT_NE(err([&] { lb::load_embeddings(dir.path / "e.npy", dir.path / "v.txt"); }).find("2 rows but 1 vocabulary"),
            std::string::npos);
}
