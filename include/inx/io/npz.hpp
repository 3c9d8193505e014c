// .npz files: a ZIP archive of .npy members, as np.savez (stored) and np.savez_compressed (deflate) write them.
// Keys are member names without ".npy"; every member's CRC-32 and sizes are checked while it is read.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "inx/io/array.hpp"
#include "inx/io/npy.hpp"
#include "inx/io/zip.hpp"

INX_BEGIN_NAMESPACE
namespace io {

inline std::map<std::string, NpyArray> load_npz(const std::filesystem::path& path) {
  detail::InFile f(path);
  unsigned char magic[4] = {};
  if (f.size() >= 4) f.read(magic, 4);
  require<io_error>(f.size() >= 4 && magic[0] == 'P' && magic[1] == 'K', "file ", path,
                    ": not an .npz file (expected a ZIP archive starting with \"PK\")");
  const auto entries = detail::read_zip_directory(f);
  std::map<std::string, NpyArray> out;
  for (const auto& z : entries) {
    const std::string where = inx::detail::msg("file ", path, ", member \"", z.name, "\"");
    require<io_error>(z.name.size() > 4 && z.name.ends_with(".npy"), where, ": expected a .npy member");
    const std::string key = z.name.substr(0, z.name.size() - 4);
    require<io_error>(!out.contains(key), where, ": duplicate key \"", key, "\"");
    detail::ZipMemberReader member(f, z, where);
    NpyArray a = detail::read_npy_from(member, where);
    member.finish();
    out.emplace(key, std::move(a));
  }
  return out;
}

// Writes arrays as "<key>.npy" members, deflated when `compressed` (like np.savez_compressed). Atomic.
inline void save_npz(const std::filesystem::path& path, const std::map<std::string, NpyArray>& arrays,
                     bool compressed = false) {
  const std::string where = inx::detail::msg("save_npz ", path);
  for (const auto& [key, a] : arrays)
    require<io_error>(a.bytes.size() == a.shape.numel() * dtype_size(a.type), where, ": array \"", key, "\" has ",
                      a.bytes.size(), " data bytes for shape ", a.shape.str());
  detail::OutFile f(path);
  detail::ZipWriter zip(f);
  for (const auto& [key, a] : arrays) {
    const std::string header = detail::npy_header_bytes(a.type, a.shape);
    zip.add(key + ".npy", {{header.data(), header.size()}, {a.bytes.data(), a.bytes.size()}}, compressed, where);
  }
  zip.finish();
  f.commit();
}

}  // namespace io
INX_END_NAMESPACE
