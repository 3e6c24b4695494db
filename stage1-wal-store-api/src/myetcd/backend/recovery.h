// Recovery: how a stage-1 member boots from its data dir (ARCHITECTURE §4):
//
//   newest valid snapshot (state at WAL index P)  +  WAL records P+1, P+2, ... through Apply
//
// The snapshot's sections go to whoever registered them (the MVCC store as "kv" via
// RegisterKvSection; stage 2 adds "lease"). The WAL records after P are replayed through the
// same ApplyDispatcher the live committer uses: commands are logged, not effects, so replay
// reproduces the exact state, revisions and history above the compaction point. Records at
// or below P are read (the WAL checks them) but not applied: the snapshot already holds them.
//
// Missing history is never booted over. The WAL must continue the snapshot without a hole:
// its first record must be at or below P + 1, and it must reach P (a snapshot is only saved
// once the WAL is synced up to P). With no snapshot, the WAL must start at index 1. Anything
// else is Corruption naming both numbers. Only an unreadable command (Corruption from Apply)
// stops the replay; a command that failed live fails again, changing nothing.
//
// The applied position a snapshot carries is text, "wal-index=<n>" (<n> decimal, no sign,
// no leading zero): explicit and versioned, so stage 3's Raft position can use another
// prefix and a file written by one cannot be misread by the other.
//
// Thread-safety: Recover runs once, before the committer starts, on one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/file_system.h"
#include "myetcd/common/result.h"
#include "myetcd/mvcc/apply.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/snap/section_registry.h"
#include "myetcd/snap/snapshotter.h"
#include "myetcd/wal/wal.h"

namespace myetcd::backend {

// "wal-index=<index>", the snapshot position of stage 1.
std::string EncodeWalPosition(uint64_t index);
// The index of a position EncodeWalPosition wrote; Corruption for anything else (another
// prefix, an empty or signed number, a leading zero, trailing bytes, overflow).
Result<uint64_t> ParseWalPosition(std::string_view position);

// Registers `store` as the snapshot section "kv" (mvcc/snapshot_section.cc's grammar).
// REQUIRES: store outlives the registry's use.
Status RegisterKvSection(snap::SectionRegistry& registry, mvcc::MvccStore& store);

struct RecoveryConfig {
  FileSystem* fs = nullptr;
  std::string data_dir;
  wal::WalOptions wal;
  snap::Snapshotter* snapshots = nullptr;  // its registry's loaders receive the sections
  const mvcc::ApplyDispatcher* dispatcher = nullptr;
  // Read only, for the report's revisions (null: they stay 0).
  const mvcc::MvccStore* store = nullptr;
};

// What Recover found and did (the server logs it).
struct RecoveryReport {
  bool from_snapshot = false;
  uint64_t snapshot_seq = 0;          // the file's number, when from_snapshot
  uint64_t snapshot_index = 0;        // P: the WAL index the snapshot holds (0: none)
  int64_t snapshot_revision = 0;      // the store revision right after loading it
  uint64_t wal_first_index = 0;       // the first record still in the WAL
  uint64_t skipped = 0;               // records at or below P (already in the snapshot)
  uint64_t replayed = 0;              // commands applied after P
  uint64_t last_index = 0;            // the last WAL index now applied
  int64_t revision = 0;               // the store revision at the end
  double seconds = 0;                 // wall time of the whole recovery
  std::vector<std::string> warnings;  // damaged snapshots skipped, WAL tails cut
};

struct Recovered {
  std::unique_ptr<wal::Wal> wal;  // open, positioned after the last record
  RecoveryReport report;
};

// Boots as described above. On error the registered state is half built: discard it.
// REQUIRES: every pointer in config is set but `store`; the registry's state is empty.
Result<Recovered> Recover(const RecoveryConfig& config);

}  // namespace myetcd::backend
