// The store's revision rules and the put / delete semantics, from etcd's documented
// behaviour (ARCHITECTURE §5; etcd "API guarantees" and KV API docs).
#include "myetcd/mvcc/store.h"

#include <doctest/doctest.h>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/key_range.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

using testing::MustDelete;
using testing::MustPut;
using testing::MustRange;

TEST_CASE("a new store is at revision 1 and holds no key") {
  MvccStore s;
  CHECK(s.CurrentRevision() == 1);
  CHECK(s.CompactRevision() == 0);
  CHECK(s.KeyCount() == 0);
  CHECK_FALSE(s.Get("a").has_value());
}

TEST_CASE("every put bumps the revision by one, even of an unchanged value") {
  MvccStore s;
  CHECK(MustPut(s, "a", "1").header.revision == 2);
  CHECK(MustPut(s, "a", "1").header.revision == 3);
  CHECK(MustPut(s, "b", "1").header.revision == 4);
  CHECK(s.CurrentRevision() == 4);
}

TEST_CASE("create_revision, mod_revision and version follow the key's generations") {
  MvccStore s;
  MustPut(s, "k", "a");  // 2: created
  CHECK(*s.Get("k") ==
        KeyValue{.key = "k", .value = "a", .create_revision = 2, .mod_revision = 2, .version = 1});
  MustPut(s, "x", "-");  // 3
  MustPut(s, "k", "b");  // 4: version 2, same generation
  CHECK(*s.Get("k") ==
        KeyValue{.key = "k", .value = "b", .create_revision = 2, .mod_revision = 4, .version = 2});
  MustDelete(s, "k");  // 5: the generation ends
  CHECK_FALSE(s.Get("k").has_value());
  MustPut(s, "k", "c");  // 6: a new generation starts at version 1
  CHECK(*s.Get("k") ==
        KeyValue{.key = "k", .value = "c", .create_revision = 6, .mod_revision = 6, .version = 1});
}

TEST_CASE("a delete that removes something bumps the revision once, however many keys") {
  MvccStore s;
  for (const char* k : {"a", "b", "c", "d"}) MustPut(s, k, "v");  // 2..5
  DeleteRangeResponse d = MustDelete(s, "a", "c");
  CHECK(d.deleted == 2);
  CHECK(d.header.revision == 6);
  CHECK(s.CurrentRevision() == 6);
  CHECK(s.KeyCount() == 2);
}

TEST_CASE("a delete that matches nothing does not bump the revision") {
  MvccStore s;
  MustPut(s, "a", "v");  // 2
  DeleteRangeResponse d = MustDelete(s, "zz");
  CHECK(d.deleted == 0);
  CHECK(d.header.revision == 2);
  CHECK(MustDelete(s, "b", "z").deleted == 0);
  MustDelete(s, "a");                      // 3
  CHECK(MustDelete(s, "a").deleted == 0);  // already deleted
  CHECK(s.CurrentRevision() == 3);
}

TEST_CASE("put with prev_kv returns the key as it was; a new key has none") {
  MvccStore s;
  Result<PutResponse> first = s.Put({.key = "k", .value = "1", .prev_kv = true});
  REQUIRE(first.ok());
  CHECK_FALSE(first->prev_kv.has_value());
  Result<PutResponse> second = s.Put({.key = "k", .value = "2", .lease = 5, .prev_kv = true});
  REQUIRE(second.ok());
  REQUIRE(second->prev_kv.has_value());
  CHECK(*second->prev_kv ==
        KeyValue{.key = "k", .value = "1", .create_revision = 2, .mod_revision = 2, .version = 1});
  CHECK(s.Get("k")->lease == 5);
  Result<PutResponse> plain = s.Put({.key = "k", .value = "3"});
  CHECK_FALSE(plain->prev_kv.has_value());  // not asked for
}

TEST_CASE("delete with prev_kv returns every deleted key-value in key order") {
  MvccStore s;
  MustPut(s, "b", "2");
  MustPut(s, "a", "1");
  Result<DeleteRangeResponse> d =
      s.DeleteRange({.key = "a", .range_end = std::string(1, '\0'), .prev_kv = true});
  REQUIRE(d.ok());
  REQUIRE(d->prev_kvs.size() == 2);
  CHECK(d->prev_kvs[0].key == "a");
  CHECK(d->prev_kvs[0].value == "1");
  CHECK(d->prev_kvs[1].key == "b");
  CHECK(d->prev_kvs[1].mod_revision == 2);
}

