// A stage-1 member for the recovery tests: a store, its Apply dispatcher and "kv" section,
// and a Snapshotter on some data dir, wired the way stage1_server.cc wires them, plus a
// deterministic committer (Commit) for tests that need the same file trace on every run.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "myetcd/backend/local_backend.h"
#include "myetcd/backend/recovery.h"
#include "myetcd/backend/snapshot_policy.h"
#include "myetcd/common/logging.h"
#include "myetcd/common/mem_file_system.h"
#include "myetcd/mvcc/apply.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/snap/snapshotter.h"

namespace myetcd::backend::testing {

inline const std::string kDataDir = "/data";

struct Member {
  FileSystem& fs;
  mvcc::MvccStore store;
  mvcc::ApplyDispatcher apply;
  snap::SectionRegistry registry;
  snap::Snapshotter snapshots;
  wal::WalOptions wal_options;

  explicit Member(FileSystem& f, size_t keep = 2, uint64_t segment_size = 2048)
      : fs(f),
        snapshots(f, kDataDir, registry, {.keep = keep}),
        wal_options{.segment_size = segment_size} {
    REQUIRE(mvcc::RegisterKvCommands(apply, store).ok());
    REQUIRE(RegisterKvSection(registry, store).ok());
  }

  Result<Recovered> Boot() {
    return Recover({.fs = &fs,
                    .data_dir = kDataDir,
                    .wal = wal_options,
                    .snapshots = &snapshots,
                    .dispatcher = &apply,
                    .store = &store});
  }

  // What the committer does with one batch, on the calling thread: append every command,
  // sync once, (mark "ack <last index>" on `marks`, if given), apply each in order. Returns
  // the last index.
  uint64_t Commit(wal::Wal& log, const std::vector<std::string>& batch,
                  MemFileSystem* marks = nullptr) {
    uint64_t last = 0;
    for (const std::string& c : batch) {
      auto index = log.Append(kCommandRecord, c);
      REQUIRE(index.ok());
      last = *index;
    }
    REQUIRE(log.Sync().ok());
    if (marks) marks->Mark("ack " + std::to_string(last));
    for (const std::string& c : batch) REQUIRE_FALSE(apply.Apply(c).status().IsCorruption());
    return last;
  }
};

// The live state that never restarts: a store fed the same commands, one at a time,
// straight through Apply, to compare a recovered member with.
struct Reference {
  mvcc::MvccStore store;
  mvcc::ApplyDispatcher apply;
  Reference() { REQUIRE(mvcc::RegisterKvCommands(apply, store).ok()); }
  void Apply(const std::string& command) {
    REQUIRE_FALSE(apply.Apply(command).status().IsCorruption());
  }
};

// Turns the "snap" logger down for the scope: the policy logs every snapshot it takes.
class QuietSnapLog {
 public:
  QuietSnapLog() : level_(Logger("snap")->level()) {
    Logger("snap")->set_level(spdlog::level::off);
  }
  ~QuietSnapLog() { Logger("snap")->set_level(level_); }

 private:
  spdlog::level::level_enum level_;
};

}  // namespace myetcd::backend::testing
