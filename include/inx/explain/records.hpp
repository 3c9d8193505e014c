// The explanation records: what an explainer returns for each image — plain structs that a user renders, serialises
// or compares as they like. They know no network and no clustering policy; render/ draws them and
// explain/report.hpp writes them as JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace explain {

// One ranked cluster of feature maps of one layer (INV step 4-5).
struct ClusterRecord {
  std::size_t rank = 0;                 // 0 = the heaviest cluster kept
  double weight = 0;                    // w_C = sum of its members' w_k, percent of the layer's total
  std::vector<std::int64_t> channels;   // member channel indices (ascending)
  Tensor<float> map;                    // A_C: (H_in, W_in) at network-input resolution, min-max scaled to [0, 1]
  bool constant = false;                // the map had no range (all zeros after scaling): it shows nothing
  std::string png, npy;                 // file names, relative to the report, filled by whoever writes the maps
};

// One explained layer of one image.
struct LayerRecord {
  std::string name;                     // PyTorch module name, e.g. "features.29"
  std::size_t channels = 0, height = 0, width = 0;  // the layer's activation shape (C, H, W)
  std::vector<double> channel_weights;  // the method's weight of every channel (INV: w_k in percent), size C
  std::vector<std::int64_t> kept;       // channels kept after pruning (INV step 2), ascending; empty for classic CAMs
  std::int64_t n_clusters_found = 0;    // clusters the policy formed before the weight filter (step 5)
  Tensor<float> cam;                    // the method's classic map at layer resolution (H, W), clipped at 0, unscaled
  Tensor<float> cam_input;              // the classic map upsampled to the network input, min-max scaled to [0, 1]
  Tensor<float> gradcam_input;          // plain Grad-CAM of the layer, the same way (the familiar reference picture)
  bool cam_constant = false;            // the classic map had no range (zero gradient, a class nothing supports)
  std::vector<ClusterRecord> clusters;  // kept clusters, heaviest first; empty unless the explainer clusters
  std::string cam_npy, cam_png;         // file names, filled by whoever writes the maps
};

// One explained image.
struct ImageRecord {
  std::string image;                    // where it came from (a path, or any label the caller gives)
  std::int64_t class_index = 0;         // the explained class (the predicted one unless a class was asked for)
  std::string class_name;               // filled by the caller when it knows the names
  double prob = 0;                      // softmax probability of class_index
  std::int64_t predicted = 0;           // the top class
  std::size_t input_height = 0, input_width = 0;  // the network input's spatial size
  std::vector<LayerRecord> layers;      // in the order the layers were asked for
  std::string input_png, sheet_png;     // file names, filled by whoever writes the pictures
};

}  // namespace explain
INX_END_NAMESPACE
