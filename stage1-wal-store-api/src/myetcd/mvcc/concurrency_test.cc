// Readers never see half a txn: reader threads check, during a stream of txns, an
// invariant that every txn keeps (two keys are always equal, and their sum of versions
// moves in lock-step). No sleeps; the readers stop when the writer is done.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "myetcd/mvcc/apply.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {
namespace {

TEST_CASE("readers see all of a txn or none of it") {
  MvccStore s;
  ApplyDispatcher d;
  REQUIRE(RegisterKvCommands(d, s).ok());
  REQUIRE(s.Txn({.success = {PutRequest{.key = "a", .value = "0"},
                             PutRequest{.key = "b", .value = "0"}}})
              .ok());
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&, i] {
      while (!done.load(std::memory_order_relaxed)) {
        if (i == 0) {
          // One range over both keys.
          Result<RangeResponse> r = s.Range({.key = "a", .range_end = "c"});
          if (!r.ok() || r->kvs.size() != 2 || r->kvs[0].value != r->kvs[1].value ||
              r->kvs[0].mod_revision != r->kvs[1].mod_revision)
            torn.fetch_add(1);
        } else {
          // A read-only txn with two point ranges.
          Result<TxnResponse> t =
              s.Txn({.success = {RangeRequest{.key = "a"}, RangeRequest{.key = "b"}}});
          if (!t.ok()) {
            torn.fetch_add(1);
            continue;
          }
          const auto& a = std::get<RangeResponse>(t->responses[0]).kvs;
          const auto& b = std::get<RangeResponse>(t->responses[1]).kvs;
          if (a.size() != 1 || b.size() != 1 || a[0].value != b[0].value) torn.fetch_add(1);
        }
        reads.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  // Start writing once both readers are reading; go on until they have read a good deal
  // during the writes (bounded, in case the scheduler starves them).
  while (reads.load() < 2) std::this_thread::yield();
  const long reads_before = reads.load();
  int i = 1;
  for (; i <= 3000 || (reads.load() - reads_before < 2000 && i < 200000); ++i) {
    std::string v = std::to_string(i);
    // Through the dispatcher, as the committer would.
    TxnRequest t{
        .success = {PutRequest{.key = "a", .value = v}, PutRequest{.key = "b", .value = v}}};
    REQUIRE(d.Apply(EncodeCommand(t)).ok());
    if (i % 100 == 0) REQUIRE(s.Compact(s.CurrentRevision() - 10).ok());
  }
  done.store(true);
  for (auto& t : readers) t.join();
  CHECK(torn.load() == 0);
  CHECK(reads.load() - reads_before > 0);
  CHECK(s.CurrentRevision() == 1 + i);
}

TEST_CASE("observers see revisions in order while readers run") {
  struct Check : StoreObserver {
    int64_t last = 1;
    bool in_order = true;
    void OnRevision(const RevisionEvents& b) override {
      in_order = in_order && b.revision == last + 1;
      last = b.revision;
    }
  } check;
  MvccStore s;
  s.AddObserver(&check);
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) (void)s.Get("k");
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 500; ++i)
        REQUIRE(s.Put({.key = "k" + std::to_string(w), .value = "v"}).ok());
    });
  }
  for (auto& t : writers) t.join();
  done.store(true);
  reader.join();
  s.RemoveObserver(&check);
  CHECK(check.in_order);
  CHECK(check.last == 1001);
}

}  // namespace
}  // namespace myetcd::mvcc
