// Recovery from the real files: newest snapshot + WAL tail equals the live store, across
// snapshots, WAL purges, compactions and restarts; holes in the history are refused, never
// booted over; a damaged newest snapshot falls back to the older one; a failed snapshot
// costs nothing but a retry.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <random>

#include "myetcd/backend/test_member.h"
#include "myetcd/common/mem_file_system.h"
#include "myetcd/mvcc/test_util.h"
#include "myetcd/wal/wal_test_util.h"

namespace myetcd::backend {
namespace {

using testing::kDataDir;
using testing::Member;

// Submits every command (one thread, so in order; the committer batches them as they
// come) and waits until all are answered.
void SubmitAll(Backend& backend, const std::vector<std::string>& commands) {
  std::mutex mu;
  std::condition_variable cv;
  size_t left = commands.size();
  for (const std::string& c : commands) {
    backend.Submit(c, [&](Result<std::any> r) {
      CHECK_FALSE(r.status().IsCorruption());
      std::lock_guard lock(mu);  // notify under the lock: the waiter's locals outlive us
      if (--left == 0) cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return left == 0; });
}

// Boots a member on fs, which must fail with Corruption; returns the message.
std::string BootError(MemFileSystem& fs) {
  Member m(fs);
  auto r = m.Boot();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsCorruption());
  return r.status().ToString();
}

std::vector<std::string> SnapFiles(FileSystem& fs) {
  auto names = fs.ListDir(kDataDir + "/member/snap");
  REQUIRE(names.ok());
  return *names;
}

TEST_CASE("recovery: a new member starts empty at revision 1") {
  MemFileSystem fs;
  Member m(fs);
  auto r = m.Boot();
  REQUIRE(r.ok());
  CHECK_FALSE(r->report.from_snapshot);
  CHECK(r->report.replayed == 0);
  CHECK(r->report.last_index == 0);
  CHECK(r->report.wal_first_index == 1);
  CHECK(m.store.CurrentRevision() == 1);
}

TEST_CASE("recovery: the snapshot position is \"wal-index=<n>\", parsed strictly") {
  CHECK(EncodeWalPosition(0) == "wal-index=0");
  CHECK(EncodeWalPosition(123) == "wal-index=123");
  for (uint64_t v : {uint64_t{0}, uint64_t{7}, uint64_t{100000}, UINT64_MAX}) {
    auto p = ParseWalPosition(EncodeWalPosition(v));
    REQUIRE(p.ok());
    CHECK(*p == v);
  }
  for (const std::string& bad : std::vector<std::string>{
           "", "wal-index=", "wal-index=-1", "wal-index=+1", "wal-index=01", "wal-index=1x",
           "wal-index= 1", "WAL-INDEX=1", "raft-index=1", "wal-index=18446744073709551616",
           "wal-index=99999999999999999999", std::string("\x05\0\0\0\0\0\0\0", 8)}) {
    CAPTURE(bad);
    auto p = ParseWalPosition(bad);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().IsCorruption());
  }
}

// The property the issue asks for, through the real pieces: LocalBackend's committer,
// the snapshot policy on its after_batch hook, the WAL with small segments, restarts.
TEST_CASE(
    "recovery: snapshot + WAL tail equals the live store after random workloads, across "
    "snapshots, purges, compactions and restarts") {
  wal::testing::QuietWalLog quiet;
  testing::QuietSnapLog quiet_snap;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    MemFileSystem fs;
    testing::Reference ref;
    const SnapshotPolicyOptions policy_options{.snapshot_count = 30 + rng() % 40,
                                               .wal_keep_entries = rng() % 2 ? 0u : 25u,
                                               .snapshot_keep = 2};
    uint64_t snapshots = 0;
    for (int life = 0; life < 4; ++life) {  // boot, run, stop; boot again
      CAPTURE(life);
      Member m(fs);
      auto booted = m.Boot();
      REQUIRE_MESSAGE(booted.ok(), booted.status().ToString());
      mvcc::testing::CheckSameStore(ref.store, m.store);
      CHECK(booted->report.from_snapshot == (snapshots > 0));
      std::unique_ptr<wal::Wal> log = std::move(booted->wal);
      SnapshotPolicy policy(&m.snapshots, log.get(), policy_options, booted->report.snapshot_index);
      LocalBackend backend(log.get(), &m.apply,
                           {.after_batch = [&](uint64_t i) { policy.AfterBatch(i); }});
      backend.Start();
      for (int round = 0; round < 40; ++round) {
        std::vector<std::string> group;
        for (uint64_t k = 1 + rng() % 8; k > 0; --k) {
          group.push_back(mvcc::testing::RandomCommand(rng, ref.store.CurrentRevision(),
                                                       ref.store.CompactRevision()));
          ref.Apply(group.back());
        }
        SubmitAll(backend, group);
      }
      backend.Stop();
      CHECK(policy.snapshots_failed() == 0);
      snapshots += policy.snapshots_taken();
      REQUIRE(log->Close().ok());
    }
    CHECK(snapshots >= 4);
    CHECK(ref.store.CompactRevision() > 0);
    // The WAL was purged: its first segment starts well after index 1.
    Member last(fs);
    auto booted = last.Boot();
    REQUIRE(booted.ok());
    CHECK(booted->report.wal_first_index > 1);
    CHECK(booted->report.skipped > 0);
    mvcc::testing::CheckSameStore(ref.store, last.store);
  }
}

