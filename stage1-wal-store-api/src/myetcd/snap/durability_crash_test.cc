// TESTING.md T1c and T1d: a workload of 200 records with segment rotation, snapshots and WAL
// purges runs on the in-memory file system, which records every call. Then every crash
// state it could leave behind (every op up to each point, plus any prefix of the unsynced
// ops, plus the last write torn at 512-byte boundaries) is booted the way a server boots:
// newest valid snapshot + the WAL records after it. In every state:
//   * Open never reports corruption (a crash only ever leaves a torn tail);
//   * the state is exactly records 1..n for some n (checked by a running digest);
//   * n covers every record acknowledged before the crash (Mark("ack N") after each Sync);
//   * the next index is n + 1: the index never goes down.
// And the directory-fsync audit of the same trace has 0 findings.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "myetcd/common/coding.h"
#include "myetcd/common/crc32c.h"
#include "myetcd/common/mem_file_system.h"
#include "myetcd/snap/snapshotter.h"
#include "myetcd/wal/wal.h"
#include "myetcd/wal/wal_test_util.h"

namespace myetcd {
namespace {

using wal::Wal;
using wal::testing::Payload;

constexpr uint64_t kRecords = 200;
constexpr uint64_t kSeed = 42;
const wal::WalOptions kWalOptions{.segment_size = 4096};

size_t SizeOf(uint64_t i) { return 30 + (i * 2654435761u) % 2400; }

// digest[i] = CRC32C over the payloads of records 1..i: the state after applying them.
const std::vector<uint32_t>& Digests() {
  static const std::vector<uint32_t> d = [] {
    std::vector<uint32_t> v{0};
    for (uint64_t i = 1; i <= kRecords + 1; ++i) {
      const std::string p = Payload(i, SizeOf(i));
      v.push_back(crc32c::Extend(v.back(), p.data(), p.size()));
    }
    return v;
  }();
  return d;
}

// The toy store: applied index + digest, saved as the "kv" section.
struct Store {
  uint64_t applied = 0;
  uint32_t digest = 0;
  snap::SectionRegistry registry;
  Store() {
    REQUIRE(registry
                .Register(
                    "kv",
                    [this](std::string* out) {
                      PutFixed64(out, applied);
                      PutFixed32(out, digest);
                      return Status::OK();
                    },
                    [this](std::string_view in) {
                      if (!GetFixed64(&in, &applied) || !GetFixed32(&in, &digest)) {
                        return Status::Corruption("kv section");
                      }
                      return Status::OK();
                    })
                .ok());
  }
  void Apply(const wal::Record& r) {
    digest = crc32c::Extend(digest, r.payload.data(), r.payload.size());
    applied = r.index;
  }
};

std::string Position(uint64_t index) {
  std::string p;
  PutFixed64(&p, index);
  return p;
}

// Runs the workload on fs; acknowledged records are marked "ack N".
void Workload(MemFileSystem& fs) {
  std::mt19937_64 rng(kSeed);
  Store store;
  snap::Snapshotter snapshots(fs, "/data", store.registry, {.keep = 2});
  auto opened = wal::testing::OpenWal(fs, kWalOptions);
  REQUIRE(opened.status.ok());
  Wal& log = *opened.wal;
  std::vector<wal::Record> batch;
  uint64_t next_snapshot = 50;
  for (uint64_t i = 1; i <= kRecords; ++i) {
    auto idx = log.Append(1, Payload(i, SizeOf(i)));
    REQUIRE(idx.ok());
    REQUIRE(*idx == i);
    batch.push_back({i, 1, Payload(i, SizeOf(i))});
    if (rng() % 3 != 0 && i != kRecords) continue;  // batches of 1..several records
    REQUIRE(log.Sync().ok());
    fs.Mark("ack " + std::to_string(i));
    for (const auto& r : batch) store.Apply(r);  // applied only after the sync
    batch.clear();
    if (i >= next_snapshot) {
      REQUIRE(snapshots.Save(Position(store.applied)).ok());        // durable on return...
      REQUIRE(log.Purge(store.applied, /*keep_entries=*/20).ok());  // ...so purge may follow
      fs.Mark("snapshot " + std::to_string(store.applied));
      next_snapshot += 50;
    }
  }
  REQUIRE(log.Close().ok());
}

// Boots a crash state like a server: newest valid snapshot, then the WAL after it. Returns
// "" when every invariant holds, else the first one broken.
std::string CheckBoot(MemFileSystem& fs, uint64_t acked) {
  Store store;
  snap::Snapshotter snapshots(fs, "/data", store.registry);
  auto loaded = snapshots.LoadNewest();
  uint64_t position = 0;
  if (loaded.ok()) {
    std::string_view p = loaded->position;
    if (!GetFixed64(&p, &position) || store.applied != position) return "bad snapshot position";
    if (store.digest != Digests()[position]) {
      return "the snapshot's state is not records 1.." + std::to_string(position);
    }
  } else if (!loaded.status().IsNotFound()) {
    return "snapshot load failed: " + loaded.status().ToString();
  }
  uint64_t first_replayed = 0;
  auto opened = Wal::Open(fs, "/data", kWalOptions, [&](const wal::Record& r) {
    if (r.index <= position) return Status::OK();
    if (first_replayed == 0) first_replayed = r.index;
    if (r.index != store.applied + 1) {
      return Status::Corruption("gap before " + std::to_string(r.index));
    }
    store.Apply(r);
    return Status::OK();
  });
  if (!opened.ok()) return "a crash state must always open: " + opened.status().ToString();
  Wal& log = **opened;
  if (first_replayed != 0 && first_replayed != position + 1) {
    return "the WAL after the snapshot at " + std::to_string(position) + " starts at " +
           std::to_string(first_replayed);
  }
  if (log.LastIndex() < position) return "the snapshot is ahead of the durable log";
  if (store.digest != Digests()[store.applied]) {
    return "the recovered state is not exactly records 1.." + std::to_string(store.applied);
  }
  if (store.applied < acked) {
    return "acknowledged record " + std::to_string(acked) + " lost: recovered up to " +
           std::to_string(store.applied);
  }
  // The index never goes down: the next record continues right after what was recovered.
  auto next = log.Append(1, Payload(store.applied + 1, SizeOf(store.applied + 1)));
  if (!next.ok() || *next != store.applied + 1) return "the next index is not applied + 1";
  if (!log.Sync().ok()) return "sync after recovery failed";
  return "";
}

TEST_CASE(
    "crash states (T1c): every acknowledged record survives every crash state, as an exact "
    "prefix, and the index never goes down") {
  wal::testing::QuietWalLog quiet;
  auto level = Logger("snap")->level();
  Logger("snap")->set_level(spdlog::level::off);
  MemFileSystem fs;
  Workload(fs);
  INFO("workload seed " << kSeed << ", trace of " << fs.Trace().size() << " ops");
  size_t violations = 0;
  std::string first;
  size_t states = fs.ForEachCrashState(
      CrashOptions{.seed = kSeed}, [&](const CrashState& state, MemFileSystem& recovered) {
        const std::string broken = CheckBoot(recovered, wal::testing::AckedBefore(state));
        if (broken.empty()) return;
        if (violations++ == 0) first = broken + " (" + state.description + ")";
      });
  MESSAGE("crash states checked: " << states << " (trace of " << fs.Trace().size() << " ops)");
  CHECK(states >= 500);
  CHECK_MESSAGE(violations == 0,
                violations << " crash states break an invariant; first: " << first);
  Logger("snap")->set_level(level);
}

TEST_CASE(
    "crash audit (T1d): every create, rename and delete in the data dir is covered by a "
    "directory fsync before the next acknowledgement") {
  MemFileSystem fs;
  Workload(fs);
  wal::testing::CheckDirSyncAudit(fs);
}

}  // namespace
}  // namespace myetcd
