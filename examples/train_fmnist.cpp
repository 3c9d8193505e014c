// train_fmnist: trains inx's default Fashion-MNIST model (inx::models::fmnist) with inx's own backward pass —
// shuffled minibatches, Adam with a cosine learning-rate decay, cross-entropy, batch norm in train mode — evaluates
// test accuracy in eval mode after every epoch and writes the weights as an .npz in PyTorch's state_dict naming
// (num_batches_tracked included), so torch's strict load_state_dict accepts the file.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/core/threads.hpp"
#include "inx/io/idx.hpp"
#include "inx/io/npz.hpp"
#include "inx/models/fmnist.hpp"
#include "inx/nn/init.hpp"
#include "inx/nn/loss.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/optim.hpp"

namespace {

namespace fs = std::filesystem;
using inx::Tensor;

struct Options {
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string out = "fmnist.npz";
  int epochs = 10;
  std::size_t batch = 128;
  double lr = 1e-3;
  double weight_decay = 0;
  std::uint64_t seed = 0;
  int threads = 0;
  long steps = 0;  // stop after this many steps in all (0: full epochs); for timing runs
  bool eval = true;
};

struct Split {
  Tensor<float> images;              // (N, 1, 28, 28), values in [0, 1]
  std::vector<std::int64_t> labels;  // N classes in [0, 10)
};

// "<dir>/<stem>" or "<dir>/<stem>.gz", whichever exists.
fs::path find_idx(const fs::path& dir, const std::string& stem) {
  std::error_code ec;
  for (const auto& name : {stem, stem + ".gz"})
    if (fs::is_regular_file(dir / name, ec)) return dir / name;
  throw inx::io_error(inx::detail::msg("--data ", dir, ": expected ", stem, " or ", stem,
                                       ".gz (Fashion-MNIST IDX files), found neither"));
}

Split load_split(const fs::path& dir, const std::string& prefix) {
  const auto ipath = find_idx(dir, prefix + "-images-idx3-ubyte");
  const auto lpath = find_idx(dir, prefix + "-labels-idx1-ubyte");
  const auto img = inx::io::load_idx(ipath);
  const auto lab = inx::io::load_idx(lpath);
  inx::require<inx::io_error>(img.rank() == 3 && img.dim(1) == 28 && img.dim(2) == 28 && img.dim(0) > 0, "file ",
                              ipath, ": expected images (N, 28, 28), found ", img.shape().str());
  inx::require<inx::io_error>(lab.rank() == 1 && lab.dim(0) == img.dim(0), "file ", lpath, ": expected ",
                              img.dim(0), " labels (", img.dim(0), ",), found ", lab.shape().str());
  Split s;
  const std::size_t n = img.dim(0);
  s.images = Tensor<float>::uninitialized({n, 1, 28, 28});
  for (std::size_t i = 0; i < img.size(); ++i) s.images.data()[i] = float(img.data()[i]) / 255.0f;
  s.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    inx::require<inx::io_error>(lab.data()[i] < 10, "file ", lpath, ": label ", int(lab.data()[i]), " of sample ", i,
                                " is outside [0, 10)");
    s.labels[i] = lab.data()[i];
  }
  return s;
}

// Fisher-Yates with draws taken straight from mt19937_64 (whose sequence the standard fixes), so a seed gives the
// same order everywhere.
void shuffle(std::vector<std::size_t>& order, std::mt19937_64& gen) {
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen() % i]);
}

using Net = inx::nn::Network<inx::models::fmnist>;

struct EvalResult {
  double loss = 0, accuracy = 0;
};

EvalResult evaluate(Net& net, const Split& test) {
  const std::size_t n = test.labels.size(), chunk = 1000;
  double loss = 0;
  std::size_t correct = 0;
  for (std::size_t b = 0; b < n; b += chunk) {
    const std::size_t e = std::min(n, b + chunk);
    auto logits = net.forward(test.images.slice(b, e));
    auto r = inx::nn::cross_entropy<inx::cpu>(logits.view(), std::span(test.labels).subspan(b, e - b));
    loss += r.loss * double(e - b);
    correct += r.correct;
  }
  return {loss / double(n), 100.0 * double(correct) / double(n)};
}

