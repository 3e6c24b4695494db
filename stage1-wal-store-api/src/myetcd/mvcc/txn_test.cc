// Txn semantics: atomic at one revision, branches, the op limit, etcd's duplicate-key
// rule, reads inside a txn, and failure leaving no trace. (Compare evaluation itself is lab
// s1-05, compare_test.cc.)
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

using testing::Keys;
using testing::MustPut;

const std::string kNul(1, '\0');

PutRequest P(std::string k, std::string v = "v") {
  return {.key = std::move(k), .value = std::move(v)};
}
DeleteRangeRequest D(std::string k, std::string end = "") {
  return {.key = std::move(k), .range_end = std::move(end)};
}
RangeRequest R(std::string k, std::string end = "") {
  return {.key = std::move(k), .range_end = std::move(end)};
}

TEST_CASE("a txn's writes share one revision and sub-revisions keep their order") {
  MvccStore s;
  MustPut(s, "x", "0");  // 2
  Result<TxnResponse> t = s.Txn({.success = {P("a", "1"), P("b", "2"), D("x")}});
  REQUIRE(t.ok());
  CHECK(t->succeeded);
  CHECK(t->header.revision == 3);
  CHECK(s.CurrentRevision() == 3);
  CHECK(s.Get("a")->mod_revision == 3);
  CHECK(s.Get("b")->mod_revision == 3);
  std::vector<RevisionEvents> h;
  REQUIRE(s.ReadHistory(3, 100, &h).ok());
  REQUIRE(h.size() == 1);
  REQUIRE(h[0].events.size() == 3);
  CHECK(h[0].events[0].kv.key == "a");
  CHECK(h[0].events[1].kv.key == "b");
  CHECK(h[0].events[2].type == Event::Type::kDelete);
  CHECK(h[0].events[2].kv == KeyValue{.key = "x", .mod_revision = 3});
}

TEST_CASE("a failed compare runs the failure branch, a held one the success branch") {
  MvccStore s;
  MustPut(s, "k", "1");  // 2
  Compare is1{.key = "k", .target = CompareTarget::kValue, .value = "1"};
  TxnRequest r{.compare = {is1}, .success = {P("k", "2")}, .failure = {P("f", "x")}};
  Result<TxnResponse> first = s.Txn(r);
  REQUIRE(first.ok());
  CHECK(first->succeeded);
  CHECK(s.Get("k")->value == "2");
  Result<TxnResponse> second = s.Txn(r);
  REQUIRE(second.ok());
  CHECK_FALSE(second->succeeded);
  CHECK(s.Get("f")->value == "x");
  CHECK(s.Get("k")->value == "2");
  CHECK(s.CurrentRevision() == 4);
}

TEST_CASE("a compare over a range holds only if it holds for every key of it") {
  MvccStore s;
  MustPut(s, "p/a", "1");
  MustPut(s, "p/b", "1");
  auto holds = [&](Compare c) {
    Result<TxnResponse> r = s.Txn({.compare = {c}});
    REQUIRE(r.ok());
    return r->succeeded;
  };
  Compare all1{.key = "p/", .range_end = "p0", .target = CompareTarget::kValue, .value = "1"};
  CHECK(holds(all1));
  MustPut(s, "p/c", "2");
  CHECK_FALSE(holds(all1));
  Compare none{.key = "q/", .range_end = "q0", .target = CompareTarget::kVersion, .number = 0};
  CHECK(holds(none));  // an empty range compares as a missing key
}

TEST_CASE("a read-only txn and a txn whose deletes match nothing create no revision") {
  MvccStore s;
  MustPut(s, "a", "1");  // 2
  Result<TxnResponse> ro = s.Txn({.success = {R("a"), R("a", "z")}});
  REQUIRE(ro.ok());
  CHECK(ro->header.revision == 2);
  REQUIRE(ro->responses.size() == 2);
  CHECK(std::get<RangeResponse>(ro->responses[1]).count == 1);
  Result<TxnResponse> nothing = s.Txn({.success = {D("nope"), R("a")}});
  REQUIRE(nothing.ok());
  CHECK(nothing->header.revision == 2);
  CHECK(s.CurrentRevision() == 2);
}

TEST_CASE("a range inside a txn sees the writes of the ops before it") {
  MvccStore s;
  MustPut(s, "a", "old");  // 2
  MustPut(s, "b", "old");  // 3
  // (a put and a delete of one key in one branch would be a duplicate key)
  Result<TxnResponse> t = s.Txn({.success = {R("a"), P("a", "new"), R("a"), D("b"), R("b")}});
  REQUIRE(t.ok());
  CHECK(std::get<RangeResponse>(t->responses[0]).kvs[0].value == "old");
  CHECK(std::get<RangeResponse>(t->responses[2]).kvs[0].value == "new");
  CHECK(std::get<RangeResponse>(t->responses[2]).kvs[0].mod_revision == 4);
  CHECK(std::get<RangeResponse>(t->responses[4]).kvs.empty());
  CHECK(std::get<DeleteRangeResponse>(t->responses[3]).deleted == 1);
  for (const ResponseOp& op : t->responses) {
    std::visit([](const auto& x) { CHECK(x.header.revision == 4); }, op);
  }
}

