// Automatic compaction decisions, on a manual clock: no Apply, no sleeping.
#include "myetcd/mvcc/auto_compaction.h"

#include <doctest/doctest.h>

namespace myetcd::mvcc {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST_CASE("the options are declared with etcd's names; on by default") {
  Options o;
  REQUIRE(DeclareMvccOptions(o).ok());
  Result<AutoCompactionConfig> c = AutoCompactionConfigFrom(o);
  REQUIRE(c.ok());
  CHECK(c->mode == AutoCompactionMode::kPeriodic);
  CHECK(c->retention_period == hours(1));
  CHECK(c->enabled());
  CHECK(StoreOptionsFrom(o).max_txn_ops == 128);
  const char* argv[] = {"prog", "--auto-compaction-mode=revision", "--auto-compaction-retention",
                        "1000", "--max-txn-ops=16"};
  REQUIRE(o.ParseArgs(5, argv).ok());
  c = AutoCompactionConfigFrom(o);
  REQUIRE(c.ok());
  CHECK(c->mode == AutoCompactionMode::kRevision);
  CHECK(c->retention_revisions == 1000);
  CHECK(StoreOptionsFrom(o).max_txn_ops == 16);
}

TEST_CASE("retention parses as etcd's: a bare number is hours in periodic mode") {
  CHECK(ParseAutoCompaction("periodic", "5")->retention_period == hours(5));
  CHECK(ParseAutoCompaction("periodic", "30m")->retention_period == minutes(30));
  CHECK_FALSE(ParseAutoCompaction("periodic", "0")->enabled());
  CHECK(ParseAutoCompaction("revision", "10")->retention_revisions == 10);
  CHECK(ParseAutoCompaction("revision", "1h").status().IsInvalidArgument());
  CHECK(ParseAutoCompaction("periodic", "soon").status().IsInvalidArgument());
  CHECK(ParseAutoCompaction("weekly", "1").status().IsInvalidArgument());
}

TEST_CASE("periodic: every retention (at most hourly) compact to the revision of retention ago") {
  ManualClock clock;
  AutoCompactor c(*ParseAutoCompaction("periodic", "10m"), clock);
  // The revision grows by 100 a minute; poll every minute.
  std::vector<std::pair<int, int64_t>> decisions;
  int64_t compacted = 0;
  for (int minute = 0; minute <= 35; ++minute) {
    int64_t rev = 1 + 100 * minute;
    if (auto target = c.Poll(rev, compacted)) {
      decisions.push_back({minute, *target});
      compacted = *target;
    }
    clock.Advance(minutes(1));
  }
  // Nothing before 10 minutes; then every 10 minutes, to the revision of 10 minutes ago.
  CHECK(decisions == std::vector<std::pair<int, int64_t>>{{10, 1}, {20, 1001}, {30, 2001}});
}

TEST_CASE("periodic with a long retention compacts hourly") {
  ManualClock clock;
  AutoCompactor c(*ParseAutoCompaction("periodic", "3h"), clock);
  std::vector<int> at_hours;
  int64_t compacted = 0;
  for (int m = 0; m <= 6 * 60; m += 6) {
    if (auto target = c.Poll(1 + m, compacted)) {
      at_hours.push_back(m / 60);
      CHECK(*target == 1 + m - 180);  // the revision sampled three hours before
      compacted = *target;
    }
    clock.Advance(minutes(6));
  }
  CHECK(at_hours == std::vector<int>{3, 4, 5, 6});
}

TEST_CASE("revision: every 5 minutes compact to current - retention, if that moved") {
  ManualClock clock;
  AutoCompactor c(*ParseAutoCompaction("revision", "1000"), clock);
  CHECK_FALSE(c.Poll(5000, 0).has_value());  // not yet 5 minutes
  clock.Advance(minutes(5));
  CHECK(c.Poll(5000, 0) == 4000);
  clock.Advance(minutes(5));
  CHECK_FALSE(c.Poll(5000, 4000).has_value());  // nothing new
  clock.Advance(minutes(5));
  CHECK(c.Poll(9000, 4000) == 8000);
  clock.Advance(minutes(5));
  CHECK_FALSE(c.Poll(500, 0).has_value());  // fewer revisions than the retention
}

TEST_CASE("retention 0 never compacts") {
  ManualClock clock;
  AutoCompactor c(*ParseAutoCompaction("revision", "0"), clock);
  clock.Advance(hours(100));
  CHECK_FALSE(c.Poll(1000000, 0).has_value());
}

}  // namespace
}  // namespace myetcd::mvcc
