// RaftLog (Raft §5.3): the follower's append rules and the unstable/stable split.
#include "myetcd/raft/log.h"

#include <doctest/doctest.h>

namespace myetcd::raft {
namespace {

std::vector<Entry> Ents(std::initializer_list<std::pair<Index, Term>> it) {
  std::vector<Entry> out;
  for (auto [i, t] : it) out.push_back(Entry{t, i, "d" + std::to_string(i)});
  return out;
}

}  // namespace

TEST_CASE("raft log: an empty log's previous entry is 0/0") {
  MemoryStorage s;
  RaftLog log(&s, 0);
  CHECK(log.LastIndex() == 0);
  CHECK(log.LastTerm() == 0);
  CHECK(log.MatchTerm(0, 0));
  CHECK(!log.MatchTerm(1, 0));
}

TEST_CASE("Raft §5.3: an append whose prev entry does not match is refused") {
  MemoryStorage s;
  RaftLog log(&s, 0);
  log.Append(Ents({{1, 1}, {2, 1}}));
  CHECK(!log.MaybeAppend(2, 2, 0, Ents({{3, 2}})).has_value());
  CHECK(!log.MaybeAppend(3, 1, 0, Ents({{4, 1}})).has_value());
  CHECK(log.LastIndex() == 2);
}

TEST_CASE("Raft §5.3: a conflicting suffix is replaced, an agreeing one is kept") {
  MemoryStorage s;
  RaftLog log(&s, 0);
  log.Append(Ents({{1, 1}, {2, 1}, {3, 1}, {4, 1}}));
  // A delayed append carrying a prefix we hold must not cut entries 3 and 4.
  auto last = log.MaybeAppend(1, 1, 0, Ents({{2, 1}}));
  REQUIRE(last.has_value());
  CHECK(*last == 2);
  CHECK(log.LastIndex() == 4);
  // A conflict at 3 replaces 3 and everything after it.
  last = log.MaybeAppend(2, 1, 0, Ents({{3, 2}}));
  REQUIRE(last.has_value());
  CHECK(log.LastIndex() == 3);
  CHECK(log.TermAt(3) == 2);
}

TEST_CASE("Raft §5.3: the commit index follows the leader's, capped at the last new entry") {
  MemoryStorage s;
  RaftLog log(&s, 0);
  log.Append(Ents({{1, 1}, {2, 1}, {3, 1}}));
  auto last = log.MaybeAppend(1, 1, 10, {});
  REQUIRE(last.has_value());
  CHECK_MESSAGE(log.committed() == 1,
                "entries after the append's last new entry may differ from the leader's, so "
                "they are not committed by it");
  log.MaybeAppend(3, 1, 2, {});
  CHECK(log.committed() == 2);
}

TEST_CASE("raft log: persisted entries leave the unstable tail; a replaced suffix wins") {
  MemoryStorage s;
  RaftLog log(&s, 0);
  log.Append(Ents({{1, 1}, {2, 1}, {3, 1}}));
  s.Append(log.Unstable());
  log.StableTo(3, 1);
  CHECK(log.Unstable().empty());
  CHECK(log.StableLastIndex() == 3);
  // A conflict at 2 replaces the stored 2 and 3 in memory first.
  log.MaybeAppend(1, 1, 0, Ents({{2, 2}}));
  CHECK(log.LastIndex() == 2);
  CHECK(log.TermAt(2) == 2);
  CHECK(log.StableLastIndex() == 1);
  s.Append(log.Unstable());
  log.StableTo(2, 2);
  CHECK(s.LastIndex() == 2);
  CHECK(log.EntriesFrom(1, UINT64_MAX).size() == 2);
}

TEST_CASE("raft log: a byte limit still hands out at least one entry") {
  MemoryStorage s;
  RaftLog log(&s, 0);
  log.Append(Ents({{1, 1}, {2, 1}, {3, 1}}));
  CHECK(log.EntriesFrom(1, 1).size() == 1);
  CHECK(log.EntriesFrom(2, UINT64_MAX).size() == 2);
}

}  // namespace myetcd::raft
