// The ZIP container under .npz files: reading the central directory (with ZIP64 records and extras, as Python's
// zipfile writes them for large members), locating and checking each member, and writing stored or deflated
// archives. Every offset and size is checked against the file before it is used.
#pragma once

#include <algorithm>
#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include "inx/io/file.hpp"
#include "inx/io/inflate.hpp"
#include "inx/io/limits.hpp"

INX_BEGIN_NAMESPACE
namespace io::detail {

struct ZipEntry {
  std::string name;
  std::uint16_t flags = 0, method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, size = 0, local_offset = 0, data_offset = 0;
};

inline constexpr std::uint32_t zip_local_sig = 0x04034b50, zip_central_sig = 0x02014b50, zip_eocd_sig = 0x06054b50,
                               zip64_eocd_sig = 0x06064b50, zip64_locator_sig = 0x07064b50;

// Reads the central directory and every local header; returns the members in archive order.
inline std::vector<ZipEntry> read_zip_directory(InFile& f, const Limits& limits) {
  const auto& p = f.path();
  const std::uint64_t size = f.size();
  require<io_error>(size >= 22, "file ", p, ": not a ZIP archive (", size, " bytes, too short)");

  // The end-of-central-directory record sits in the last 22 + 65535 bytes; its comment must end the file.
  const std::size_t tail_len = static_cast<std::size_t>(std::min<std::uint64_t>(size, 22 + 65535));
  std::vector<unsigned char> tail(tail_len);
  f.seek(size - tail_len);
  f.read(tail.data(), tail_len);
  std::size_t e = tail_len - 22 + 1;
  bool found = false;
  while (e-- > 0) {
    if (load_le<std::uint32_t>(&tail[e]) == zip_eocd_sig && e + 22 + load_le<std::uint16_t>(&tail[e + 20]) == tail_len) {
      found = true;
      break;
    }
  }
  require<io_error>(found, "file ", p, ": not a ZIP archive (no end-of-central-directory record at its end)");
  const unsigned char* r = &tail[e];
  const std::uint64_t eocd_pos = size - tail_len + e;
  require<io_error>(load_le<std::uint16_t>(r + 4) == 0 && load_le<std::uint16_t>(r + 6) == 0 &&
                        load_le<std::uint16_t>(r + 8) == load_le<std::uint16_t>(r + 10),
                    "file ", p, ": multi-disk ZIP archives are not supported");
  std::uint64_t count = load_le<std::uint16_t>(r + 10), cd_size = load_le<std::uint32_t>(r + 12),
                cd_offset = load_le<std::uint32_t>(r + 16), cd_end = eocd_pos;

  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    require<io_error>(eocd_pos >= 20, "file ", p, ": ZIP64 end-of-central-directory locator missing");
    unsigned char loc[20], rec[56];
    f.seek(eocd_pos - 20);
    f.read(loc, 20);
    require<io_error>(load_le<std::uint32_t>(loc) == zip64_locator_sig, "file ", p,
                      ": ZIP64 end-of-central-directory locator missing");
    const std::uint64_t rec_pos = load_le<std::uint64_t>(loc + 8);
    require<io_error>(rec_pos <= eocd_pos - 20 && eocd_pos - 20 - rec_pos >= 56, "file ", p,
                      ": ZIP64 end-of-central-directory record offset ", rec_pos, " is out of range");
    f.seek(rec_pos);
    f.read(rec, 56);
    require<io_error>(load_le<std::uint32_t>(rec) == zip64_eocd_sig, "file ", p,
                      ": bad ZIP64 end-of-central-directory record signature");
    require<io_error>(load_le<std::uint32_t>(rec + 16) == 0 && load_le<std::uint32_t>(rec + 20) == 0 &&
                          load_le<std::uint64_t>(rec + 24) == load_le<std::uint64_t>(rec + 32),
                      "file ", p, ": multi-disk ZIP archives are not supported");
    count = load_le<std::uint64_t>(rec + 32);
    cd_size = load_le<std::uint64_t>(rec + 40);
    cd_offset = load_le<std::uint64_t>(rec + 48);
    cd_end = rec_pos;
  }
  require<io_error>(cd_offset <= cd_end && cd_size == cd_end - cd_offset, "file ", p, ": central directory (offset ",
                    cd_offset, ", ", cd_size, " bytes) does not end where its end record starts (", cd_end, ")");
  require<io_error>(count <= cd_size / 46, "file ", p, ": ", count, " members cannot fit a central directory of ",
                    cd_size, " bytes");
  require<io_error>(count <= limits.archive_members, "file ", p, ": ", count, " members, more than the limit of ",
                    limits.archive_members, " (io::Limits::archive_members)");

