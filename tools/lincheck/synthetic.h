// Synthetic histories with a known verdict, for tests and benchmarks: clients run against a
// simulated single copy of a key-value store; each op takes effect at a random instant
// inside its [call, return] interval, so the history is linearizable by construction.
// InjectStaleRead then makes one read return an older value, a violation by construction.
#pragma once

#include <cstdint>

#include "tools/lincheck/history.h"

namespace myetcd::lincheck {

struct SyntheticOptions {
  int clients = 8;
  int keys = 100;
  int ops = 50000;
  double unknown_fraction = 0.02;  // writes whose outcome the client never learnt
  uint64_t seed = 1;
};

History MakeLinearizableHistory(const SyntheticOptions& opts);

// Changes one successful get that returned a value written earlier than its start to an
// older value of the same key. Returns false if no such get exists.
bool InjectStaleRead(History* history, uint64_t seed);

}  // namespace myetcd::lincheck
