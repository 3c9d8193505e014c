// Finite-difference gradient checks for every layer type (tests/nn/gradcheck.hpp): backward's input gradient and
// every weight gradient against central differences of sum(w * layer(x)), in eval and train mode; the explanation
// path's data-only backward against the full one; and checks that the checker itself rejects wrong gradients.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "gradcheck.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/nn/activation.hpp"
#include "inx/nn/batchnorm.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/dropout.hpp"
#include "inx/nn/flatten.hpp"
#include "inx/nn/inverted_residual.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/named.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/resnet_blocks.hpp"
#include "inx/nn/sequential.hpp"
#include "parity_util.hpp"

namespace {

namespace nn = inx::nn;
using inx::Shape;
using inx::Tensor;
using inx_test::CheckOptions;
using inx_test::distinct_input;
using inx_test::GradChecker;
using nn::Mode;

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

// Gradient check of L on input x in `mode`; for eval mode also the data-only backward's input gradient.
template <class L>
void check_layer(Mode mode, Tensor<float> x, CheckOptions o = {}, std::uint64_t seed = 1, float beta_lo = -0.2f,
                 float beta_hi = 0.2f) {
  GradChecker<L> g(mode, std::move(x), seed, beta_lo, beta_hi);
  std::vector<inx_test::TensorCheck> report;
  const auto failures = g.check(o, &report);
  EXPECT_TRUE(failures.empty()) << joined(failures);
  for (const auto& r : report) {
    SCOPED_TRACE(r.name);
    EXPECT_GT(r.checked, 0u);
    if (std::getenv("INX_GRADCHECK_VERBOSE"))
      std::printf("  %-22s checked %3zu skipped %3zu max error %.2e\n", r.name.c_str(), r.checked, r.skipped,
                  r.max_error);
  }
  if (mode == Mode::eval) {
    auto full = g.analytic().first;
    auto data_only = g.data_only_input_gradient();
    EXPECT_TRUE(inx_test::close(data_only, full, 1e-6)) << "data-only backward differs from the full one";
  }
}

constexpr Mode both[] = {Mode::eval, Mode::train};

// ---- convolution ----------------------------------------------------------------------------------------------

TEST(GradCheck, Conv2dPlain) {
  check_layer<nn::Conv2d<3, 4, nn::ConvSpec{.kernel = 3}>>(Mode::eval, distinct_input({2, 3, 6, 6}, 1));
}
TEST(GradCheck, Conv2dStridePadding) {
  check_layer<nn::Conv2d<3, 5, nn::ConvSpec{.kernel = 3, .stride = 2, .padding = 1}>>(
      Mode::eval, distinct_input({2, 3, 7, 7}, 2));
}
TEST(GradCheck, Conv2dDilationNoBias) {
  check_layer<nn::Conv2d<2, 3, nn::ConvSpec{.kernel = 3, .padding = 2, .dilation = 2, .bias = false}>>(
      Mode::eval, distinct_input({2, 2, 7, 6}, 3));
}
TEST(GradCheck, Conv2dGroups) {
  check_layer<nn::Conv2d<4, 6, nn::ConvSpec{.kernel = 3, .padding = 1, .groups = 2}>>(
      Mode::eval, distinct_input({2, 4, 5, 5}, 4));
}
TEST(GradCheck, Conv2dDepthwise) {
  check_layer<nn::Conv2d<4, 4, nn::ConvSpec{.kernel = 3, .stride = 2, .padding = 1, .groups = 4, .bias = false}>>(
      Mode::eval, distinct_input({2, 4, 6, 6}, 5));
}
TEST(GradCheck, Conv2dPointwiseInTrainMode) {
  check_layer<nn::Conv2d<3, 4, nn::ConvSpec{.kernel = 1}>>(Mode::train, distinct_input({2, 3, 4, 4}, 6));
}

// ---- batch norm -----------------------------------------------------------------------------------------------

TEST(GradCheck, BatchNorm2dEval) { check_layer<nn::BatchNorm2d<3>>(Mode::eval, distinct_input({2, 3, 4, 5}, 7)); }
TEST(GradCheck, BatchNorm2dTrain) {
  // Batch statistics make the layer non-linear: a smaller step keeps the O(eps^2) truncation error down.
  check_layer<nn::BatchNorm2d<3>>(Mode::train, distinct_input({3, 3, 4, 4}, 8, 0.1f), {.eps = 4e-3f});
}
TEST(GradCheck, BatchNorm2dTrainOneByOne) {
  check_layer<nn::BatchNorm2d<4>>(Mode::train, distinct_input({5, 4, 1, 1}, 9, 0.3f), {.eps = 4e-3f});
}

// ---- activations ----------------------------------------------------------------------------------------------

TEST(GradCheck, Activations) {
  for (Mode m : both) {
    // The grid puts every value at least 0.025 from 0 and 6 and spans both sides of each kink.
    check_layer<nn::ReLU>(m, distinct_input({2, 3, 4, 4}, 10));
    check_layer<nn::ReLU6>(m, distinct_input({2, 3, 4, 4}, 11, 0.1f));
    check_layer<nn::LeakyReLU<0.1f>>(m, distinct_input({2, 3, 4, 4}, 12));
  }
}

// ---- pooling, flatten, linear ---------------------------------------------------------------------------------

TEST(GradCheck, MaxPool) {
  for (Mode m : both) {
    check_layer<nn::MaxPool2d<>>(m, distinct_input({2, 2, 6, 6}, 13));
    check_layer<nn::MaxPool2d<nn::PoolSpec{.kernel = 3, .stride = 2, .padding = 1}>>(m, distinct_input({2, 2, 7, 7}, 14));
    check_layer<nn::MaxPool2d<nn::PoolSpec{.kernel = 3, .stride = 2, .ceil_mode = true}>>(
        m, distinct_input({2, 2, 8, 8}, 15));
    check_layer<nn::MaxPool2d<nn::PoolSpec{.kernel = 2, .stride = 1}>>(m, distinct_input({1, 3, 5, 4}, 16));
  }
}
TEST(GradCheck, AvgPool) {
  check_layer<nn::AvgPool2d<>>(Mode::eval, distinct_input({2, 2, 6, 6}, 17));
  check_layer<nn::AvgPool2d<nn::PoolSpec{.kernel = 3, .stride = 2, .padding = 1}>>(Mode::eval,
                                                                                    distinct_input({2, 2, 7, 7}, 18));
  check_layer<nn::AvgPool2d<nn::PoolSpec{.kernel = 3, .stride = 2, .padding = 1, .count_include_pad = false}>>(
      Mode::eval, distinct_input({2, 2, 7, 7}, 19));
  check_layer<nn::AvgPool2d<nn::PoolSpec{.kernel = 3, .stride = 2, .ceil_mode = true}>>(Mode::train,
                                                                                        distinct_input({2, 2, 8, 8}, 20));
}
TEST(GradCheck, AdaptiveAvgPool) {
  check_layer<nn::AdaptiveAvgPool2d<3, 2>>(Mode::eval, distinct_input({2, 3, 7, 5}, 21));  // overlapping windows
  check_layer<nn::AdaptiveAvgPool2d<1>>(Mode::eval, distinct_input({2, 3, 5, 6}, 22));
  check_layer<nn::AdaptiveAvgPool2d<4>>(Mode::train, distinct_input({1, 2, 3, 3}, 23));  // upsampling windows
}
TEST(GradCheck, Flatten) { check_layer<nn::Flatten>(Mode::eval, distinct_input({2, 3, 2, 2}, 24)); }
TEST(GradCheck, Linear) {
  check_layer<nn::Linear<7, 5>>(Mode::eval, distinct_input({3, 7}, 25));
  check_layer<nn::Linear<6, 4, false>>(Mode::train, distinct_input({4, 6}, 26));
}

// ---- dropout --------------------------------------------------------------------------------------------------

TEST(GradCheck, Dropout) {
  // Train mode draws a mask; the checker reseeds the layer before every forward so the mask is fixed.
  for (Mode m : both) check_layer<nn::Dropout<0.3f>>(m, distinct_input({2, 3, 4, 4}, 27));
}

// ---- compositions ---------------------------------------------------------------------------------------------

using SmallNet = nn::Sequential<
    nn::Named<"features",
              nn::Sequential<nn::Conv2d<2, 4, nn::ConvSpec{.kernel = 3, .padding = 1, .bias = false}>,
                             nn::BatchNorm2d<4>, nn::ReLU, nn::MaxPool2d<>,
                             nn::Conv2d<4, 6, nn::ConvSpec{.kernel = 3, .padding = 1}>, nn::BatchNorm2d<6>,
                             nn::LeakyReLU<0.2f>>>,
    nn::Named<"pool", nn::AdaptiveAvgPool2d<2>>, nn::Named<"flatten", nn::Flatten>,
    nn::Named<"fc", nn::Linear<24, 3>>>;

// Kinks inside a composition cannot be kept away by choosing the input; the checker skips the few coordinates
// whose step crosses one (the one-sided differences disagree there).
constexpr CheckOptions composition{.eps = 1e-3f, .rtol = 5e-3, .max_skipped = 0.3};

TEST(GradCheck, SequentialAndNamed) {
  for (Mode m : both) check_layer<SmallNet>(m, distinct_input({3, 2, 6, 6}, 28, 0.02f), composition, 1, 0.3f, 0.8f);
}

TEST(GradCheck, FmnistModel) {
  for (Mode m : both) {
    // A whole model in train mode: every input moves the batch statistics of every channel, so steps cross ReLU
    // kinks often; the layers themselves are checked tightly above, this checks that the gradients chain.
    CheckOptions o = composition;
    o.max_per_tensor = 16;
    if (m == Mode::train) o.max_skipped = 0.7;
    check_layer<inx::models::fmnist>(m, distinct_input({2, 1, 12, 12}, 29, 0.01f), o, 1, 0.3f, 0.8f);
  }
}

TEST(GradCheck, ResNetBlocks) {
  for (Mode m : both) {
    check_layer<nn::BasicBlock<4, 4>>(m, distinct_input({2, 4, 5, 5}, 30, 0.02f), composition, 1, 0.3f, 0.8f);
    check_layer<nn::BasicBlock<3, 6, 2>>(m, distinct_input({2, 3, 6, 6}, 31, 0.02f), composition, 1, 0.3f, 0.8f);
    check_layer<nn::Bottleneck<4, 2, 8, 2>>(m, distinct_input({2, 4, 6, 6}, 32, 0.02f), composition, 1, 0.3f, 0.8f);
  }
}

TEST(GradCheck, InvertedResidualBlocks) {
  for (Mode m : both) {
    check_layer<nn::InvertedResidual<4, 4, 1, 2>>(m, distinct_input({2, 4, 5, 5}, 33, 0.02f), composition, 1, 0.3f, 0.8f);
    check_layer<nn::InvertedResidual<4, 6, 2, 1>>(m, distinct_input({2, 4, 6, 6}, 34, 0.02f), composition, 1, 0.3f, 0.8f);
  }
}

// ---- the checker itself ---------------------------------------------------------------------------------------

// A layer whose backward is subtly wrong: the input gradient scaled by 1.02 (What = 0), one weight-gradient element
// off by 5% of the largest (What = 1), or a ReLU whose backward lets 1% leak through where the input was negative
// (What = 2). The checker must reject each.
template <class L, int What>
struct Broken {
  static constexpr std::size_t in_channels = L::in_channels, out_channels = L::out_channels;
  template <inx::Device D>
  class layer {
   public:
    Tensor<float, D> forward(Tensor<float, D> x, nn::Pass<D>& pass, std::string_view name) {
      if (What == 2) input_ = x.clone();
      return inner_.forward(std::move(x), pass, name);
    }
    Tensor<float, D> backward(Tensor<float, D> dy, nn::Pass<D>& pass, std::string_view name) {
      auto keep = dy.clone();
      auto dx = inner_.backward(std::move(dy), pass, name);
      if (What == 0) inx::ops::scale<D>(dx.view(), 1.02f);
      if (What == 1) {
        bool done = false;
        auto v = [&](std::string_view, Tensor<float, D>&, Tensor<float, D>* g, nn::TensorRole role) {
          if (role != nn::TensorRole::parameter || done) return;
          float mx = 0;
          for (float f : g->span()) mx = std::max(mx, std::fabs(f));
          g->data()[g->size() / 2] += 0.05f * mx;
          done = true;
        };
        inner_.visit(v, "");
      }
      if (What == 2)
        for (std::size_t i = 0; i < dx.size(); ++i)
          if (input_.data()[i] < 0) dx.data()[i] += 0.01f * keep.data()[i];
      return dx;
    }
    template <class V>
    void visit(V& v, std::string_view name) {
      inner_.visit(v, name);
    }

