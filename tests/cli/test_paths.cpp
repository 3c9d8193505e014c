// Where `inx` finds its data and fetched weights (examples/inx/paths.hpp), on fake build and install trees: the order
// of the rules, relocation of an install, no fallback from an install to the source tree, the XDG rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "../../examples/inx/paths.hpp"

namespace fs = std::filesystem;
using namespace inx_cli::paths;

namespace {

// A scratch folder with a fake source tree, build tree and install prefix.
class PathsTest : public ::testing::Test {
 protected:
  fs::path root;
  Layout layout;

  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root = fs::temp_directory_path() / ("inx_paths_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(root);
    make_data(root / "src" / "data");
    fs::create_directories(root / "build" / "bin");
    layout = {root / "build" / "bin", root / "src" / "data", "../share/inx"};
  }
  void TearDown() override { fs::remove_all(root); }

  static void make_data(const fs::path& dir) {
    fs::create_directories(dir / "classes");
    fs::create_directories(dir / "models");
  }
  static void touch(const fs::path& file) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "x";
  }
  // An install under `prefix`: bin/inx and share/inx/classes.
  fs::path install(const fs::path& prefix) {
    fs::create_directories(prefix / "bin");
    make_data(prefix / "share" / "inx");
    return prefix / "bin" / "inx";
  }
};

TEST_F(PathsTest, BuildTreeProgramReadsTheSourceTree) {
  const auto d = find_data_dir({}, layout.build_bin_dir / "inx", layout);
  EXPECT_EQ(d.dir, layout.source_data_dir);
  EXPECT_NE(d.source.find("source tree"), std::string::npos);
}

TEST_F(PathsTest, InstalledProgramReadsItsPrefixAndMovesWithIt) {
  const auto exe = install(root / "prefix");
  const auto d = find_data_dir({}, exe, layout);
  EXPECT_EQ(d.dir, (root / "prefix" / "share" / "inx").lexically_normal());
  EXPECT_NE(d.source.find("install"), std::string::npos);
  // The same install moved elsewhere finds its data in the new place.
  fs::rename(root / "prefix", root / "moved");
  EXPECT_EQ(find_data_dir({}, root / "moved" / "bin" / "inx", layout).dir,
            (root / "moved" / "share" / "inx").lexically_normal());
}

TEST_F(PathsTest, InstalledProgramNeverFallsBackToTheSourceTree) {
  // The source tree's data exists, but a program outside the build tree must not read it: with its own data gone it
  // says so, naming the folder it looked in and the override.
  fs::create_directories(root / "prefix" / "bin");
  try {
    find_data_dir({}, root / "prefix" / "bin" / "inx", layout);
    FAIL() << "expected an io_error";
  } catch (const inx::io_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find((root / "prefix" / "share" / "inx").string()), std::string::npos) << m;
    EXPECT_NE(m.find("INX_DATA_DIR"), std::string::npos) << m;
  }
}

TEST_F(PathsTest, InxDataDirWinsAndMustHoldData) {
  const auto exe = install(root / "prefix");
  make_data(root / "mine");
  Environment env;
  env.inx_data_dir = (root / "mine").string();
  EXPECT_EQ(find_data_dir(env, exe, layout).dir, root / "mine");
  EXPECT_EQ(find_data_dir(env, layout.build_bin_dir / "inx", layout).dir, root / "mine");
  EXPECT_EQ(find_data_dir(env, exe, layout).source, "INX_DATA_DIR");
  env.inx_data_dir = (root / "empty").string();
  fs::create_directories(root / "empty");
  EXPECT_THROW(find_data_dir(env, exe, layout), inx::io_error);
}

TEST_F(PathsTest, BuildTreeWithoutSourceDataUsesTheInstallRule) {
  fs::remove_all(layout.source_data_dir);
  EXPECT_THROW(find_data_dir({}, layout.build_bin_dir / "inx", layout), inx::io_error);
  make_data(root / "build" / "share" / "inx");
  EXPECT_EQ(find_data_dir({}, layout.build_bin_dir / "inx", layout).dir,
            (root / "build" / "share" / "inx").lexically_normal());
}

TEST(UserDataDir, FollowsInxThenXdgThenHome) {
  Environment env;
  env.home = "/home/ada";
  EXPECT_EQ(user_data_dir(env), fs::path("/home/ada/.local/share/inx"));
  env.xdg_data_home = "relative/ignored";  // the XDG spec: a relative path is invalid and ignored
  EXPECT_EQ(user_data_dir(env), fs::path("/home/ada/.local/share/inx"));
  env.xdg_data_home = "/data/ada";
  EXPECT_EQ(user_data_dir(env), fs::path("/data/ada/inx"));
  env.inx_user_data_dir = "/scratch/inx";
  EXPECT_EQ(user_data_dir(env), fs::path("/scratch/inx"));
  EXPECT_THROW(user_data_dir(Environment{}), inx::io_error);  // nothing set at all: a clear error
}

TEST_F(PathsTest, WeightsShippedFirstThenFetched) {
  Environment env;
  env.inx_user_data_dir = (root / "user").string();
  const fs::path data = layout.source_data_dir;
  auto w = find_weights("models/m.npz", data, env);
  EXPECT_FALSE(w.found.has_value());
  EXPECT_EQ(w.shipped, data / "models/m.npz");
  EXPECT_EQ(w.fetched, root / "user" / "models/m.npz");
  touch(root / "user" / "models" / "m.npz");
  w = find_weights("models/m.npz", data, env);
  ASSERT_TRUE(w.found.has_value());
  EXPECT_EQ(*w.found, root / "user" / "models/m.npz");
  touch(data / "models" / "m.npz");
  EXPECT_EQ(*find_weights("models/m.npz", data, env).found, data / "models/m.npz");
  // Shipped weights need no user data folder: with no HOME and no override the lookup still succeeds.
  EXPECT_EQ(*find_weights("models/m.npz", data, Environment{}).found, data / "models/m.npz");
}

}  // namespace
