// IDX files (MNIST, Fashion-MNIST): a big-endian header (0, 0, type, rank, then one uint32 per dimension) followed
// by the data, raw or gzip-compressed. inx reads unsigned-byte files (type 0x08), the type of every image and
// label file in those data sets.
#pragma once

#include <cstdint>
#include <filesystem>
#include <type_traits>

#include "inx/io/file.hpp"
#include "inx/io/inflate.hpp"
#include "inx/io/limits.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace io {
namespace detail {

template <class Source>
Tensor<std::uint8_t> read_idx_from(Source& src, const std::filesystem::path& path, bool gz, std::uint64_t file_size,
                                   std::uint32_t gzip_isize, const Limits& limits) {
  unsigned char h[4 + 4 * Shape::kMaxRank];
  src.read(h, 4);
  require<io_error>(h[0] == 0 && h[1] == 0, "file ", path, ": not an IDX file (wrong magic: expected 00 00 at the start",
                    gz ? " of the decompressed data" : "", ")");
  require<io_error>(h[2] == 0x08, "file ", path, ": IDX data type 0x", std::hex, int{h[2]}, std::dec,
                    " is not supported (expected 0x08, unsigned byte)");
  const std::size_t rank = h[3];
  require<io_error>(rank >= 1 && rank <= Shape::kMaxRank, "file ", path, ": IDX rank ", rank, " (expected 1 to ",
                    Shape::kMaxRank, ")");
  src.read(h + 4, 4 * rank);
  Shape shape;
  std::uint64_t n = 1;
  std::size_t dims[Shape::kMaxRank];
  for (std::size_t k = 0; k < rank; ++k) {
    dims[k] = load_be<std::uint32_t>(h + 4 + 4 * k);
    require<io_error>(dims[k] == 0 || n <= (std::uint64_t{1} << 60) / dims[k], "file ", path,
                      ": IDX shape has too many elements");
    n *= dims[k];
  }
  shape = Shape(std::span<const std::size_t>(dims, rank));
  require<io_error>(n <= limits.tensor_elements, "file ", path, ": IDX shape ", shape.str(), " has ", n,
                    " elements, more than the limit of ", limits.tensor_elements, " (io::Limits::tensor_elements)");
  if constexpr (!std::is_same_v<Source, InFile>) {
    require<io_error>(plausible_inflated_size(file_size, n), "file ", path, ": IDX shape ", shape.str(), " (", n,
                      " bytes) is more than ", file_size, " gzip bytes can hold");
    require<io_error>(static_cast<std::uint32_t>(n + 4 + 4 * rank) == gzip_isize, "file ", path, ": IDX shape ",
                      shape.str(), " disagrees with the gzip trailer's size (", gzip_isize, " bytes mod 2^32)");
  } else {
    require<io_error>(n <= src.remaining(), "file ", path, ": truncated: IDX shape ", shape.str(), " needs ", n,
                      " data bytes, found ", src.remaining());
    require<io_error>(n == src.remaining(), "file ", path, ": ", src.remaining() - n,
                      " trailing bytes after the IDX data of shape ", shape.str());
  }
  auto t = Tensor<std::uint8_t>::uninitialized(shape);
  src.read(t.data(), n);
  return t;
}

}  // namespace detail

// Reads an unsigned-byte IDX file, gzip-compressed (detected by its magic) or not; the shape comes from the header.
inline Tensor<std::uint8_t> load_idx(const std::filesystem::path& path, const Limits& limits = {}) {
  detail::InFile f(path);
  unsigned char m[2] = {};
  if (f.size() >= 2) f.read(m, 2);
  f.seek(0);
  if (m[0] == 0x1f && m[1] == 0x8b) {
    unsigned char isize[4];
    require<io_error>(f.size() >= 18, "file ", path, ": truncated gzip file (", f.size(), " bytes)");
    f.seek(f.size() - 4);
    f.read(isize, 4);
    f.seek(0);
    detail::Inflater z(f, f.size(), 15 + 16, inx::detail::msg("file ", path));
    auto t = detail::read_idx_from(z, path, true, f.size(), detail::load_le<std::uint32_t>(isize), limits);
    z.finish();
    return t;
  }
  require<io_error>(f.size() >= 4, "file ", path, ": not an IDX file (", f.size(), " bytes, too short)");
  return detail::read_idx_from(f, path, false, f.size(), 0, limits);
}

}  // namespace io
INX_END_NAMESPACE
