// The global explanation as a page (global.html): one self-contained file, opened from a file:// URL. Per class,
// per layer, the top labels as an SVG bar chart of T(s) with example merged-cluster pictures beside each bar, and the
// labels' trend over the layers as an SVG line chart with each slope. A class without labels says so.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "inx/io/file.hpp"
#include "inx/labels/aggregate.hpp"
#include "inx/labels/global_report.hpp"
#include "inx/render/html.hpp"

INX_BEGIN_NAMESPACE
namespace render {
namespace global_detail {
using namespace html_detail;

// matplotlib's tab10, for the trend lines.
inline constexpr const char* palette[10] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

inline std::string num(double v) { return fixed(v, 2); }

// Horizontal bars of T(s) for one layer, scaled to `max_total` (the class's largest T over its layers).
inline std::string bars_svg(const labels::LayerExplanation& l, std::size_t top, double max_total) {
  const std::size_t n = std::min(top, l.labels.size());
  const int row = 30, label_w = 150, bar_w = 260, w = label_w + bar_w + 60, h = int(n) * row + 6;
  std::string s = "<svg class=\"bars\" role=\"img\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) +
                  "\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) + "\"><title>top labels of " +
                  escape(l.layer) + "</title>";
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = l.labels[i];
    const int y = int(i) * row + 4;
    const double frac = max_total > 0 ? e.total / max_total : 0;
    const int bw = std::max(2, int(std::lround(frac * bar_w)));
    s += "<text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(y + 17) +
         "\" text-anchor=\"end\" class=\"word\">" + escape(e.label) + "</text>";
    s += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
         std::to_string(bw) + "\" height=\"20\" rx=\"3\" fill=\"#d9480f\"/>";
    s += "<text x=\"" + std::to_string(label_w + bw + 6) + "\" y=\"" + std::to_string(y + 17) + "\" class=\"val\">" +
         num(e.total) + "</text>";
  }
  return s + "</svg>";
}

// Mean T(s) per image against layer depth for the labels with the largest peak (at most 8).
inline std::string trend_svg(const labels::ClassExplanation& c, const std::vector<std::string>& layers) {
  std::vector<std::pair<double, std::string>> peak;
  for (const auto& [label, y] : c.mean_by_layer) peak.push_back({*std::max_element(y.begin(), y.end()), label});
  std::stable_sort(peak.begin(), peak.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (peak.size() > 8) peak.resize(8);
  double ymax = 0;
  for (const auto& p : peak) ymax = std::max(ymax, p.first);
  if (!(ymax > 0)) ymax = 1;
  const int W = 560, H = 260, L = 52, R = 150, T = 14, B = 46, pw = W - L - R, ph = H - T - B;
  const std::size_t n = layers.size();
  const auto X = [&](std::size_t i) { return L + (n > 1 ? int(std::lround(double(i) * pw / double(n - 1))) : pw / 2); };
  const auto Y = [&](double v) { return T + int(std::lround(ph * (1 - v / ymax))); };
  std::string s = "<svg class=\"trend\" role=\"img\" width=\"" + std::to_string(W) + "\" height=\"" + std::to_string(H) +
                  "\" viewBox=\"0 0 " + std::to_string(W) + " " + std::to_string(H) +
                  "\"><title>label trends over the layers</title>";
  for (int k = 0; k <= 4; ++k) {
    const double v = ymax * k / 4;
    s += "<line x1=\"" + std::to_string(L) + "\" x2=\"" + std::to_string(L + pw) + "\" y1=\"" + std::to_string(Y(v)) +
         "\" y2=\"" + std::to_string(Y(v)) + "\" class=\"grid\"/><text x=\"" + std::to_string(L - 6) + "\" y=\"" +
         std::to_string(Y(v) + 4) + "\" text-anchor=\"end\" class=\"tick\">" + num(v) + "</text>";
  }
  for (std::size_t i = 0; i < n; ++i)
    s += "<text x=\"" + std::to_string(X(i)) + "\" y=\"" + std::to_string(T + ph + 18) +
         "\" text-anchor=\"middle\" class=\"tick\">" + escape(layers[i]) + "</text>";
  s += "<text x=\"" + std::to_string(L + pw / 2) + "\" y=\"" + std::to_string(H - 6) +
       "\" text-anchor=\"middle\" class=\"axis\">layer (shallow to deep)</text>";
  for (std::size_t k = 0; k < peak.size(); ++k) {
    const auto& y = c.mean_by_layer.at(peak[k].second);
    std::string pts;
    for (std::size_t i = 0; i < n; ++i) pts += std::to_string(X(i)) + "," + std::to_string(Y(y[i])) + " ";
    const char* col = palette[k % 10];
    s += "<polyline fill=\"none\" stroke=\"" + std::string(col) + "\" stroke-width=\"2.5\" points=\"" + pts + "\"/>";
    for (std::size_t i = 0; i < n; ++i)
      s += "<circle cx=\"" + std::to_string(X(i)) + "\" cy=\"" + std::to_string(Y(y[i])) + "\" r=\"3.5\" fill=\"" + col +
           "\"/>";
    const int ly = T + 8 + int(k) * 20;
    s += "<rect x=\"" + std::to_string(L + pw + 16) + "\" y=\"" + std::to_string(ly - 9) +
         "\" width=\"14\" height=\"4\" fill=\"" + col + "\"/><text x=\"" + std::to_string(L + pw + 36) + "\" y=\"" +
         std::to_string(ly - 3) + "\" class=\"legend\">" + escape(peak[k].second) + "</text>";
  }
  return s + "</svg>";
}

inline constexpr std::string_view global_style = R"(<style>
.layerrow{display:flex;gap:22px;align-items:flex-start;flex-wrap:wrap;border-top:1px solid #e4e7ec;padding:12px 0}
.layerrow h3{width:100%;margin:0 0 2px}
.bars .word{font-size:14px;fill:#1d2430}.bars .val,.trend .tick{font-size:12px;fill:#5b6575}
.trend .grid{stroke:#e4e7ec}.trend .axis{font-size:12px;fill:#5b6575}.trend .legend{font-size:13px;fill:#1d2430}
.examples{display:flex;flex-direction:column;gap:8px}
.ex{display:flex;gap:8px;align-items:center;font-size:13px}.ex .word{min-width:90px;font-weight:600}
.ex img{width:76px;height:76px;object-fit:contain;border:1px solid #dde1e7;border-radius:4px;background:#fff;image-rendering:pixelated}
table.slopes{border-collapse:collapse;font-size:14px}table.slopes td,table.slopes th{padding:3px 12px;border-bottom:1px solid #eef0f3;text-align:left}
.up{color:#2b8a3e}.down{color:#c92a2a}
</style>)";

}  // namespace global_detail

// example(m) gives the page-relative picture of a merged group ("" for none).
inline void write_global_html(const std::filesystem::path& path, const labels::GlobalInfo& info,
                              const std::vector<labels::ClassExplanation>& classes,
                              const std::vector<std::string>& layers,
                              const std::function<std::string(const labels::MergedGroup&)>& example) {
  using namespace global_detail;
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>inx global "
                  "explanation: " + escape(info.model) + "</title>\n";
  o += style;
  o += global_style;
  o += "\n</head><body><main>\n<header class=\"card run\" id=\"top\"><h1>Global explanation</h1><dl><dt>model</dt><dd>" +
       escape(info.model) + "</dd><dt>label records</dt><dd>" + std::to_string(info.records) + " (" +
       escape(info.labels_file) + ")</dd><dt>reports</dt><dd>" + std::to_string(info.reports.size()) +
       "</dd><dt>classes</dt><dd>" + std::to_string(classes.size()) + "</dd></dl>"
       "<p class=\"meta\">Bars: T(s), the summed scores of the merged cluster groups whose best label is s "
       "(more records, fewer reveals and right guesses score higher). Pictures: the groups behind each label.</p>"
       "</header>\n<nav class=\"card index\"><h2>Classes</h2><ol>\n";
  for (const auto& c : classes)
    o += "<li><a href=\"#class-" + std::to_string(c.class_index) + "\">" + escape(c.class_name) + "</a></li>\n";
  o += "</ol></nav>\n";
  for (const auto& c : classes) {
    o += "<section class=\"card\" id=\"class-" + std::to_string(c.class_index) + "\"><h2>" + escape(c.class_name) +
         " <span class=\"dim\">(class " + std::to_string(c.class_index) + ")</span></h2>\n<p class=\"meta\">" +
         std::to_string(c.images) + (c.images == 1 ? " image" : " images") + ", " +
         std::to_string(c.labelled_images) + " with labels</p>\n";
    if (c.mean_by_layer.empty()) {
      o += "<p class=\"note\">No labels for this class yet: none of its " + std::to_string(c.images) +
           (c.images == 1 ? " image has" : " images have") +
           " a label record. Label its cluster maps (labeling.html) and run inx global again.</p>\n</section>\n";
      continue;
    }
    double max_total = 0;
    for (const auto& l : c.layers)
      for (const auto& e : l.labels) max_total = std::max(max_total, e.total);
    for (const auto& l : c.layers) {
      o += "<div class=\"layerrow\"><h3>" + escape(l.layer) + "</h3>\n";
      if (l.labels.empty()) {
        o += "<p class=\"note\">No labels at this layer.</p></div>\n";
        continue;
      }
      o += bars_svg(l, info.top, max_total) + "\n<div class=\"examples\">\n";
      for (std::size_t i = 0; i < l.labels.size() && i < info.top; ++i) {
        const auto& e = l.labels[i];
        o += "<div class=\"ex\"><span class=\"word\">" + escape(e.label) + "</span>";
        for (std::size_t k = 0; k < e.examples.size() && k < info.examples; ++k) {
          const auto pic = example(*e.examples[k]);
          const std::string alt = "label " + e.label + ": " + e.examples[k]->image + ", " + l.layer;
          if (!pic.empty()) o += "<img src=\"" + url(pic) + "\" alt=\"" + escape(alt) + "\" title=\"" + escape(alt) + "\">";
        }
        o += "</div>\n";
      }
      o += "</div></div>\n";
    }
    o += "<div class=\"layerrow\"><h3>Trends over the layers</h3>\n" + trend_svg(c, layers) +
         "\n<table class=\"slopes\"><tr><th>label</th><th>slope</th><th></th></tr>\n";
    std::vector<std::pair<double, std::string>> by_slope;
    for (const auto& [label, sl] : c.trend) by_slope.push_back({sl, label});
    std::stable_sort(by_slope.begin(), by_slope.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [sl, label] : by_slope)
      o += "<tr><td>" + escape(label) + "</td><td>" + fixed(sl, 3) + "</td><td class=\"" +
           (sl > 0 ? "up\">appears deeper" : sl < 0 ? "down\">fades deeper" : "\">flat") + "</td></tr>\n";
    o += "</table></div>\n</section>\n";
  }
  o += "</main></body></html>\n";
  io::write_file(path, o);
}

}  // namespace render
INX_END_NAMESPACE
