// Fast conflict backtracking (Raft §5.3, the optimization at the end of the section, as
// etcd-io/raft does it; lab s3-03).
//
// Without it, a leader whose append is rejected tries again one index lower, one round
// trip per entry: a follower that missed a thousand entries of an old term costs a
// thousand round trips. With it, the follower answers with a *hint* — an index and the
// term of its entry there — chosen so the leader can skip a whole term's worth of
// entries per round trip, and often lands on the agreement point at once.
#pragma once

#include <functional>

#include "myetcd/raft/types.h"

namespace myetcd::raft {

// A read-only view of one node's log, by term.
struct TermView {
  Index last_index = 0;
  std::function<Term(Index)> term_at;  // 0 for an index the log does not hold
};

// The largest index i <= index whose entry has a term <= term (0 if none). Every entry
// above i has a term > term, so none of them can match an entry of term <= term.
Index FindConflictByTerm(const TermView& log, Index index, Term term);

struct RejectHint {
  Index index = 0;
  Term term = 0;
};

// Follower: the append with (prev_index, prev_term) did not match our log. The hint is
// (i, term of our entry i) for i = FindConflictByTerm(log, min(prev_index, last), prev_term):
// below min(prev_index, last) we may agree; entries whose term exceeds prev_term cannot.
RejectHint FollowerRejectHint(const TermView& log, Index prev_index, Term prev_term);

// Leader: a follower rejected our append at `rejected` with `hint`. Returns the index the
// next probe should use as its prev index: the largest index <= hint.index at which our
// entry's term is <= hint.term (the first candidate for agreement), or hint.index itself
// when the hint carries no term.
Index LeaderNextProbe(const TermView& log, Index rejected, const RejectHint& hint);

}  // namespace myetcd::raft
