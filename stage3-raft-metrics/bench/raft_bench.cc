// How many entries per second the Raft core commits when nothing else costs anything: N
// nodes over MemoryStorage, a perfect in-process network (a FIFO queue, delivered at
// once), every Ready handled immediately. Each iteration the leader takes one batch of
// `batch` proposals of 128 bytes (Raft::ProposeBatch), and the queue is pumped until it is empty;
// the counter is the entries the leader applied. A real node adds an fsync per Ready and a network
// round trip per append, both orders of magnitude slower: this shows that the core is never the
// bottleneck, and what a Ready cycle costs.
#include <benchmark/benchmark.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "myetcd/raft/raft.h"
#include "myetcd/raft/storage.h"

namespace myetcd::raft {
namespace {

class BenchCluster {
 public:
  explicit BenchCluster(int n) : storages_(n) {
    for (int i = 1; i <= n; ++i) {
      Config c;
      c.id = i;
      for (int j = 1; j <= n; ++j) c.voters.push_back(j);
      c.storage = &storages_[i - 1];
      c.seed = i;
      c.max_inflight = 256;
      c.max_batch_bytes = 1 << 20;
      nodes_.push_back(std::make_unique<Raft>(c));
    }
    applied_.assign(n, 0);
    nodes_[0]->Campaign();
    HandleReady(1);
    Pump();
  }

  Raft& leader() { return *nodes_[0]; }
  uint64_t applied(NodeId id) const { return applied_[id - 1]; }

  void HandleReady(NodeId id) {
    Raft& r = *nodes_[id - 1];
    while (r.HasReady()) {
      Ready rd = r.GetReady();
      storages_[id - 1].Append(rd.entries);
      if (rd.hard_state) storages_[id - 1].SetHardState(*rd.hard_state);
      for (Message& m : rd.messages) queue_.push_back(std::move(m));
      applied_[id - 1] += rd.committed_entries.size();
      r.Advance();
    }
  }

  void Pump() {
    while (!queue_.empty()) {
      Message m = std::move(queue_.front());
      queue_.pop_front();
      nodes_[m.to - 1]->Step(m);
      HandleReady(m.to);
    }
  }

 private:
  std::vector<MemoryStorage> storages_;
  std::vector<std::unique_ptr<Raft>> nodes_;
  std::vector<uint64_t> applied_;
  std::deque<Message> queue_;
};

void BM_CommitThroughput(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  BenchCluster c(nodes);
  if (c.leader().role() != Role::kLeader) {
    state.SkipWithError("no leader");
    return;
  }
  const std::string payload(128, 'x');
  uint64_t start = c.applied(1);
  uint64_t ticks = 0;
  for (auto _ : state) {
    auto r = c.leader().ProposeBatch(std::vector<std::string>(batch, payload));
    benchmark::DoNotOptimize(r);
    c.HandleReady(1);
    c.Pump();
    if (++ticks % 4 == 0) {  // heartbeats keep check-quorum happy
      c.leader().Tick();
      c.HandleReady(1);
      c.Pump();
    }
  }
  uint64_t committed = c.applied(1) - start;
  state.counters["entries/s"] =
      benchmark::Counter(static_cast<double>(committed), benchmark::Counter::kIsRate);
  state.counters["entries/iter"] = static_cast<double>(committed) / state.iterations();
}

BENCHMARK(BM_CommitThroughput)
    ->ArgNames({"nodes", "batch"})
    ->Args({3, 1})
    ->Args({3, 16})
    ->Args({3, 256})
    ->Args({5, 1})
    ->Args({5, 16})
    ->Args({5, 256});

}  // namespace
}  // namespace myetcd::raft
