// Recovery and snapshot-stall benchmarks of stage1-server's boot path (docs/benchmarks.md,
// "Stage 1: recovery"), on a real POSIX data dir under /tmp (never /dev/shm: fsync does
// nothing there).
//
//   BM_Recover1MKeysPlusWalTail: a data dir holding a snapshot of 1M keys (bench_store.h,
//     as mvcc_bench) at WAL index 1,000,000, and a WAL of 10,000 put commands after it. Each
//     iteration is backend::Recover into a fresh store: read and verify the snapshot file, load the
//     "kv" section, open the WAL and replay the tail through the Apply dispatcher. Target (issue
//     4): < 3 s.
//   BM_SnapshotStall1MKeys: SnapshotPolicy::SnapshotNow on a 1M-key store: encode the
//     section, write it durably, delete the older file, purge the WAL. The committer is
//     blocked for exactly this long every --snapshot-count writes.
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_store.h"
#include "myetcd/backend/local_backend.h"
#include "myetcd/backend/recovery.h"
#include "myetcd/backend/snapshot_policy.h"
#include "myetcd/common/file_system.h"
#include "myetcd/mvcc/apply.h"
#include "myetcd/mvcc/command_codec.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::backend {
namespace {

constexpr int kKeys = 1'000'000;
constexpr int kTail = 10'000;
constexpr uint64_t kSnapshotIndex = kKeys;  // as if each key had been one logged put

std::string TempDir(const char* what) {
  std::string tmpl = std::string("/tmp/myetcd-bench-") + what + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  return tmpl;
}

using mvcc::bench::Key;
using mvcc::bench::Value;

// A member's wiring, as stage1_server.cc does it.
struct Member {
  mvcc::MvccStore store;
  mvcc::ApplyDispatcher apply;
  snap::SectionRegistry registry;
  snap::Snapshotter snapshots;
  explicit Member(const std::string& dir) : snapshots(*PosixFileSystem(), dir, registry) {
    if (!mvcc::RegisterKvCommands(apply, store).ok()) std::abort();
    if (!RegisterKvSection(registry, store).ok()) std::abort();
  }
};

void BM_Recover1MKeysPlusWalTail(benchmark::State& state) {
  const std::string dir = TempDir("recovery");
  int64_t expected_revision = 0;
  {
    Member m(dir);
    mvcc::bench::Fill(m.store, kKeys);
    if (!m.snapshots.Save(EncodeWalPosition(kSnapshotIndex)).ok()) std::abort();
    // The WAL as a purge leaves it: starting right after the snapshot.
    auto wal =
        wal::Wal::Open(*PosixFileSystem(), dir, {.first_index = kSnapshotIndex + 1}, nullptr);
    if (!wal.ok()) std::abort();
    std::mt19937 rng(2);
    for (int i = 0; i < kTail; ++i) {
      const int k = static_cast<int>(rng() % (kKeys + kKeys / 10));  // some new keys
      const std::string c = mvcc::EncodeCommand(mvcc::PutRequest{.key = Key(k), .value = Value(i)});
      if (!(*wal)->Append(kCommandRecord, c).ok()) std::abort();
    }
    if (!(*wal)->Sync().ok() || !(*wal)->Close().ok()) std::abort();
    expected_revision = m.store.CurrentRevision() + kTail;
  }
  RecoveryReport last;
  for (auto _ : state) {
    auto m = std::make_unique<Member>(dir);
    auto r = Recover({.fs = PosixFileSystem(),
                      .data_dir = dir,
                      .snapshots = &m->snapshots,
                      .dispatcher = &m->apply,
                      .store = &m->store});
    if (!r.ok() || r->report.revision != expected_revision) {
      state.SkipWithError(r.ok() ? "wrong revision" : r.status().ToString().c_str());
      break;
    }
    last = r->report;
    state.PauseTiming();
    (void)r->wal->Close();
    m.reset();  // freeing 1M keys is not part of recovering them
    state.ResumeTiming();
  }
  state.counters["replayed"] = static_cast<double>(last.replayed);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Recover1MKeysPlusWalTail)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_SnapshotStall1MKeys(benchmark::State& state) {
  const std::string dir = TempDir("stall");
  {
    Member m(dir);
    mvcc::bench::Fill(m.store, kKeys);
    auto wal = wal::Wal::Open(*PosixFileSystem(), dir, {});
    if (!wal.ok()) std::abort();
    SnapshotPolicy policy(&m.snapshots, wal->get(), {.snapshot_count = 1}, 0);
    for (auto _ : state) {
      state.PauseTiming();
      const std::string c = mvcc::EncodeCommand(mvcc::PutRequest{.key = Key(0), .value = "x"});
      if (!(*wal)->Append(kCommandRecord, c).ok() || !(*wal)->Sync().ok()) std::abort();
      if (!m.apply.Apply(c).ok()) std::abort();
      state.ResumeTiming();
      if (!policy.SnapshotNow((*wal)->LastIndex()).ok()) state.SkipWithError("snapshot failed");
    }
    (void)(*wal)->Close();
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SnapshotStall1MKeys)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace myetcd::backend
