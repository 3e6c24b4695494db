// The recovery property, in memory: commands are logged, not effects, so
//
//   snapshot section at command k  +  commands k.. replayed through Apply
//     ==  the live store after all commands
//
// in state, revisions, and history above the compaction point. The WAL and snapshot files
// only carry these same bytes; once they land, recovery glues exactly this together.
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "myetcd/mvcc/apply.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

struct Node {
  MvccStore store;
  ApplyDispatcher apply;
  Node() { REQUIRE(RegisterKvCommands(apply, store).ok()); }
};

// Applies `cmd` and returns its outcome as text, so two stores' results can be compared.
std::string Outcome(Node& n, const std::string& cmd) {
  Result<std::any> r = n.apply.Apply(cmd);
  REQUIRE_FALSE(r.status().IsCorruption());
  if (!r.ok()) return r.status().ToString();
  if (const auto* p = std::any_cast<PutResponse>(&*r))
    return "put@" + std::to_string(p->header.revision);
  if (const auto* d = std::any_cast<DeleteRangeResponse>(&*r)) {
    return "del@" + std::to_string(d->header.revision) + "x" + std::to_string(d->deleted);
  }
  if (const auto* t = std::any_cast<TxnResponse>(&*r)) {
    std::string s = "txn@" + std::to_string(t->header.revision) + (t->succeeded ? "+" : "-");
    for (const ResponseOp& op : t->responses) {
      if (const auto* rr = std::get_if<RangeResponse>(&op)) {
        s += " r" + std::to_string(rr->count);
        for (const KeyValue& kv : rr->kvs) s += "," + kv.key + "=" + kv.value;
      }
    }
    return s;
  }
  if (std::any_cast<CompactResponse>(&*r)) return "compact";
  FAIL("unknown response type");
  return "";
}

TEST_CASE("recovery = snapshot section + replayed commands equals the live store") {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);  // a failure prints the seed to replay
    std::mt19937_64 rng(seed);
    Node live;
    std::vector<std::string> log;
    const int n = 150 + static_cast<int>(rng() % 150);
    const int cut = static_cast<int>(rng() % n);
    std::string section;
    for (int i = 0; i < n; ++i) {
      if (i == cut) section = live.store.EncodeSnapshotSection();
      log.push_back(
          testing::RandomCommand(rng, live.store.CurrentRevision(), live.store.CompactRevision()));
      Outcome(live, log.back());
    }
    Node recovered;
    REQUIRE(recovered.store.LoadSnapshotSection(section).ok());
    for (int i = cut; i < n; ++i) Outcome(recovered, log[i]);
    testing::CheckSameStore(live.store, recovered.store);
  }
}

TEST_CASE("replayed commands give the same results they gave live, across chained snapshots") {
  for (uint64_t seed = 100; seed < 120; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    Node live;
    std::vector<std::string> log, outcomes;
    for (int i = 0; i < 400; ++i) {
      log.push_back(
          testing::RandomCommand(rng, live.store.CurrentRevision(), live.store.CompactRevision()));
      outcomes.push_back(Outcome(live, log.back()));
    }
    // Restart three times: each time from the previous recovered store's own snapshot.
    auto node = std::make_unique<Node>();
    int applied = 0;
    for (int restart : {100, 250, 400}) {
      for (; applied < restart; ++applied) {
        CHECK_MESSAGE(Outcome(*node, log[applied]) == outcomes[applied], "command ", applied);
      }
      std::string section = node->store.EncodeSnapshotSection();
      node = std::make_unique<Node>();
      REQUIRE(node->store.LoadSnapshotSection(section).ok());
    }
    testing::CheckSameStore(live.store, node->store);
  }
}

TEST_CASE("the snapshot keeps history above the compaction point, not only the latest state") {
  Node live;
  for (int i = 0; i < 10; ++i) {
    Outcome(live, EncodeCommand(PutRequest{.key = "k", .value = std::to_string(i)}));
  }
  Outcome(live, EncodeCommand(CompactRequest{.revision = 5}));
  Node recovered;
  REQUIRE(recovered.store.LoadSnapshotSection(live.store.EncodeSnapshotSection()).ok());
  Result<RangeResponse> old = recovered.store.Range({.key = "k", .revision = 6});
  REQUIRE(old.ok());
  CHECK(old->kvs[0].value == "4");
  CHECK(testing::History(recovered.store).size() == 6);  // revisions 6..11
}

}  // namespace
}  // namespace myetcd::mvcc
