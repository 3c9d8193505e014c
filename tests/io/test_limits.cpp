// io::Limits: each limit refuses a file beyond it with an io_error naming the file, the limit and how to raise it,
// before anything large is allocated; raising the limit lets the same file through.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <string>

#include "io_test_util.hpp"

using namespace iotest;
namespace io = inx::io;

namespace {
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const inx::io_error& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// A PNG with a valid signature and IHDR (CRC included) declaring w x h 8-bit RGB pixels, and nothing else.
fs::path png_header(const TempDir& dir, std::uint32_t w, std::uint32_t h) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  const auto be32 = [](std::string& s, std::uint32_t v) {
    for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  };
  std::string chunk = "IHDR";
  be32(chunk, w);
  be32(chunk, h);
  chunk += std::string("\x08\x02\x00\x00\x00", 5);
  be32(png, 13);
  png += chunk;
  be32(png, static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(chunk.data()), chunk.size())));
  const auto path = dir.path / "header.png";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(png.data(), 1, png.size(), f);
  std::fclose(f);
  return path;
}
}  // namespace

TEST(Limits, ImageSide) {
  io::Limits small;
  small.image_side = 8;
  for (const char* file : {"image/rgb_6x9.png", "image/jpeg_444_37x45.jpg"}) {
    const auto m = error_of([&] { io::load_image(data(file), 0, small); });
    EXPECT_CONTAINS(m, file);
    EXPECT_CONTAINS(m, "per side (io::Limits::image_side)");
  }
  EXPECT_NO_THROW(io::load_image(data("image/rgb_6x9.png"), 0, io::Limits{}));
  // The default: a header declaring 100,000 pixels across is refused before the decoder allocates a row.
  TempDir dir("limits");
  const auto m = error_of([&] { io::load_image(png_header(dir, 100000, 4)); });
  EXPECT_CONTAINS(m, "beyond the limit of 65536 pixels per side (io::Limits::image_side)");
}

TEST(Limits, ImagePixels) {
  io::Limits small;
  small.image_pixels = 50;
  EXPECT_CONTAINS(error_of([&] { io::load_image(data("image/rgb_6x9.png"), 0, small); }),
                  "declares 9x6 = 54 pixels, more than the limit of 50 (io::Limits::image_pixels)");
  EXPECT_CONTAINS(error_of([&] { io::load_image(data("image/jpeg_gray_37x45.jpg"), 0, small); }),
                  "the JPEG header declares 45x37 = 1665 pixels, more than the limit of 50");
  small.image_pixels = 54;
  EXPECT_NO_THROW(io::load_image(data("image/rgb_6x9.png"), 0, small));
  // The default (2^27): 20,000 x 10,000 passes the side limit but not the pixel limit.
  TempDir dir("limits");
  EXPECT_CONTAINS(error_of([&] { io::load_image(png_header(dir, 20000, 10000)); }),
                  "more than the limit of 134217728 (io::Limits::image_pixels)");
}

TEST(Limits, ArchiveMembers) {
  io::Limits small;
  small.archive_members = 6;  // savez.npz has 7
  for (const char* file : {"npz/savez.npz", "npz/savez_compressed.npz", "npz/zip64.npz"}) {
    EXPECT_CONTAINS(error_of([&] { io::load_npz(data(file), small); }),
                    "7 members, more than the limit of 6 (io::Limits::archive_members)");
    EXPECT_CONTAINS(error_of([&] { io::load_tensors(data(file), small); }), "(io::Limits::archive_members)");
  }
  small.archive_members = 2;  // the weights folder has 3 .npy files
  EXPECT_CONTAINS(error_of([&] { io::load_tensors(data("npz/weights_folder"), small); }),
                  "more than 2 .npy files (io::Limits::archive_members)");
  small.archive_members = 7;
  EXPECT_EQ(io::load_npz(data("npz/savez.npz"), small).size(), 7u);
}

TEST(Limits, TensorElements) {
  io::Limits small;
  small.tensor_elements = 100;
  const std::string why = "has 120 elements, more than the limit of 100 (io::Limits::tensor_elements)";
  EXPECT_CONTAINS(error_of([&] { io::read_npy(data("npy/f32_4d.npy"), small); }), why);
  EXPECT_CONTAINS(error_of([&] { io::load_npy<float>(data("npy/f32_4d.npy"), small); }), why);
  EXPECT_CONTAINS(error_of([&] { io::load_tensors(data("npy/f32_4d.npy"), small); }), why);
  EXPECT_CONTAINS(error_of([&] { io::load_npz(data("npz/savez_compressed.npz"), small); }), why);
  EXPECT_CONTAINS(error_of([&] { io::load_tensors(data("npz/savez.npz"), small); }), why);
  small.tensor_elements = 50;
  for (const char* file : {"idx/images-idx3-ubyte", "idx/images-idx3-ubyte.gz"})
    EXPECT_CONTAINS(error_of([&] { io::load_idx(data(file), small); }),
                    "IDX shape (3, 4, 5) has 60 elements, more than the limit of 50 (io::Limits::tensor_elements)");
  small.tensor_elements = 120;
  EXPECT_EQ(io::read_npy(data("npy/f32_4d.npy"), small).shape.numel(), 120u);
  EXPECT_EQ(io::load_idx(data("idx/images-idx3-ubyte.gz"), small).size(), 60u);
}
