// Label records: one answer of one player about one cluster map — image (as in report.json), layer, cluster (its
// rank), text, level (the reveal level 0-5 the answer was given at) and guess (a class index or name, or empty for
// no guess). Read from CSV (a header row naming the columns, RFC 4180 quoting; other columns are ignored) or JSON
// (an array of objects, or {"records": [...]}). Every record is checked against the reports and normalised; a bad
// one is a value_error naming the file and the record's line (CSV) or index (JSON).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/labels/reports.hpp"
#include "inx/labels/text.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

inline constexpr int reveal_levels = 6;  // 2, 4.5, 8, 13, 20, 30 % of a map's pixels

struct LabelRecord {
  std::string image, layer;
  std::size_t cluster = 0;
  std::string text;          // as typed
  std::string normalised;    // after normalise(): what is embedded and grouped
  int level = 0;             // 0..5
  std::int64_t guess = -1;   // class index, -1 for no guess
  std::int64_t truth = 0;    // the image's class, from its report
  std::string where;         // "labels.csv line 12": for later messages
};

namespace detail {
// Splits CSV text into rows of fields (RFC 4180: quoted fields may hold commas, quotes ("") and newlines); each row
// keeps the line it starts on.
struct CsvRow {
  std::size_t line = 0;
  std::vector<std::string> fields;
};
inline std::vector<CsvRow> parse_csv(const std::string& text, const std::string& file) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  std::size_t line = 1, i = 0;
  bool quoted = false, any = false;
  row.line = 1;
  const auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
  };
  const auto end_row = [&] {
    end_field();
    if (!(row.fields.size() == 1 && row.fields[0].empty())) rows.push_back(std::move(row));  // skip blank lines
    row = CsvRow{};
    row.line = line;
  };
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // a UTF-8 byte-order mark
  for (; i < text.size(); ++i) {
    const char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      require<value_error>(field.empty(), "labels ", file, " line ", line, ": a quote inside an unquoted field");
      quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      ++line;
      end_row();
    } else if (c != '\r') {
      field += c;
    }
  }
  require<value_error>(!quoted, "labels ", file, " line ", row.line, ": a quoted field is not closed");
  if (any && (!field.empty() || !row.fields.empty())) end_row();
  return rows;
}

// The class a guess names: an index in [0, classes) or a class name (compared folded), "" for none.
inline std::int64_t parse_guess(const std::string& g, const std::vector<std::string>& class_names,
                                const std::string& where) {
  if (g.empty()) return -1;
  if (g.find_first_not_of("0123456789") == std::string::npos && g.size() <= 9) {
    const auto v = std::stoll(g);
    require<value_error>(v < std::int64_t(class_names.size()), where, ": guess ", v, " is not a class index (0 to ",
                         class_names.size() - 1, ")");
    return v;
  }
  const std::string want = fold(g, where);
  for (std::size_t k = 0; k < class_names.size(); ++k)
    if (fold(class_names[k], "class name") == want) return std::int64_t(k);
  throw value_error(inx::detail::msg(where, ": guess \"", g, "\" is neither a class index nor one of the model's ",
                                     class_names.size(), " class names"));
}

inline int parse_level(const std::string& s, const std::string& where) {
  require<value_error>(!s.empty() && s.size() <= 2 && s.find_first_not_of("0123456789") == std::string::npos &&
                           std::stoi(s) < reveal_levels,
                       where, ": level \"", s, "\" must be an integer from 0 to ", reveal_levels - 1);
  return std::stoi(s);
}

