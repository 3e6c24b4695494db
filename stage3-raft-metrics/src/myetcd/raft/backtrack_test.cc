// Lab s3-03: fast conflict backtracking (Raft §5.3, end of the section).
#include "myetcd/raft/backtrack.h"

#include <doctest/doctest.h>

#include <vector>

#include "myetcd/raft/test_cluster.h"

namespace myetcd::raft {
namespace {

constexpr const char* kPage = "see docs/stage3/labs/s3-03-backtrack.md";

// A log given by its terms: entry i has terms[i - 1].
TermView Log(std::vector<Term> terms) {
  Index last = terms.size();
  return TermView{.last_index = last, .term_at = [terms](Index i) {
                    return i >= 1 && i <= terms.size() ? terms[i - 1] : Term{0};
                  }};
}

}  // namespace

TEST_CASE("[s3-03] FindConflictByTerm: the largest index at or below, with a term at most") {
  TermView log = Log({1, 1, 1, 4, 4, 5, 5, 5});
  CHECK_MESSAGE(FindConflictByTerm(log, 8, 3) == 3,
                "terms 5,5,5,4,4 are > 3; entry 3 has 1; " << kPage);
  CHECK_MESSAGE(FindConflictByTerm(log, 8, 5) == 8, "entry 8 already has term 5 <= 5; " << kPage);
  CHECK_MESSAGE(FindConflictByTerm(log, 5, 4) == 5, "start at 5: its term 4 <= 4; " << kPage);
  CHECK_MESSAGE(FindConflictByTerm(log, 8, 0) == 0, "nothing has term 0: index 0; " << kPage);
  CHECK_MESSAGE(FindConflictByTerm(log, 20, 9) == 8,
                "an index past the end starts from the last entry; " << kPage);
}

TEST_CASE("[s3-03] a follower's hint skips the entries whose term is too new to match") {
  // The worked example at the top of backtrack.cc.
  TermView follower = Log({1, 1, 1, 2, 2, 2, 3, 3, 3, 3});
  RejectHint h = FollowerRejectHint(follower, 8, 5);
  CHECK_MESSAGE(h.index == 8, "min(prev 8, last 10) = 8, and its term 3 <= 5; " << kPage);
  CHECK_MESSAGE(h.term == 3, "the hint carries the follower's term at the hint index; " << kPage);
  // A follower whose log is short answers with its last index.
  TermView short_log = Log({1, 1});
  h = FollowerRejectHint(short_log, 7, 3);
  CHECK_MESSAGE((h.index == 2 && h.term == 1), "a follower holding 2 entries hints 2/1; " << kPage);
  // A follower whose entries are newer than prev_term skips them all.
  TermView newer = Log({1, 6, 6, 6});
  h = FollowerRejectHint(newer, 4, 3);
  CHECK_MESSAGE((h.index == 1 && h.term == 1), "terms 6 > 3 cannot match: hint 1/1; " << kPage);
}

TEST_CASE("[s3-03] the leader jumps to the last index where the logs may agree") {
  TermView leader = Log({1, 1, 1, 4, 4, 5, 5, 5});
  CHECK_MESSAGE(LeaderNextProbe(leader, 8, RejectHint{8, 3}) == 3,
                "hint 8/3: the leader's largest index <= 8 with term <= 3 is 3; " << kPage);
  CHECK_MESSAGE(LeaderNextProbe(leader, 8, RejectHint{2, 1}) == 2,
                "hint 2/1 (a short follower): probe at 2; " << kPage);
  CHECK_MESSAGE(LeaderNextProbe(leader, 8, RejectHint{0, 0}) == 0,
                "an empty follower: probe from the start; " << kPage);
}

TEST_CASE("[s3-03] a diverged follower is repaired in one rejection, not one per entry") {
  TestCluster c({.nodes = 3, .pre_vote = false, .check_quorum = false});
  // Node 2 leads term 1, then is cut off and appends five entries nobody else gets.
  c.Campaign(2);
  c.Deliver(kNone, kNone);
  c.Isolate(2);
  for (int i = 0; i < 5; ++i) c.Propose(2, "lost");
  c.Deliver(kNone, kNone);
  // Nodes 1 and 3 go on in term 2; node 1 appends six entries there.
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  for (int i = 0; i < 5; ++i) c.Propose(1, "kept");
  c.Deliver(kNone, kNone);
  // Node 1 restarts and wins term 3: it knows nothing of node 2's log (next = last + 1).
  c.Crash(1);
  c.Restart(1);
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  REQUIRE(c.node(1).role() == Role::kLeader);
  c.Heal();
  c.Tick(1, 1);  // a heartbeat; node 2's answer makes node 1 probe it
  int rejections = 0;
  for (const std::string& line : c.Deliver(kNone, kNone)) {
    if (line.find("AppendResp") != std::string::npos &&
        line.find("rejected") != std::string::npos) {
      ++rejections;
    }
  }
  INFO(c.NodeLine(1) << "\n" << c.NodeLine(2));
  CHECK_MESSAGE(c.node(2).log().LastIndex() == c.node(1).log().LastIndex(),
                "node 2's log must end up equal to the leader's; " << kPage);
  CHECK_MESSAGE(rejections == 1, "repairing node 2 took " << rejections
                                                          << " rejected appends; with the hint "
                                                             "it takes one; "
                                                          << kPage);
  CHECK(c.checker().ok());
}

}  // namespace myetcd::raft
