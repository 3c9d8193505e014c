// How many threads inx's CPU kernels use. Both inx's own loops and oneDNN run on OpenMP, so one setting governs
// both; by default that is every core OpenMP sees (OMP_NUM_THREADS overrides, as for PyTorch).
#pragma once

#include <omp.h>

#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE

inline int num_threads() { return omp_get_max_threads(); }

inline void set_num_threads(int n) {
  require(n >= 1, "set_num_threads: expected a positive thread count, got ", n);
  omp_set_num_threads(n);
}

INX_END_NAMESPACE
