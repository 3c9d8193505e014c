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

namespace detail {
inline Tensor<float> load_float32(const std::filesystem::path& file, const Limits& limits) {
  InFile f(file);
  const std::string where = file_label(file);
  return read_npy_tensor_from<float>(f, where, limits, [&](const NpyArray& a) { return to_float32(a, where); });
}
}  // namespace detail

// Every array becomes float32: float64 is narrowed, integer and bool buffers (num_batches_tracked) are converted.
inline std::map<std::string, Tensor<float>> load_tensors(const std::filesystem::path& path, const Limits& limits = {}) {
  std::map<std::string, Tensor<float>> out;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::filesystem::directory_iterator it(path, ec), end;
    require<io_error>(!ec, "folder ", path, ": cannot list it (", ec.message(), ")");
    for (; it != end; it.increment(ec)) {
      require<io_error>(!ec, "folder ", path, ": cannot list it (", ec.message(), ")");
      const auto& file = it->path();
      if (file.extension() != ".npy") continue;
      require<io_error>(out.size() < limits.archive_members, "folder ", path, ": more than ", limits.archive_members,
                        " .npy files (io::Limits::archive_members)");
      out.emplace(file.stem().string(), detail::load_float32(file, limits));
    }
    require<io_error>(!out.empty(), "folder ", path, ": expected .npy files, found none");
    return out;
  }
  require<io_error>(std::filesystem::exists(path, ec), "weights ", path, ": no such file or folder");
  if (path.extension() == ".npy") {
    out.emplace(path.stem().string(), detail::load_float32(path, limits));
    return out;
  }
  detail::for_each_npz_member(path, limits, [&](const std::string& key, detail::ZipMemberReader& m,
                                                const std::string& where) {
    out.emplace(key, detail::read_npy_tensor_from<float>(m, where, limits,
                                                         [&](const NpyArray& a) { return to_float32(a, where); }));
  });
  return out;
}

}  // namespace io
INX_END_NAMESPACE
