#include "myetcd/backend/local_backend.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <sstream>
#include <vector>

#include "myetcd/common/mem_file_system.h"
#include "myetcd/mvcc/command_codec.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/wal/wal_test_util.h"

namespace myetcd::backend {
namespace {

std::string PutCommand(int i) {
  mvcc::PutRequest put;
  put.key = "k" + std::to_string(i);
  put.value = "v" + std::to_string(i);
  return mvcc::EncodeCommand(put);
}

// A store, its dispatcher and a WAL on an in-memory disk.
struct Fixture {
  MemFileSystem fs;
  mvcc::MvccStore store;
  mvcc::ApplyDispatcher dispatcher;
  std::unique_ptr<wal::Wal> log;
  InMemoryMetrics metrics;  // before the backend: it must outlive the committer thread
  std::unique_ptr<LocalBackend> backend;

  explicit Fixture(LocalBackendOptions o = {}) {
    REQUIRE(mvcc::RegisterKvCommands(dispatcher, store).ok());
    REQUIRE(fs.CreateDir("/data").ok());
    REQUIRE(fs.SyncDir("/").ok());  // the data dir itself is durable before we start
    auto w = wal::Wal::Open(fs, "/data", {});
    REQUIRE(w.ok());
    log = std::move(*w);
    o.metrics = &metrics;
    backend = std::make_unique<LocalBackend>(log.get(), &dispatcher, o);
  }

