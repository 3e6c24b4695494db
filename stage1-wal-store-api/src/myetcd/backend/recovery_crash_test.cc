// TESTING.md T1c for the whole boot path: random store commands go through the WAL (small
// segments) in batches, with the snapshot policy taking snapshots and purging the WAL, on the
// in-memory file system. Then every crash state the trace allows is booted with Recover()
// (the server's code), and in every one:
//   (a) recovery succeeds: a crash never leaves a hole between snapshot and WAL;
//   (b) the recovered store equals the live store after exactly the first n commands
//       (byte for byte, history included), n = the last WAL index recovered;
//   (c) n covers every command whose Sync returned before the crash (Mark("ack N")).
// With MYETCD_CANARY=PURGE_BEFORE_SNAPSHOT (the WAL purged before the snapshot covering it
// is durable) this test must fail: CTest backend_test.canary.PURGE_BEFORE_SNAPSHOT.
#include <doctest/doctest.h>

#include <random>

#include "myetcd/backend/test_member.h"
#include "myetcd/mvcc/test_util.h"
#include "myetcd/wal/wal_test_util.h"

namespace myetcd::backend {
namespace {

using testing::Member;

constexpr uint64_t kSeed = 11;
constexpr int kCommands = 480;

// Runs the workload on fs; returns the live store's section after each command (index 0:
// the empty store).
std::vector<std::string> Workload(MemFileSystem& fs) {
  std::mt19937_64 rng(kSeed);
  Member m(fs);
  auto booted = m.Boot();
  REQUIRE(booted.ok());
  wal::Wal& log = *booted->wal;
  SnapshotPolicy policy(&m.snapshots, &log,
                        {.snapshot_count = 30, .wal_keep_entries = 0, .snapshot_keep = 2}, 0);
  // The state after each command, from a twin store that applies one at a time.
  testing::Reference twin;
  std::vector<std::string> states{twin.store.EncodeSnapshotSection()};
  for (int i = 0; i < kCommands;) {
    std::vector<std::string> batch;
    for (uint64_t k = 1 + rng() % 4; k > 0 && i < kCommands; --k, ++i) {
      batch.push_back(mvcc::testing::RandomCommand(rng, twin.store.CurrentRevision(),
                                                   twin.store.CompactRevision()));
      twin.Apply(batch.back());
      states.push_back(twin.store.EncodeSnapshotSection());
    }
    policy.AfterBatch(m.Commit(log, batch, &fs));
  }
  REQUIRE(policy.snapshots_taken() >= 12);
  REQUIRE(m.store.EncodeSnapshotSection() == states.back());
  REQUIRE(log.Close().ok());
  return states;
}

// "" when the state boots correctly, else what broke.
std::string CheckBoot(MemFileSystem& fs, uint64_t acked, const std::vector<std::string>& states) {
  Member m(fs);
  auto r = m.Boot();
  if (!r.ok()) return "(a) recovery failed: " + r.status().ToString();
  const uint64_t n = r->report.last_index;
  if (n >= states.size()) return "(b) recovered past the workload: " + std::to_string(n);
  if (m.store.EncodeSnapshotSection() != states[n]) {
    return "(b) the recovered store is not the live store after commands 1.." + std::to_string(n);
  }
  if (n < acked) {
    return "(c) acknowledged command " + std::to_string(acked) + " lost: recovered up to " +
           std::to_string(n);
  }
  return "";
}

TEST_CASE(
    "recovery crash states: every crash state boots to the live store after a prefix of the "
    "commands that holds every acknowledged one") {
  wal::testing::QuietWalLog quiet;
  testing::QuietSnapLog quiet_snap;
  MemFileSystem fs;
  const std::vector<std::string> states = Workload(fs);
  INFO("workload seed " << kSeed << ", trace of " << fs.Trace().size() << " ops");
  size_t violations = 0;
  std::string first;
  const size_t checked = fs.ForEachCrashState(
      CrashOptions{.seed = kSeed}, [&](const CrashState& state, MemFileSystem& disk) {
        const std::string broken = CheckBoot(disk, wal::testing::AckedBefore(state), states);
        if (broken.empty()) return;
        if (violations++ == 0) first = broken + " (" + state.description + ")";
      });
  MESSAGE("crash states checked: " << checked << " (trace of " << fs.Trace().size() << " ops)");
  CHECK(checked >= 500);
  CHECK_MESSAGE(violations == 0,
                violations << " crash states break an invariant; first: " << first);
}

TEST_CASE("recovery crash audit: every create, rename and delete is covered by a dir fsync") {
  wal::testing::QuietWalLog quiet;
  testing::QuietSnapLog quiet_snap;
  MemFileSystem fs;
  Workload(fs);
  wal::testing::CheckDirSyncAudit(fs);
}

}  // namespace
}  // namespace myetcd::backend
