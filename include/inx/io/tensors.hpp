// Model weights: an .npz archive, or a folder of .npy files named after their keys ("features.0.weight.npy"), or
// one .npy file, read into float32 tensors keyed by PyTorch's state_dict names.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "inx/io/npy.hpp"
#include "inx/io/npz.hpp"

INX_BEGIN_NAMESPACE
namespace io {

// Every array becomes float32: float64 is narrowed, integer and bool buffers (num_batches_tracked) are converted.
inline std::map<std::string, Tensor<float>> load_tensors(const std::filesystem::path& path) {
  std::map<std::string, Tensor<float>> out;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::filesystem::directory_iterator it(path, ec), end;
    require<io_error>(!ec, "folder ", path, ": cannot list it (", ec.message(), ")");
    for (; it != end; it.increment(ec)) {
      require<io_error>(!ec, "folder ", path, ": cannot list it (", ec.message(), ")");
      const auto& file = it->path();
      if (file.extension() != ".npy") continue;
      out.emplace(file.stem().string(), to_float32(read_npy(file), detail::file_label(file)));
    }
    require<io_error>(!out.empty(), "folder ", path, ": expected .npy files, found none");
    return out;
  }
  require<io_error>(std::filesystem::exists(path, ec), "weights ", path, ": no such file or folder");
  if (path.extension() == ".npy") {
    out.emplace(path.stem().string(), to_float32(read_npy(path), detail::file_label(path)));
    return out;
  }
  auto arrays = load_npz(path);
  for (auto it = arrays.begin(); it != arrays.end(); it = arrays.erase(it))  // frees each source array once converted
    out.emplace(it->first, to_float32(it->second, inx::detail::msg("file ", path, ", array \"", it->first, "\"")));
  return out;
}

}  // namespace io
INX_END_NAMESPACE