// Runs `commands` random commands in batches of 1..4 on a fresh data dir, with a snapshot
// every `every` commands (policy keep `policy_keep`, snapshotter keep 2) and no extra WAL
// entries kept, then closes the WAL. The reference store gets the same commands.
void RunWorkload(MemFileSystem& fs, testing::Reference& ref, int commands, uint64_t every,
                 size_t policy_keep) {
  std::mt19937_64 rng(7);
  Member m(fs);
  auto booted = m.Boot();
  REQUIRE(booted.ok());
  SnapshotPolicy policy(
      &m.snapshots, booted->wal.get(),
      {.snapshot_count = every, .wal_keep_entries = 0, .snapshot_keep = policy_keep}, 0);
  for (int i = 0; i < commands;) {
    std::vector<std::string> batch;
    for (uint64_t k = 1 + rng() % 4; k > 0 && i < commands; --k, ++i) {
      batch.push_back(mvcc::testing::RandomCommand(rng, ref.store.CurrentRevision(),
                                                   ref.store.CompactRevision()));
      ref.Apply(batch.back());
    }
    policy.AfterBatch(m.Commit(*booted->wal, batch));
  }
  REQUIRE(policy.snapshots_taken() >= 3);
  REQUIRE(booted->wal->Close().ok());
}

TEST_CASE("recovery: a hole between the snapshot and the WAL is Corruption naming both indexes") {
  wal::testing::QuietWalLog quiet;
  testing::QuietSnapLog quiet_snap;
  MemFileSystem fs;
  testing::Reference ref;
  // Policy keep 1: the WAL is purged up to the NEWEST snapshot, while two files stay.
  RunWorkload(fs, ref, 300, 40, /*policy_keep=*/1);
  const std::vector<std::string> snaps = SnapFiles(fs);
  REQUIRE(snaps.size() == 2);

  Member full(fs);
  auto ok = full.Boot();
  REQUIRE(ok.ok());
  const uint64_t first = ok->report.wal_first_index;
  const uint64_t newest = ok->report.snapshot_index;
  REQUIRE(first > 1);
  mvcc::testing::CheckSameStore(ref.store, full.store);
  REQUIRE(ok->wal->Close().ok());

  SUBCASE("the newest snapshot is gone: the older one does not reach the WAL") {
    // Read the older snapshot's position before the newest goes.
    REQUIRE(fs.RemoveFile(kDataDir + "/member/snap/" + snaps[1]).ok());
    Member probe(fs);
    auto older = probe.snapshots.LoadNewest();
    REQUIRE(older.ok());
    const uint64_t position = *ParseWalPosition(older->position);
    REQUIRE(position + 1 < first);
    const std::string msg = BootError(fs);
    CAPTURE(msg);
    CHECK(msg.find("up to index " + std::to_string(position)) != std::string::npos);
    CHECK(msg.find("starts at index " + std::to_string(first)) != std::string::npos);
  }
  SUBCASE("no snapshot at all, and the WAL does not start at 1") {
    for (const std::string& s : snaps) REQUIRE(fs.RemoveFile(kDataDir + "/member/snap/" + s).ok());
    const std::string msg = BootError(fs);
    CAPTURE(msg);
    CHECK(msg.find("no snapshot") != std::string::npos);
    CHECK(msg.find("starts at index " + std::to_string(first) + ", not 1") != std::string::npos);
  }
  SUBCASE("the WAL is gone: the snapshot is ahead of the log") {
    auto segments = fs.ListDir(kDataDir + "/member/wal");
    REQUIRE(segments.ok());
    for (const std::string& s : *segments) {
      REQUIRE(fs.RemoveFile(kDataDir + "/member/wal/" + s).ok());
    }
    CHECK(BootError(fs).find("up to index " + std::to_string(newest)) != std::string::npos);
  }
}

