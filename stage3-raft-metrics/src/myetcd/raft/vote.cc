// Raft §5.2 (leader election), §5.4.1 (election restriction), thesis §9.6 (pre-vote);
// lab s3-01. See vote.h for the rules; the reasons are here.
//
// One vote per term is what makes "at most one leader per term" true: two candidates
// would each need a majority, the majorities share a voter, and that voter voted once. The
// vote is part of the hard state, so it survives a crash (a voter that forgot its vote
// could vote again after a restart).
//
// The up-to-date check is what makes "leader completeness" true: a committed entry is on
// a majority, the winner's voters include one of them, and that voter refuses a candidate
// whose log is behind its own.
//
// A pre-vote changes nothing at the voter: a node cut off from the cluster keeps timing
// out, but since nobody would vote for it, it never raises its term and never disrupts a
// working leader when it comes back.
#include "myetcd/raft/vote.h"

namespace myetcd::raft {

bool GrantVote(const VoteRequest& req, const LocalState& local) {
  // EXERCISE(s3-01) BEGIN stub: return false;
  if (req.term < local.term) return false;
  bool can_vote;
  if (req.pre_vote) {
    can_vote = req.term > local.term;
  } else {
    can_vote =
        local.voted_for == req.candidate || (local.voted_for == kNone && local.leader == kNone);
  }
  if (!can_vote) return false;
  return req.last_term > local.last_term ||
         (req.last_term == local.last_term && req.last_index >= local.last_index);
  // EXERCISE(s3-01) END
}

}  // namespace myetcd::raft