  // Submits and returns a future of the result.
  std::future<Result<std::any>> Submit(std::string command) {
    auto promise = std::make_shared<std::promise<Result<std::any>>>();
    auto future = promise->get_future();
    backend->Submit(std::move(command),
                    [promise](Result<std::any> r) { promise->set_value(std::move(r)); });
    return future;
  }
};

// The torn tails recovery cuts in crash states, and an injected fsync failure, are expected
// in these cases: not news for the log.
struct QuietLogs {
  wal::testing::QuietWalLog wal;
  wal::testing::QuietLog backend{"backend"};
};

// Waits for every result; returns how many failed, and the first failure in *first.
int CountFailed(std::vector<std::future<Result<std::any>>>& results, std::string* first) {
  int failed = 0;
  for (auto& r : results) {
    auto got = r.get();
    if (!got.ok() && failed++ == 0) *first = got.status().ToString();
  }
  return failed;
}

// How many command records a WAL in `fs` holds after recovery.
uint64_t RecoveredRecords(MemFileSystem& fs) {
  uint64_t n = 0;
  auto w = wal::Wal::Open(fs, "/data", {}, [&](const wal::Record&) {
    ++n;
    return Status::OK();
  });
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  return n;
}

}  // namespace

TEST_CASE("[s1-08] backend: no write is acknowledged before the fsync that covers it") {
  QuietLogs quiet;
  Fixture f;
  // Every completion marks the disk's trace; a crash at any point must keep every write
  // acknowledged before it.
  std::atomic<int> acked{0};
  std::mutex refused_mu;
  int refused = 0;  // GUARDED_BY(refused_mu), like first_refusal
  std::string first_refusal;
  f.backend->Start();
  std::vector<std::future<void>> writers;
  for (int t = 0; t < 4; ++t) {
    writers.push_back(std::async(std::launch::async, [&, t] {
      for (int i = 0; i < 50; ++i) {
        // Shared: the committer may still be inside set_value when this thread wakes.
        auto done = std::make_shared<std::promise<void>>();
        auto waited = done->get_future();
        f.backend->Submit(PutCommand(t * 100 + i), [&, done](Result<std::any> r) {
          if (r.ok()) {
            f.fs.Mark("ack " + std::to_string(acked.fetch_add(1) + 1));
          } else {
            std::lock_guard lock(refused_mu);
            if (refused++ == 0) first_refusal = r.status().ToString();
          }
          done->set_value();
        });
        waited.wait();
      }
    }));
  }
  for (auto& w : writers) w.get();
  f.backend->Stop();
  CHECK_MESSAGE(refused == 0, refused << " of 200 writes failed; first: " << first_refusal);
  CHECK(acked == 200);
  CHECK(f.store.CurrentRevision() == 201);

  // One assertion for all states (their number depends on how the writers were batched).
  CrashOptions opts;
  size_t checked = 0, lost = 0;
  std::string first;
  size_t states = f.fs.ForEachCrashState(opts, [&](const CrashState& state, MemFileSystem& disk) {
    ++checked;
    uint64_t recovered = 0;
    auto w = wal::Wal::Open(disk, "/data", {}, [&](const wal::Record&) {
      ++recovered;
      return Status::OK();
    });
    if (w.ok() && recovered >= state.marks_before.size()) return;
    if (lost++ > 0) return;
    std::ostringstream why;
    why << state.description << ": " << state.marks_before.size() << " writes acknowledged, ";
    if (w.ok()) {
      why << recovered << " recovered";
    } else {
      why << "the WAL does not open: " << w.status().ToString();
    }
    first = why.str();
  });
  CHECK(states == checked);
  CHECK_MESSAGE(lost == 0, lost << " of " << states
                                << " crash states lost an acknowledged write: answer "
                                << "a command only after the Sync() that covers it returned OK "
                                << "(docs/stage1/labs/s1-08-group-commit.md); first: " << first);
  CHECK(states >= 200);  // every crash point of the trace, duplicates skipped
}

TEST_CASE("[s1-08] backend: writers queued together share one fsync") {
  Fixture f;
  std::vector<std::future<Result<std::any>>> results;
  for (int i = 0; i < 500; ++i) results.push_back(f.Submit(PutCommand(i)));
  f.backend->Start();  // the committer finds all 500 waiting
  std::string first;
  const int failed = CountFailed(results, &first);
  CHECK_MESSAGE(failed == 0, failed << " of 500 writes failed; first: " << first);
  CHECK_MESSAGE(f.metrics.Value("myetcd_backend_fsyncs_total") == 1,
                "500 writes queued before the committer started should share ONE Sync() "
                "(and count it in myetcd_backend_fsyncs_total)");
  CHECK_MESSAGE(f.metrics.Value("myetcd_backend_commits_total") == 500,
                "each applied command counts once in myetcd_backend_commits_total");
  CHECK(f.store.CurrentRevision() == 501);
}

TEST_CASE("[s1-08] backend: results come from Apply, in submission order") {
  Fixture f;
  f.backend->Start();
  auto first = f.Submit(PutCommand(1)).get();
  REQUIRE(first.ok());
  CHECK(std::any_cast<mvcc::PutResponse>(*first).header.revision == 2);
  mvcc::PutRequest again;
  again.key = "k1";
  again.value = "second";
  again.prev_kv = true;
  auto second = f.Submit(mvcc::EncodeCommand(again)).get();
  REQUIRE(second.ok());
  auto put = std::any_cast<mvcc::PutResponse>(*second);
  CHECK(put.header.revision == 3);
  REQUIRE(put.prev_kv);
  CHECK(put.prev_kv->value == "v1");
}

TEST_CASE("[s1-08] backend: after a failed fsync nothing is acknowledged, now or later") {
  QuietLogs quiet;
  Fixture f;
  f.fs.FailNextSyncs(1);
  std::vector<std::future<Result<std::any>>> results;
  for (int i = 0; i < 3; ++i) results.push_back(f.Submit(PutCommand(i)));
  f.backend->Start();
  for (auto& r : results) {
    auto got = r.get();
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == Status::Code::kAborted);
  }
  CHECK_MESSAGE(f.store.CurrentRevision() == 1, "a batch whose Sync() failed must not be applied");
  auto later = f.Submit(PutCommand(9)).get();  // the next fsync would succeed: never retried
  REQUIRE_FALSE_MESSAGE(later.ok(),
                        "after a failed Sync() no write may ever succeed again: "
                        "record the failure (failed_) and fail every later write");
  CHECK(later.status().message().find("WAL failure") != std::string::npos);
  CHECK_FALSE(f.backend->health().ok());
}

TEST_CASE("backend: a full queue refuses at once with Busy") {
  LocalBackendOptions o;
  o.max_queue = 2;
  Fixture f(o);
  auto a = f.Submit(PutCommand(1));
  auto b = f.Submit(PutCommand(2));
  auto c = f.Submit(PutCommand(3));
  auto refused = c.get();  // completed before the committer even started
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kBusy);
  CHECK(f.metrics.Value("myetcd_backend_rejected_total") == 1);
  f.backend->Start();
  CHECK(a.get().ok());
  CHECK(b.get().ok());
}

TEST_CASE("[s1-08] backend: Stop commits what was queued, then refuses") {
  Fixture f;
  std::vector<std::future<Result<std::any>>> results;
  for (int i = 0; i < 10; ++i) results.push_back(f.Submit(PutCommand(i)));
  f.backend->Start();
  f.backend->Stop();
  std::string first;
  const int failed = CountFailed(results, &first);
  CHECK_MESSAGE(failed == 0, failed << " of 10 queued writes failed; first: " << first);
  auto after = f.Submit(PutCommand(11)).get();
  REQUIRE_FALSE(after.ok());
  CHECK(after.status().code() == Status::Code::kAborted);
  CHECK(RecoveredRecords(*f.fs.CrashNow()) == 10);
}

}  // namespace myetcd::backend
