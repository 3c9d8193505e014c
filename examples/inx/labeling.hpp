// The cards of the labelling game (render/labeling_html.hpp): one per kept cluster, with its six reveal masks as PNG
// bytes — made from an explanation in memory (`inx explain --labeling`) or from the files of earlier runs
// (`inx label-page`: the reveal PNGs of `--reveal`, or the maps of `--npy` over the input picture).
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "inx/explain/records.hpp"
#include "inx/io/image.hpp"
#include "inx/io/npy.hpp"
#include "inx/labels/reports.hpp"
#include "inx/render/explanation.hpp"
#include "inx/render/labeling_html.hpp"
#include "inx/render/reveal.hpp"

namespace inx_cli {

// The reveal file of `cluster_png` at percentage q, as `inx explain --reveal` names it.
inline std::filesystem::path reveal_file(const std::filesystem::path& cluster_png, double q) {
  char tag[32];
  std::snprintf(tag, sizeof tag, "_reveal_q%g.png", q);
  auto p = cluster_png;
  p.replace_extension();
  p += tag;
  return p;
}

inline std::array<std::vector<unsigned char>, 6> reveals_of(const inx::Tensor<float>& picture,
                                                            inx::TensorView<const float> map,
                                                            const inx::render::PictureOptions& po) {
  std::array<std::vector<unsigned char>, 6> out;
  for (std::size_t k = 0; k < 6; ++k) {
    const auto mask =
        inx::render::reveal_mask(map, inx::render::reveal_levels[k], po.reveal_sigma(map.dim(0), map.dim(1)));
    out[k] = inx::io::png_bytes(inx::render::reveal(picture.view(), mask.view()).view());
  }
  return out;
}

// Cards of one explained image whose maps are still in memory.
inline void add_cards(std::vector<inx::render::LabelCard>& cards, const inx::explain::ImageRecord& r,
                      const inx::Tensor<float>& picture, const inx::render::PictureOptions& po) {
  for (const auto& l : r.layers)
    for (const auto& c : l.clusters) {
      if (c.constant) continue;  // a map without range reveals nothing worth a word
      inx::render::LabelCard card;
      card.image = r.image;
      card.layer = l.name;
      card.cluster = c.rank;
      card.truth = r.class_index;
      card.reveals = reveals_of(picture, c.map.view(), po);
      cards.push_back(std::move(card));
    }
}

// Cards from report folders: reveal PNGs when `--reveal` wrote them, else the `--npy` maps over the input picture.
inline std::vector<inx::render::LabelCard> cards_from_reports(const inx::labels::ReportSet& reports) {
  namespace fs = std::filesystem;
  std::vector<inx::render::LabelCard> cards;
  const inx::render::PictureOptions po;
  for (const auto& im : reports.images)
    for (const auto& l : im.layers)
      for (const auto& c : l.clusters) {
        if (c.constant) continue;
        inx::render::LabelCard card;
        card.image = im.image;
        card.layer = l.name;
        card.cluster = c.rank;
        card.truth = im.class_index;
        if (!c.png.empty() && fs::exists(reveal_file(c.png, inx::render::reveal_levels[0]))) {
          for (std::size_t k = 0; k < 6; ++k) {
            const auto f = reveal_file(c.png, inx::render::reveal_levels[k]);
            (void)inx::io::load_image(f);  // a damaged picture is refused here, not shown broken in the game
            std::ifstream in(f, std::ios::binary);
            card.reveals[k].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
          }
        } else {
          inx::require<inx::io_error>(!c.npy.empty() && !im.input_png.empty(), "image ", im.image, ", layer ",
                                      l.name, ": no reveal masks and no .npy maps (run inx explain with --reveal or "
                                      "--npy, or with --labeling)");
          const auto picture = inx::io::load_image(im.input_png);
          const auto map = inx::io::load_npy<float>(c.npy);
          inx::require<inx::value_error>(map.rank() == 2 && map.dim(0) == picture.dim(1) &&
                                             map.dim(1) == picture.dim(2),
                                         "map ", c.npy, ": expected the input picture's size");
          card.reveals = reveals_of(picture, map.view(), po);
        }
        cards.push_back(std::move(card));
      }
  return cards;
}

}  // namespace inx_cli