  std::vector<unsigned char> cd(static_cast<std::size_t>(cd_size));
  f.seek(cd_offset);
  f.read(cd.data(), cd.size());
  std::vector<ZipEntry> entries;
  entries.reserve(static_cast<std::size_t>(count));
  std::size_t at = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    require<io_error>(cd.size() - at >= 46 && load_le<std::uint32_t>(&cd[at]) == zip_central_sig, "file ", p,
                      ": central directory entry ", i, " is malformed (bad signature or truncated)");
    const unsigned char* h = &cd[at];
    ZipEntry z;
    z.flags = load_le<std::uint16_t>(h + 8);
    z.method = load_le<std::uint16_t>(h + 10);
    z.crc = load_le<std::uint32_t>(h + 16);
    z.compressed = load_le<std::uint32_t>(h + 20);
    z.size = load_le<std::uint32_t>(h + 24);
    const std::size_t name_len = load_le<std::uint16_t>(h + 28), extra_len = load_le<std::uint16_t>(h + 30),
                      comment_len = load_le<std::uint16_t>(h + 32);
    const std::uint16_t disk = load_le<std::uint16_t>(h + 34);
    z.local_offset = load_le<std::uint32_t>(h + 42);
    require<io_error>(cd.size() - at - 46 >= name_len + extra_len + comment_len, "file ", p,
                      ": central directory entry ", i, " runs past the directory");
    z.name.assign(reinterpret_cast<const char*>(h + 46), name_len);
    // ZIP64 extra: 8-byte values for exactly those fields whose 32-bit value is 0xFFFFFFFF, in this order.
    const unsigned char* x = h + 46 + name_len;
    for (std::size_t k = 0; k + 4 <= extra_len;) {
      const std::uint16_t id = load_le<std::uint16_t>(x + k), len = load_le<std::uint16_t>(x + k + 2);
      require<io_error>(k + 4 + len <= extra_len, "file ", p, ": member \"", z.name, "\": extra field runs past its end");
      if (id == 0x0001) {
        std::size_t q = k + 4;
        auto take = [&](std::uint64_t& v) {
          require<io_error>(q + 8 <= k + 4 + len, "file ", p, ": member \"", z.name, "\": ZIP64 extra field too short");
          v = load_le<std::uint64_t>(x + q);
          q += 8;
        };
        if (z.size == 0xFFFFFFFF) take(z.size);
        if (z.compressed == 0xFFFFFFFF) take(z.compressed);
        if (z.local_offset == 0xFFFFFFFF) take(z.local_offset);
      }
      k += 4 + len;
    }
    require<io_error>(disk == 0 || disk == 0xFFFF, "file ", p, ": multi-disk ZIP archives are not supported");
    require<io_error>(!(z.flags & 1), "file ", p, ": member \"", z.name, "\" is encrypted");
    require<io_error>(z.method == 0 || z.method == 8, "file ", p, ": member \"", z.name, "\" uses compression method ",
                      z.method, ", expected 0 (stored) or 8 (deflate)");
    require<io_error>(z.method != 0 || z.compressed == z.size, "file ", p, ": stored member \"", z.name,
                      "\" declares ", z.compressed, " stored bytes but size ", z.size);
    require<io_error>(z.method != 8 || plausible_inflated_size(z.compressed, z.size), "file ", p, ": member \"",
                      z.name, "\" declares ", z.size, " bytes from only ", z.compressed,
                      " compressed bytes, more than deflate can produce (zip bomb?)");
    entries.push_back(std::move(z));
    at += 46 + name_len + extra_len + comment_len;
  }
  require<io_error>(at == cd.size(), "file ", p, ": ", cd.size() - at, " unexplained bytes in the central directory");

  // Local headers: the name must agree, and members must neither overlap nor reach into the directory.
  for (auto& z : entries) {
    unsigned char h[30];
    require<io_error>(z.local_offset <= cd_offset && cd_offset - z.local_offset >= 30, "file ", p, ": member \"",
                      z.name, "\": local header offset ", z.local_offset, " is out of range");
    f.seek(z.local_offset);
    f.read(h, 30);
    require<io_error>(load_le<std::uint32_t>(h) == zip_local_sig, "file ", p, ": member \"", z.name,
                      "\": bad local header signature");
    const std::size_t name_len = load_le<std::uint16_t>(h + 26), extra_len = load_le<std::uint16_t>(h + 28);
    require<io_error>(cd_offset - z.local_offset - 30 >= name_len + extra_len, "file ", p, ": member \"", z.name,
                      "\": local header runs into the central directory");
    std::string name(name_len, '\0');
    f.read(name.data(), name_len);
    require<io_error>(name == z.name, "file ", p, ": member \"", z.name, "\": local header names it \"", name, "\"");
    z.data_offset = z.local_offset + 30 + name_len + extra_len;
    require<io_error>(z.compressed <= cd_offset - z.data_offset, "file ", p, ": member \"", z.name, "\": ",
                      z.compressed, " bytes of data run past the start of the central directory");
  }
  std::vector<const ZipEntry*> order;
  for (const auto& z : entries) order.push_back(&z);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->local_offset < b->local_offset; });
  for (std::size_t i = 1; i < order.size(); ++i)
    require<io_error>(order[i - 1]->data_offset + order[i - 1]->compressed <= order[i]->local_offset, "file ", p,
                      ": members \"", order[i - 1]->name, "\" and \"", order[i]->name, "\" overlap");
  return entries;
}

