// Granting a vote (Raft §5.2, §5.4.1; pre-vote from Ongaro's thesis §9.6; lab s3-01).
//
// A pure function of the request and of what the voter holds, so it is tested as a table
// of cases; Raft::Step feeds it after the term rules (a higher term has already made us a
// follower of that term, a lower term never reaches it).
#pragma once

#include "myetcd/raft/types.h"

namespace myetcd::raft {

struct VoteRequest {
  bool pre_vote = false;  // a PreVote asks "would you?"; nothing is recorded
  NodeId candidate = kNone;
  Term term = 0;         // the candidate's term (for a pre-vote: the term it would take)
  Index last_index = 0;  // the candidate's last log entry
  Term last_term = 0;
};

struct LocalState {
  Term term = 0;             // the voter's current term
  NodeId voted_for = kNone;  // whom it voted for in `term` (kNone: nobody yet)
  NodeId leader = kNone;     // the leader it follows in `term`, if it knows one
  Index last_index = 0;      // the voter's last log entry
  Term last_term = 0;
};

// True if the voter grants the request:
//  * never for a term below its own;
//  * a real vote: only if it has not voted in this term for someone else (one vote per
//    term, §5.2) and follows no leader in it;
//  * a pre-vote: only for a term above its own (the candidate would have to start one);
//  * either kind: only if the candidate's log is at least as up to date as its own:
//    a later last term wins; with equal last terms the longer log wins (§5.4.1).
bool GrantVote(const VoteRequest& req, const LocalState& local);

}  // namespace myetcd::raft
