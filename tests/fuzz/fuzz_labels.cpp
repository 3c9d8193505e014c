// Label records (labels/records.hpp) as `inx global --labels` reads them: CSV (even first byte) or JSON (odd),
// against a fixed report of two images, with the text normalisation (UTF-8 checks, NFKC, case folding) behind them.
#include <filesystem>
#include <fstream>

#include "fuzz_input.hpp"
#include "inx/labels/records.hpp"

namespace {
const char* kReport = R"({"model": "fmnist", "images": [
 {"image": "a.png", "class": 9, "class_name": "Ankle boot", "input_png": null, "layers": [
  {"name": "features.9", "clusters": [{"rank": 0, "weight": 60, "channels": [1], "png": null, "npy": null},
                                     {"rank": 1, "weight": 40, "channels": [2], "png": null, "npy": null}]}]},
 {"image": "b/c.png", "class": 0, "class_name": "T-shirt/top", "input_png": null, "layers": [
  {"name": "features.16", "clusters": [{"rank": 0, "weight": 100, "channels": [3], "png": null, "npy": null}]}]}]})";

struct Setup {
  inx::labels::ReportSet reports;
  inx::labels::StopWords stop;
  std::vector<std::string> classes{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  Setup() {
    const auto dir = std::filesystem::temp_directory_path() / ("inx_fuzz_report_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "report.json") << kReport;
    reports = inx::labels::load_reports({dir});
    std::ofstream(dir / "stop.txt") << "the\na\nof\n";
    stop = inx::labels::StopWords(dir / "stop.txt");
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup s;
  if (size == 0) return -1;
  const auto path = fuzz::write_input(data + 1, size - 1, (data[0] & 1) ? ".json" : ".csv");
  fuzz::expect_clean([&] { (void)inx::labels::load_label_records(path, s.reports, s.classes, s.stop); });
  return 0;
}
