#include "myetcd/backend/local_backend.h"

#include <chrono>
#include <thread>

#include "myetcd/common/canary.h"
#include "myetcd/common/logging.h"

namespace myetcd::backend {
namespace {

Metrics& MetricsOf(const LocalBackendOptions& o) { return o.metrics ? *o.metrics : NoopMetrics(); }

std::vector<double> BatchBuckets() {
  std::vector<double> b;
  for (double v = 1; v <= 4096; v *= 2) b.push_back(v);
  return b;
}

}  // namespace

Status DeclareBackendOptions(Options& o) {
  MYETCD_RETURN_IF_ERROR(o.Declare({.name = "max-pending-writes",
                                    .type = OptionType::kInt,
                                    .default_value = "10000",
                                    .min = 1,
                                    .max = 10000000,
                                    .help = "writes waiting for the WAL; more get 429",
                                    .component = "backend"}));
  return o.Declare({.name = "max-commit-batch",
                    .type = OptionType::kInt,
                    .default_value = "4096",
                    .min = 1,
                    .max = 1000000,
                    .help = "writes committed with one fsync at most",
                    .component = "backend"});
}

LocalBackendOptions LocalBackendOptionsFrom(const Options& o) {
  LocalBackendOptions b;
  b.max_queue = static_cast<size_t>(o.GetInt("max-pending-writes"));
  b.max_batch = static_cast<size_t>(o.GetInt("max-commit-batch"));
  return b;
}

LocalBackend::LocalBackend(wal::Wal* wal, const mvcc::ApplyDispatcher* dispatcher,
                           LocalBackendOptions options)
    : wal_(wal),
      dispatcher_(dispatcher),
      options_(options),
      commits_(MetricsOf(options).GetCounter("myetcd_backend_commits_total",
                                             "writes committed (logged, synced, applied)")),
      fsyncs_(MetricsOf(options).GetCounter("myetcd_backend_fsyncs_total",
                                            "WAL syncs done by the committer")),
      rejected_(MetricsOf(options).GetCounter("myetcd_backend_rejected_total",
                                              "writes refused because the queue was full")),
      batch_size_(MetricsOf(options).GetHistogram("myetcd_backend_batch_size",
                                                  "writes per WAL sync", BatchBuckets())) {}

LocalBackend::~LocalBackend() { Stop(); }

void LocalBackend::Start() {
  committer_ = std::thread([this] { Run(); });
}

void LocalBackend::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !committer_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (committer_.joinable()) committer_.join();
}

Status LocalBackend::health() const {
  std::lock_guard lock(mu_);
  return failed_;
}

void LocalBackend::Submit(std::string command, Completion done) {
  Status refuse;
  {
    std::lock_guard lock(mu_);
    if (!failed_.ok()) {
      refuse = Status::Aborted("writes are stopped after a WAL failure: " + failed_.message());
    } else if (stopping_) {
      refuse = Status::Aborted("the server is shutting down");
    } else if (queue_.size() >= options_.max_queue ||
               queue_bytes_ + command.size() > options_.max_queue_bytes) {
      refuse = Status::Busy("too many pending writes (limit " + std::to_string(options_.max_queue) +
                            ")");
      rejected_.Inc();
    } else if (CanaryEnabled("ACK_AT_ENQUEUE")) {
      // Planted bug: apply and answer as soon as the write is queued, log it later. A kill
      // -9 before the committer's fsync then loses acknowledged writes; the crash tests must
      // catch it. (Applied under mu_ so that the log keeps the order of application.)
      auto result = dispatcher_->Apply(command);
      queue_bytes_ += command.size();
      queue_.push_back({std::move(command), [](Result<std::any>) {}});
      done(std::move(result));
      cv_.notify_one();
      return;
    } else {
      queue_bytes_ += command.size();
      queue_.push_back({std::move(command), std::move(done)});
    }
  }
  if (!refuse.ok()) {
    done(refuse);
    return;
  }
  cv_.notify_one();
}

void LocalBackend::Run() {
  std::deque<Pending> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything queued was committed
      size_t bytes = 0;
      while (!queue_.empty() && batch.size() < options_.max_batch &&
             (batch.empty() || bytes + queue_.front().command.size() <= options_.max_batch_bytes)) {
        bytes += queue_.front().command.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queue_bytes_ -= bytes;
    }
    CommitBatch(batch);
    batch.clear();
    if (options_.after_batch && wal_->health().ok()) options_.after_batch(wal_->LastIndex());
  }
}

void LocalBackend::CommitBatch(std::deque<Pending>& batch) {
  if (CanaryEnabled("ACK_AT_ENQUEUE")) {
    // Planted bug (see Submit): these were applied and answered when queued; only log them,
    // "later": the pause stands for whatever delays the log in a real bug, and makes the
    // window in which a kill loses acknowledged writes wide enough that every run of the
    // crash test lands in it at least once, instead of by luck.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (auto& p : batch) (void)wal_->Append(kCommandRecord, p.command);
    (void)wal_->Sync();
    return;
  }
  if (CanaryEnabled("ACK_BEFORE_FSYNC")) {
    // Planted bug: answer as soon as the batch is written to the log file, before the
    // fdatasync that makes it durable. The pause stands for a slow fdatasync and makes the
    // window wide enough that every run of the crash test lands in it. A plain kill -9
    // cannot catch this bug (the page cache keeps written bytes); a kill in power-cut mode
    // can, because there nothing counts as written before a Sync() that returned.
    for (auto& p : batch) (void)wal_->Append(kCommandRecord, p.command);
    (void)wal_->Flush();
    for (auto& p : batch) p.done(dispatcher_->Apply(p.command));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)wal_->Sync();
    return;
  }
  // The group commit itself: log every command of the batch, ONE Sync for all of them, and
  // only then apply and answer each, in order. A failed append or sync poisons the backend.
  // EXERCISE(s1-08) BEGIN stub: for (auto& p : batch) p.done(Status::NotImplemented("s1-08"));
  Status s;
  for (auto& p : batch) {
    auto index = wal_->Append(kCommandRecord, p.command);
    if (!index.ok()) {
      s = index.status();
      break;
    }
  }
  if (s.ok()) {
    s = wal_->Sync();
    fsyncs_.Inc();
  }
  if (!s.ok()) {
    // The log is poisoned: nothing in this batch is durable for sure, and nothing after it
    // can be. Fail everything, now and from now on.
    Logger("backend")->error("WAL failure, refusing all writes until restart: {}", s.ToString());
    std::deque<Pending> queued;
    {
      std::lock_guard lock(mu_);
      failed_ = s;
      queued.swap(queue_);
      queue_bytes_ = 0;
    }
    // A full disk stays a NoSpace (HTTP 507) so an operator sees the cause at once.
    Status aborted = s.IsNoSpace() ? Status::NoSpace("WAL failure: " + s.message())
                                   : Status::Aborted("WAL failure: " + s.message());
    for (auto& p : batch) p.done(aborted);
    for (auto& p : queued) p.done(aborted);
    return;
  }
  batch_size_.Observe(static_cast<double>(batch.size()));
  for (auto& p : batch) {
    auto result = dispatcher_->Apply(p.command);
    commits_.Inc();  // before done(): a waiter may tear everything down once answered
    p.done(std::move(result));
  }
  // EXERCISE(s1-08) END
}

}  // namespace myetcd::backend