// A member's uncompressed bytes as a source (read / remaining) that checks the CRC-32 in finish().
class ZipMemberReader {
 public:
  ZipMemberReader(InFile& f, const ZipEntry& z, std::string where) : f_(f), z_(z), left_(z.size), where_(where) {
    f_.seek(z.data_offset);
    if (z.method == 8) inflater_ = std::make_unique<Inflater>(f, z.compressed, -15, where_);
  }
  std::uint64_t remaining() const noexcept { return left_; }
  void read(void* dst, std::size_t n) {
    require<io_error>(n <= left_, where_, ": truncated: expected ", n, " more bytes, the member has ", left_);
    if (inflater_) {
      inflater_->read(dst, n);
      crc_ = crc32_of(crc_, dst, n);
    } else {
      read_stored(static_cast<unsigned char*>(dst), n);
    }
    left_ -= n;
  }
  void finish() {
    if (inflater_) inflater_->finish();
    require<io_error>(crc_ == z_.crc, where_, ": CRC-32 mismatch (stored ", z_.crc, ", computed ", crc_,
                      "): the data is corrupt");
  }

 private:
  // Stored data is checksummed piece by piece right after each read, while the piece is still in cache.
  void read_stored(unsigned char* p, std::size_t n) {
    constexpr std::size_t piece = std::size_t{1} << 20;
    for (std::size_t done = 0; done < n;) {
      const std::size_t step = std::min(piece, n - done);
      f_.read(p + done, step);
      crc_ = crc32_of(crc_, p + done, step);
      done += step;
    }
  }

  InFile& f_;
  const ZipEntry& z_;
  std::uint64_t left_;
  std::string where_;
  std::unique_ptr<Inflater> inflater_;
  std::uint32_t crc_ = 0;
};

// Writes a ZIP archive member by member; finish() writes the central directory (ZIP64 records where needed).
class ZipWriter {
 public:
  explicit ZipWriter(OutFile& out) : out_(out) {}

