// SnapshotPolicy: see snapshot_policy.h. The one ordering rule it exists to keep: a WAL
// segment is deleted only after a snapshot covering it is durable (Save returned OK).
#include "myetcd/backend/snapshot_policy.h"

#include <chrono>

#include "myetcd/backend/recovery.h"
#include "myetcd/common/canary.h"
#include "myetcd/common/logging.h"

namespace myetcd::backend {

Status DeclareSnapshotPolicyOptions(Options& options) {
  return options.Declare({.name = "snapshot-count",
                          .type = OptionType::kInt,
                          .default_value = "100000",
                          .min = 1,
                          .max = 1ll << 40,
                          .help = "applied writes between two snapshots; after each, WAL "
                                  "segments the older kept snapshot covers are deleted",
                          .component = "snapshot"});
}

SnapshotPolicyOptions SnapshotPolicyOptionsFrom(const Options& options) {
  return SnapshotPolicyOptions{
      .snapshot_count = static_cast<uint64_t>(options.GetInt("snapshot-count")),
      .wal_keep_entries = static_cast<uint64_t>(options.GetInt("wal-keep-entries")),
      .snapshot_keep = static_cast<size_t>(options.GetInt("snapshot-keep"))};
}

SnapshotPolicy::SnapshotPolicy(snap::Snapshotter* snapshots, wal::Wal* wal,
                               SnapshotPolicyOptions options, uint64_t recovered_index)
    : snapshots_(snapshots), wal_(wal), options_(options), last_attempt_(recovered_index) {
  if (recovered_index > 0) kept_.push_back(recovered_index);
}

void SnapshotPolicy::AfterBatch(uint64_t last_applied_index) {
  if (last_applied_index < last_attempt_ + options_.snapshot_count) return;
  Status s = SnapshotNow(last_applied_index);
  if (!s.ok()) {
    Logger("snap")->warn("snapshot at WAL index {} failed, retrying after {} more writes: {}",
                         last_applied_index, options_.snapshot_count, s.ToString());
  }
}

Status SnapshotPolicy::SnapshotNow(uint64_t applied_index) {
  const auto started = std::chrono::steady_clock::now();
  auto log = Logger("snap");
  last_attempt_ = applied_index;
  auto stall = [&] {
    last_stall_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  if (CanaryEnabled("PURGE_BEFORE_SNAPSHOT")) {
    // Planted bug: delete the covered WAL segments before the snapshot that covers them is
    // durable. A crash in between boots an older snapshot over a hole in the WAL; the crash
    // test of recovery_crash_test.cc must catch it.
    (void)wal_->Purge(applied_index, options_.wal_keep_entries);
  }
  auto saved = snapshots_->Save(EncodeWalPosition(applied_index));
  if (!saved.ok()) {
    failed_++;
    stall();
    return saved.status();
  }
  taken_++;
  kept_.push_back(applied_index);
  while (kept_.size() > std::max<size_t>(1, options_.snapshot_keep)) kept_.pop_front();
  Status purged = wal_->Purge(kept_.front(), options_.wal_keep_entries);
  stall();
  log->info("snapshot {} at WAL index {} ({} bytes) in {:.3f} s; WAL now starts at index {}",
            saved->seq, applied_index, saved->bytes, last_stall_.load(), wal_->FirstIndex());
  if (!purged.ok()) {
    if (!wal_->health().ok()) {
      log->error("WAL purge failed and poisoned the WAL; writes will stop: {}", purged.ToString());
    } else {
      log->warn("WAL purge failed, retried at the next snapshot: {}", purged.ToString());
    }
  }
  return purged;
}

}  // namespace myetcd::backend
