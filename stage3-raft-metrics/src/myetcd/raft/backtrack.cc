// Raft §5.3, "If desired, the protocol can be optimized to reduce the number of rejected
// AppendEntries RPCs" — the term-skipping variant of etcd-io/raft; lab s3-03.
//
// Worked example (leader L, follower F; entries written index/term):
//
//   L: 1/1 2/1 3/1 4/4 5/4 6/5 7/5 8/5
//   F: 1/1 2/1 3/1 4/2 5/2 6/2 7/3 8/3 9/3 10/3
//
// L probes with prev = 8/5 and F rejects (its entry 8 has term 3). F starts at
// min(8, 10) = 8; its term there, 3, is already <= 5, so the hint is 8/3. L looks for the
// largest index <= 8 whose term in its own log is <= 3: entries 8..4 have terms 5, 5, 5,
// 4, 4, so it is 3, and the next probe has prev = 3/1, which F accepts. Two round trips
// instead of the six of stepping back one index at a time.
#include "myetcd/raft/backtrack.h"

#include <algorithm>

namespace myetcd::raft {

Index FindConflictByTerm(const TermView& log, Index index, Term term) {
  // EXERCISE(s3-03) BEGIN stub: return 0;
  index = std::min(index, log.last_index);
  while (index > 0 && log.term_at(index) > term) --index;
  return index;
  // EXERCISE(s3-03) END
}

RejectHint FollowerRejectHint(const TermView& log, Index prev_index, Term prev_term) {
  // EXERCISE(s3-03) BEGIN stub: return RejectHint{prev_index > 0 ? prev_index - 1 : 0, 0};
  Index i = FindConflictByTerm(log, std::min(prev_index, log.last_index), prev_term);
  return RejectHint{i, log.term_at(i)};
  // EXERCISE(s3-03) END
}

Index LeaderNextProbe(const TermView& log, Index rejected, const RejectHint& hint) {
  // EXERCISE(s3-03) BEGIN stub: return rejected > 0 ? rejected - 1 : 0;
  Index probe = hint.index;
  if (hint.term > 0) probe = FindConflictByTerm(log, hint.index, hint.term);
  return std::min(probe, rejected > 0 ? rejected - 1 : 0);
  // EXERCISE(s3-03) END
}

}  // namespace myetcd::raft
