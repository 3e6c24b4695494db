// stage1-server: the stage-1 milestone, a durable single-node key-value server speaking the
// /v1 API (docs/api/v1.md) on 127.0.0.1:2379 by default.
//
// Start-up: parse the options (every component declares its own), take the data dir,
// recover (backend/recovery.h: the newest valid snapshot, then the WAL records after its
// position through the same Apply the live server uses -- commands are logged, not
// effects, so replay reproduces the exact state and revisions), start the committer with
// the snapshot policy on its after-batch hook (a snapshot every --snapshot-count writes,
// then older WAL segments deleted) and the HTTP server, print the bound address.
// SIGINT/SIGTERM: stop accepting, answer what is in flight, commit what is queued, close
// the WAL, exit 0. (No snapshot at shutdown: the WAL tail replays in well under a second.)
//
// The file layer honours MYETCD_POWERCUT=<dir> (file_system.h): tests kill -9 this process
// in power-cut mode to prove that no acknowledged write is lost.
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "myetcd/api/v1_routes.h"
#include "myetcd/backend/local_backend.h"
#include "myetcd/backend/recovery.h"
#include "myetcd/backend/snapshot_policy.h"
#include "myetcd/common/logging.h"
#include "myetcd/http/server.h"
#include "myetcd/mvcc/apply.h"
#include "myetcd/mvcc/auto_compaction.h"
#include "myetcd/mvcc/command_codec.h"

namespace myetcd {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "stage1-server: %s\n", s.ToString().c_str());
  return 1;
}

// Asks the auto-compactor once a second whether to compact; a compaction is a logged
// command like any write (the clock stays outside Apply).
class CompactionLoop {
 public:
  CompactionLoop(mvcc::AutoCompactionConfig config, mvcc::MvccStore* store,
                 backend::Backend* backend)
      : compactor_(config, *SteadyClock()), store_(store), backend_(backend) {
    thread_ = std::thread([this] { Run(); });
  }
  ~CompactionLoop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
      auto target = compactor_.Poll(store_->CurrentRevision(), store_->CompactRevision());
      if (!target) continue;
      backend_->Submit(mvcc::EncodeCommand(mvcc::CompactRequest{*target}), [target](
                                                                               Result<std::any> r) {
        if (!r.ok()) {
          Logger("mvcc")->warn("auto-compaction to {} failed: {}", *target, r.status().ToString());
        }
      });
    }
  }

  mvcc::AutoCompactor compactor_;
  mvcc::MvccStore* store_;
  backend::Backend* backend_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