// Checks a raw record against the reports and normalises its text.
inline LabelRecord make_record(const ReportSet& reports, const std::vector<std::string>& class_names,
                               const StopWords& stop, std::string image, std::string layer, const std::string& cluster,
                               std::string text, const std::string& level, const std::string& guess,
                               std::string where) {
  LabelRecord r;
  r.where = std::move(where);
  const ReportImage* im = reports.image(image);
  require<value_error>(im != nullptr, r.where, ": image \"", image, "\" is in none of the reports");
  const ReportLayer* l = im->layer(layer);
  require<value_error>(l != nullptr, r.where, ": image \"", image, "\" has no explained layer \"", layer, "\"");
  require<value_error>(!cluster.empty() && cluster.size() <= 6 &&
                           cluster.find_first_not_of("0123456789") == std::string::npos,
                       r.where, ": cluster \"", cluster, "\" must be a cluster rank (0, 1, ...)");
  r.cluster = std::size_t(std::stoul(cluster));
  require<value_error>(r.cluster < l->clusters.size(), r.where, ": layer \"", layer, "\" of image \"", image,
                       "\" has ", l->clusters.size(), " cluster(s), no rank ", r.cluster);
  r.level = parse_level(level, r.where);
  r.guess = parse_guess(guess, class_names, r.where);
  r.truth = im->class_index;
  r.normalised = normalise(text, im->class_name, stop, r.where);
  require<value_error>(!r.normalised.empty(), r.where, ": text \"", text,
                       "\" is empty once the class name and stop words are removed");
  r.image = im->image;  // the report's own name, however the record wrote it
  r.layer = std::move(layer);
  r.text = std::move(text);
  return r;
}
}  // namespace detail

// Reads label records from a .csv or .json file.
inline std::vector<LabelRecord> load_label_records(const std::filesystem::path& file, const ReportSet& reports,
                                                   const std::vector<std::string>& class_names,
                                                   const StopWords& stop) {
  std::ifstream f(file, std::ios::binary);
  require<io_error>(f.good(), "labels ", file, ": cannot open for reading");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  const std::string name = file.filename().string();
  std::vector<LabelRecord> out;
  if (file.extension() == ".json") {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw io_error(inx::detail::msg("labels ", file, ": not valid JSON (", e.what(), ")"));
    }
    if (j.is_object() && j.contains("records")) j = j["records"];
    require<value_error>(j.is_array(), "labels ", file, ": expected an array of records or {\"records\": [...]}");
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string where = inx::detail::msg("labels ", name, " record ", i);
      const auto& r = j[i];
      require<value_error>(r.is_object(), where, ": expected an object");
      const auto field = [&](const char* key, bool required) -> std::string {
        if (!r.contains(key) || r[key].is_null()) {
          require<value_error>(!required, where, ": has no \"", key, "\"");
          return "";
        }
        if (r[key].is_string()) return r[key].get<std::string>();
        require<value_error>(r[key].is_number_integer(), where, ": \"", key, "\" must be a string or an integer");
        return std::to_string(r[key].get<std::int64_t>());
      };
      out.push_back(detail::make_record(reports, class_names, stop, field("image", true), field("layer", true),
                                        field("cluster", true), field("text", true), field("level", true),
                                        field("guess", false), where));
    }
  } else {
    require<value_error>(file.extension() == ".csv", "labels ", file, ": expected a .csv or .json file");
    const auto rows = detail::parse_csv(text, name);
    require<value_error>(!rows.empty(), "labels ", file, ": empty (expected a header row and records)");
    std::map<std::string, std::size_t> col;
    for (std::size_t k = 0; k < rows[0].fields.size(); ++k) col[rows[0].fields[k]] = k;
    for (const char* need : {"image", "layer", "cluster", "text", "level"})
      require<value_error>(col.contains(need), "labels ", file, " line 1: the header has no column \"", need,
                           "\" (expected image, layer, cluster, text, level, guess)");
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const std::string where = inx::detail::msg("labels ", name, " line ", rows[i].line);
      const auto& fl = rows[i].fields;
      require<value_error>(fl.size() == rows[0].fields.size(), where, ": ", fl.size(), " fields, the header has ",
                           rows[0].fields.size());
      const auto get = [&](const char* key) { return col.contains(key) ? fl[col.at(key)] : std::string(); };
      out.push_back(detail::make_record(reports, class_names, stop, get("image"), get("layer"), get("cluster"),
                                        get("text"), get("level"), get("guess"), where));
    }
  }
  require<value_error>(!out.empty(), "labels ", file, ": no records (an empty label set explains nothing)");
  return out;
}

}  // namespace labels
INX_END_NAMESPACE
