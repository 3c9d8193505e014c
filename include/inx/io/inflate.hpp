// Streaming zlib inflate of a byte range of a file (raw deflate for ZIP members, gzip for IDX files), producing
// exactly the bytes asked for, plus one-shot raw deflate for writing .npz members. Every zlib failure becomes an
// io_error naming the input.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "inx/io/file.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

// Deflate cannot expand data by more than ~1032:1; a declared size beyond that is a lie (or a zip bomb).
inline constexpr std::uint64_t max_inflate_ratio = 1040;
inline bool plausible_inflated_size(std::uint64_t compressed, std::uint64_t inflated) {
  return inflated <= compressed * max_inflate_ratio + 1024;
}

// window_bits: -15 raw deflate (ZIP), 15 + 16 gzip.
class Inflater {
 public:
  Inflater(InFile& file, std::uint64_t compressed_bytes, int window_bits, std::string where)
      : f_(file), in_left_(compressed_bytes), where_(std::move(where)), buf_(new unsigned char[kBuf]) {
    require<io_error>(compressed_bytes <= f_.remaining(), where_, ": truncated: compressed data needs ",
                      compressed_bytes, " bytes, found ", f_.remaining());
    z_ = {};
    require<io_error>(inflateInit2(&z_, window_bits) == Z_OK, where_, ": zlib inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Fills dst with exactly n inflated bytes.
  void read(void* dst, std::size_t n) {
    auto* out = static_cast<unsigned char*>(dst);
    while (n > 0) {
      require<io_error>(!ended_, where_, ": compressed data ends ", n, " bytes early (after ", produced_,
                        " bytes)");
      const std::size_t step = std::min<std::size_t>(n, 1u << 30);
      z_.next_out = out;
      z_.avail_out = static_cast<uInt>(step);
      step_inflate();
      const std::size_t got = step - z_.avail_out;
      out += got;
      n -= got;
      produced_ += got;
    }
  }
  // Checks that the stream ends here: no further output, and no compressed bytes left over.
  void finish() {
    unsigned char extra;
    while (!ended_) {
      z_.next_out = &extra;
      z_.avail_out = 1;
      step_inflate();
      require<io_error>(z_.avail_out == 1, where_, ": compressed data inflates to more than the expected ", produced_,
                        " bytes");
    }
    require<io_error>(z_.avail_in == 0 && in_left_ == 0, where_, ": ", z_.avail_in + in_left_,
                      " trailing bytes after the end of the compressed data");
  }
  std::uint64_t produced() const noexcept { return produced_; }

 private:
  static constexpr std::size_t kBuf = 1u << 20;

  void step_inflate() {
    if (z_.avail_in == 0 && in_left_ > 0) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(in_left_, kBuf));
      f_.read(buf_.get(), take);
      in_left_ -= take;
      z_.next_in = buf_.get();
      z_.avail_in = static_cast<uInt>(take);
    }
    const int rc = inflate(&z_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      ended_ = true;
      return;
    }
    if (rc == Z_BUF_ERROR && z_.avail_in == 0 && in_left_ == 0)
      throw io_error(inx::detail::msg(where_, ": truncated compressed data (stream ends after ", produced_,
                                      " bytes without its end marker)"));
    require<io_error>(rc == Z_OK || rc == Z_BUF_ERROR, where_, ": corrupt compressed data (zlib: ",
                      z_.msg ? z_.msg : "error", ")");
  }

  InFile& f_;
  std::uint64_t in_left_;
  std::string where_;
  std::unique_ptr<unsigned char[]> buf_;
  z_stream z_;
  std::uint64_t produced_ = 0;
  bool ended_ = false;
};

// Raw deflate (ZIP method 8) of a sequence of buffers, at zlib's default level as np.savez_compressed uses.
inline std::vector<unsigned char> deflate_raw(std::initializer_list<std::pair<const void*, std::size_t>> parts,
                                              const std::string& where) {
  z_stream z{};
  require<io_error>(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK, where,
                    ": zlib deflateInit2 failed");
  std::uint64_t total = 0;
  for (const auto& p : parts) total += p.second;
  std::vector<unsigned char> out(static_cast<std::size_t>(total + total / 1000 + 1024));
  std::size_t done = 0;
  auto pump = [&](int flush) {
    for (;;) {
      if (done == out.size()) out.resize(out.size() * 2);
      const std::size_t room = std::min<std::size_t>(out.size() - done, 1u << 30);
      z.next_out = out.data() + done;
      z.avail_out = static_cast<uInt>(room);
      const int rc = deflate(&z, flush);
      done += room - z.avail_out;
      if (rc == Z_STREAM_END) return;
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        deflateEnd(&z);
        throw io_error(inx::detail::msg(where, ": zlib deflate failed"));
      }
      if (flush == Z_NO_FLUSH && z.avail_in == 0) return;
    }
  };
  for (const auto& p : parts) {
    auto* in = static_cast<const unsigned char*>(p.first);
    std::size_t left = p.second;
    while (left > 0) {
      const std::size_t step = std::min<std::size_t>(left, 1u << 30);
      z.next_in = const_cast<unsigned char*>(in);
      z.avail_in = static_cast<uInt>(step);
      pump(Z_NO_FLUSH);
      in += step;
      left -= step;
    }
  }
  z.avail_in = 0;
  pump(Z_FINISH);
  deflateEnd(&z);
  out.resize(done);
  return out;
}

// CRC-32 (ZIP's checksum) of a buffer of any length.
inline std::uint32_t crc32_of(std::uint32_t crc, const void* p, std::size_t n) {
  if (n == 0) return crc;  // zlib answers a null buffer with the initial value, which would reset the running CRC
  return static_cast<std::uint32_t>(crc32_z(crc, static_cast<const Bytef*>(p), n));
}

}  // namespace io::detail
INX_END_NAMESPACE
