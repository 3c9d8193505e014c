// .npz files: a ZIP archive of .npy members, as np.savez (stored) and np.savez_compressed (deflate) write them.
// Keys are member names without ".npy"; every member's CRC-32 and sizes are checked while it is read.
#pragma once

#include <algorithm>
#include <filesystem>
#include <vector>
#include <map>
#include <string>

#include "inx/io/array.hpp"
#include "inx/io/npy.hpp"
#include "inx/io/zip.hpp"

INX_BEGIN_NAMESPACE
namespace io {

namespace detail {
// Calls fn(key, member, where) for each ".npy" member of an .npz archive, in archive order; fn must read the
// whole member; its CRC-32 and end are checked afterwards.
template <class Fn>
void for_each_npz_member(const std::filesystem::path& path, const Limits& limits, Fn fn) {
  InFile f(path);
  unsigned char magic[4] = {};
  if (f.size() >= 4) f.read(magic, 4);
  require<io_error>(f.size() >= 4 && magic[0] == 'P' && magic[1] == 'K', "file ", path,
                    ": not an .npz file (expected a ZIP archive starting with \"PK\")");
  const auto entries = read_zip_directory(f, limits);
  std::vector<std::string> keys;
  for (const auto& z : entries) {
    const std::string where = inx::detail::msg("file ", path, ", member \"", z.name, "\"");
    require<io_error>(z.name.size() > 4 && z.name.ends_with(".npy"), where, ": expected a .npy member");
    keys.push_back(z.name.substr(0, z.name.size() - 4));
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
  require<io_error>(dup == sorted.end(), "file ", path, ": duplicate key \"", dup == sorted.end() ? "" : *dup, "\"");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string where = inx::detail::msg("file ", path, ", member \"", entries[i].name, "\"");
    ZipMemberReader member(f, entries[i], where);
    fn(keys[i], member, where);
    member.finish();
  }
}
}  // namespace detail

inline std::map<std::string, NpyArray> load_npz(const std::filesystem::path& path, const Limits& limits = {}) {
  std::map<std::string, NpyArray> out;
  detail::for_each_npz_member(path, limits, [&](const std::string& key, detail::ZipMemberReader& m,
                                                const std::string& where) {
    out.emplace(key, detail::read_npy_from(m, where, limits));
  });
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
