// The history of one key: every version the store still keeps, oldest first, and the
// lookups the store needs on it ("the key as of revision R", "drop what compaction
// allows"). The store keeps one KeyHistory per key in two indexes at once (store.h): an
// ordered map for ranges and a hash map for point reads.
//
// A version is a put (create_revision > 0) or a tombstone (create_revision == 0: the key
// was deleted at that revision). Versions are ordered by (main, sub) revision; a txn writes
// a key at most once, but a stage 2 batch may write it twice in one revision, and then the
// later sub-revision wins.
//
// Thread-safety: none of its own; the store's lock guards it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/mvcc/kv.h"

namespace myetcd::mvcc {

struct VersionRecord {
  int64_t main = 0;             // the revision that wrote it (= mod_revision)
  int64_t sub = 0;              // its position within that revision
  int64_t create_revision = 0;  // 0 = tombstone
  int64_t version = 0;
  int64_t lease = 0;
  std::string value;

  bool tombstone() const { return create_revision == 0; }
  friend bool operator==(const VersionRecord&, const VersionRecord&) = default;
};

class KeyHistory {
 public:
  explicit KeyHistory(std::string_view key) : key_(key) {}

  // The key this history belongs to; the view points into the ordered index's node.
  std::string_view key() const { return key_; }
  const std::vector<VersionRecord>& versions() const { return versions_; }
  bool empty() const { return versions_.empty(); }

  // The newest version with main <= rev, if it is a put; nullptr if the key did not exist
  // at rev (never written by then, deleted, or compacted away).
  const VersionRecord* LiveAt(int64_t rev) const;
  // The newest version if it is a put (the key exists now).
  const VersionRecord* Latest() const {
    return !versions_.empty() && !versions_.back().tombstone() ? &versions_.back() : nullptr;
  }
  // The version written at exactly (main, sub), or nullptr.
  const VersionRecord* Find(int64_t main, int64_t sub) const;
  // The version just before `v` if it is a put, else nullptr (for an event's prev_kv).
  // REQUIRES: v points into versions().
  const VersionRecord* LiveBefore(const VersionRecord* v) const;

  // REQUIRES: (v.main, v.sub) is above every version already here.
  void Append(VersionRecord v) { versions_.push_back(std::move(v)); }
  // Undoes the last Append (a txn that fails half-way is rolled back).
  void PopBack() { versions_.pop_back(); }

  // History compaction at revision `rev`: keeps every version above rev, and the newest
  // version <= rev only if it is a put (reads at rev still need it); drops the rest.
  // Returns true if nothing is left (the key can be forgotten).
  bool Compact(int64_t rev);

  KeyValue ToKeyValue(const VersionRecord& v) const;

 private:
  std::string_view key_;
  std::vector<VersionRecord> versions_;
};

}  // namespace myetcd::mvcc
