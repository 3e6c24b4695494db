// Raft §5.3 (nextIndex and matchIndex) with etcd-io/raft's flow control: probe one append
// at a time while logs disagree, then stream with a bounded window. Without the window a
// leader facing a slow follower would queue its whole log into the network; without the
// probe state a lagging follower would receive a flood of appends it must all reject.
#include "myetcd/raft/progress.h"

#include <algorithm>

#include "myetcd/raft/quorum.h"

namespace myetcd::raft {

void Inflights::FreeLE(Index index) {
  while (!items_.empty() && items_.front() <= index) items_.pop_front();
}

void Inflights::FreeFirstOne() {
  if (!items_.empty()) items_.pop_front();
}

void Progress::BecomeProbe() {
  state = State::kProbe;
  probe_sent = false;
  inflights.Reset();
  next = match + 1;
}

void Progress::BecomeReplicate() {
  state = State::kReplicate;
  probe_sent = false;
  inflights.Reset();
  next = match + 1;
}

bool Progress::MaybeUpdate(Index index) {
  bool updated = false;
  if (index > match) {
    match = index;
    updated = true;
    probe_sent = false;
  }
  next = std::max(next, index + 1);
  return updated;
}

bool Progress::MaybeDecrTo(Index rejected, Index next_probe) {
  if (state == State::kReplicate) {
    // Everything at or below match is known to agree, so a rejection there is stale.
    if (rejected <= match) return false;
    BecomeProbe();
    next = std::max(std::min(rejected, next_probe + 1), match + 1);
    return true;
  }
  // Probing: only the answer to the probe we sent last counts.
  if (next == 0 || next - 1 != rejected) return false;
  next = std::max(std::min(rejected, next_probe + 1), match + 1);
  probe_sent = false;
  return true;
}

bool Progress::IsPaused() const { return state == State::kProbe ? probe_sent : inflights.Full(); }

void Progress::SentEntries(Index last, bool had_entries) {
  if (state == State::kReplicate) {
    if (had_entries) {
      next = last + 1;
      inflights.Add(last);
    }
  } else {
    probe_sent = true;
  }
}

void ProgressTracker::Reset(const std::vector<NodeId>& voters, Index next, size_t max_inflight) {
  progress_.clear();
  for (NodeId id : voters) {
    Progress p(max_inflight);
    p.next = next;
    progress_.emplace(id, std::move(p));
  }
}

Progress& ProgressTracker::Get(NodeId id) { return progress_.at(id); }

std::vector<Index> ProgressTracker::MatchIndexes() const {
  std::vector<Index> out;
  out.reserve(progress_.size());
  for (const auto& [id, p] : progress_) out.push_back(p.match);
  return out;
}

bool ProgressTracker::QuorumActiveAndReset(NodeId self) {
  size_t active = 0;
  for (auto& [id, p] : progress_) {
    if (id == self || p.recent_active) ++active;
    if (id != self) p.recent_active = false;
  }
  return active >= MajorityOf(progress_.size());
}

}  // namespace myetcd::raft
