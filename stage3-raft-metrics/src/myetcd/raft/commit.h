// When an entry is committed (Raft §5.3, §5.4.2; lab s3-02).
//
// A leader learns from its followers' match indexes how far each log agrees with its own.
// The highest index held by a majority is *replicated* on a majority. It is *committed*
// only if its entry carries the leader's current term: §5.4.2 and Figure 8 show an
// old-term entry stored on a majority that a later leader still overwrites. Entries of
// earlier terms are committed indirectly, by committing a current-term entry after them
// (the Log Matching property then covers every entry before it); this is why a new leader
// appends a no-op at once.
#pragma once

#include <functional>
#include <span>

#include "myetcd/raft/types.h"

namespace myetcd::raft {

// The highest index that at least a majority of `match` (one index per voter, the leader
// included) has reached. REQUIRES: !match.empty().
Index QuorumMatchIndex(std::span<const Index> match);

struct CommitInput {
  std::span<const Index> match;        // one per voter, the leader's own (persisted) one included
  Index committed = 0;                 // the leader's commit index now
  Term current_term = 0;               // the leader's term
  std::function<Term(Index)> term_at;  // the leader's log: term of an entry, 0 if none
};

// The leader's new commit index: the majority-replicated index if its entry is of the
// current term and it is above `committed`; otherwise `committed` unchanged. Never lower.
Index NextCommitIndex(const CommitInput& in);

}  // namespace myetcd::raft
