// Resource limits of the readers: how large an image, an archive or a tensor a file may declare before inx refuses
// it. Every reader checks its file's declared sizes against these (and against the bytes really there) before it
// allocates anything large. The defaults fit real models and data with room to spare (a 100-megapixel photograph,
// VGG-16's 103-million-weight layer, a model of thousands of tensors); a caller who needs more passes its own.
#pragma once

#include <cstdint>

#include "inx/core/config.hpp"

INX_BEGIN_NAMESPACE
namespace io {

struct Limits {
  std::uint64_t image_side = 1u << 16;        // pixels along either side (JPEG's own maximum is 65,535)
  std::uint64_t image_pixels = 1ull << 27;    // width x height: 134 megapixels, 1.6 GB as float RGB
  std::uint64_t archive_members = 1u << 16;   // members of one .npz archive
  std::uint64_t tensor_elements = 1ull << 30; // elements of one array (.npy, .npz member, IDX), 4 GB as float32
};

}  // namespace io
INX_END_NAMESPACE
