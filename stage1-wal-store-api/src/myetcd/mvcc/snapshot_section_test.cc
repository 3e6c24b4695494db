// The store's snapshot section: a round trip keeps everything, damage is refused.
#include <doctest/doctest.h>

#include <random>

#include "myetcd/common/coding.h"
#include "myetcd/common/crc32c.h"
#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

using testing::MustDelete;
using testing::MustPut;
using testing::MustRange;

void Fill(MvccStore& s) {
  MustPut(s, "a", "1", 4);
  MustPut(s, "b", std::string(1000, 'b'));
  MustPut(s, "a", "2");
  MustDelete(s, "b");
  MustPut(s, std::string("\0\xff", 2), "binary");
  MustPut(s, "c", "");
}

std::vector<RevisionEvents> AllHistory(const MvccStore& s) {
  std::vector<RevisionEvents> out;
  REQUIRE(s.ReadHistory(s.CompactRevision() + 1, SIZE_MAX, &out).ok());
  return out;
}

TEST_CASE("an empty store's section loads into a store at revision 1") {
  MvccStore s, t;
  REQUIRE(t.LoadSnapshotSection(s.EncodeSnapshotSection()).ok());
  CHECK(t.CurrentRevision() == 1);
  CHECK(t.CompactRevision() == 0);
  CHECK(t.KeyCount() == 0);
}

TEST_CASE("a loaded section answers reads at every kept revision and replays history") {
  MvccStore s;
  Fill(s);
  REQUIRE(s.Compact(3).ok());
  MvccStore t;
  MustPut(t, "junk", "replaced by the load");
  REQUIRE(t.LoadSnapshotSection(s.EncodeSnapshotSection()).ok());
  CHECK(t.CurrentRevision() == s.CurrentRevision());
  CHECK(t.CompactRevision() == 3);
  CHECK(t.KeyCount() == s.KeyCount());
  CHECK_FALSE(t.Get("junk").has_value());
  for (int64_t rev = 3; rev <= s.CurrentRevision(); ++rev) {
    RangeRequest r{.key = std::string(1, '\0'), .range_end = std::string(1, '\0'), .revision = rev};
    CHECK(MustRange(t, r).kvs == MustRange(s, r).kvs);
  }
  CHECK(AllHistory(t) == AllHistory(s));
  CHECK(t.EncodeSnapshotSection() == s.EncodeSnapshotSection());
  // And it goes on from there exactly like the original.
  CHECK(MustPut(t, "a", "3").header.revision == MustPut(s, "a", "3").header.revision);
  CHECK(t.Get("a") == s.Get("a"));
}

TEST_CASE("any flipped byte in a section is refused and the store keeps its state") {
  MvccStore s;
  Fill(s);
  std::string section = s.EncodeSnapshotSection();
  MvccStore t;
  MustPut(t, "mine", "1");
  for (size_t i = 0; i < section.size(); ++i) {
    std::string bad = section;
    bad[i] ^= 0x20;
    CHECK_MESSAGE(t.LoadSnapshotSection(bad).IsCorruption(), "flip at byte ", i);
  }
  for (size_t n = 0; n < section.size(); ++n) {
    CHECK(t.LoadSnapshotSection(section.substr(0, n)).IsCorruption());
  }
  CHECK(t.Get("mine").has_value());
  CHECK(t.CurrentRevision() == 2);
}

// A section with a valid checksum around `body`, to reach the grammar checks.
std::string Seal(std::string body) {
  PutFixed32(&body, crc32c::Mask(crc32c::Value(body)));
  return body;
}

std::string Header(int64_t current, int64_t compacted, uint64_t keys) {
  std::string b;
  PutFixed32(&b, 0x3153564b);
  PutVarint64(&b, 1);
  PutVarint64(&b, current);
  PutVarint64(&b, compacted);
  PutVarint64(&b, keys);
  return b;
}

void AddPut(std::string* b, int64_t main, int64_t sub, int64_t create, int64_t version) {
  PutVarint64(b, main);
  PutVarint64(b, sub);
  b->push_back(0);
  PutVarint64(b, create);
  PutVarint64(b, version);
  PutVarint64(b, 0);
  PutLengthPrefixed(b, "v");
}

TEST_CASE("a checksummed section that breaks the grammar is refused") {
  MvccStore t;
  auto load = [&](std::string body) { return t.LoadSnapshotSection(Seal(std::move(body))); };
  {
    std::string b = Header(5, 0, 1);
    PutLengthPrefixed(&b, "k");
    PutVarint64(&b, 1);
    AddPut(&b, 3, 0, 3, 1);
    CHECK(load(b).ok());  // the well-formed base case
  }
  {
    std::string b = Header(2, 5, 0);
    CHECK(load(b).IsCorruption());  // compacted above current
  }
  {
    std::string b = Header(5, 0, 2);
    PutLengthPrefixed(&b, "k");
    PutVarint64(&b, 1);
    AddPut(&b, 3, 0, 3, 1);
    PutLengthPrefixed(&b, "a");  // not ascending
    PutVarint64(&b, 1);
    AddPut(&b, 4, 0, 4, 1);
    CHECK(load(b).IsCorruption());
  }
  {
    std::string b = Header(5, 0, 1);
    PutLengthPrefixed(&b, "k");
    PutVarint64(&b, 1);
    AddPut(&b, 7, 0, 7, 1);  // above current
    CHECK(load(b).IsCorruption());
  }
  {
    std::string b = Header(5, 0, 2);
    PutLengthPrefixed(&b, "a");
    PutVarint64(&b, 1);
    AddPut(&b, 3, 0, 3, 1);
    PutLengthPrefixed(&b, "b");
    PutVarint64(&b, 1);
    AddPut(&b, 3, 0, 3, 1);  // two versions at (3, 0)
    CHECK(load(b).IsCorruption());
  }
  {
    std::string b = Header(5, 4, 1);
    PutLengthPrefixed(&b, "k");
    PutVarint64(&b, 2);
    AddPut(&b, 2, 0, 2, 1);
    AddPut(&b, 3, 0, 2, 2);  // two versions below the compaction point
    CHECK(load(b).IsCorruption());
  }
  CHECK(t.KeyCount() == 1);  // still the base case's state
}

}  // namespace
}  // namespace myetcd::mvcc
