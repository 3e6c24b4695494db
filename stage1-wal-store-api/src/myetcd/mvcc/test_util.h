// Helpers shared by the mvcc tests (and the backend's recovery tests): short ways to write
// and read a store, a seeded random workload of commands, and a deep comparison of two
// stores (the recovery property: recovered == live).
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

// Every revision event above the compaction point, oldest first.
std::vector<RevisionEvents> History(const MvccStore& s);

// Checks (doctest) that `recovered` equals `live`: revisions, compaction point, keys, the
// snapshot section byte for byte, the history, and a full range at every readable revision.
void CheckSameStore(const MvccStore& live, const MvccStore& recovered);

}  // namespace myetcd::mvcc::testing
