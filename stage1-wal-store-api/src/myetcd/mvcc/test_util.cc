#include "myetcd/mvcc/test_util.h"

#include <doctest/doctest.h>

#include "myetcd/mvcc/command_codec.h"

namespace myetcd::mvcc::testing {

PutResponse MustPut(MvccStore& s, const std::string& key, const std::string& value, int64_t lease) {
  Result<PutResponse> r = s.Put(PutRequest{.key = key, .value = value, .lease = lease});
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

DeleteRangeResponse MustDelete(MvccStore& s, const std::string& key, const std::string& range_end) {
  Result<DeleteRangeResponse> r =
      s.DeleteRange(DeleteRangeRequest{.key = key, .range_end = range_end});
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

RangeResponse MustRange(const MvccStore& s, const RangeRequest& req) {
  Result<RangeResponse> r = s.Range(req);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

std::vector<std::string> Keys(const RangeResponse& r) {
  std::vector<std::string> keys;
  for (const KeyValue& kv : r.kvs) keys.push_back(kv.key);
  return keys;
}

namespace {

int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

std::string RandomKey(std::mt19937_64& rng) {
  static const char* kKeys[] = {"a", "ab", "abc", "b", "ba", "c", "d", "e\xff", "f", "g"};
  return kKeys[Uniform(rng, 0, 9)];
}

std::string RandomEnd(std::mt19937_64& rng, const std::string& key) {
  switch (Uniform(rng, 0, 4)) {
    case 0: return "";
    case 1: return std::string(1, '\0');
    case 2: return key + "\xff";
    default: return RandomKey(rng);
  }
}

RequestOp RandomOp(std::mt19937_64& rng, int64_t current) {
  std::string key = RandomKey(rng);
  switch (Uniform(rng, 0, 2)) {
    case 0:
      return RangeRequest{.key = key,
                          .range_end = RandomEnd(rng, key),
                          .limit = Uniform(rng, 0, 3),
                          .revision = Uniform(rng, 0, 1) ? 0 : Uniform(rng, 1, current)};
    case 1:
      return PutRequest{.key = key,
                        .value = "v" + std::to_string(Uniform(rng, 0, 99)),
                        .lease = Uniform(rng, 0, 2),
                        .prev_kv = Uniform(rng, 0, 1) == 1};
    default:
      return DeleteRangeRequest{
          .key = key, .range_end = RandomEnd(rng, key), .prev_kv = Uniform(rng, 0, 1) == 1};
  }
}

}  // namespace

std::string RandomCommand(std::mt19937_64& rng, int64_t current, int64_t compacted) {
  int64_t pick = Uniform(rng, 0, 99);
  if (pick < 45) {
    return EncodeCommand(PutRequest{.key = RandomKey(rng),
                                    .value = "v" + std::to_string(Uniform(rng, 0, 999)),
                                    .lease = Uniform(rng, 0, 3) == 0 ? Uniform(rng, 1, 5) : 0,
                                    .prev_kv = Uniform(rng, 0, 1) == 1});
  }
  if (pick < 60) {
    std::string key = RandomKey(rng);
    return EncodeCommand(
        DeleteRangeRequest{.key = key, .range_end = RandomEnd(rng, key), .prev_kv = true});
  }
  if (pick < 93) {
    TxnRequest t;
    for (int64_t i = Uniform(rng, 0, 3); i > 0; --i) {
      Compare c;
      c.key = RandomKey(rng);
      if (Uniform(rng, 0, 4) == 0) c.range_end = RandomEnd(rng, c.key);
      c.target = static_cast<CompareTarget>(Uniform(rng, 0, 4));
      c.result = static_cast<CompareResult>(Uniform(rng, 0, 3));
      c.value = "v" + std::to_string(Uniform(rng, 0, 999));
      c.number = Uniform(rng, 0, current + 1);
      t.compare.push_back(std::move(c));
    }
    for (int64_t i = Uniform(rng, 0, 4); i > 0; --i) t.success.push_back(RandomOp(rng, current));
    for (int64_t i = Uniform(rng, 0, 3); i > 0; --i) t.failure.push_back(RandomOp(rng, current));
    return EncodeCommand(t);
  }
  // Mostly valid compactions, sometimes below the compaction point or in the future.
  int64_t rev = Uniform(rng, 0, 5) == 0 ? Uniform(rng, 0, current + 2)
                                        : Uniform(rng, std::min(compacted + 1, current), current);
  return EncodeCommand(CompactRequest{.revision = rev});
}

std::vector<RevisionEvents> History(const MvccStore& s) {
  std::vector<RevisionEvents> out;
  REQUIRE(s.ReadHistory(s.CompactRevision() + 1, SIZE_MAX, &out).ok());
  return out;
}

void CheckSameStore(const MvccStore& live, const MvccStore& recovered) {
  REQUIRE(recovered.CurrentRevision() == live.CurrentRevision());
  REQUIRE(recovered.CompactRevision() == live.CompactRevision());
  CHECK(recovered.KeyCount() == live.KeyCount());
  CHECK(recovered.EncodeSnapshotSection() == live.EncodeSnapshotSection());
  CHECK(History(recovered) == History(live));
  const std::string all(1, '\0');
  for (int64_t rev = live.CompactRevision(); rev <= live.CurrentRevision(); ++rev) {
    if (rev < 1) continue;
    RangeRequest r{.key = all, .range_end = all, .revision = rev};
    Result<RangeResponse> a = live.Range(r), b = recovered.Range(r);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->kvs == b->kvs);
  }
}

}  // namespace myetcd::mvcc::testing
