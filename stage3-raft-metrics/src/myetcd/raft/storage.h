// Storage: what the Raft core reads of its own durable state (etcd-io/raft's Storage,
// Raft Figure 2 "Persistent state"). The core only reads through it; the caller writes it
// while handling a Ready (persist entries and hard state, then send, then apply).
//
// Two implementations: MemoryStorage (here; tests and the simulator, where "the disk" is a
// value that survives a simulated crash) and, later in stage 3, a WAL-backed one.
//
// Room for snapshots: entries below FirstIndex() are compacted away; the entry just before
// FirstIndex() is known only by its term (a snapshot's index and term). Without a snapshot
// FirstIndex() is 1 and TermAt(0) is 0.
//
// Thread-safety: none; the node's driver owns its storage.
#pragma once

#include <cstdint>
#include <vector>

#include "myetcd/raft/types.h"

namespace myetcd::raft {

class Storage {
 public:
  virtual ~Storage() = default;

  // The hard state saved last (all zero for a new node).
  virtual HardState InitialState() const = 0;
  // The first index still held (1 without a snapshot).
  virtual Index FirstIndex() const = 0;
  // The last index held (FirstIndex() - 1 when empty).
  virtual Index LastIndex() const = 0;
  // The term of entry i, for i in [FirstIndex() - 1, LastIndex()]; 0 outside that range.
  virtual Term TermAt(Index i) const = 0;
  // Entries [lo, hi), stopping once their data exceeds max_bytes (but always at least one).
  // REQUIRES: FirstIndex() <= lo <= hi <= LastIndex() + 1.
  virtual std::vector<Entry> Entries(Index lo, Index hi, uint64_t max_bytes) const = 0;
};

// The whole log in a vector. ents_[0] is a dummy standing for the entry before the first
// (index FirstIndex() - 1), so a future snapshot only moves that dummy.
class MemoryStorage : public Storage {
 public:
  MemoryStorage();

  HardState InitialState() const override { return hard_state_; }
  Index FirstIndex() const override { return ents_.front().index + 1; }
  Index LastIndex() const override { return ents_.back().index; }
  Term TermAt(Index i) const override;
  std::vector<Entry> Entries(Index lo, Index hi, uint64_t max_bytes) const override;

  void SetHardState(const HardState& hs) { hard_state_ = hs; }
  // Appends `entries` (consecutive indexes), first dropping every held entry at or after
  // entries.front().index: a conflicting suffix is replaced, never merged.
  // REQUIRES: entries.front().index <= LastIndex() + 1 and > FirstIndex() - 1.
  void Append(const std::vector<Entry>& entries);

 private:
  HardState hard_state_;
  std::vector<Entry> ents_;
};

}  // namespace myetcd::raft
