// Lab s3-01: granting a vote (Raft §5.2, §5.4.1; thesis §9.6). Each case states one rule
// of GrantVote as a table; the last runs the simulator, which needs working elections.
#include "myetcd/raft/vote.h"

#include <doctest/doctest.h>

#include "myetcd/raft/simulator.h"

namespace myetcd::raft {
namespace {

constexpr const char* kPage = "see docs/stage3/labs/s3-01-vote.md";

VoteRequest Vote(NodeId from, Term term, Index last_index, Term last_term) {
  return VoteRequest{.pre_vote = false,
                     .candidate = from,
                     .term = term,
                     .last_index = last_index,
                     .last_term = last_term};
}

LocalState Voter(Term term, NodeId voted_for, Index last_index, Term last_term,
                 NodeId leader = kNone) {
  return LocalState{.term = term,
                    .voted_for = voted_for,
                    .leader = leader,
                    .last_index = last_index,
                    .last_term = last_term};
}

}  // namespace

TEST_CASE("[s3-01] Raft §5.2: a voter grants its vote to an up-to-date candidate of its term") {
  CHECK_MESSAGE(GrantVote(Vote(2, 5, 10, 4), Voter(5, kNone, 10, 4)),
                "same term, no vote yet, equal logs: the vote must be granted; " << kPage);
  CHECK_MESSAGE(GrantVote(Vote(2, 5, 0, 0), Voter(5, kNone, 0, 0)),
                "two empty logs are equally up to date; " << kPage);
}

TEST_CASE("[s3-01] Raft §5.2: one vote per term, but the same candidate may ask again") {
  CHECK_MESSAGE(!GrantVote(Vote(2, 5, 10, 4), Voter(5, 3, 10, 4)),
                "already voted for 3 in term 5: a vote for 2 would allow two leaders; " << kPage);
  CHECK_MESSAGE(GrantVote(Vote(3, 5, 10, 4), Voter(5, 3, 10, 4)),
                "a repeated request (a lost answer) from the candidate we voted for is granted "
                "again; "
                    << kPage);
}

TEST_CASE("[s3-01] Raft §5.2: no vote for a term below ours, none while we follow a leader") {
  CHECK_MESSAGE(!GrantVote(Vote(2, 4, 10, 4), Voter(5, kNone, 10, 4)),
                "a candidate of term 4 asks a voter in term 5: refuse; " << kPage);
  CHECK_MESSAGE(!GrantVote(Vote(2, 5, 10, 4), Voter(5, kNone, 10, 4, /*leader=*/3)),
                "the voter follows leader 3 in term 5 and has not voted: refuse; " << kPage);
}

TEST_CASE("[s3-01] Raft §5.4.1: the candidate's log must be at least as up to date") {
  // A later last term wins, whatever the lengths.
  CHECK_MESSAGE(GrantVote(Vote(2, 6, 3, 5), Voter(6, kNone, 100, 4)),
                "candidate's last entry 3/5 beats the voter's 100/4 (later term wins); " << kPage);
  CHECK_MESSAGE(!GrantVote(Vote(2, 6, 100, 4), Voter(6, kNone, 3, 5)),
                "candidate's last entry 100/4 loses to the voter's 3/5; " << kPage);
  // Equal last terms: the longer log wins, equal is enough.
  CHECK_MESSAGE(!GrantVote(Vote(2, 6, 9, 5), Voter(6, kNone, 10, 5)),
                "same last term, the candidate's log is shorter (9 < 10): refuse; " << kPage);
  CHECK_MESSAGE(GrantVote(Vote(2, 6, 11, 5), Voter(6, kNone, 10, 5)),
                "same last term, the candidate's log is longer: grant; " << kPage);
}

TEST_CASE("[s3-01] thesis §9.6: a pre-vote is granted for a higher term and records nothing") {
  VoteRequest pre = Vote(2, 6, 10, 4);
  pre.pre_vote = true;
  CHECK_MESSAGE(GrantVote(pre, Voter(5, 3, 10, 4)),
                "a pre-vote for term 6 from a voter in term 5 that voted for 3: grant (a pre-vote "
                "is not a vote); "
                    << kPage);
  pre.term = 5;
  CHECK_MESSAGE(
      !GrantVote(pre, Voter(5, kNone, 10, 4)),
      "a pre-vote for the voter's own term could not start an election: refuse; " << kPage);
  pre.term = 6;
  pre.last_index = 9;
  CHECK_MESSAGE(!GrantVote(pre, Voter(5, kNone, 10, 4)),
                "the up-to-date rule applies to pre-votes too; " << kPage);
}

TEST_CASE("[s3-01] simulator: 30 seeds elect leaders and keep every safety invariant") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    SimResult r = RunSimulation(SimConfig{.seed = seed, .ticks = 1000});
    INFO("seed " << seed << ": " << r.failure << "\nreplay: "
                 << ReplayCommand("build/test/bin/raft-sim", {.seed = seed, .ticks = 1000}));
    REQUIRE(r.ok);
  }
}

}  // namespace myetcd::raft
