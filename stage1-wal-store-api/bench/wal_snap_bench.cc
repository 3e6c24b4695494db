// Stage 1 storage benchmarks: WAL append + sync (group commit) and snapshot save and load,
// on a real POSIX directory under /tmp (never /dev/shm: fsync does nothing there).
//
//   BM_WalAppendSync/<batch>: 100-byte records, `batch` Appends then ONE Sync. Counters:
//     records/s and syncs/s. Batch 1 is one fsync per record; batch 64 is what group commit
//     buys. Target (issue 3): >= 100k synced records/s at batch 64.
//   BM_SnapshotSave / BM_SnapshotLoad: one synthetic "kv" section of 1M keys
//     (16-byte keys, 32-byte values, length-prefixed), saved durably / loaded and parsed
//     back into a vector of (key, value) views.
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "myetcd/common/coding.h"
#include "myetcd/common/file_system.h"
#include "myetcd/snap/snapshotter.h"
#include "myetcd/wal/wal.h"

namespace myetcd {
namespace {

std::string TempDir(const char* what) {
  std::string tmpl = std::string("/tmp/myetcd-bench-") + what + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  return tmpl;
}

void BM_WalAppendSync(benchmark::State& state) {
  const std::string dir = TempDir("wal");
  const int64_t batch = state.range(0);
  const std::string payload(100, 'v');
  int64_t records = 0, syncs = 0;
  {
    auto wal = wal::Wal::Open(*PosixFileSystem(), dir, {.segment_size = 64ull << 20});
    if (!wal.ok()) {
      state.SkipWithError(wal.status().ToString().c_str());
      return;
    }
    for (auto _ : state) {
      for (int64_t i = 0; i < batch; ++i) {
        if (!(*wal)->Append(1, payload).ok()) state.SkipWithError("append failed");
      }
      if (!(*wal)->Sync().ok()) state.SkipWithError("sync failed");
      records += batch;
      ++syncs;
    }
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.counters["syncs/s"] =
      benchmark::Counter(static_cast<double>(syncs), benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WalAppendSync)->Arg(1)->Arg(8)->Arg(64)->Arg(512)->UseRealTime();

constexpr int kKeys = 1'000'000;

std::string MakeKvSection() {
  std::string out;
  out.reserve(static_cast<size_t>(kKeys) * 50);
  char key[32];
  const std::string value(32, 'x');
  for (int i = 0; i < kKeys; ++i) {
    std::snprintf(key, sizeof key, "key-%012d", i);
    PutLengthPrefixed(&out, key);
    PutLengthPrefixed(&out, value);
  }
  return out;
}

void BM_SnapshotSave(benchmark::State& state) {
  const std::string dir = TempDir("snap");
  const std::string kv = MakeKvSection();
  snap::SectionRegistry registry;
  (void)registry.Register(
      "kv",
      [&](std::string* out) {
        out->append(kv);
        return Status::OK();
      },
      [](std::string_view) { return Status::OK(); });
  snap::Snapshotter snapshots(*PosixFileSystem(), dir, registry, {.keep = 1});
  for (auto _ : state) {
    auto r = snapshots.Save("position");
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kv.size()));
  state.counters["keys"] = kKeys;
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SnapshotSave)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_SnapshotLoad(benchmark::State& state) {
  const std::string dir = TempDir("snap");
  const std::string kv = MakeKvSection();
  std::vector<std::pair<std::string_view, std::string_view>> loaded;
  snap::SectionRegistry registry;
  (void)registry.Register(
      "kv",
      [&](std::string* out) {
        out->append(kv);
        return Status::OK();
      },
      [&](std::string_view in) {
        loaded.clear();
        loaded.reserve(kKeys);
        std::string_view k, v;
        while (!in.empty()) {
          if (!GetLengthPrefixed(&in, &k) || !GetLengthPrefixed(&in, &v)) {
            return Status::Corruption("kv");
          }
          loaded.emplace_back(k, v);
        }
        return Status::OK();
      });
  snap::Snapshotter snapshots(*PosixFileSystem(), dir, registry, {.keep = 1});
  if (!snapshots.Save("position").ok()) state.SkipWithError("save failed");
  for (auto _ : state) {
    auto r = snapshots.LoadNewest();
    if (!r.ok() || loaded.size() != kKeys) state.SkipWithError("load failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kv.size()));
  state.counters["keys"] = kKeys;
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SnapshotLoad)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace myetcd
