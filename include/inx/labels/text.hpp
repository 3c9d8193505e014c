// Label text normalisation: what turns a player's answer into the text that is embedded and grouped.
//   1. the bytes must be valid UTF-8 without control characters (else a value_error naming `where`);
//   2. Unicode NFKC with case folding (utf8proc: compatibility forms and ligatures unfolded, "ＳＴＲＩＰＥＳ" and
//      "Stripes" both become "stripes");
//   3. words are runs of letters, digits and combining marks; everything else (punctuation, symbols, spaces)
//      separates them, and a possessive "'s" (or "’s") at the end of a word is dropped;
//   4. the class name is removed as whole words ("Ankle boot" drops "ankle boot"; "T-shirt/top" drops "t shirt
//      top", "t shirt" and "top"), then the stop words (a list in data/labels/stopwords_en.txt);
//   5. repeated words are dropped (the first stays), and the words are joined by single spaces.
#pragma once

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

// Step 1-2: validated, NFKC + case-folded UTF-8.
inline std::string fold(std::string_view text, const std::string& where) {
  const auto* s = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto n = static_cast<utf8proc_ssize_t>(text.size());
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(s + i, n - i, &cp);
    require<value_error>(len > 0, where, ": text is not valid UTF-8 (bad byte at offset ", i, ")");
    const auto cat = utf8proc_category(cp);
    require<value_error>(cat != UTF8PROC_CATEGORY_CC || cp == '\t' || cp == '\n' || cp == '\r', where,
                         ": text holds control character U+", std::hex, cp, std::dec);
    require<value_error>(cat != UTF8PROC_CATEGORY_CN && cat != UTF8PROC_CATEGORY_CS && cat != UTF8PROC_CATEGORY_CO,
                         where, ": text holds an unassigned or private-use code point U+", std::hex, cp, std::dec);
    i += len;
  }
  utf8proc_uint8_t* out = nullptr;
  const auto len = utf8proc_map(s, n, &out,
                                static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                                               UTF8PROC_CASEFOLD | UTF8PROC_IGNORE));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  require<value_error>(len >= 0, where, ": cannot normalise the text (", utf8proc_errmsg(len), ")");
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
}

// Step 3: the words of folded text.
inline std::vector<std::string> words(std::string_view folded) {
  std::vector<std::string> out;
  std::string cur;
  const auto* s = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  const auto n = static_cast<utf8proc_ssize_t>(folded.size());
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(s + i, n - i, &cp);
    if (len <= 0) break;  // fold() validated the text
    const auto cat = utf8proc_category(cp);
    const bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                      (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
                      (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (word) {
      cur.append(folded.substr(std::size_t(i), std::size_t(len)));
    } else if ((cp == '\'' || cp == 0x2019) && !cur.empty() && i + len < n && s[i + len] == 's') {
      // A possessive: "'s" followed by the end of the word.
      utf8proc_int32_t next = 0;
      const auto after = i + len + 1;
      const bool end = after >= n || [&] {
        const auto l2 = utf8proc_iterate(s + after, n - after, &next);
        const auto c2 = l2 > 0 ? utf8proc_category(next) : UTF8PROC_CATEGORY_ZS;
        return !((c2 >= UTF8PROC_CATEGORY_LU && c2 <= UTF8PROC_CATEGORY_LO) ||
                 (c2 >= UTF8PROC_CATEGORY_MN && c2 <= UTF8PROC_CATEGORY_ME) ||
                 (c2 >= UTF8PROC_CATEGORY_ND && c2 <= UTF8PROC_CATEGORY_NO));
      }();
      flush();
      if (end) {
        i = after;
        continue;
      }
    } else {
      flush();
    }
    i += len;
  }
  flush();
  return out;
}

// The English stop words, one per line ('#' starts a comment), folded like the texts.
class StopWords {
 public:
  StopWords() = default;
  explicit StopWords(const std::filesystem::path& file) {
    std::ifstream f(file);
    require<io_error>(f.good(), "stop words ", file, ": cannot open for reading");
    std::string line;
    for (std::size_t no = 1; std::getline(f, line); ++no) {
      if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      for (auto& w : words(fold(line, inx::detail::msg("stop words ", file, " line ", no)))) words_.insert(w);
    }
    require<io_error>(!words_.empty(), "stop words ", file, ": expected one word per line, found none");
  }
  bool contains(const std::string& w) const { return words_.contains(w); }
  std::size_t size() const noexcept { return words_.size(); }

 private:
  std::set<std::string> words_;
};

// The word sequences a class name stands for: the whole name and, for names like "T-shirt/top", each part between
// slashes; longest first.
inline std::vector<std::vector<std::string>> class_name_forms(std::string_view class_name) {
  std::vector<std::vector<std::string>> forms;
  const auto add = [&](std::string_view part) {
    auto w = words(fold(part, "class name"));
    if (!w.empty() && std::find(forms.begin(), forms.end(), w) == forms.end()) forms.push_back(std::move(w));
  };
  add(class_name);
  for (std::size_t start = 0;;) {
    const auto slash = class_name.find('/', start);
    add(class_name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::stable_sort(forms.begin(), forms.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return forms;
}

// Steps 1-5: the normalised text ("" when nothing is left).
inline std::string normalise(std::string_view text, std::string_view class_name, const StopWords& stop,
                             const std::string& where) {
  auto w = words(fold(text, where));
  for (const auto& form : class_name_forms(class_name)) {
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < w.size();) {
      if (i + form.size() <= w.size() && std::equal(form.begin(), form.end(), w.begin() + std::ptrdiff_t(i))) {
        i += form.size();
        continue;
      }
      kept.push_back(std::move(w[i++]));
    }
    w = std::move(kept);
  }
  std::string out;
  std::set<std::string> seen;
  for (auto& word : w) {
    if (stop.contains(word) || !seen.insert(word).second) continue;
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

}  // namespace labels
INX_END_NAMESPACE
