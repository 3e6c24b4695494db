// The event hook and the history iterator: stage 2's watch hub plugs in here.
#include <doctest/doctest.h>

#include <vector>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

using testing::MustDelete;
using testing::MustPut;

class Recorder : public StoreObserver {
 public:
  explicit Recorder(const MvccStore& s) : store_(s) {}
  void OnRevision(const RevisionEvents& batch) override {
    batches.push_back(batch);
    visible_at_call.push_back(store_.CurrentRevision());  // may read the store
  }
  void OnCompact(int64_t rev) override { compactions.push_back(rev); }

  std::vector<RevisionEvents> batches;
  std::vector<int64_t> visible_at_call;
  std::vector<int64_t> compactions;

 private:
  const MvccStore& store_;
};

TEST_CASE("observers get each revision's events once, in order, after it is visible") {
  MvccStore s;
  Recorder rec(s);
  s.AddObserver(&rec);
  MustPut(s, "a", "1");  // 2
  MustDelete(s, "zzz");  // nothing: no call
  REQUIRE(s.Txn({.success = {PutRequest{.key = "b", .value = "1"}, DeleteRangeRequest{.key = "a"}}})
              .ok());  // 3
  REQUIRE(s.Compact(2).ok());
  REQUIRE(rec.batches.size() == 2);
  CHECK(rec.batches[0].revision == 2);
  CHECK(rec.batches[1].revision == 3);
  CHECK(rec.visible_at_call == std::vector<int64_t>{2, 3});
  REQUIRE(rec.batches[1].events.size() == 2);
  CHECK(rec.batches[1].events[0].type == Event::Type::kPut);
  CHECK(rec.batches[1].events[1].type == Event::Type::kDelete);
  CHECK(rec.compactions == std::vector<int64_t>{2});
  s.RemoveObserver(&rec);
  MustPut(s, "c", "1");
  CHECK(rec.batches.size() == 2);
}

TEST_CASE("a DELETE event carries {key, mod_revision = the deleting revision} and prev_kv") {
  MvccStore s;
  Recorder rec(s);
  s.AddObserver(&rec);
  MustPut(s, "k", "v", 3);  // 2
  MustDelete(s, "k");       // 3
  REQUIRE(rec.batches.size() == 2);
  const Event& del = rec.batches[1].events[0];
  CHECK(del.type == Event::Type::kDelete);
  CHECK(del.kv == KeyValue{.key = "k", .mod_revision = 3});
  REQUIRE(del.prev_kv.has_value());
  CHECK(*del.prev_kv == KeyValue{.key = "k",
                                 .value = "v",
                                 .create_revision = 2,
                                 .mod_revision = 2,
                                 .version = 1,
                                 .lease = 3});
  CHECK_FALSE(rec.batches[0].events[0].prev_kv.has_value());  // a create has none
  s.RemoveObserver(&rec);
}

TEST_CASE("the history iterator replays exactly what the observers saw") {
  MvccStore s;
  Recorder rec(s);
  s.AddObserver(&rec);
  std::mt19937_64 rng(7);
  std::vector<RevisionEvents> all;
  for (int i = 0; i < 300; ++i) {
    std::string key = "k" + std::to_string(rng() % 20);
    if (rng() % 4 == 0) {
      MustDelete(s, key, key + "\xff");
    } else {
      MustPut(s, key, std::to_string(i));
    }
  }
  s.RemoveObserver(&rec);
  Result<HistoryIterator> it = s.History(1);
  REQUIRE(it.ok());
  std::vector<RevisionEvents> replay;
  size_t calls = 0;
  while (true) {
    size_t before = replay.size();
    REQUIRE(it->Next(&replay, 10).ok());
    if (replay.size() == before) break;
    ++calls;
  }
  CHECK(calls > 10);  // it came in batches
  CHECK(it->next_revision() == s.CurrentRevision() + 1);
  CHECK(replay == rec.batches);
}

TEST_CASE("history batches hold whole revisions") {
  MvccStore s;
  REQUIRE(
      s.Txn({.success = {PutRequest{.key = "a", .value = "1"}, PutRequest{.key = "b", .value = "1"},
                         PutRequest{.key = "c", .value = "1"}}})
          .ok());        // 2: three events
  MustPut(s, "d", "1");  // 3
  std::vector<RevisionEvents> out;
  REQUIRE(s.ReadHistory(1, 1, &out).ok());
  REQUIRE(out.size() == 1);
  CHECK(out[0].events.size() == 3);
  REQUIRE(s.ReadHistory(3, 1, &out).ok());
  CHECK(out.back().revision == 3);
  out.clear();
  REQUIRE(s.ReadHistory(4, 1, &out).ok());  // caught up: nothing, no error
  CHECK(out.empty());
  CHECK(s.ReadHistory(0, 1, &out).IsInvalidArgument());
}

TEST_CASE("an iterator whose next revision gets compacted reports compacted") {
  MvccStore s;
  MustPut(s, "a", "1");
  MustPut(s, "a", "2");
  Result<HistoryIterator> it = s.History(2);
  REQUIRE(it.ok());
  REQUIRE(s.Compact(3).ok());
  std::vector<RevisionEvents> out;
  CHECK(StoreErrorOf(it->Next(&out)) == StoreError::kCompacted);
}

}  // namespace
}  // namespace myetcd::mvcc
