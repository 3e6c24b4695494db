// Lab s1-05: txn compare evaluation (compare.h). Each case states one rule of etcd's
// compare semantics; docs/stage1/labs/s1-05-txn-compare.md is the lab page.
#include "myetcd/mvcc/compare.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

const char* Name(CompareTarget t) {
  switch (t) {
    case CompareTarget::kVersion: return "version";
    case CompareTarget::kCreate: return "create_revision";
    case CompareTarget::kMod: return "mod_revision";
    case CompareTarget::kValue: return "value";
    case CompareTarget::kLease: return "lease";
  }
  return "?";
}

const char* Name(CompareResult r) {
  switch (r) {
    case CompareResult::kEqual: return "=";
    case CompareResult::kNotEqual: return "!=";
    case CompareResult::kLess: return "<";
    case CompareResult::kGreater: return ">";
  }
  return "?";
}

Compare Num(CompareTarget t, CompareResult r, int64_t n) {
  return Compare{.key = "k", .target = t, .result = r, .number = n};
}
Compare Val(CompareResult r, std::string v) {
  return Compare{.key = "k", .target = CompareTarget::kValue, .result = r, .value = std::move(v)};
}

struct Case {
  Compare c;
  bool want;
};

void CheckTable(const KeyValue* kv, const std::vector<Case>& table) {
  for (const Case& t : table) {
    std::string operand =
        t.c.target == CompareTarget::kValue ? "\"" + t.c.value + "\"" : std::to_string(t.c.number);
    CHECK_MESSAGE(EvaluateCompare(t.c, kv) == t.want, Name(t.c.target), "(",
                  kv ? "k" : "missing key", ") ", Name(t.c.result), " ", operand, " should be ",
                  t.want, " (see docs/stage1/labs/s1-05-txn-compare.md)");
  }
}

// The key under test: value "m", created at 4, modified at 7, version 3, lease 9.
const KeyValue kKv{
    .key = "k", .value = "m", .create_revision = 4, .mod_revision = 7, .version = 3, .lease = 9};

TEST_CASE("[s1-05] numeric targets compare the key's field with the operand") {
  using enum CompareResult;
  std::vector<Case> table;
  struct Field {
    CompareTarget t;
    int64_t v;
  };
  for (Field f : {Field{CompareTarget::kVersion, 3}, Field{CompareTarget::kCreate, 4},
                  Field{CompareTarget::kMod, 7}, Field{CompareTarget::kLease, 9}}) {
    table.push_back({Num(f.t, kEqual, f.v), true});
    table.push_back({Num(f.t, kEqual, f.v + 1), false});
    table.push_back({Num(f.t, kNotEqual, f.v), false});
    table.push_back({Num(f.t, kNotEqual, f.v - 1), true});
    table.push_back({Num(f.t, kLess, f.v + 1), true});
    table.push_back({Num(f.t, kLess, f.v), false});
    table.push_back({Num(f.t, kGreater, f.v - 1), true});
    table.push_back({Num(f.t, kGreater, f.v), false});
  }
  CheckTable(&kKv, table);
}

TEST_CASE("[s1-05] the field is on the left: mod_revision < 8 holds for a key modified at 7") {
  CheckTable(&kKv, {{Num(CompareTarget::kMod, CompareResult::kLess, 8), true},
                    {Num(CompareTarget::kMod, CompareResult::kGreater, 8), false}});
}

TEST_CASE("[s1-05] value compares as bytes, a prefix sorting first") {
  using enum CompareResult;
  CheckTable(&kKv, {
                       {Val(kEqual, "m"), true},
                       {Val(kEqual, "n"), false},
                       {Val(kNotEqual, "m"), false},
                       {Val(kNotEqual, ""), true},
                       {Val(kLess, "n"), true},
                       {Val(kLess, "mm"), true},
                       {Val(kLess, "m"), false},
                       {Val(kGreater, "l"), true},
                       {Val(kGreater, ""), true},
                       {Val(kGreater, "\x80"), false},
                   });
}

TEST_CASE("[s1-05] a missing key compares its numeric fields as 0") {
  using enum CompareResult;
  CheckTable(nullptr, {
                          {Num(CompareTarget::kVersion, kEqual, 0), true},
                          {Num(CompareTarget::kCreate, kEqual, 0), true},
                          {Num(CompareTarget::kMod, kEqual, 0), true},
                          {Num(CompareTarget::kLease, kEqual, 0), true},
                          {Num(CompareTarget::kVersion, kGreater, 0), false},
                          {Num(CompareTarget::kMod, kLess, 5), true},
                          {Num(CompareTarget::kCreate, kNotEqual, 0), false},
                      });
}

TEST_CASE("[s1-05] a value compare on a missing key is always false") {
  using enum CompareResult;
  CheckTable(nullptr, {
                          {Val(kEqual, ""), false},
                          {Val(kNotEqual, ""), false},
                          {Val(kNotEqual, "x"), false},
                          {Val(kLess, "z"), false},
                          {Val(kGreater, ""), false},
                      });
}

TEST_CASE("[s1-05] a txn takes the success branch only when every compare holds") {
  MvccStore s;
  testing::MustPut(s, "k", "m");  // rev 2
  auto txn = [&](std::vector<Compare> cs) {
    Result<TxnResponse> r = s.Txn(TxnRequest{.compare = std::move(cs)});
    REQUIRE(r.ok());
    return r->succeeded;
  };
  CHECK(txn({}));  // no compare: success
  CHECK(txn(
      {Val(CompareResult::kEqual, "m"), Num(CompareTarget::kVersion, CompareResult::kEqual, 1)}));
  CHECK_FALSE(txn(
      {Val(CompareResult::kEqual, "m"), Num(CompareTarget::kVersion, CompareResult::kEqual, 2)}));
  Compare missing{.key = "absent", .target = CompareTarget::kVersion, .number = 0};
  CHECK(txn({missing}));
}

}  // namespace
}  // namespace myetcd::mvcc
