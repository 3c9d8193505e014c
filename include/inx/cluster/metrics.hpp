// Comparing two partitions of the same rows: the adjusted Rand index (1 for identical partitions up to renaming).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace cluster {

// Adjusted Rand index as scikit-learn's adjusted_rand_score: every label value (noise -1 included) is a class.
inline double adjusted_rand_index(std::span<const std::int64_t> a, std::span<const std::int64_t> b) {
  require<shape_error>(a.size() == b.size(), "adjusted_rand_index: label vectors differ in length: ", a.size(),
                       " and ", b.size());
  const double n = static_cast<double>(a.size());
  std::map<std::pair<std::int64_t, std::int64_t>, double> joint;
  std::map<std::int64_t, double> ra, rb;
  for (std::size_t i = 0; i < a.size(); ++i) {
    joint[{a[i], b[i]}] += 1;
    ra[a[i]] += 1;
    rb[b[i]] += 1;
  }
  auto c2 = [](double m) { return m * (m - 1) / 2; };
  // Both partitions trivial in the same way (all one class, or all singletons): scikit-learn returns 1.
  if (ra.size() == rb.size() && (ra.size() == 1 || ra.size() == a.size() || a.empty())) return 1.0;
  double sij = 0, sa = 0, sb = 0;
  for (const auto& [k, m] : joint) sij += c2(m);
  for (const auto& [k, m] : ra) sa += c2(m);
  for (const auto& [k, m] : rb) sb += c2(m);
  const double expected = sa * sb / c2(n), maximum = (sa + sb) / 2;
  if (maximum == expected) return 1.0;
  return (sij - expected) / (maximum - expected);
}

}  // namespace cluster
INX_END_NAMESPACE
