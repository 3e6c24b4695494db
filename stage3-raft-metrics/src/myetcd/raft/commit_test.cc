// Lab s3-02: advancing the commit index (Raft §5.3, §5.4.2, Figure 8).
#include "myetcd/raft/commit.h"

#include <doctest/doctest.h>

#include <vector>

#include "myetcd/raft/simulator.h"

namespace myetcd::raft {
namespace {

constexpr const char* kPage = "see docs/stage3/labs/s3-02-commit.md";

// A leader log whose entry i has terms[i - 1].
CommitInput Input(const std::vector<Index>& match, Index committed, Term term,
                  const std::vector<Term>& terms) {
  return CommitInput{
      .match = match, .committed = committed, .current_term = term, .term_at = [terms](Index i) {
        return i >= 1 && i <= terms.size() ? terms[i - 1] : Term{0};
      }};
}

}  // namespace

TEST_CASE("[s3-02] the quorum match index is the highest index a majority holds") {
  std::vector<Index> three{5, 3, 9};
  CHECK_MESSAGE(QuorumMatchIndex(three) == 5, "matches {5,3,9}: 5 is on two of three; " << kPage);
  std::vector<Index> five{1, 7, 7, 2, 9};
  CHECK_MESSAGE(QuorumMatchIndex(five) == 7,
                "matches {1,7,7,2,9}: 7 is on three of five; " << kPage);
  std::vector<Index> four{4, 4, 2, 2};
  CHECK_MESSAGE(QuorumMatchIndex(four) == 2,
                "matches {4,4,2,2}: a majority of 4 is 3, so 2; " << kPage);
  std::vector<Index> one{6};
  CHECK(QuorumMatchIndex(one) == 6);
}

TEST_CASE("[s3-02] Raft §5.3: a current-term entry on a majority is committed") {
  std::vector<Term> terms{1, 1, 2, 2, 2};
  CHECK_MESSAGE(NextCommitIndex(Input({5, 4, 1}, 0, 2, terms)) == 4,
                "entry 4 (term 2) is on a majority in term 2: commit 4; " << kPage);
  CHECK_MESSAGE(NextCommitIndex(Input({5, 5, 5}, 3, 2, terms)) == 5,
                "all hold 5: commit 5; " << kPage);
}

TEST_CASE("[s3-02] Raft §5.4.2: a leader never commits an old-term entry by counting replicas") {
  // Figure 8 (c): S1 leads in term 4; entry 2 (term 2) is on S1, S2, S3 — a majority of 5.
  std::vector<Term> terms{1, 2, 4};
  CHECK_MESSAGE(NextCommitIndex(Input({3, 2, 2, 1, 1}, 1, 4, terms)) == 1,
                "entry 2 has term 2, the leader's term is 4: counting replicas must not commit "
                "it (S5 could still overwrite it); "
                    << kPage);
  // Figure 8 (e): once entry 3 (term 4) is on a majority, 2 and 3 commit together.
  CHECK_MESSAGE(
      NextCommitIndex(Input({3, 3, 3, 1, 1}, 1, 4, terms)) == 3,
      "entry 3 of the current term on a majority commits it and, through it, 2; " << kPage);
}

TEST_CASE("[s3-02] the commit index never goes backwards") {
  std::vector<Term> terms{1, 1, 1, 3, 3};
  CHECK_MESSAGE(
      NextCommitIndex(Input({5, 2, 1}, 4, 3, terms)) == 4,
      "the majority holds only 2 (a follower restarted), but 4 is committed already; " << kPage);
}

TEST_CASE("[s3-02] simulator: 30 seeds commit entries and keep every safety invariant") {
  uint64_t committed = 0;
  for (uint64_t seed = 101; seed <= 130; ++seed) {
    SimResult r = RunSimulation(SimConfig{.seed = seed, .ticks = 1000});
    INFO("seed " << seed << ": " << r.failure << "\nreplay: "
                 << ReplayCommand("build/test/bin/raft-sim", {.seed = seed, .ticks = 1000}));
    REQUIRE(r.ok);
    committed += r.committed;
  }
  CHECK(committed > 1000);
}

}  // namespace myetcd::raft
