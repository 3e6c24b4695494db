// Range semantics beyond range_end (which lab s1-04's cases cover): limit, more, count,
// keys_only, count_only, sort order and target, revision filters, read revisions. The
// rules are etcd's (server/etcdserver/txn/range.go; the RangeRequest docs in rpc.proto).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

using testing::Keys;
using testing::MustDelete;
using testing::MustPut;
using testing::MustRange;
using V = std::vector<std::string>;

// a..e with different versions, create and mod revisions and values:
//   rev 2 put c=3, 3 put a=5, 4 put e=1, 5 put b=4, 6 put d=2, 7 put a=0, 8 put c=9
//   a: create 3 mod 7 ver 2 val "0"; b: 5/5/1 "4"; c: 2/8/2 "9"; d: 6/6/1 "2"; e: 4/4/1 "1"
void Fill(MvccStore& s) {
  MustPut(s, "c", "3");
  MustPut(s, "a", "5");
  MustPut(s, "e", "1");
  MustPut(s, "b", "4");
  MustPut(s, "d", "2");
  MustPut(s, "a", "0");
  MustPut(s, "c", "9");
}

RangeRequest All() { return RangeRequest{.key = "a", .range_end = "z"}; }

TEST_CASE("limit returns the first keys, more says some were cut, count ignores the limit") {
  MvccStore s;
  Fill(s);
  struct Case {
    int64_t limit;
    V keys;
    bool more;
  };
  for (const Case& c : std::vector<Case>{{0, {"a", "b", "c", "d", "e"}, false},
                                         {-1, {"a", "b", "c", "d", "e"}, false},
                                         {2, {"a", "b"}, true},
                                         {4, {"a", "b", "c", "d"}, true},
                                         {5, {"a", "b", "c", "d", "e"}, false},
                                         {9, {"a", "b", "c", "d", "e"}, false}}) {
    INFO("limit ", c.limit);
    RangeRequest r = All();
    r.limit = c.limit;
    RangeResponse resp = MustRange(s, r);
    CHECK(Keys(resp) == c.keys);
    CHECK(resp.more == c.more);
    CHECK(resp.count == 5);
  }
}

TEST_CASE("count_only returns the count and no key-values") {
  MvccStore s;
  Fill(s);
  RangeRequest r = All();
  r.count_only = true;
  r.limit = 2;
  RangeResponse resp = MustRange(s, r);
  CHECK(resp.kvs.empty());
  CHECK(resp.count == 5);
  CHECK_FALSE(resp.more);
}

TEST_CASE("keys_only returns key-values without values") {
  MvccStore s;
  Fill(s);
  RangeRequest r = All();
  r.keys_only = true;
  RangeResponse resp = MustRange(s, r);
  REQUIRE(resp.kvs.size() == 5);
  CHECK(resp.kvs[0].value.empty());
  CHECK(resp.kvs[0].mod_revision == 7);
  CHECK(resp.kvs[0].version == 2);
}

TEST_CASE("sort orders by every target, ascending or descending, stable by key") {
  MvccStore s;
  Fill(s);
  struct Case {
    SortTarget target;
    SortOrder order;
    V want;
  };
  using enum SortTarget;
  using enum SortOrder;
  for (const Case& c : std::vector<Case>{
           {kKey, kNone, {"a", "b", "c", "d", "e"}},
           {kKey, kAscend, {"a", "b", "c", "d", "e"}},
           {kKey, kDescend, {"e", "d", "c", "b", "a"}},
           {kVersion, kAscend, {"b", "d", "e", "a", "c"}},   // 1,1,1 then 2,2 (ties by key)
           {kVersion, kDescend, {"a", "c", "b", "d", "e"}},  // ties keep key order
           {kCreate, kAscend, {"c", "a", "e", "b", "d"}},
           {kCreate, kDescend, {"d", "b", "e", "a", "c"}},
           {kMod, kAscend, {"e", "b", "d", "a", "c"}},
           {kMod, kDescend, {"c", "a", "d", "b", "e"}},
           {kValue, kAscend, {"a", "e", "d", "b", "c"}},
           {kValue, kDescend, {"c", "b", "d", "e", "a"}},
           {kMod, kNone, {"e", "b", "d", "a", "c"}},  // order none + target != key: ascend
       }) {
    INFO("target ", static_cast<int>(c.target), " order ", static_cast<int>(c.order));
    RangeRequest r = All();
    r.sort_target = c.target;
    r.sort_order = c.order;
    CHECK(Keys(MustRange(s, r)) == c.want);
  }
}

TEST_CASE("limit applies after the sort") {
  MvccStore s;
  Fill(s);
  RangeRequest r = All();
  r.sort_target = SortTarget::kMod;
  r.sort_order = SortOrder::kDescend;
  r.limit = 2;
  RangeResponse resp = MustRange(s, r);
  CHECK(Keys(resp) == V{"c", "a"});
  CHECK(resp.more);
  CHECK(resp.count == 5);
}

TEST_CASE("min/max mod/create revision filters drop keys but not the count") {
  MvccStore s;
  Fill(s);
  struct Case {
    int64_t min_mod, max_mod, min_create, max_create;
    V want;
  };
  for (const Case& c : std::vector<Case>{
           {6, 0, 0, 0, {"a", "c", "d"}},
           {0, 5, 0, 0, {"b", "e"}},
           {5, 6, 0, 0, {"b", "d"}},
           {0, 0, 4, 0, {"b", "d", "e"}},
           {0, 0, 0, 3, {"a", "c"}},
           {7, 0, 0, 3, {"a", "c"}},
           {0, 0, 9, 0, {}},
       }) {
    RangeRequest r = All();
    r.min_mod_revision = c.min_mod;
    r.max_mod_revision = c.max_mod;
    r.min_create_revision = c.min_create;
    r.max_create_revision = c.max_create;
    RangeResponse resp = MustRange(s, r);
    CHECK(Keys(resp) == c.want);
    CHECK(resp.count == 5);
  }
}

TEST_CASE("a read above the current revision is a future revision") {
  MvccStore s;
  Fill(s);  // at 8
  RangeRequest r = All();
  r.revision = 9;
  CHECK(StoreErrorOf(s.Range(r).status()) == StoreError::kFutureRevision);
  r.revision = 8;
  CHECK(s.Range(r).ok());
}

TEST_CASE("a read of a deleted key at the revision before the delete still sees it") {
  MvccStore s;
  MustPut(s, "k", "v");  // 2
  MustDelete(s, "k");    // 3
  CHECK(MustRange(s, {.key = "k", .revision = 2}).kvs.size() == 1);
  CHECK(MustRange(s, {.key = "k", .revision = 3}).kvs.empty());
  CHECK(MustRange(s, {.key = "k"}).count == 0);
}

}  // namespace
}  // namespace myetcd::mvcc
