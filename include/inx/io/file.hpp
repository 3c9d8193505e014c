// Files as the io readers and writers see them: a reader that knows the file's size and refuses to read past it
// (so a header can be checked against the bytes really there before anything is allocated), and a writer that
// writes a temporary file and renames it into place, so a failed write never leaves a half-written file.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

// A file opened for reading with a known size and position. Every read is checked against the bytes left.
class InFile {
 public:
  explicit InFile(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    require<io_error>(!std::filesystem::is_directory(path, ec), "file ", path, ": expected a file, found a directory");
    f_ = std::fopen(path.c_str(), "rb");
    require<io_error>(f_ != nullptr, "file ", path, ": cannot open for reading (", std::strerror(errno), ")");
    const bool ok = ::fseeko(f_, 0, SEEK_END) == 0;
    const off_t end = ok ? ::ftello(f_) : -1;
    if (end < 0 || ::fseeko(f_, 0, SEEK_SET) != 0) {
      std::fclose(f_);
      f_ = nullptr;
      throw io_error(inx::detail::msg("file ", path, ": cannot determine its size (not a regular file?)"));
    }
    size_ = static_cast<std::uint64_t>(end);
  }
  ~InFile() {
    if (f_) std::fclose(f_);
  }
  InFile(const InFile&) = delete;
  InFile& operator=(const InFile&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::uint64_t size() const noexcept { return size_; }
  std::uint64_t pos() const noexcept { return pos_; }
  std::uint64_t remaining() const noexcept { return size_ - pos_; }

  void seek(std::uint64_t offset) {
    require<io_error>(offset <= size_, "file ", path_, ": offset ", offset, " is past the end (size ", size_, ")");
    require<io_error>(::fseeko(f_, static_cast<off_t>(offset), SEEK_SET) == 0, "file ", path_, ": cannot seek");
    pos_ = offset;
  }
  // Reads exactly n bytes or throws io_error saying the file is truncated.
  void read(void* dst, std::size_t n) {
    require<io_error>(n <= remaining(), "file ", path_, ": truncated: expected ", n, " more bytes at offset ", pos_,
                      ", found ", remaining());
    const std::size_t got = n ? std::fread(dst, 1, n, f_) : 0;
    require<io_error>(got == n, "file ", path_, ": read error at offset ", pos_, " (", std::strerror(errno), ")");
    pos_ += n;
  }

 private:
  std::filesystem::path path_;
  std::FILE* f_ = nullptr;
  std::uint64_t size_ = 0, pos_ = 0;
};

// Writes to "<path>.tmp-<pid>-<n>" and renames it over `path` on commit(); without commit() the temporary file is
// removed, so readers see either the old file or the complete new one.
class OutFile {
 public:
  explicit OutFile(const std::filesystem::path& path) : path_(path) {
    static std::atomic<unsigned> counter{0};
    tmp_ = path;
    tmp_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    f_ = std::fopen(tmp_.c_str(), "wb");
    require<io_error>(f_ != nullptr, "file ", path, ": cannot open for writing (", std::strerror(errno), ")");
  }
  ~OutFile() {
    if (f_) std::fclose(f_);
    if (!committed_) {
      std::error_code ec;
      std::filesystem::remove(tmp_, ec);
    }
  }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;

  std::uint64_t pos() const noexcept { return pos_; }
  void write(const void* src, std::size_t n) {
    const std::size_t put = n ? std::fwrite(src, 1, n, f_) : 0;
    require<io_error>(put == n, "file ", path_, ": write failed (", std::strerror(errno), ")");
    pos_ += n;
  }
  void commit() {
    const bool flushed = std::fflush(f_) == 0;
    const bool closed = std::fclose(f_) == 0;
    f_ = nullptr;
    require<io_error>(flushed && closed, "file ", path_, ": write failed (", std::strerror(errno), ")");
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    require<io_error>(!ec, "file ", path_, ": cannot rename the temporary file into place (", ec.message(), ")");
    committed_ = true;
  }

 private:
  std::filesystem::path path_, tmp_;
  std::FILE* f_ = nullptr;
  std::uint64_t pos_ = 0;
  bool committed_ = false;
};

}  // namespace io::detail

namespace io {
// Writes `text` to `path` atomically: a temporary file renamed into place; on any failure nothing is left behind.
inline void write_file(const std::filesystem::path& path, std::string_view text) {
  detail::OutFile f(path);
  f.write(text.data(), text.size());
  f.commit();
}
}  // namespace io

namespace io::detail {

// Little- and big-endian integers from raw bytes, independent of alignment.
template <class U>
U load_le(const unsigned char* p) noexcept {
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v |= static_cast<U>(p[i]) << (8 * i);
  return v;
}
template <class U>
U load_be(const unsigned char* p) noexcept {
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>(v << 8) | static_cast<U>(p[i]);
  return v;
}
template <class U>
void store_le(std::string& out, U v) {
  for (std::size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace io::detail
INX_END_NAMESPACE
