// Lab s1-04: the range_end rules (key_range.h). Each case states one rule of etcd's
// range semantics; docs/stage1/labs/s1-04-range-end.md is the lab page.
#include "myetcd/mvcc/key_range.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

using testing::Keys;
using testing::MustPut;
using testing::MustRange;

const std::string kNul(1, '\0');

struct InRangeCase {
  const char* rule;
  std::string candidate, key, range_end;
  bool want;
};

void CheckInRangeTable(const std::vector<InRangeCase>& table) {
  for (const InRangeCase& c : table) {
    INFO("rule: ", c.rule, " (see docs/stage1/labs/s1-04-range-end.md)");
    CHECK_MESSAGE(InRange(c.candidate, c.key, c.range_end) == c.want, "InRange(\"", c.candidate,
                  "\", key \"", c.key, "\", range_end \"",
                  c.range_end == kNul ? std::string("\\0") : c.range_end, "\") should be ", c.want);
  }
}

TEST_CASE("[s1-04] an empty range_end names exactly one key") {
  CheckInRangeTable({
      {"the key itself is in", "foo", "foo", "", true},
      {"a longer key with the same start is out", "foo1", "foo", "", false},
      {"a shorter key is out", "fo", "foo", "", false},
      {"a different key is out", "bar", "foo", "", false},
  });
}

TEST_CASE("[s1-04] a range_end makes the half-open interval [key, range_end)") {
  CheckInRangeTable({
      {"key itself is in (closed at the start)", "a", "a", "c", true},
      {"a key between is in", "b", "a", "c", true},
      {"a longer key below range_end is in", "bzzz", "a", "c", true},
      {"range_end itself is out (open at the end)", "c", "a", "c", false},
      {"a key above range_end is out", "d", "a", "c", false},
      {"a key below key is out", "A", "a", "c", false},
      {"range_end <= key names no key at all", "b", "c", "a", false},
      {"range_end == key names no key at all", "c", "c", "c", false},
  });
}

TEST_CASE("[s1-04] range_end \"\\0\" means every key from key on") {
  CheckInRangeTable({
      {"key itself is in", "m", "m", kNul, true},
      {"a key after is in", "zzzz", "m", kNul, true},
      {"a key of 0xff bytes is in", "\xff\xff", "m", kNul, true},
      {"a key before is out", "a", "m", kNul, false},
      {"key \"\\0\" with range_end \"\\0\" is every key", "a", kNul, kNul, true},
  });
}

TEST_CASE("[s1-04] keys compare as unsigned bytes") {
  CheckInRangeTable({
      {"0x80 sorts after 'z'", "\x80", "a", "\xff", true},
      {"0xff sorts after 0x80", "\xff", "a", "\x80", false},
  });
}

TEST_CASE("[s1-04] PrefixEnd increments the last byte that can be incremented") {
  struct Case {
    std::string prefix, want;
  };
  for (const Case& c : std::vector<Case>{
           {"a", "b"},
           {"foo", "fop"},
           {"a\xff", "b"},
           {"a\xff\xff", "b"},
           {std::string("a\xfe", 2), "a\xff"},
           {std::string(1, '\0'), std::string(1, '\x01')},
       }) {
    CHECK_MESSAGE(PrefixEnd(c.prefix) == c.want, "PrefixEnd of a ", c.prefix.size(),
                  "-byte prefix (see docs/stage1/labs/s1-04-range-end.md)");
  }
}

TEST_CASE("[s1-04] a prefix of only 0xff bytes has no end: range_end \"\\0\"") {
  CHECK(PrefixEnd("\xff") == kNul);
  CHECK(PrefixEnd("\xff\xff\xff") == kNul);
  CHECK(PrefixEnd("") == kNul);
}

TEST_CASE("[s1-04] the store's ranges follow every range_end form") {
  MvccStore s;
  for (const char* k : {"a", "ab", "abc", "b", "ba", "c", "\xff", "\xff\xff"}) MustPut(s, k, "v");
  struct Case {
    const char* rule;
    std::string key, range_end;
    std::vector<std::string> want;
  };
  for (const Case& c : std::vector<Case>{
           {"single key", "ab", "", {"ab"}},
           {"single missing key", "zz", "", {}},
           {"[a, b)", "a", "b", {"a", "ab", "abc"}},
           {"[ab, c)", "ab", "c", {"ab", "abc", "b", "ba"}},
           {"prefix ab", "ab", PrefixEnd("ab"), {"ab", "abc"}},
           {"prefix b", "b", PrefixEnd("b"), {"b", "ba"}},
           {"prefix 0xff", "\xff", PrefixEnd("\xff"), {"\xff", "\xff\xff"}},
           {"from b on", "b", kNul, {"b", "ba", "c", "\xff", "\xff\xff"}},
           {"all keys", kNul, kNul, {"a", "ab", "abc", "b", "ba", "c", "\xff", "\xff\xff"}},
           {"range_end below key", "c", "a", {}},
           {"range_end equal to key", "b", "b", {}},
       }) {
    INFO("rule: ", c.rule);
    CHECK(Keys(MustRange(s, RangeRequest{.key = c.key, .range_end = c.range_end})) == c.want);
  }
}

}  // namespace
}  // namespace myetcd::mvcc
