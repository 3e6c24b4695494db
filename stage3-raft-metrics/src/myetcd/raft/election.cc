// Raft §5.2 (leader election), §9.6 of Ongaro's thesis (pre-vote) and §6.2 (check-quorum's
// leader lease, used here only to ignore disruptive vote requests).
//
// A follower that hears from no leader for its randomized election timeout campaigns.
// The randomization (a timeout drawn from [election_tick, 2 * election_tick)) is what ends
// split votes: two candidates that tied time out at different moments next time.
//
// With pre-vote the campaign has two rounds: first "would you vote for me in term T+1?"
// (no term changes anywhere), then, with a majority of yeses, the real election. A node
// that was partitioned away keeps failing the first round, so it never inflates its term
// and never forces a healthy leader to step down when it rejoins.
#include "myetcd/raft/raft.h"
#include "myetcd/raft/vote.h"

#include "myetcd/common/canary.h"

namespace myetcd::raft {

bool Raft::InLease() const {
  return config_.check_quorum && leader_ != kNone && election_elapsed_ < config_.election_tick;
}

void Raft::TickElection() {
  ++election_elapsed_;
  if (election_elapsed_ >= randomized_election_timeout_) {
    election_elapsed_ = 0;
    Campaign();
  }
}

void Raft::Campaign() {
  if (role_ == Role::kLeader) return;
  StartCampaign(config_.pre_vote);
}

void Raft::StartCampaign(bool pre_vote) {
  using T = MessageType;
  if (pre_vote) {
    BecomePreCandidate();
  } else {
    BecomeCandidate();
  }
  votes_.Record(id_, true);
  if (votes_.Result() == VoteResult::kWon) {  // a single-node cluster
    if (pre_vote) {
      StartCampaign(false);
    } else {
      BecomeLeader();
    }
    return;
  }
  Term term = pre_vote ? term_ + 1 : term_;
  for (NodeId peer : voters_) {
    if (peer == id_) continue;
    Send(Message{.type = pre_vote ? T::kPreVote : T::kVote,
                 .to = peer,
                 .term = term,
                 .log_term = log_.LastTerm(),
                 .index = log_.LastIndex()});
  }
}

void Raft::HandleVoteRequest(const Message& m) {
  using T = MessageType;
  bool pre = m.type == T::kPreVote;
  LocalState local{.term = term_,
                   .voted_for = vote_,
                   .leader = leader_,
                   .last_index = log_.LastIndex(),
                   .last_term = log_.LastTerm()};
  if (CanaryEnabled("DOUBLE_VOTE")) {
    // Planted bug: forget whom we voted for, so we vote again in the same term.
    local.voted_for = kNone;
    local.leader = kNone;
  }
  VoteRequest req{.pre_vote = pre,
                  .candidate = m.from,
                  .term = m.term,
                  .last_index = m.index,
                  .last_term = m.log_term};
  T resp = pre ? T::kPreVoteResp : T::kVoteResp;
  if (GrantVote(req, local)) {
    // A pre-vote answer carries the term asked about, so the pre-candidate counts it.
    Send(Message{.type = resp, .to = m.from, .term = m.term});
    if (!pre) {
      election_elapsed_ = 0;  // we just helped someone else become leader: give it time
      vote_ = m.from;
    }
  } else {
    Send(Message{.type = resp, .to = m.from, .term = term_, .reject = true});
  }
}

void Raft::HandleVoteResponse(const Message& m) {
  using T = MessageType;
  bool pre = role_ == Role::kPreCandidate;
  if (m.type != (pre ? T::kPreVoteResp : T::kVoteResp)) return;
  // A granted pre-vote answer carries term_ + 1; a stale one from an earlier round may not.
  if (pre && !m.reject && m.term != term_ + 1) return;
  votes_.Record(m.from, !m.reject);
  switch (votes_.Result()) {
    case VoteResult::kWon:
      if (pre) {
        StartCampaign(false);
      } else {
        BecomeLeader();
      }
      break;
    case VoteResult::kLost: BecomeFollower(term_, kNone); break;
    case VoteResult::kPending: break;
  }
}

}  // namespace myetcd::raft
