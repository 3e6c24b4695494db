// Component benchmarks of the MVCC store at 1M keys (docs/benchmarks.md, "Stage 1: MVCC
// store"): point get (the hash index's reason to exist), a range of 100 keys, put and txn
// applied through the Apply dispatcher, memory per key, and the snapshot section's encode
// and load (the in-memory part of recovery). `make bench` runs them;
// BENCH_FILTER=BM_Mvcc selects these.
//
// Keys are "key/%08d" (12 bytes), values 64 bytes, one version per key unless a benchmark
// writes more.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_store.h"
#include "myetcd/mvcc/apply.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {
namespace {

constexpr int kKeys = 1'000'000;

using bench::Fill;
using bench::Key;
using bench::Value;

// One shared 1M-key store for the read benchmarks (built once, ~2 s).
MvccStore& Shared() {
  static MvccStore* s = [] {
    auto* store = new MvccStore();
    Fill(*store, kKeys);
    return store;
  }();
  return *s;
}

std::vector<std::string> RandomKeys(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> keys(n);
  for (auto& k : keys) k = Key(static_cast<int>(rng() % kKeys));
  return keys;
}

void BM_MvccPointGet(benchmark::State& state) {
  const MvccStore& s = Shared();
  std::vector<std::string> keys = RandomKeys(1 << 20, 2);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.Get(keys[i++ & (keys.size() - 1)]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MvccPointGet);

// References measured in the same run (docs/benchmarks.md: compare ratios, not raw
// figures, on a shared machine): the same 1M keys and values in a plain hash map and a
// plain std::map, a lookup and a copy of the value, no lock.
template <typename Map>
void ReferenceGet(benchmark::State& state) {
  static Map* m = [] {
    auto* map = new Map();
    for (int i = 0; i < kKeys; ++i) map->emplace(Key(i), Value(i));
    return map;
  }();
  std::vector<std::string> keys = RandomKeys(1 << 20, 2);
  size_t i = 0;
  for (auto _ : state) {
    auto it = m->find(keys[i++ & (keys.size() - 1)]);
    std::string copy = it->second;
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_ReferenceHashMapGet(benchmark::State& state) {
  ReferenceGet<std::unordered_map<std::string, std::string>>(state);
}
void BM_ReferenceStdMapGet(benchmark::State& state) {
  ReferenceGet<std::map<std::string, std::string>>(state);
}
BENCHMARK(BM_ReferenceHashMapGet);
BENCHMARK(BM_ReferenceStdMapGet);

void BM_MvccPointRange(benchmark::State& state) {
  const MvccStore& s = Shared();
  std::vector<std::string> keys = RandomKeys(1 << 20, 3);
  size_t i = 0;
  RangeRequest r;
  for (auto _ : state) {
    r.key = keys[i++ & (keys.size() - 1)];
    benchmark::DoNotOptimize(s.Range(r));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MvccPointRange);

void BM_MvccRange100(benchmark::State& state) {
  const MvccStore& s = Shared();
  std::mt19937 rng(4);
  RangeRequest r;
  for (auto _ : state) {
    int start = static_cast<int>(rng() % (kKeys - 100));
    r.key = Key(start);
    r.range_end = Key(start + 100);
    Result<RangeResponse> resp = s.Range(r);
    if (!resp.ok() || resp->kvs.size() != 100) state.SkipWithError("range returned wrong count");
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_MvccRange100);

// Writes go to their own 1M-key store, through the dispatcher, with the command bytes
// prepared beforehand (decode + apply is what the committer pays per command).
struct WriteFixture {
  MvccStore store;
  ApplyDispatcher apply;
  WriteFixture() {
    if (!RegisterKvCommands(apply, store).ok()) std::abort();
    Fill(store, kKeys);
  }
};

WriteFixture& Writes() {
  static WriteFixture* f = new WriteFixture();
  return *f;
}

// Keeps history bounded, as auto-compaction would, outside the timed region.
void CompactUntimed(benchmark::State& state, MvccStore& s) {
  state.PauseTiming();
  (void)s.Compact(s.CurrentRevision());
  state.ResumeTiming();
}

void BM_MvccPutApply(benchmark::State& state) {
  WriteFixture& f = Writes();
  std::mt19937 rng(5);
  std::vector<std::string> cmds(1 << 16);
  for (auto& c : cmds) {
    int k = static_cast<int>(rng() % kKeys);
    c = EncodeCommand(PutRequest{.key = Key(k), .value = Value(k + 1)});
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.apply.Apply(cmds[i++ & (cmds.size() - 1)]));
    if ((i & 0xffff) == 0) CompactUntimed(state, f.store);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MvccPutApply);

void BM_MvccTxnApply(benchmark::State& state) {
  // A compare-and-swap of two keys: 1 compare, 2 puts (the success branch).
  WriteFixture& f = Writes();
  std::mt19937 rng(6);
  std::vector<std::string> cmds(1 << 16);
  for (auto& c : cmds) {
    int a = static_cast<int>(rng() % kKeys), b = (a + 1) % kKeys;
    c = EncodeCommand(TxnRequest{.compare = {Compare{.key = Key(a),
                                                     .target = CompareTarget::kMod,
                                                     .result = CompareResult::kGreater,
                                                     .number = 0}},
                                 .success = {PutRequest{.key = Key(a), .value = Value(b)},
                                             PutRequest{.key = Key(b), .value = Value(a)}}});
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.apply.Apply(cmds[i++ & (cmds.size() - 1)]));
    if ((i & 0xffff) == 0) CompactUntimed(state, f.store);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MvccTxnApply);

// Heap bytes per key of a fresh 1M-key store (glibc mallinfo2), and the share that is
// overhead beyond the 12 + 64 bytes of key and value.
void BM_MvccMemoryPerKey(benchmark::State& state) {
  for (auto _ : state) {
    malloc_trim(0);
    size_t before = mallinfo2().uordblks;
    auto s = std::make_unique<MvccStore>();
    Fill(*s, kKeys);
    size_t after = mallinfo2().uordblks;
    double per_key = static_cast<double>(after - before) / kKeys;
    state.counters["bytes_per_key"] = per_key;
    state.counters["overhead_per_key"] = per_key - (12 + 64);
  }
}
BENCHMARK(BM_MvccMemoryPerKey)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_MvccSnapshotEncode(benchmark::State& state) {
  const MvccStore& s = Shared();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string section = s.EncodeSnapshotSection();
    bytes = section.size();
    benchmark::DoNotOptimize(section);
  }
  state.counters["section_MiB"] = static_cast<double>(bytes) / (1 << 20);
}
BENCHMARK(BM_MvccSnapshotEncode)->Iterations(3)->Unit(benchmark::kMillisecond);

void BM_MvccSnapshotLoad(benchmark::State& state) {
  const std::string section = Shared().EncodeSnapshotSection();
  for (auto _ : state) {
    auto s = std::make_unique<MvccStore>();
    if (!s->LoadSnapshotSection(section).ok()) state.SkipWithError("load failed");
    state.PauseTiming();
    s.reset();  // freeing 1M keys is not part of loading them
    state.ResumeTiming();
  }
}
BENCHMARK(BM_MvccSnapshotLoad)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace myetcd::mvcc
