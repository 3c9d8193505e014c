// A training smoke test: the fmnist model, trained with its own backward and Adam on one small synthetic batch,
// brings the cross-entropy loss down and fits the batch; a data-only pass after training still works.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "inx/models/fmnist.hpp"
#include "inx/nn/init.hpp"
#include "inx/nn/loss.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/optim.hpp"

namespace {

namespace nn = inx::nn;
using inx::Tensor;

// 4 classes of 12x12 images: which quadrant holds a bright blob, plus noise.
void make_batch(std::size_t n, Tensor<float>& x, std::vector<std::int64_t>& y) {
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<float> noise(0.0f, 0.3f);
  x = Tensor<float>::uninitialized({n, 1, 12, 12});
  y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = std::int64_t(i % 4);
    for (std::size_t r = 0; r < 12; ++r)
      for (std::size_t c = 0; c < 12; ++c) {
        const bool in = (r < 6) == (y[i] < 2) && (c < 6) == (y[i] % 2 == 0);
        x(i, 0, r, c) = noise(gen) + (in ? 0.7f : 0.0f);
      }
  }
}

TEST(Training, LossGoesDownOnASmallBatch) {
  nn::Network<inx::models::fmnist> net;
  nn::initialize(net, 0);
  nn::Adam<> opt({.lr = 3e-3});
  Tensor<float> x;
  std::vector<std::int64_t> y;
  make_batch(32, x, y);
  double first = 0, last = 0;
  for (int step = 0; step < 25; ++step) {
    auto logits = net.train_forward(x.clone());
    auto r = nn::cross_entropy<inx::cpu>(logits.view(), y);
    if (step == 0) first = r.loss;
    last = r.loss;
    net.train_backward(std::move(r.grad));
    opt.step(net);
  }
  // An untrained 10-way classifier (PyTorch's initialisation keeps the logits small) starts near chance, log(10) =
  // 2.30; a loss summed instead of averaged (x32), or without its log-sum-exp, is far outside.
  EXPECT_NEAR(first, std::log(10.0), 0.25) << "first loss " << first;
  EXPECT_LT(last, 0.25 * first);
  // Eval mode (running statistics) classifies the batch too.
  auto logits = net.forward(x.view());
  auto r = nn::cross_entropy<inx::cpu>(logits.view(), y);
  EXPECT_GE(r.correct, 28u);
  // The explanation path still runs on the trained network.
  auto g = net.gradients_of_class(x.view(), {"features.14"}, y);
  EXPECT_EQ(g.gradients.at("features.14").shape(), (inx::Shape{32, 128, 3, 3}));
}

TEST(Training, BackwardWithoutForwardIsAnError) {
  nn::Network<inx::models::fmnist> net;
  EXPECT_THROW(net.train_backward(Tensor<float>({2, 10})), inx::value_error);
}

}  // namespace
