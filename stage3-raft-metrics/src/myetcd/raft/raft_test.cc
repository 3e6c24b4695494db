// The Raft core end to end on a hand-driven cluster (test_cluster.h): elections,
// replication, check-quorum, pre-vote, flow control, crash and restart.
#include "myetcd/raft/raft.h"

#include <doctest/doctest.h>

#include <set>

#include "myetcd/raft/test_cluster.h"

namespace myetcd::raft {

TEST_CASE("Raft §5.2: a candidate with a majority of votes becomes leader and appends a no-op") {
  TestCluster c({.nodes = 3});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  CHECK(c.node(1).role() == Role::kLeader);
  CHECK(c.node(1).term() == 1);
  CHECK(c.node(2).leader() == 1);
  // The no-op (empty data, term 1) is committed and applied everywhere.
  for (NodeId id = 1; id <= 3; ++id) {
    INFO(c.NodeLine(id));
    REQUIRE(c.applied(id).size() == 1);
    CHECK(c.applied(id)[0] == Entry{1, 1, ""});
  }
  CHECK(c.checker().ok());
}

TEST_CASE("Raft §5.2: election timeouts are randomized in [election_tick, 2 * election_tick)") {
  TestCluster c({.nodes = 5});
  std::set<int> timeouts;
  for (NodeId id = 1; id <= 5; ++id) {
    int t = c.node(id).randomized_election_timeout();
    CHECK(t >= 10);
    CHECK(t < 20);
    timeouts.insert(t);
  }
  CHECK_MESSAGE(timeouts.size() > 1, "five nodes drew the same timeout: a split vote would repeat");
}

TEST_CASE("Raft §5.2: a follower that hears no leader campaigns after its timeout") {
  TestCluster c({.nodes = 3});
  int timeout = c.node(2).randomized_election_timeout();
  c.Tick(2, timeout - 1);
  CHECK(c.node(2).role() == Role::kFollower);
  c.Tick(2, 1);
  CHECK(c.node(2).role() == Role::kPreCandidate);
  c.Deliver(kNone, kNone);
  CHECK(c.node(2).role() == Role::kLeader);
}

TEST_CASE("Raft §5.3: a proposal is replicated, committed and applied on every node") {
  TestCluster c({.nodes = 3});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  auto out = c.Propose(1, "req-1:put a=1");
  CHECK(out.front() == "index 2");
  c.Deliver(kNone, kNone);
  c.Tick(1, 1);  // a heartbeat carries the new commit index to the followers
  c.Deliver(kNone, kNone);
  for (NodeId id = 1; id <= 3; ++id) {
    INFO(c.NodeLine(id));
    REQUIRE(c.applied(id).size() == 2);
    CHECK(c.applied(id)[1].data == "req-1:put a=1");
  }
}

TEST_CASE("Raft: a follower refuses proposals; the caller must find the leader") {
  TestCluster c({.nodes = 3});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  auto r = c.node(2).Propose("x");
  CHECK(!r.ok());
}

TEST_CASE("ARCHITECTURE §2: the leader counts its own entry only after persisting it") {
  TestCluster c({.nodes = 1});
  c.Campaign(1);
  CHECK(c.node(1).role() == Role::kLeader);
  // The cluster harness handled the Ready (persisted), so the no-op committed.
  CHECK(c.node(1).log().committed() == 1);
  // By hand: propose, and look before persisting.
  auto idx = c.node(1).Propose("x");
  REQUIRE(idx.ok());
  CHECK_MESSAGE(c.node(1).log().committed() == 1,
                "a single node must not commit an entry it has not persisted");
}

TEST_CASE("thesis §6.2: check-quorum: a leader that hears no majority steps down") {
  TestCluster c({.nodes = 3});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  c.Isolate(1);
  for (int i = 0; i < 25; ++i) {
    c.Tick(1, 1);
    c.Deliver(kNone, kNone);
  }
  CHECK(c.node(1).role() == Role::kFollower);
}

TEST_CASE("thesis §9.6: pre-vote: a node that was cut off does not depose a working leader") {
  TestCluster c({.nodes = 3});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  Term term = c.node(1).term();
  c.Isolate(3);
  for (int i = 0; i < 5; ++i) {
    c.Campaign(3);  // it times out again and again
    c.Deliver(kNone, kNone);
  }
  CHECK_MESSAGE(c.node(3).term() == term, "pre-votes must not raise the isolated node's term");
  c.Heal();
  c.Campaign(3);
  c.Deliver(kNone, kNone);
  CHECK(c.node(1).role() == Role::kLeader);
  CHECK(c.node(1).term() == term);
}

TEST_CASE("Raft §5.4.1: a candidate with a shorter log loses the election") {
  TestCluster c({.nodes = 3, .pre_vote = false, .check_quorum = false});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  c.Isolate(3);
  c.Propose(1, "a");
  c.Deliver(kNone, kNone);
  c.Heal();
  c.Crash(1);
  c.Campaign(3);  // 3 lacks entry 2: node 2 refuses it
  c.Deliver(kNone, kNone);
  CHECK(c.node(3).role() != Role::kLeader);
  c.Campaign(2);
  c.Deliver(kNone, kNone);
  CHECK(c.node(2).role() == Role::kLeader);
}

TEST_CASE("flow control: at most max_inflight appends are unanswered, each within the byte limit") {
  TestCluster c({.nodes = 3, .max_batch_bytes = 1, .max_inflight = 2});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  for (int i = 0; i < 10; ++i) c.Propose(1, "e");
  size_t appends_to_2 = 0;
  for (const Message& m : c.queue()) {
    if (m.type == MessageType::kAppend && m.to == 2 && !m.entries.empty()) {
      ++appends_to_2;
      CHECK(m.entries.size() == 1);
    }
  }
  CHECK_MESSAGE(appends_to_2 == 2, "with max_inflight = 2 only two appends may be in flight");
  c.Deliver(kNone, kNone);
  for (int i = 0; i < 3; ++i) {
    c.Tick(1, 1);
    c.Deliver(kNone, kNone);
  }
  CHECK(c.applied(2).size() == 11);
}

TEST_CASE("Raft Figure 2: a restarted node keeps its term, vote and log") {
  TestCluster c({.nodes = 3});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  c.Propose(1, "a");
  c.Deliver(kNone, kNone);
  HardState before = c.node(2).hard_state();
  Index last = c.node(2).log().LastIndex();
  c.Crash(2);
  c.Restart(2);
  CHECK(c.node(2).term() == before.term);
  CHECK(c.node(2).vote() == before.vote);
  CHECK(c.node(2).log().LastIndex() == last);
  CHECK(c.checker().ok());
}

}  // namespace myetcd::raft

namespace myetcd::raft {

TEST_CASE("Raft: a batch of proposals travels in one append per follower") {
  TestCluster c({.nodes = 3});
  c.Campaign(1);
  c.Deliver(kNone, kNone);
  c.Do(1, [](Raft& r) {
    auto last = r.ProposeBatch({"a", "b", "c"});
    REQUIRE(last.ok());
    CHECK(*last == 4);
  });
  int appends = 0;
  for (const Message& m : c.queue()) appends += m.type == MessageType::kAppend;
  CHECK(appends == 2);
  c.Deliver(kNone, kNone);
  CHECK(c.applied(1).size() == 4);
}

}  // namespace myetcd::raft
