// INV through the library, as docs/explain.md shows it: load the default model, explain one image at two layers with
// k-means clusters, write the JSON report and the contact sheet, and print the ranked clusters. Built and run by
// CTest so the documented snippet stays true.
#include <cstdio>
#include <vector>

#include <inx/inx.hpp>

int main(int argc, char** argv) {
  const char* weights = argc > 1 ? argv[1] : INX_DATA_DIR "/models/fmnist.npz";
  const char* image = argc > 2 ? argv[2] : INX_DATA_DIR "/samples/fmnist_0000_ankle_boot.png";
  const char* out = argc > 3 ? argv[3] : "explain_minimal";
  try {
    inx::nn::Network<inx::models::fmnist> net;
    net.load(inx::io::load_tensors(weights), weights);
    auto picture = inx::io::load_image(image, 1);  // (1, 28, 28) in [0, 1]: the model's input as it is
    auto x = picture.reshape({1, 1, 28, 28});

    inx::explain::Explainer<decltype(net), inx::explain::GuidedGradCam, inx::cluster::AutoK<inx::cluster::KMeans<>>>
        explainer(net, {"features.12", "features.16"});
    std::vector<inx::explain::ImageRecord> records = explainer.explain(x);
    auto& r = records[0];
    r.image = image;
    r.class_name = std::string(inx::models::fmnist_classes[std::size_t(r.class_index)]);

    std::filesystem::create_directories(out);
    auto sheet = inx::render::explanation_sheet(picture.view(), r);
    inx::io::save_png(std::filesystem::path(out) / "sheet.png", sheet.view());
    r.sheet_png = "sheet.png";
    inx::explain::write_report(std::filesystem::path(out) / "report.json", {"fmnist", "inv", "kmeans"}, records);

    std::printf("%s: %s (p = %.3f)\n", image, r.class_name.c_str(), r.prob);
    for (const auto& l : r.layers) {
      std::printf("  %s:", l.name.c_str());
      for (const auto& c : l.clusters) std::printf(" #%zu %.1f%% (%zu maps)", c.rank, c.weight, c.channels.size());
      std::printf("\n");
    }
  } catch (const inx::error& e) {
    std::fprintf(stderr, "explain_minimal: %s\n", e.what());
    return 1;
  }
  return 0;
}
