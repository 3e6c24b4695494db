// Progress: what a leader knows about each follower's log (Raft §5.3 nextIndex/matchIndex,
// Figure 2 "Volatile state on leaders"), plus flow control in the style of etcd-io/raft's
// tracker/: a follower is either being *probed* (one AppendEntries in flight until it
// answers, while the leader looks for the point where their logs agree) or *replicated to*
// (appends sent back to back, at most max_inflight of them unanswered).
//
//   probe ──(an append is accepted)──▶ replicate ──(an append is rejected)──▶ probe
//
// match: highest index known to be on the follower (durably; it answered after persisting).
// next:  the next index to send. match < next always.
//
// Thread-safety: none; owned by the leader's Raft object.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <vector>

#include "myetcd/raft/types.h"

namespace myetcd::raft {

// The last index of each unanswered append, oldest first, bounded.
class Inflights {
 public:
  explicit Inflights(size_t capacity) : capacity_(capacity) {}
  bool Full() const { return items_.size() >= capacity_; }
  size_t Count() const { return items_.size(); }
  void Add(Index last) { items_.push_back(last); }
  // An answer up to `index` frees every append that ended at or before it.
  void FreeLE(Index index);
  void FreeFirstOne();
  void Reset() { items_.clear(); }

 private:
  size_t capacity_;
  std::deque<Index> items_;
};

struct Progress {
  enum class State { kProbe, kReplicate };

  explicit Progress(size_t max_inflight) : inflights(max_inflight) {}

  Index match = 0;
  Index next = 1;
  State state = State::kProbe;
  bool probe_sent = false;     // probe: an append is out and unanswered
  bool recent_active = false;  // heard from in this check-quorum period (§6.2 of the thesis)
  Inflights inflights;

  void BecomeProbe();
  void BecomeReplicate();
  // An accepted append up to `index`. Returns false when it told us nothing new (stale).
  bool MaybeUpdate(Index index);
  // A rejected append whose prev index was `rejected`; `next_probe` is where the leader
  // will look next (from the follower's hint, see backtrack.h). Returns false when the
  // rejection is stale (it answers an append we no longer care about).
  bool MaybeDecrTo(Index rejected, Index next_probe);
  // Probing: one append at a time. Replicating: until the inflight window is full.
  bool IsPaused() const;
  // We sent an append whose entries end at `last` (none: `last` == next - 1).
  void SentEntries(Index last, bool had_entries);
};

// The leader's table of progress, one per voter (including itself).
class ProgressTracker {
 public:
  ProgressTracker() = default;
  void Reset(const std::vector<NodeId>& voters, Index next, size_t max_inflight);

  Progress& Get(NodeId id);
  const std::map<NodeId, Progress>& All() const { return progress_; }
  std::vector<Index> MatchIndexes() const;
  // Check-quorum: did a majority (counting ourselves) talk to us since the last call?
  // Clears every recent_active flag but ours.
  bool QuorumActiveAndReset(NodeId self);

 private:
  std::map<NodeId, Progress> progress_;
};

}  // namespace myetcd::raft
