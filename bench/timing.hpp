// Per-iteration timing for the benchmark loops. This machine's cores are shared, so a mean over iterations can be
// swamped by one descheduled thread (a 16 ms stall next to a 0.3 ms kernel); the median of the individual
// iterations (counter median_ms) and their minimum (min_ms, the least disturbed run) are what
// bench/compare_torch.py compares.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace inx_bench {

// Runs `call` once per benchmark iteration and sets the counters median_ms, min_ms, GFLOP (a kIsRate counter over
// the mean time, printed as GFLOP=.../s) and GFLOP/s_median (the rate at the median time).
template <class Call>
void timed_loop(benchmark::State& state, double flops, Call&& call) {
  std::vector<double> ms;
  ms.reserve(1024);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    benchmark::ClobberMemory();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  if (ms.empty()) return;
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  const double median = ms[ms.size() / 2];
  state.counters["median_ms"] = median;
  state.counters["min_ms"] = *std::min_element(ms.begin(), ms.end());
  state.counters["GFLOP"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s_median"] = flops * 1e-9 / (median * 1e-3);
}

}  // namespace inx_bench
