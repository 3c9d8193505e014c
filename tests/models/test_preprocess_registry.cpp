// Model preprocessing against torchvision's transforms (the zoo fixtures' input was made from the same PNG), its
// bad inputs, and the run-time model registry.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "inx/io/image.hpp"
#include "inx/models/registry.hpp"
#include "zoo_util.hpp"

namespace {

using inx::Shape;
using inx::Tensor;
namespace models = inx::models;

constexpr models::Preprocess fixture_recipe{.resize = 146, .crop = 128};  // 256/224 scaled to 128 pixels

TEST(Preprocess, MatchesTorchvisionResizeCentreCropNormalize) {
  auto img = inx::io::load_image(zoo_test::data_path("models/chelsea_180x240.png"));
  ASSERT_EQ(img.shape(), (Shape{3, 180, 240}));
  auto x = models::preprocess(img.view(), fixture_recipe, "chelsea");
  EXPECT_TRUE(zoo_test::close(x, zoo_test::fixture_input(), 1e-5));
}

TEST(Preprocess, RgbaDropsAlpha) {
  auto img = inx::io::load_image(zoo_test::data_path("models/chelsea_180x240.png"));
  auto rgba = Tensor<float>::full({4, 180, 240}, 0.25f);
  std::copy(img.span().begin(), img.span().end(), rgba.span().begin());
  auto a = models::preprocess(rgba.view(), fixture_recipe, "rgba");
  auto b = models::preprocess(img.view(), fixture_recipe, "rgb");
  EXPECT_TRUE(zoo_test::close(a, b, 0.0));
}

TEST(Preprocess, ImagenetShapeAndShorterSideRule) {
  auto img = Tensor<float>::full({3, 300, 451}, 0.5f);
  auto x = models::preprocess(img.view(), models::imagenet_preprocess, "flat");
  EXPECT_EQ(x.shape(), (Shape{1, 3, 224, 224}));
  EXPECT_NEAR(x(0, 0, 100, 100), (0.5f - 0.485f) / 0.229f, 1e-5);
  EXPECT_EQ(models::resize_shorter(img.view(), 256).shape(), (Shape{3, 256, 384}));  // int(256 * 451 / 300)
  auto tall = Tensor<float>::full({3, 451, 300}, 0.5f);
  EXPECT_EQ(models::resize_shorter(tall.view(), 256).shape(), (Shape{3, 384, 256}));
}

TEST(Preprocess, FmnistKeeps28x28AndResizesOthers) {
  auto img = inx::io::load_image(std::string(INX_SOURCE_DIR) + "/data/samples/fmnist_0000_ankle_boot.png", 1);
  auto x = models::preprocess(img.view(), models::fmnist_preprocess, "boot");
  EXPECT_EQ(x.shape(), (Shape{1, 1, 28, 28}));
  EXPECT_TRUE(zoo_test::close(x.view().reshape({1, 28, 28}), img.view(), 1e-6)) << "28x28 passes unchanged";
  auto big = Tensor<float>::full({1, 56, 70}, 0.75f);
  auto y = models::preprocess(big.view(), models::fmnist_preprocess, "big");
  EXPECT_EQ(y.shape(), (Shape{1, 1, 28, 28}));
  EXPECT_NEAR(y(0, 0, 14, 14), 0.75f, 1e-6);
}

TEST(Preprocess, BadInputsAreOneLineErrors) {
  auto gray = Tensor<float>::full({1, 64, 64}, 0.5f);
  EXPECT_THROW(models::preprocess(gray.view(), models::imagenet_preprocess, "g"), inx::shape_error);
  auto tiny = Tensor<float>::full({3, 20, 64}, 0.5f);
  try {
    models::preprocess(tiny.view(), models::imagenet_preprocess, "tiny.png");
    ADD_FAILURE() << "no error for a 64x20 image";
  } catch (const inx::shape_error& e) {
    EXPECT_NE(std::string(e.what()).find("tiny.png: expected at least 32x32 pixels, found 64x20"), std::string::npos)
        << e.what();
  }
  auto nan = Tensor<float>::full({3, 64, 64}, 0.5f);
  nan(1, 10, 10) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(models::preprocess(nan.view(), models::imagenet_preprocess, "nan"), inx::value_error);
  auto inf = Tensor<float>::full({1, 28, 28}, 0.5f);
  inf(0, 0, 0) = std::numeric_limits<float>::infinity();
  EXPECT_THROW(models::preprocess(inf.view(), models::fmnist_preprocess, "inf"), inx::value_error);
}

TEST(Registry, DispatchesByNameAndListsValidNames) {
  for (const auto& m : models::zoo) {
    const std::size_t out = models::with_model(m.name, []<class M>() { return M::out_channels; });
    EXPECT_EQ(out, m.classes) << m.name;
  }
  EXPECT_TRUE((models::with_model("resnet50", []<class M>() { return std::is_same_v<M, models::resnet50>; })));
  try {
    models::with_model("resnet101", []<class M>() { return 0; });
    ADD_FAILURE() << "no error for an unknown model";
  } catch (const inx::value_error& e) {
    EXPECT_STREQ(e.what(),
                 "model 'resnet101': unknown; expected one of fmnist, vgg16, vgg16_bn, resnet18, resnet50, mobilenet_v2, "
                 "efficientnet_lite0");
  }
  EXPECT_EQ(models::model_info("fmnist").preprocess.crop, 28u);
}

}  // namespace