   private:
    inx::nn::layer_t<L, D> inner_;
    Tensor<float, D> input_;
  };
};

TEST(GradCheck, CheckerRejectsWrongGradients) {
  using Conv = nn::Conv2d<2, 3, nn::ConvSpec{.kernel = 3, .padding = 1}>;
  const CheckOptions o;
  EXPECT_TRUE(GradChecker<Conv>(Mode::eval, distinct_input({2, 2, 4, 4}, 40)).check(o).empty());
  using BrokenInput = GradChecker<Broken<Conv, 0>>;
  using BrokenWeight = GradChecker<Broken<Conv, 1>>;
  using BrokenMask = GradChecker<Broken<nn::ReLU, 2>>;
  using BrokenNorm = GradChecker<Broken<nn::BatchNorm2d<2>, 1>>;
  EXPECT_FALSE(BrokenInput(Mode::eval, distinct_input({2, 2, 4, 4}, 40)).check(o).empty());
  EXPECT_FALSE(BrokenWeight(Mode::eval, distinct_input({2, 2, 4, 4}, 40)).check(o).empty());
  EXPECT_FALSE(BrokenMask(Mode::eval, distinct_input({2, 2, 4, 4}, 41)).check(o).empty());
  EXPECT_FALSE(BrokenNorm(Mode::train, distinct_input({3, 2, 3, 3}, 42, 0.1f)).check({.eps = 4e-3f}).empty());
  // Too many coordinates on a kink is a failure too, not a pass by omission.
  const std::vector<double> a{1.0, 2.0, 3.0}, smooth(3, 0.0), kinked(3, 1.0);
  EXPECT_TRUE(inx_test::compare("same", a, a, smooth, o).empty());
  EXPECT_FALSE(inx_test::compare("kinks", a, a, kinked, o).empty());
}

}  // namespace