TEST_CASE("an empty key is refused by put, delete and range") {
  MvccStore s;
  CHECK(StoreErrorOf(s.Put({.key = "", .value = "v"}).status()) == StoreError::kKeyEmpty);
  CHECK(StoreErrorOf(s.DeleteRange({.key = ""}).status()) == StoreError::kKeyEmpty);
  CHECK(StoreErrorOf(s.Range({.key = ""}).status()) == StoreError::kKeyEmpty);
  CHECK(s.CurrentRevision() == 1);
}

TEST_CASE("a read at an older revision sees the keyspace as it was then") {
  MvccStore s;
  MustPut(s, "a", "1");  // 2
  MustPut(s, "b", "1");  // 3
  MustPut(s, "a", "2");  // 4
  MustDelete(s, "b");    // 5
  auto at = [&](int64_t rev) {
    return MustRange(s, {.key = "a", .range_end = "z", .revision = rev});
  };
  CHECK(at(1).kvs.empty());
  CHECK(testing::Keys(at(3)) == std::vector<std::string>{"a", "b"});
  CHECK(at(3).kvs[0].value == "1");
  CHECK(at(4).kvs[0].value == "2");
  CHECK(testing::Keys(at(5)) == std::vector<std::string>{"a"});
  CHECK(at(3).header.revision == 5);  // the header carries the store's revision
}

TEST_CASE("a lease checker that refuses fails the put and changes nothing") {
  MvccStore s;
  s.SetLeaseChecker([](int64_t lease) {
    return lease == 7 ? Status::OK() : Status::NotFound("etcdserver: requested lease not found");
  });
  CHECK(s.Put({.key = "k", .value = "v", .lease = 7}).ok());
  Result<PutResponse> bad = s.Put({.key = "k2", .value = "v", .lease = 8});
  CHECK(bad.status().IsNotFound());
  CHECK(s.CurrentRevision() == 2);
  CHECK_FALSE(s.Get("k2").has_value());
  CHECK(s.Put({.key = "k3", .value = "v"}).ok());  // no lease: no question asked
}

TEST_CASE("a Write body that fails leaves no trace: keys, versions and revision") {
  MvccStore s;
  MustPut(s, "a", "1");
  Status st = s.Write([](MvccStore::WriteTxn& w) {
    w.Put({.key = "a", .value = "2"});
    w.Put({.key = "new", .value = "x"});
    w.DeleteRange({.key = "a"});
    return Status::Aborted("changed my mind");
  });
  CHECK(st.code() == Status::Code::kAborted);
  CHECK(s.CurrentRevision() == 2);
  CHECK(s.Get("a")->value == "1");
  CHECK(s.Get("a")->version == 1);
  CHECK_FALSE(s.Get("new").has_value());
  CHECK(s.KeyCount() == 1);
  CHECK(MustPut(s, "new", "y").header.revision == 3);
}

TEST_CASE("two writes of one key in one Write share the revision; the later one wins") {
  // Stage 2's batch may do this; a txn may not (duplicate key).
  MvccStore s;
  REQUIRE(s.Write([](MvccStore::WriteTxn& w) {
             w.Put({.key = "k", .value = "1"});
             w.Put({.key = "k", .value = "2"});
             return Status::OK();
           }).ok());
  CHECK(*s.Get("k") ==
        KeyValue{.key = "k", .value = "2", .create_revision = 2, .mod_revision = 2, .version = 2});
  CHECK(s.CurrentRevision() == 2);
}

TEST_CASE("store errors map to the API's codes") {
  CHECK(ApiCode(StoreErrorOf(ErrCompacted())) == "COMPACTED");
  CHECK(ApiCode(StoreErrorOf(ErrFutureRevision())) == "FUTURE_REVISION");
  CHECK(ApiCode(StoreErrorOf(ErrDuplicateKey())) == "DUPLICATE_KEY_IN_TXN");
  CHECK(ApiCode(StoreErrorOf(ErrTooManyOps())) == "TOO_MANY_TXN_OPS");
  CHECK(ApiCode(StoreErrorOf(ErrKeyEmpty())) == "KEY_EMPTY");
  CHECK(ApiCode(StoreErrorOf(Status::InvalidArgument("limit"))) == "INVALID_ARGUMENT");
  CHECK(StoreErrorOf(Status::IOError("disk")) == StoreError::kOther);
  CHECK(ErrCompacted().message() == "etcdserver: mvcc: required revision has been compacted");
}

}  // namespace
}  // namespace myetcd::mvcc