TEST_CASE("recovery: a damaged newest snapshot falls back to the older one, whose WAL is kept") {
  wal::testing::QuietWalLog quiet;
  testing::QuietSnapLog quiet_snap;
  MemFileSystem fs;
  testing::Reference ref;
  // Policy keep 2 (the default): the WAL is purged only up to the older of two snapshots.
  RunWorkload(fs, ref, 300, 40, /*policy_keep=*/2);
  const std::vector<std::string> snaps = SnapFiles(fs);
  REQUIRE(snaps.size() == 2);
  const std::string newest = kDataDir + "/member/snap/" + snaps[1];
  auto bytes = fs.ReadFileToString(newest);
  REQUIRE(bytes.ok());
  std::string damaged = *bytes;
  damaged[damaged.size() / 2] ^= 0x40;
  {
    auto f = fs.NewWritableFile(newest);
    REQUIRE(f.ok());
    REQUIRE((*f)->Append(damaged).ok());
    REQUIRE((*f)->Sync().ok());
  }
  Member m(fs);
  auto r = m.Boot();
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->report.from_snapshot);
  CHECK(r->report.snapshot_seq == std::stoull(snaps[0].substr(0, 16), nullptr, 16));
  CHECK(r->report.wal_first_index > 1);  // purged, yet not past the older snapshot
  REQUIRE_FALSE(r->report.warnings.empty());
  CHECK(r->report.warnings[0].find("damaged") != std::string::npos);
  mvcc::testing::CheckSameStore(ref.store, m.store);
}

TEST_CASE("snapshot policy: a failed snapshot is logged and retried at the next trigger") {
  wal::testing::QuietWalLog quiet;
  testing::QuietSnapLog quiet_snap;
  MemFileSystem fs;
  Member m(fs);
  auto booted = m.Boot();
  REQUIRE(booted.ok());
  wal::Wal& log = *booted->wal;
  SnapshotPolicy policy(&m.snapshots, &log, {.snapshot_count = 10, .wal_keep_entries = 0}, 0);
  auto put = [&](int i) {
    return mvcc::EncodeCommand(
        mvcc::PutRequest{.key = "k" + std::to_string(i % 7), .value = std::string(200, 'v')});
  };
  int i = 0;
  for (; i < 9; ++i) policy.AfterBatch(m.Commit(log, {put(i)}));
  CHECK(policy.snapshots_taken() + policy.snapshots_failed() == 0);
  const uint64_t last = m.Commit(log, {put(i++)});
  fs.FailNextSyncs(1);  // the snapshot file's fsync
  policy.AfterBatch(last);
  CHECK(policy.snapshots_failed() == 1);
  CHECK(log.health().ok());
  CHECK(log.FirstIndex() == 1);  // nothing purged
  // Not retried at every batch: the next try is snapshot_count commands later.
  for (; i < 19; ++i) policy.AfterBatch(m.Commit(log, {put(i)}));
  CHECK(policy.snapshots_taken() == 0);
  policy.AfterBatch(m.Commit(log, {put(i++)}));
  CHECK(policy.snapshots_taken() == 1);
  REQUIRE(log.Close().ok());
  Member again(fs);
  auto r = again.Boot();
  REQUIRE(r.ok());
  CHECK(r->report.snapshot_index == 20);
  mvcc::testing::CheckSameStore(m.store, again.store);
}

TEST_CASE("local backend: after_batch sees the last applied index, between batches") {
  MemFileSystem fs;
  Member m(fs);
  auto booted = m.Boot();
  REQUIRE(booted.ok());
  std::vector<std::pair<uint64_t, int64_t>> seen;  // (index, revision then)
  LocalBackend backend(booted->wal.get(), &m.apply, {.after_batch = [&](uint64_t i) {
                         seen.emplace_back(i, m.store.CurrentRevision());
                       }});
  backend.Start();
  for (int i = 0; i < 20; ++i) {
    SubmitAll(backend, {mvcc::EncodeCommand(mvcc::PutRequest{.key = "a", .value = "b"})});
  }
  backend.Stop();
  REQUIRE(seen.size() == 20);
  for (size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i].first == i + 1);                                     // one put per batch
    CHECK(seen[i].second == static_cast<int64_t>(seen[i].first) + 1);  // all applied
  }
}

}  // namespace
}  // namespace myetcd::backend
