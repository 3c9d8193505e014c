// Precomputed sentence embeddings: a float32 .npy matrix (one L2-normalised row per text) and a vocabulary file
// (one text per line, row i = line i + 1), as tools/embed_labels.py writes them. Both files are checked against each
// other before anything is used: the row count against the line count, a dimension of at least 1, finite rows of
// unit length, no blank or repeated vocabulary line.
#pragma once

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "inx/core/error.hpp"
#include "inx/io/npy.hpp"
#include "inx/tensor/tensor.hpp"

INX_BEGIN_NAMESPACE
namespace labels {

class Embeddings {
 public:
  Embeddings() = default;

  // rows: (N, D) unit rows; vocab: N distinct texts. `source` names both in errors.
  Embeddings(Tensor<float> rows, std::vector<std::string> vocab, std::string source = "embeddings")
      : rows_(std::move(rows)), vocab_(std::move(vocab)), source_(std::move(source)) {
    require<value_error>(rows_.rank() == 2 && rows_.dim(1) >= 1, source_, ": expected an (N, D) matrix, found shape ",
                         rows_.shape().str());
    require<value_error>(rows_.dim(0) == vocab_.size(), source_, ": ", rows_.dim(0), " rows but ", vocab_.size(),
                         " vocabulary lines");
    const std::size_t d = rows_.dim(1);
    for (std::size_t i = 0; i < vocab_.size(); ++i) {
      require<value_error>(!vocab_[i].empty(), source_, ": vocabulary line ", i + 1, " is empty");
      const auto [it, fresh] = index_.emplace(vocab_[i], i);
      require<value_error>(fresh, source_, ": vocabulary line ", i + 1, " repeats line ", it->second + 1, " (\"",
                           vocab_[i], "\")");
      double norm = 0;
      const float* r = rows_.data() + i * d;
      for (std::size_t k = 0; k < d; ++k) {
        require<value_error>(std::isfinite(r[k]), source_, ": row ", i, " (vocabulary line ", i + 1,
                             ") holds NaN or Inf");
        norm += double(r[k]) * r[k];
      }
      require<value_error>(std::abs(std::sqrt(norm) - 1.0) < 1e-3, source_, ": row ", i, " (vocabulary line ", i + 1,
                           ") has length ", std::sqrt(norm), ", expected L2-normalised rows");
    }
  }

  std::size_t size() const noexcept { return vocab_.size(); }
  std::size_t dim() const noexcept { return rows_.rank() == 2 ? rows_.dim(1) : 0; }
  bool contains(const std::string& text) const { return index_.contains(text); }
  const std::vector<std::string>& vocabulary() const noexcept { return vocab_; }

  // The row of `text`; `where` says who asked (a record's line) when it has none.
  std::size_t row(const std::string& text, const std::string& where) const {
    const auto it = index_.find(text);
    require<value_error>(it != index_.end(), where, ": text \"", text, "\" has no row in ", source_,
                         " (embed it with tools/embed_labels.py)");
    return it->second;
  }
  const float* vector(std::size_t row) const { return rows_.data() + row * dim(); }

  // Cosine similarity of two rows (their dot product: rows have unit length).
  double cosine(std::size_t a, std::size_t b) const {
    const float *x = vector(a), *y = vector(b);
    double s = 0;
    for (std::size_t k = 0; k < dim(); ++k) s += double(x[k]) * y[k];
    return s;
  }

 private:
  Tensor<float> rows_;
  std::vector<std::string> vocab_;
  std::map<std::string, std::size_t> index_;
  std::string source_;
};

// Reads the .npy matrix and the vocabulary file; errors name the file and, where it applies, the line.
inline Embeddings load_embeddings(const std::filesystem::path& npy, const std::filesystem::path& vocab) {
  auto a = io::read_npy(npy);
  require<value_error>(a.type == io::dtype::f32, "embeddings ", npy, ": expected float32 rows, found ",
                       io::dtype_name(a.type));
  auto rows = a.to<float>();
  std::ifstream f(vocab, std::ios::binary);
  require<io_error>(f.good(), "vocabulary ", vocab, ": cannot open for reading");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return Embeddings(std::move(rows), std::move(lines),
                    inx::detail::msg("embeddings ", npy.filename().string(), " / vocabulary ", vocab.filename().string()));
}

}  // namespace labels
INX_END_NAMESPACE
