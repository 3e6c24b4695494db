// Raft §5.3 and §5.4.2 ("Committing entries from previous terms"), Figure 8; lab s3-02.
//
// Figure 2, "Rules for Servers", Leaders: "If there exists an N such that N > commitIndex,
// a majority of matchIndex[i] >= N, and log[N].term == currentTerm: set commitIndex = N."
//
// Why the term test: in Figure 8 an entry of term 2 sits on a majority (S1, S2, S3) while
// S1 leads in term 4; if S1 crashed now, S5 (whose last entry has term 3) could still win
// an election with votes from S2, S3 and S4 and overwrite it. Counting replicas alone would
// have called that entry committed. Once an entry of the current term is on a majority, no
// candidate without it can win, so it and everything before it are safe.
#include "myetcd/raft/commit.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace myetcd::raft {

Index QuorumMatchIndex(std::span<const Index> match) {
  // EXERCISE(s3-02) BEGIN stub: return 0;
  // Sort descending: the value at position majority-1 is held by at least a majority.
  std::vector<Index> sorted(match.begin(), match.end());
  std::sort(sorted.begin(), sorted.end(), std::greater<Index>());
  return sorted[sorted.size() / 2];
  // EXERCISE(s3-02) END
}

Index NextCommitIndex(const CommitInput& in) {
  // EXERCISE(s3-02) BEGIN stub: return in.committed;
  Index n = QuorumMatchIndex(in.match);
  if (n <= in.committed) return in.committed;                 // never backwards
  if (in.term_at(n) != in.current_term) return in.committed;  // §5.4.2: no counting for old terms
  return n;
  // EXERCISE(s3-02) END
}

}  // namespace myetcd::raft
