// Automatic history compaction, as etcd's `--auto-compaction-mode` and
// `--auto-compaction-retention`, and the store's options on the options registry.
//
// The decision "it is time to compact, up to revision R" reads a clock, so it must not
// happen inside Apply (apply.h). AutoCompactor makes it outside: the server polls it (from
// its committer loop or a timer, say once a second) and, when it answers R, submits a
// Compact command for R like any client's. Apply then compacts deterministically, and the
// command replays the same from the WAL.
//
//   periodic, retention T: keep T of history. The compactor samples the store revision
//     every min(T, 1h)/10 and, every min(T, 1h) once T has passed, compacts to the newest
//     revision sampled at least T ago. (etcd: "72h" compacts hourly, keeping 72 hours;
//     "10m" compacts every 10 minutes.) A bare number is hours, as in etcd.
//   revision, retention N: every 5 minutes, compact to current - N (keep N revisions).
//   retention 0 turns it off.
//
// On by default (periodic, 1h), unlike etcd (off): benchmarks and long runs must not grow
// history without bound.
//
// Thread-safety: AutoCompactor is not thread-safe; poll it from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

#include "myetcd/common/clock.h"
#include "myetcd/common/options.h"
#include "myetcd/common/result.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {

enum class AutoCompactionMode { kPeriodic, kRevision };

struct AutoCompactionConfig {
  AutoCompactionMode mode = AutoCompactionMode::kPeriodic;
  Nanos retention_period{0};        // periodic; 0 = off
  int64_t retention_revisions = 0;  // revision; 0 = off
  Nanos revision_check_interval = std::chrono::minutes(5);

  bool enabled() const {
    return mode == AutoCompactionMode::kPeriodic ? retention_period.count() > 0
                                                 : retention_revisions > 0;
  }
};

// Declares auto-compaction-mode, auto-compaction-retention and max-txn-ops.
Status DeclareMvccOptions(Options& options);
// REQUIRES: DeclareMvccOptions was called on `options`.
Result<AutoCompactionConfig> AutoCompactionConfigFrom(const Options& options);
StoreOptions StoreOptionsFrom(const Options& options);
// mode: "periodic" | "revision"; retention: "0", "5" (hours or revisions), "30m", "72h".
Result<AutoCompactionConfig> ParseAutoCompaction(std::string_view mode, std::string_view retention);

class AutoCompactor {
 public:
  // REQUIRES: clock outlives the compactor.
  AutoCompactor(AutoCompactionConfig config, const Clock& clock);

  // The revision to compact to now, if any. The caller submits Compact(revision).
  std::optional<int64_t> Poll(int64_t current_revision, int64_t compact_revision);

 private:
  struct Sample {
    Nanos at;
    int64_t revision;
  };
  std::optional<int64_t> PollPeriodic(Nanos now, int64_t current, int64_t compacted);
  std::optional<int64_t> PollRevision(Nanos now, int64_t current, int64_t compacted);

  const AutoCompactionConfig config_;
  const Clock& clock_;
  const Nanos start_;
  Nanos last_run_;
  std::deque<Sample> samples_;
};

}  // namespace myetcd::mvcc
