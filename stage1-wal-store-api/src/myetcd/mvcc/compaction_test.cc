// History compaction: what a compacted store still answers, and the two errors.
#include <doctest/doctest.h>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

using testing::Keys;
using testing::MustDelete;
using testing::MustPut;
using testing::MustRange;

// rev 2 put a=1, 3 put b=1, 4 put a=2, 5 delete b, 6 put c=1, 7 put a=3
void Fill(MvccStore& s) {
  MustPut(s, "a", "1");
  MustPut(s, "b", "1");
  MustPut(s, "a", "2");
  MustDelete(s, "b");
  MustPut(s, "c", "1");
  MustPut(s, "a", "3");
}

TEST_CASE("after compaction at C reads below C are compacted, at or above C answer as before") {
  MvccStore live, compacted;
  Fill(live);
  Fill(compacted);
  REQUIRE(compacted.Compact(5).ok());
  CHECK(compacted.CompactRevision() == 5);
  for (int64_t rev = 1; rev <= 7; ++rev) {
    INFO("read at ", rev);
    RangeRequest r{.key = "a", .range_end = "z", .revision = rev};
    Result<RangeResponse> got = compacted.Range(r);
    if (rev < 5) {
      CHECK(StoreErrorOf(got.status()) == StoreError::kCompacted);
    } else {
      REQUIRE(got.ok());
      RangeResponse want = MustRange(live, r);
      CHECK(got->kvs == want.kvs);
      CHECK(got->count == want.count);
    }
  }
  CHECK(compacted.CurrentRevision() == 7);  // compaction creates no revision
}

TEST_CASE("compacting at or below the compaction point is compacted, above current is future") {
  MvccStore s;
  Fill(s);  // at 7
  CHECK(StoreErrorOf(s.Compact(8).status()) == StoreError::kFutureRevision);
  REQUIRE(s.Compact(4).ok());
  CHECK(StoreErrorOf(s.Compact(4).status()) == StoreError::kCompacted);
  CHECK(StoreErrorOf(s.Compact(3).status()) == StoreError::kCompacted);
  CHECK(s.Compact(7).ok());  // up to the current revision is allowed
  CHECK(s.Compact(7).status().code() == Status::Code::kOutOfRange);
}

TEST_CASE("compaction forgets a key deleted at or below the compaction point") {
  MvccStore s;
  Fill(s);
  REQUIRE(s.Compact(5).ok());  // b was deleted at 5
  CHECK(Keys(MustRange(s, {.key = "a", .range_end = "z", .revision = 5})) ==
        std::vector<std::string>{"a"});
  CHECK(s.KeyCount() == 2);
  // b's whole history is gone from the snapshot section too.
  MvccStore copy;
  REQUIRE(copy.LoadSnapshotSection(s.EncodeSnapshotSection()).ok());
  CHECK(Keys(MustRange(copy, {.key = "a", .range_end = "z", .revision = 5})) ==
        std::vector<std::string>{"a"});
}

TEST_CASE("compaction keeps each key's newest version at or below the point, and all above") {
  MvccStore s;
  Fill(s);
  REQUIRE(s.Compact(6).ok());
  // a: versions 2 and 4 are <= 6; 4 is the newest, so a read at 6 still sees "2".
  CHECK(MustRange(s, {.key = "a", .revision = 6}).kvs[0].value == "2");
  CHECK(MustRange(s, {.key = "a", .revision = 6}).kvs[0].version == 2);
  CHECK(MustRange(s, {.key = "a"}).kvs[0].value == "3");
  CHECK(MustRange(s, {.key = "a"}).kvs[0].create_revision == 2);  // create survives
  // A later write keeps counting versions from where the key was.
  CHECK(MustPut(s, "a", "4").header.revision == 8);
  CHECK(s.Get("a")->version == 4);
}

TEST_CASE("the history iterator refuses to start at or below the compaction point") {
  MvccStore s;
  Fill(s);
  REQUIRE(s.Compact(5).ok());
  std::vector<RevisionEvents> out;
  CHECK(StoreErrorOf(s.ReadHistory(5, 100, &out)) == StoreError::kCompacted);
  CHECK(StoreErrorOf(s.History(2).status()) == StoreError::kCompacted);
  REQUIRE(s.ReadHistory(6, 100, &out).ok());
  REQUIRE(out.size() == 2);
  CHECK(out[0].revision == 6);
  CHECK(out[1].revision == 7);
}

}  // namespace
}  // namespace myetcd::mvcc
