// The invariant checker must be able to fail: each case builds a broken history by hand.
#include "myetcd/raft/invariants.h"

#include <doctest/doctest.h>

#include "myetcd/raft/test_cluster.h"

namespace myetcd::raft {

TEST_CASE("invariant checker: two leaders in one term break election safety") {
  // Two separate clusters each elect a leader in term 1; the checker sees both as one.
  // Only the votes are delivered, so nothing is committed (that would be checked too).
  TestCluster a({.nodes = 3}), b({.nodes = 3});
  a.Campaign(1);
  while (a.node(1).role() != Role::kLeader) a.Deliver(kNone, kNone, 1);
  b.Campaign(2);
  while (b.node(2).role() != Role::kLeader) b.Deliver(kNone, kNone, 1);
  MemoryStorage s1, s2, s3;
  InvariantChecker checker(3);
  checker.Check({{&a.node(1), &s1}, {&b.node(2), &s2}, {&a.node(3), &s3}});
  REQUIRE(!checker.ok());
  CHECK(checker.violation().find("election safety") != std::string::npos);
}

TEST_CASE("invariant checker: two entries with one index and term break log matching") {
  TestCluster a({.nodes = 1});
  InvariantChecker checker(2);
  Ready r1, r2;
  r1.entries = {Entry{1, 1, "x"}};
  r2.entries = {Entry{1, 1, "y"}};
  checker.OnPersist(a.node(1), r1);
  CHECK(checker.ok());
  checker.OnPersist(a.node(1), r2);
  REQUIRE(!checker.ok());
  CHECK(checker.violation().find("log matching") != std::string::npos);
}

TEST_CASE(
    "invariant checker: two different entries applied at one index break state machine safety") {
  InvariantChecker checker(2);
  checker.OnApply(1, Entry{1, 1, "x"});
  checker.OnApply(2, Entry{1, 1, "x"});
  CHECK(checker.ok());
  checker.OnApply(2, Entry{2, 1, "y"});
  REQUIRE(!checker.ok());
  CHECK(checker.violation().find("state machine safety") != std::string::npos);
}

TEST_CASE("invariant checker: a second vote in one term is reported") {
  TestCluster a({.nodes = 1});
  InvariantChecker checker(1);
  Ready r1, r2;
  r1.hard_state = HardState{3, 2, 0};
  r2.hard_state = HardState{3, 4, 0};
  checker.OnPersist(a.node(1), r1);
  CHECK(checker.ok());
  checker.OnPersist(a.node(1), r2);
  REQUIRE(!checker.ok());
  CHECK(checker.violation().find("one vote per term") != std::string::npos);
}

}  // namespace myetcd::raft