TEST_CASE("a txn may hold at most max-txn-ops compares and ops per branch") {
  MvccStore s;
  TxnRequest ok;
  for (int i = 0; i < 128; ++i) ok.success.push_back(P("k" + std::to_string(i)));
  CHECK(s.Txn(ok).ok());
  TxnRequest too_many = ok;
  too_many.success.push_back(P("k128"));
  CHECK(StoreErrorOf(s.Txn(too_many).status()) == StoreError::kTooManyOps);
  TxnRequest compares;
  compares.compare.assign(129, Compare{.key = "k", .target = CompareTarget::kVersion});
  CHECK(StoreErrorOf(s.Txn(compares).status()) == StoreError::kTooManyOps);

  MvccStore small(StoreOptions{.max_txn_ops = 2});
  CHECK(small.Txn({.success = {P("a"), P("b")}, .failure = {P("c"), P("d")}}).ok());
  CHECK(StoreErrorOf(small.Txn({.failure = {P("a"), P("b"), P("c")}}).status()) ==
        StoreError::kTooManyOps);
}

TEST_CASE("etcd's duplicate-key rule for a txn branch") {
  struct Case {
    const char* rule;
    std::vector<RequestOp> ops;
    bool duplicate;
  };
  for (const Case& c : std::vector<Case>{
           {"two puts of one key", {P("a"), P("a")}, true},
           {"a put inside a delete range", {D("a", "c"), P("b")}, true},
           {"a put of a deleted single key", {D("b"), P("b")}, true},
           {"a put before the delete that covers it", {P("b"), D("a", "c")}, true},
           {"a put inside a from-key delete (our departure)", {D("a", kNul), P("z")}, true},
           {"a put just past a delete range", {D("a", "c"), P("c")}, false},
           {"overlapping deletes", {D("a", "c"), D("b", "d"), D("b")}, false},
           {"a put and a range of one key", {P("a"), R("a")}, false},
           {"puts of different keys", {P("a"), P("b")}, false},
       }) {
    INFO("rule: ", c.rule);
    MvccStore s;
    MustPut(s, "b", "x");
    Status st = s.Txn({.success = c.ops}).status();
    CHECK((StoreErrorOf(st) == StoreError::kDuplicateKey) == c.duplicate);
    if (c.duplicate) CHECK(s.CurrentRevision() == 2);
  }
}

TEST_CASE("the duplicate-key rule looks at each branch on its own") {
  MvccStore s;
  CHECK(s.Txn({.success = {P("a")}, .failure = {P("a")}}).ok());
  CHECK(StoreErrorOf(s.Txn({.success = {P("b")}, .failure = {P("a"), P("a")}}).status()) ==
        StoreError::kDuplicateKey);  // even the branch not taken
}

TEST_CASE("a txn that fails on a compacted range op changes nothing") {
  MvccStore s;
  MustPut(s, "a", "1");  // 2
  MustPut(s, "a", "2");  // 3
  REQUIRE(s.Compact(3).ok());
  RangeRequest old = R("a");
  old.revision = 2;
  Status st = s.Txn({.success = {P("b"), old}}).status();
  CHECK(StoreErrorOf(st) == StoreError::kCompacted);
  CHECK_FALSE(s.Get("b").has_value());
  CHECK(s.CurrentRevision() == 3);
  RangeRequest future = R("a");
  future.revision = 4;  // the txn's own revision is still the future to its checks
  CHECK(StoreErrorOf(s.Txn({.success = {P("b"), future}}).status()) == StoreError::kFutureRevision);
}

TEST_CASE("a txn put with prev_kv returns the key as it was before the txn's op") {
  MvccStore s;
  MustPut(s, "a", "1");
  PutRequest p = P("a", "2");
  p.prev_kv = true;
  Result<TxnResponse> t = s.Txn({.success = {p}});
  REQUIRE(t.ok());
  CHECK(std::get<PutResponse>(t->responses[0]).prev_kv->value == "1");
}

TEST_CASE("empty keys in compares or ops are refused before anything runs") {
  MvccStore s;
  CHECK(StoreErrorOf(s.Txn({.compare = {Compare{.key = ""}}}).status()) == StoreError::kKeyEmpty);
  CHECK(StoreErrorOf(s.Txn({.success = {P("a"), P("")}}).status()) == StoreError::kKeyEmpty);
  CHECK(StoreErrorOf(s.Txn({.failure = {D("")}}).status()) == StoreError::kKeyEmpty);
  CHECK(s.CurrentRevision() == 1);
}

TEST_CASE("the canonical lock: create the key only if it does not exist") {
  MvccStore s;
  TxnRequest lock{.compare = {Compare{.key = "lock",
                                      .target = CompareTarget::kCreate,
                                      .result = CompareResult::kEqual,
                                      .number = 0}},
                  .success = {P("lock", "me")},
                  .failure = {R("lock")}};
  Result<TxnResponse> first = s.Txn(lock);
  REQUIRE(first.ok());
  CHECK(first->succeeded);
  Result<TxnResponse> second = s.Txn(lock);
  REQUIRE(second.ok());
  CHECK_FALSE(second->succeeded);
  CHECK(Keys(std::get<RangeResponse>(second->responses[0])) == std::vector<std::string>{"lock"});
}

}  // namespace
}  // namespace myetcd::mvcc
