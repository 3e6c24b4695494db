// SnapshotPolicy: when the server takes a snapshot, and what it may then delete from the WAL.
//
// Every `snapshot_count` applied commands (etcd's --snapshot-count, default 100,000), the
// committer calls AfterBatch() between two batches -- LocalBackendOptions::after_batch -- so
// the store holds exactly the state at the WAL index it reports, and nothing is applied
// while the sections are written. Then:
//
//   Snapshotter::Save("wal-index=<n>")   durable on return (temp, fsync, rename, fsync dir)
//   Wal::Purge(oldest kept snapshot's index, wal_keep_entries)
//
// Purge goes up to the OLDEST snapshot this process knows is still on disk, not the newest:
// with --snapshot-keep 2, if the newest file rots, recovery falls back to the older one and
// still finds every WAL record after it. (A snapshot from before the last boot that was not
// the one loaded is not known: its position was never read. It is older than the loaded one,
// so at worst purge keeps less than it could for it, never more than is safe.)
//
// Failures: a failed Save is logged and retried at the next trigger (snapshot_count later);
// nothing was purged, the WAL still holds everything, so it is never fatal. A failed Purge
// is logged; if it poisoned the WAL (a failed directory fsync, wal.h), the next batch fails
// and the backend stops writes, as after any WAL failure; a segment that could not be
// deleted is simply retried at the next purge.
//
// The cost: the committer is blocked for the whole Save, so writes queue (and get 429 once
// --max-pending-writes are waiting); reads go on (encoding holds the store's shared lock).
// docs/benchmarks.md has the stall at 1M keys.
//
// Thread-safety: called on the committer thread only. The counters may be read from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>

#include "myetcd/common/options.h"
#include "myetcd/common/status.h"
#include "myetcd/snap/snapshotter.h"
#include "myetcd/wal/wal.h"

namespace myetcd::backend {

struct SnapshotPolicyOptions {
  uint64_t snapshot_count = 100000;  // applied commands between snapshots (>= 1)
  uint64_t wal_keep_entries = 5000;  // records kept behind the purge point
  size_t snapshot_keep = 2;          // the Snapshotter's keep: how many positions to remember
};

// Declares snapshot-count (reference/options.md). snapshot-keep is DeclareSnapshotOptions's
// and wal-keep-entries DeclareWalOptions's.
Status DeclareSnapshotPolicyOptions(Options& options);
// REQUIRES: the three Declare functions above were called.
SnapshotPolicyOptions SnapshotPolicyOptionsFrom(const Options& options);

class SnapshotPolicy {
 public:
  // `recovered_index`: the position of the snapshot recovery loaded (0: none), where the
  // count of applied commands starts. REQUIRES: snapshots and wal outlive the policy.
  SnapshotPolicy(snap::Snapshotter* snapshots, wal::Wal* wal, SnapshotPolicyOptions options,
                 uint64_t recovered_index);

  // The committer's hook: takes a snapshot at `last_applied_index` if snapshot_count
  // commands were applied since the last attempt. REQUIRES: every record up to it is synced
  // and applied, and nothing else is applied until this returns.
  void AfterBatch(uint64_t last_applied_index);

  // Saves a snapshot at `applied_index` and purges the WAL behind it, now. The error of
  // Save, or of Purge (the snapshot is then saved all the same). Same REQUIRES.
  Status SnapshotNow(uint64_t applied_index);

  uint64_t snapshots_taken() const { return taken_.load(); }
  uint64_t snapshots_failed() const { return failed_.load(); }
  // How long the last SnapshotNow blocked its caller (the committer's stall), in seconds.
  double last_stall_seconds() const { return last_stall_.load(); }

 private:
  snap::Snapshotter* const snapshots_;
  wal::Wal* const wal_;
  const SnapshotPolicyOptions options_;
  uint64_t last_attempt_;      // the index of the last snapshot tried (or recovered)
  std::deque<uint64_t> kept_;  // positions of snapshots known on disk, oldest first
  std::atomic<uint64_t> taken_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<double> last_stall_{0};
};

}  // namespace myetcd::backend
