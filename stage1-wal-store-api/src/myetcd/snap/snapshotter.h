// Snapshotter: saves and loads the snapshots of one member, in <data-dir>/member/snap/.
//
// Save writes "<seq:016x>.snap.tmp", fsyncs it, renames it to "<seq:016x>.snap" and fsyncs
// the directory: only then does it return, and only then is the snapshot durable -- so only
// then may the WAL segments it covers be deleted (Wal::Purge). A crash at any step leaves
// either the previous snapshots or the new one, never a half file under a .snap name.
// Older snapshots beyond `keep` are deleted afterwards (then SyncDir).
//
// LoadNewest loads the newest snapshot that verifies; a damaged newer one (bit rot, a bad
// disk) is skipped with a warning, and the older one is used. Boot is then: that snapshot,
// plus the WAL records after its position. (Keep > 1 snapshots and purge the WAL only up to
// the older one if you want a damaged newest snapshot to be survivable; see the chapter.)
//
// The format is snapshot_format.cc's grammar; sections come from a SectionRegistry.
//
// Thread-safety: one thread at a time. The FileSystem and the registry must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/file_system.h"
#include "myetcd/common/metrics.h"
#include "myetcd/common/options.h"
#include "myetcd/common/result.h"
#include "myetcd/snap/section_registry.h"

namespace myetcd::snap {

struct SnapshotterOptions {
  size_t keep = 2;             // snapshots kept after a Save (>= 1)
  Metrics* metrics = nullptr;  // null: NoopMetrics()
};

// Declares snapshot-keep (reference/options.md).
Status DeclareSnapshotOptions(Options& options);
SnapshotterOptions SnapshotterOptionsFrom(const Options& options);

struct SnapshotInfo {
  uint64_t seq = 0;  // the number in the file name; higher is newer
  std::string path;
  std::string position;  // opaque: the applied position the caller saved
  uint64_t bytes = 0;
};

class Snapshotter {
 public:
  Snapshotter(FileSystem& fs, std::string data_dir, const SectionRegistry& registry,
              SnapshotterOptions options = {});

  // Runs every registered writer and saves their sections with `position`, durably (see
  // above). On error nothing is renamed and the temp file is removed (best effort).
  Result<SnapshotInfo> Save(std::string_view position);

  // Loads the newest valid snapshot into the registered loaders and returns it; NotFound if
  // there is none (a new member). Damaged snapshots are skipped, each with a warning that is
  // logged and appended to *warnings. A section no loader is registered for is an error
  // (InvalidArgument): that file was written by a later stage, and dropping its state would
  // be a silent loss. A loader's error is returned as is (state may be half loaded).
  Result<SnapshotInfo> LoadNewest(std::vector<std::string>* warnings = nullptr);

  // The snapshots on disk, oldest first (not verified).
  Result<std::vector<SnapshotInfo>> List();

  const std::string& dir() const { return dir_; }

 private:
  Status EnsureDirs();
  Status RemoveOld();

  FileSystem& fs_;
  const std::string data_dir_;
  const std::string dir_;  // <data-dir>/member/snap
  const SectionRegistry& registry_;
  const SnapshotterOptions options_;
  Counter& saves_;
  Counter& bytes_;
  Counter& skipped_;
};

}  // namespace myetcd::snap
