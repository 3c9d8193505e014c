// The HTML report: one self-contained page per run that a person opens from a file:// URL — per image, the input,
// the class, the contact sheet, and per layer the method's map and the ranked cluster maps with their weights. No
// server, no network: inline CSS, no script, relative links to the PNGs the records name.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "inx/explain/records.hpp"
#include "inx/explain/report.hpp"
#include "inx/io/file.hpp"

INX_BEGIN_NAMESPACE
namespace render {
namespace html_detail {

// Tiles are shown at one fixed size so a 28x28 input and a 224x224 one read alike; the size also decides
// when the browser must enlarge with hard pixels instead of smearing them (the same 2x rule as the contact sheet).
inline constexpr std::size_t tile_px = 160;

inline std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

// A file name as a relative URL: everything but unreserved characters and '/' is percent-encoded, so spaces, '#',
// '?', '%' and a ':' that would otherwise read as a scheme all stay part of the name.
inline std::string url(std::string_view path) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

inline std::string percent(double p01) {
  if (std::isfinite(p01) && p01 > 0 && p01 < 0.001) return "&lt;0.1%";
  return fixed(100 * p01, 1) + "%";
}

inline std::string class_label(const explain::ImageRecord& im) {
  const std::string idx = "class " + std::to_string(im.class_index);
  return im.class_name.empty() ? idx : escape(im.class_name) + " <span class=\"dim\">(" + idx + ")</span>";
}

// One tile: a picture, or a grey placeholder where no file was written, so an empty src never shows as broken.
inline void figure(std::string& o, const std::string& file, const std::string& alt, const std::string& caption_html,
                   bool pixelated, const char* extra_class = "") {
  o += "<figure class=\"tile";
  o += extra_class;
  o += "\">";
  if (file.empty()) {
    o += "<div class=\"missing\">no picture written</div>";
  } else {
    o += "<a href=\"" + url(file) + "\"><img src=\"" + url(file) + "\" alt=\"" + escape(alt) + "\"" +
         (pixelated ? " class=\"px\"" : "") + " width=\"" + std::to_string(tile_px) + "\" height=\"" +
         std::to_string(tile_px) + "\"></a>";
  }
  o += "<figcaption>" + caption_html + "</figcaption></figure>\n";
}

inline void layer_section(std::string& o, const explain::ReportInfo& info, const explain::ImageRecord& im,
                          const explain::LayerRecord& l, bool pixelated) {
  const bool clustering = !info.cluster.empty();
  o += "<section class=\"layer\"><h3>" + escape(l.name) + " <span class=\"shape\">" + std::to_string(l.channels) +
       "&times;" + std::to_string(l.height) + "&times;" + std::to_string(l.width) + "</span></h3>\n<p class=\"meta\">";
  if (clustering) {
    o += std::to_string(l.kept.size()) + " of " + std::to_string(l.channels) + " maps kept &middot; ";
    o += l.clusters.empty() ? std::string("no cluster")
                            : std::to_string(l.clusters.size()) + (l.clusters.size() == 1 ? " cluster" : " clusters");
    if (l.n_clusters_found > static_cast<std::int64_t>(l.clusters.size()))
      o += " (" + std::to_string(l.n_clusters_found) + " found before the weight filter)";
  } else {
    o += std::to_string(l.channels) + " maps, not clustered";
  }
  o += "</p>\n<div class=\"row\">\n";
  const std::string where = " of " + im.image + ", layer " + l.name;
  figure(o, l.cam_png, info.method + " map" + where,
         "<b>" + escape(info.method) + " map</b><br><span class=\"dim\">" +
             (l.cam_constant ? "constant: shows nothing" : "all channels") + "</span>",
         pixelated, " cam");
  for (const auto& c : l.clusters) {
    const double w = std::isfinite(c.weight) ? std::clamp(c.weight, 0.0, 100.0) : 0.0;
    const std::string n = std::to_string(c.channels.size());
    figure(o, c.png, "cluster " + std::to_string(c.rank + 1) + where + " (weight " + fixed(c.weight, 1) + "%)",
           "<b>#" + std::to_string(c.rank + 1) + "</b> &middot; " + fixed(c.weight, 1) + "%" +
               "<span class=\"bar\"><span style=\"width:" + fixed(w, 1) + "%\"></span></span>" +
               "<span class=\"dim\">" + n + (c.channels.size() == 1 ? " map" : " maps") +
               (c.constant ? " &middot; constant: shows nothing" : "") + "</span>",
           pixelated);
  }
  o += "</div>\n";
  if (l.clusters.empty()) {
    o += "<p class=\"note\">";
    if (!clustering)
      o += escape(info.method) + " does not cluster feature maps: its map is the whole explanation of this layer.";
    else if (l.kept.empty())
      o += "No feature map survived pruning for this class, so no cluster was formed.";
    else
      o += "No cluster passed the weight filter (" + std::to_string(l.n_clusters_found) + " found).";
    o += "</p>\n";
  }
  o += "</section>\n";
}

inline void image_section(std::string& o, const explain::ReportInfo& info, const explain::ImageRecord& im,
                          std::size_t i) {
  // Upscaled 2x or more (a 28x28 Fashion-MNIST input at 160 px): hard pixels, else the smear hides what the map
  // points at. Unknown sizes are left smooth.
  const std::size_t side = std::max(im.input_height, im.input_width);
  const bool pixelated = side > 0 && 2 * side <= tile_px;
  const std::string n = std::to_string(i + 1);
  o += "<section class=\"card image\" id=\"img-" + n + "\">\n<h2><span class=\"num\">" + n + "</span> " +
       escape(im.image) + "</h2>\n<div class=\"head\">\n";
  figure(o, im.input_png, "input image " + im.image, "input", pixelated, " input");
  o += "<dl class=\"facts\"><dt>explained</dt><dd>" + class_label(im) + "</dd><dt>probability</dt><dd>" +
       percent(im.prob) + "</dd>";
  if (im.class_index != im.predicted)
    o += "<dt>predicted</dt><dd class=\"warn\">class " + std::to_string(im.predicted) +
         " &mdash; the explained class is not the predicted one</dd>";
  else
    o += "<dt>predicted</dt><dd>the same class</dd>";
  if (im.input_height && im.input_width)
    o += "<dt>input</dt><dd>" + std::to_string(im.input_height) + "&times;" + std::to_string(im.input_width) +
         " px</dd>";
  o += "<dt>layers</dt><dd>" + std::to_string(im.layers.size()) + "</dd></dl>\n</div>\n";
  if (!im.sheet_png.empty())
    o += "<details class=\"sheet\" open><summary>Contact sheet</summary><a href=\"" + url(im.sheet_png) +
         "\"><img src=\"" + url(im.sheet_png) + "\" alt=\"contact sheet of " + escape(im.image) + "\"></a></details>\n";
  for (const auto& l : im.layers) layer_section(o, info, im, l, pixelated);
  o += "<p class=\"top\"><a href=\"#top\">&uarr; back to the index</a></p>\n</section>\n";
}

inline constexpr std::string_view style = R"(<style>
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1d2430;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Helvetica,Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:26px;margin:0 0 8px}h2{font-size:19px;margin:0 0 14px;word-break:break-all}h3{font-size:16px;margin:0}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
.card{background:#fff;border:1px solid #dde1e7;border-radius:10px;padding:18px 22px;margin:0 0 20px}
.run dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0}
dt{color:#5b6575}dd{margin:0;word-break:break-word}
.index ol{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:8px}
.index li a{display:inline-block;border:1px solid #dde1e7;border-radius:6px;padding:3px 10px;background:#f8f9fb}
.num{display:inline-block;min-width:28px;padding:0 7px;margin-right:6px;border-radius:6px;background:#1d2430;color:#fff;text-align:center}
.head{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:4px 0}
.warn{color:#a33b00;font-weight:600}.dim{color:#6b7482;font-weight:400}
.sheet{margin:16px 0 4px}.sheet summary{cursor:pointer;color:#5b6575}.sheet img{display:block;max-width:100%;height:auto;margin-top:8px;border:1px solid #e4e7ec}
.layer{border-top:1px solid #e4e7ec;margin-top:18px;padding-top:14px}
.shape{font:13px ui-monospace,"DejaVu Sans Mono",monospace;color:#5b6575;margin-left:6px}
.meta{margin:2px 0 10px;color:#5b6575;font-size:14px}
.row{display:flex;flex-wrap:wrap;gap:14px}
.tile{margin:0;width:162px;font-size:13px;text-align:center}
.tile img,.missing{display:block;width:162px;height:162px;object-fit:contain;border:1px solid #dde1e7;border-radius:4px;background:#fff}
.tile.cam img{border-color:#1d2430;box-shadow:0 0 0 1px #1d2430}
.missing{display:flex;align-items:center;justify-content:center;color:#8a93a0;background:#f4f5f7}
img.px{image-rendering:pixelated}
figcaption{margin-top:5px;line-height:1.35}
.bar{display:block;height:6px;margin:4px 14px;background:#e8ebf0;border-radius:3px;overflow:hidden}
.bar span{display:block;height:100%;background:#d9480f}
.note{margin:10px 0 0;color:#5b6575;font-style:italic}
.top{margin:16px 0 0;font-size:13px}
</style>)";

}  // namespace html_detail

// Writes the page atomically (temporary file, then rename). File names are the records' own, relative to `path`'s
// folder as they are for the JSON report; empty ones show as a placeholder instead of a broken picture.
inline void write_html_report(const std::filesystem::path& path, const explain::ReportInfo& info,
                              std::span<const explain::ImageRecord> images) {
  using namespace html_detail;
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>inx report: " +
                  escape(info.model) + " &middot; " + escape(info.method) + "</title>\n";
  o += style;
  o += "\n</head><body><main>\n<header class=\"card run\" id=\"top\"><h1>Explanation report</h1><dl><dt>model</dt><dd>" +
       escape(info.model) + "</dd><dt>method</dt><dd>" + escape(info.method) + "</dd>";
  if (!info.cluster.empty()) o += "<dt>clustering</dt><dd>" + escape(info.cluster) + "</dd>";
  o += "<dt>images</dt><dd>" + std::to_string(images.size()) + "</dd></dl></header>\n";
  if (!images.empty()) {
    o += "<nav class=\"card index\"><h2>Images</h2><ol>\n";
    for (std::size_t i = 0; i < images.size(); ++i) {
      const auto& im = images[i];
      o += "<li><a href=\"#img-" + std::to_string(i + 1) + "\">" + std::to_string(i + 1) + ". " + escape(im.image) +
           " <span class=\"dim\">&middot; " +
           (im.class_name.empty() ? "class " + std::to_string(im.class_index) : escape(im.class_name)) +
           "</span></a></li>\n";
    }
    o += "</ol></nav>\n";
  }
  for (std::size_t i = 0; i < images.size(); ++i) image_section(o, info, images[i], i);
  o += "</main></body></html>\n";
  io::write_file(path, o);
}

}  // namespace render
INX_END_NAMESPACE
