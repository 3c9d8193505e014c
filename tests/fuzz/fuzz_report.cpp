// report.json as the label module reads it (labels/reports.hpp): every field's type and range, file names that must
// stay inside the report's folder, duplicate layers and images.
#include <filesystem>
#include <fstream>

#include "fuzz_input.hpp"
#include "inx/labels/reports.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto dir = std::filesystem::temp_directory_path() / ("inx_fuzz_rep_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "report.json", std::ios::binary);
    f.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  }
  fuzz::expect_clean([&] { (void)inx::labels::load_reports({dir}); });
  return 0;
}