int Main(int argc, char** argv) {
  Options options;
  for (Status s : {options.Declare({.name = "data-dir",
                  .type = OptionType::kString,
                  .default_value = "default.etcd",
                  .help = "where the WAL (member/wal) and snapshots live",
                  .component = "server"}),
                   http::DeclareServerOptions(options), mvcc::DeclareMvccOptions(options),
                   wal::DeclareWalOptions(options), snap::DeclareSnapshotOptions(options),
                   backend::DeclareSnapshotPolicyOptions(options),
                   backend::DeclareBackendOptions(options), DeclareLoggingOptions(options)}) {
    if (!s.ok()) return Fail(s);
  }
  auto args = options.ParseArgs(argc, argv);
  if (!args.ok()) return Fail(args.status());
  if (options.help_requested()) {
    std::cout << options.HelpText("stage1-server [flags]");
    return 0;
  }
  if (!args->empty()) return Fail(Status::InvalidArgument("unexpected argument " + (*args)[0]));
  if (Status s = InitLogging(options.GetString("log-level")); !s.ok()) return Fail(s);
  auto log = Logger("server");

  auto compaction = mvcc::AutoCompactionConfigFrom(options);
  if (!compaction.ok()) return Fail(compaction.status());
  mvcc::MvccStore store(mvcc::StoreOptionsFrom(options));
  mvcc::ApplyDispatcher dispatcher;
  if (Status s = mvcc::RegisterKvCommands(dispatcher, store); !s.ok()) return Fail(s);
  // Stage 1 has no leases: a put that names one is refused inside Apply, as etcd refuses an
  // unknown lease. Stage 2's lease manager replaces this checker.
  store.SetLeaseChecker([](int64_t lease) {
    return Status::NotFound("etcdserver: requested lease not found: " + std::to_string(lease));
  });

  // Recovery: the newest valid snapshot, then every command logged after it, in order,
  // through the same Apply.
  FileSystem& fs = *FileSystem::Default();
  const std::string data_dir = options.GetString("data-dir");
  snap::SectionRegistry sections;
  if (Status s = backend::RegisterKvSection(sections, store); !s.ok()) return Fail(s);
  snap::Snapshotter snapshots(fs, data_dir, sections, snap::SnapshotterOptionsFrom(options));
  // The WAL creates the data dir and fsyncs its parent. Creating it here first would skip
  // that fsync, and a power cut would take the whole data dir away (the power-cut crash test
  // caught exactly that).
  auto recovered = backend::Recover({.fs = &fs,
                                     .data_dir = data_dir,
                                     .wal = wal::WalOptionsFrom(options),
                                     .snapshots = &snapshots,
                                     .dispatcher = &dispatcher,
                                     .store = &store});
  if (!recovered.ok()) return Fail(recovered.status());
  std::unique_ptr<wal::Wal> log_file = std::move(recovered->wal);
  const backend::RecoveryReport& boot = recovered->report;
  if (boot.from_snapshot) {
    log->info("recovered from snapshot {} (WAL index {}, revision {}) in {}", boot.snapshot_seq,
              boot.snapshot_index, boot.snapshot_revision, data_dir);
  } else {
    log->info("no snapshot in {}: replaying the WAL from index 1", data_dir);
  }
  log->info(
      "replayed {} commands after WAL index {} ({} records already in the snapshot) in {:.3f} s; "
      "now at WAL index {}, revision {}",
      boot.replayed, boot.snapshot_index, boot.skipped, boot.seconds, boot.last_index,
      boot.revision);

  backend::SnapshotPolicy snapshot_policy(
      &snapshots, log_file.get(), backend::SnapshotPolicyOptionsFrom(options), boot.snapshot_index);
  backend::LocalBackendOptions backend_options = backend::LocalBackendOptionsFrom(options);
  backend_options.after_batch = [&snapshot_policy](uint64_t last_applied_index) {
    snapshot_policy.AfterBatch(last_applied_index);
  };
  backend::LocalBackend backend(log_file.get(), &dispatcher, backend_options);
  backend.Start();

  api::V1Context ctx;
  ctx.store = &store;
  ctx.backend = &backend;
  ctx.health = [&backend] { return backend.health(); };
  ctx.started = SteadyClock()->Now();
  ctx.max_txn_ops = static_cast<int>(options.GetInt("max-txn-ops"));
  http::Router router;
  if (Status s = api::RegisterV1Routes(router, &ctx); !s.ok()) return Fail(s);
  http::Server server(http::ServerOptionsFrom(options), &router);
  if (Status s = server.Start(); !s.ok()) return Fail(s);
  std::unique_ptr<CompactionLoop> compactor;
  if (compaction->enabled()) {
    compactor = std::make_unique<CompactionLoop>(*compaction, &store, &backend);
  }
  // Tests read this line to learn the port (--listen 127.0.0.1:0).
  std::printf("stage1-server listening on %s\n", server.address().c_str());
  std::fflush(stdout);

  server.WaitForShutdownSignal();
  log->info("shutting down");
  compactor.reset();
  server.Stop();
  backend.Stop();
  if (Status s = log_file->Close(); !s.ok()) return Fail(s);
  log->info("stopped cleanly at revision {}", store.CurrentRevision());
  return 0;
}

}  // namespace
}  // namespace myetcd

int main(int argc, char** argv) { return myetcd::Main(argc, argv); }
