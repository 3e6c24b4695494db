// Helpers shared by the mvcc tests: short ways to write and read a store, and a seeded
// random workload of commands (the recovery and concurrency tests use it).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "myetcd/mvcc/kv.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc::testing {

// Aborts the test (doctest REQUIRE) if the write fails.
PutResponse MustPut(MvccStore& s, const std::string& key, const std::string& value,
                    int64_t lease = 0);
DeleteRangeResponse MustDelete(MvccStore& s, const std::string& key,
                               const std::string& range_end = "");
RangeResponse MustRange(const MvccStore& s, const RangeRequest& r);
// The keys of a range response, in order.
std::vector<std::string> Keys(const RangeResponse& r);

// A random command (encoded) over a small keyspace: puts, deletes (single, range, prefix),
// txns (compares of every target, both branches, sometimes invalid), compactions (some
// invalid). `current` and `compacted` steer the compaction revisions.
std::string RandomCommand(std::mt19937_64& rng, int64_t current, int64_t compacted);

}  // namespace myetcd::mvcc::testing