// The state dict as PyTorch writes it: float32 tensors plus an int64 scalar num_batches_tracked per batch norm.
void save_weights(Net& net, const fs::path& out, long steps) {
  std::map<std::string, inx::io::NpyArray> arrays;
  for (auto& [name, t] : net.state()) {
    constexpr std::string_view suffix = ".running_mean";
    if (name.ends_with(suffix)) {
      const std::int64_t tracked = steps;
      auto counter = Tensor<std::int64_t>::from_host(inx::Shape{}, std::span(&tracked, 1));
      arrays.emplace(name.substr(0, name.size() - suffix.size()) + ".num_batches_tracked",
                     inx::io::to_npy(counter));
    }
    inx::require<inx::value_error>(inx::ops::all_finite<inx::cpu>(t.view()), "training diverged: tensor '", name,
                                   "' holds NaN or Inf; not writing ", out);
    arrays.emplace(name, inx::io::to_npy(t));
  }
  inx::io::save_npz(out, arrays);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run(const Options& o) {
  if (o.threads > 0) inx::set_num_threads(o.threads);
  std::error_code ec;
  inx::require<inx::io_error>(fs::is_directory(o.data, ec), "--data ", o.data, ": no such folder");
  const fs::path out(o.out);
  const fs::path out_dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  inx::require<inx::io_error>(fs::is_directory(out_dir, ec), "--out ", o.out, ": folder ", out_dir,
                              " does not exist");
  const Split train = load_split(o.data, "train");
  const Split test = load_split(o.data, "t10k");
  std::printf("train_fmnist: %zu training and %zu test images, batch %zu, %d epochs, Adam lr %g (cosine), seed %llu, "
              "%d threads\n",
              train.labels.size(), test.labels.size(), o.batch, o.epochs, o.lr, (unsigned long long)o.seed,
              inx::num_threads());

  Net net;
  inx::nn::initialize(net, o.seed);
  inx::nn::Adam<> opt({.lr = o.lr, .weight_decay = o.weight_decay});
  std::mt19937_64 gen(o.seed ^ 0x9E3779B97F4A7C15ull);

  const std::size_t n = train.labels.size();
  const long per_epoch = long((n + o.batch - 1) / o.batch);
  const long total = o.steps > 0 ? std::min<long>(o.steps, per_epoch * o.epochs) : per_epoch * o.epochs;
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::vector<std::int64_t> targets;
  long step = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= o.epochs && step < total; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    shuffle(order, gen);
    double loss_sum = 0;
    std::size_t seen = 0, correct = 0;
    for (std::size_t b = 0; b < n && step < total; b += o.batch) {
      // A last batch of one sample would give batch norm a single value per channel at the 1x1 end; skip it.
      const std::size_t m = std::min(o.batch, n - b);
      if (m < 2) break;
      auto x = Tensor<float>::uninitialized({m, 1, 28, 28});
      targets.resize(m);
      for (std::size_t i = 0; i < m; ++i) {
        const std::size_t k = order[b + i];
        std::copy_n(train.images.data() + k * 784, 784, x.data() + i * 784);
        targets[i] = train.labels[k];
      }
      opt.set_lr(0.5 * o.lr * (1.0 + std::cos(std::numbers::pi * double(step) / double(total))));
      auto logits = net.train_forward(std::move(x));
      auto r = inx::nn::cross_entropy<inx::cpu>(logits.view(), targets);
      net.train_backward(std::move(r.grad));
      opt.step(net);
      ++step;
      loss_sum += r.loss * double(m);
      seen += m;
      correct += r.correct;
    }
    const double train_s = seconds_since(t0);
    std::printf("epoch %d/%d  steps %ld  train loss %.4f  acc %.2f%%  train time %.1f s", epoch, o.epochs, step,
                loss_sum / double(std::max<std::size_t>(seen, 1)), 100.0 * double(correct) / double(std::max<std::size_t>(seen, 1)),
                train_s);
    if (o.eval) {
      const auto t1 = std::chrono::steady_clock::now();
      const auto e = evaluate(net, test);
      std::printf("  test loss %.4f  acc %.2f%%  eval time %.1f s", e.loss, e.accuracy, seconds_since(t1));
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  save_weights(net, out, step);
  std::printf("wrote %s after %ld steps in %.1f min\n", o.out.c_str(), step, seconds_since(start) / 60.0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train inx's default Fashion-MNIST model (inx::models::fmnist) with inx's own backward pass"};
  Options o;
  app.add_option("--data", o.data, "folder with the Fashion-MNIST IDX files (.gz or not)");
  app.add_option("--epochs", o.epochs, "passes over the training set")->check(CLI::Range(1, 100000));
  app.add_option("--batch", o.batch, "minibatch size")->check(CLI::Range(2, 60000));
  app.add_option("--lr", o.lr, "Adam's peak learning rate (cosine decay to 0)")->check(CLI::PositiveNumber);
  app.add_option("--weight-decay", o.weight_decay, "Adam's L2 weight decay")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", o.seed, "seed of the initialisation and the shuffling");
  app.add_option("--out", o.out, "output weights (.npz, PyTorch state_dict names)");
  app.add_option("--threads", o.threads, "CPU threads (default: OMP_NUM_THREADS or every core)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--steps", o.steps, "stop after this many steps in all (0: run every epoch)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("!--no-eval", o.eval, "skip the test-set evaluation after each epoch");
  try {
    app.parse(argc, argv);
    run(o);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "train_fmnist: %s\n", e.what());
    return 2;
  } catch (const inx::error& e) {
    std::fprintf(stderr, "train_fmnist: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_fmnist: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
