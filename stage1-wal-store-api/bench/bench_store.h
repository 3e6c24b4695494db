// The store the stage-1 benchmarks measure: keys "key/%08d" (12 bytes), 64-byte values, one
// version per key, inserted in a shuffled order as a real workload's keys arrive. Shared so
// that mvcc_bench and recovery_bench speak of the same 1M keys.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc::bench {

inline std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "key/%08d", i);
  return buf;
}

inline std::string Value(int i) {
  std::string v(64, 'v');
  v.replace(0, std::to_string(i).size(), std::to_string(i));
  return v;
}

// Puts keys 0..n-1 (aborts on failure: a benchmark has no one to report to).
inline void Fill(MvccStore& s, int n) {
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(1));
  for (int i : order) {
    if (!s.Put({.key = Key(i), .value = Value(i)}).ok()) std::abort();
  }
}

}  // namespace myetcd::mvcc::bench
