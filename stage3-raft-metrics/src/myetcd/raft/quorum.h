// Quorums (Raft §5.2): a decision needs a majority of the voters, so any two decisions
// share at least one voter. That shared voter is what makes election safety (two
// majorities cannot elect two leaders in one term) and leader completeness (a new leader's
// voters include someone who holds every committed entry) work.
//
// Only a fixed voter set exists today; joint consensus and learners (membership, the next
// issue) will replace MajorityOf with a configuration object here, and nothing else.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "myetcd/raft/types.h"

namespace myetcd::raft {

// The size of a majority of n voters: n/2 + 1.
constexpr size_t MajorityOf(size_t n) { return n / 2 + 1; }

enum class VoteResult { kPending, kWon, kLost };

// Counts the votes of one election: granted and refused, one per voter.
class VoteTally {
 public:
  void Reset(const std::vector<NodeId>& voters);
  // Records the first answer of `voter`; a repeated answer (a duplicated message) is
  // ignored, so a vote cannot be counted twice.
  void Record(NodeId voter, bool granted);
  VoteResult Result() const;
  size_t Granted() const;

 private:
  std::vector<NodeId> voters_;
  std::map<NodeId, bool> votes_;
};

}  // namespace myetcd::raft