  // Adds one member whose (uncompressed) content is the concatenation of `parts`.
  void add(const std::string& name, std::initializer_list<std::pair<const void*, std::size_t>> parts, bool deflate,
           const std::string& where) {
    require<io_error>(!name.empty() && name.size() < 0xFFFF, where, ": member name \"", name,
                      "\" must have 1 to 65534 bytes");
    ZipEntry z;
    z.name = name;
    z.method = deflate ? 8 : 0;
    z.local_offset = out_.pos();
    for (const auto& part : parts) {
      z.crc = crc32_of(z.crc, part.first, part.second);
      z.size += part.second;
    }
    const bool utf8 = std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) > 127; });
    z.flags = utf8 ? 0x800 : 0;
    std::vector<unsigned char> packed;
    if (deflate) {
      packed = deflate_raw(parts, where);
      z.compressed = packed.size();
    } else {
      z.compressed = z.size;
    }
    const bool big = z.size >= 0xFFFFFFFF || z.compressed >= 0xFFFFFFFF;
    std::string h;
    store_le<std::uint32_t>(h, zip_local_sig);
    header_common(h, z, big);
    store_le<std::uint16_t>(h, static_cast<std::uint16_t>(name.size()));
    store_le<std::uint16_t>(h, big ? 20 : 0);
    h += name;
    if (big) {
      store_le<std::uint16_t>(h, 1);
      store_le<std::uint16_t>(h, 16);
      store_le<std::uint64_t>(h, z.size);
      store_le<std::uint64_t>(h, z.compressed);
    }
    out_.write(h.data(), h.size());
    if (deflate) out_.write(packed.data(), packed.size());
    else
      for (const auto& part : parts) out_.write(part.first, part.second);
    entries_.push_back(std::move(z));
  }

  void finish() {
    const std::uint64_t cd_offset = out_.pos();
    std::string cd;
    for (const auto& z : entries_) {
      const bool big_size = z.size >= 0xFFFFFFFF || z.compressed >= 0xFFFFFFFF, big_off = z.local_offset >= 0xFFFFFFFF;
      store_le<std::uint32_t>(cd, zip_central_sig);
      store_le<std::uint16_t>(cd, (3 << 8) | (big_size || big_off ? 45 : 20));  // made by: Unix, version
      header_common(cd, z, big_size);
      store_le<std::uint16_t>(cd, static_cast<std::uint16_t>(z.name.size()));
      store_le<std::uint16_t>(cd, static_cast<std::uint16_t>((big_size ? 16 : 0) + (big_off ? 8 : 0) +
                                                             (big_size || big_off ? 4 : 0)));
      store_le<std::uint16_t>(cd, 0);  // comment
      store_le<std::uint16_t>(cd, 0);  // disk
      store_le<std::uint16_t>(cd, 0);  // internal attributes
      store_le<std::uint32_t>(cd, 0600u << 16);  // external attributes: a regular file, rw-------
      store_le<std::uint32_t>(cd, big_off ? 0xFFFFFFFF : static_cast<std::uint32_t>(z.local_offset));
      cd += z.name;
      if (big_size || big_off) {
        store_le<std::uint16_t>(cd, 1);
        store_le<std::uint16_t>(cd, static_cast<std::uint16_t>((big_size ? 16 : 0) + (big_off ? 8 : 0)));
        if (big_size) {
          store_le<std::uint64_t>(cd, z.size);
          store_le<std::uint64_t>(cd, z.compressed);
        }
        if (big_off) store_le<std::uint64_t>(cd, z.local_offset);
      }
    }
    const std::uint64_t cd_end = cd_offset + cd.size(), n = entries_.size();
    if (n >= 0xFFFF || cd.size() >= 0xFFFFFFFF || cd_offset >= 0xFFFFFFFF) {
      store_le<std::uint32_t>(cd, zip64_eocd_sig);
      store_le<std::uint64_t>(cd, 44);
      store_le<std::uint16_t>(cd, 45);
      store_le<std::uint16_t>(cd, 45);
      store_le<std::uint32_t>(cd, 0);
      store_le<std::uint32_t>(cd, 0);
      store_le<std::uint64_t>(cd, n);
      store_le<std::uint64_t>(cd, n);
      store_le<std::uint64_t>(cd, cd_end - cd_offset);
      store_le<std::uint64_t>(cd, cd_offset);
      store_le<std::uint32_t>(cd, zip64_locator_sig);
      store_le<std::uint32_t>(cd, 0);
      store_le<std::uint64_t>(cd, cd_end);
      store_le<std::uint32_t>(cd, 1);
    }
    store_le<std::uint32_t>(cd, zip_eocd_sig);
    store_le<std::uint16_t>(cd, 0);
    store_le<std::uint16_t>(cd, 0);
    store_le<std::uint16_t>(cd, static_cast<std::uint16_t>(std::min<std::uint64_t>(n, 0xFFFF)));
    store_le<std::uint16_t>(cd, static_cast<std::uint16_t>(std::min<std::uint64_t>(n, 0xFFFF)));
    store_le<std::uint32_t>(cd, static_cast<std::uint32_t>(std::min<std::uint64_t>(cd_end - cd_offset, 0xFFFFFFFF)));
    store_le<std::uint32_t>(cd, static_cast<std::uint32_t>(std::min<std::uint64_t>(cd_offset, 0xFFFFFFFF)));
    store_le<std::uint16_t>(cd, 0);
    out_.write(cd.data(), cd.size());
  }

 private:
  // Version needed .. uncompressed size: the part local and central headers share. Date: 1980-01-01 00:00.
  static void header_common(std::string& h, const ZipEntry& z, bool big) {
    store_le<std::uint16_t>(h, big ? 45 : 20);
    store_le<std::uint16_t>(h, z.flags);
    store_le<std::uint16_t>(h, z.method);
    store_le<std::uint16_t>(h, 0);
    store_le<std::uint16_t>(h, 0x21);
    store_le<std::uint32_t>(h, z.crc);
    store_le<std::uint32_t>(h, big ? 0xFFFFFFFF : static_cast<std::uint32_t>(z.compressed));
    store_le<std::uint32_t>(h, big ? 0xFFFFFFFF : static_cast<std::uint32_t>(z.size));
  }

  OutFile& out_;
  std::vector<ZipEntry> entries_;
};

}  // namespace io::detail
INX_END_NAMESPACE
