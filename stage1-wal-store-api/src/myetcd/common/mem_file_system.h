// MemFileSystem: the FileSystem seam in memory, for tests. Besides behaving like a disk
// (POSIX rules: a file needs its parent directory, names are listed sorted), it
//
//   * injects faults: a full disk, failing Sync() calls, a torn Append;
//   * records every mutating call in a trace (FsOp), naming files by inode id so that any
//     subset of the trace can be re-applied, plus the test's own Mark()s ("ack 17");
//   * enumerates crash states from the trace (ALICE-lite): what the disk may hold if the
//     power went at a given point, each handed to the test as a fresh MemFileSystem to
//     recover from;
//   * audits directory fsyncs: a created, renamed or removed entry that was not covered by a
//     SyncDir() of its directory before an acknowledgement (a Mark) is a finding.
//
// The crash model (the seam's durability rules, file_system.h): a Sync() of a file covers
// its earlier writes and truncations; a SyncDir(d) covers earlier creates, renames, removes
// and mkdirs of entries in d (a rename across directories needs both). At crash point t,
// the durable state is the state before the trace, plus every op before t that a sync before
// t covered, plus any prefix (in trace order) of the ops before t that none covered, where
// the last op of that prefix, if a write, may also be torn at any 512-byte boundary inside
// it. Reordering beyond prefixes and zero-filled tails are not enumerated.
//
// Thread-safety: every method may be called from any thread (one mutex). Open files point
// at the file system: REQUIRES it outlives them. A FileLock from LockFile() likewise.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "myetcd/common/file_system.h"

namespace myetcd {

// One mutating call as MemFileSystem recorded it.
struct FsOp {
  enum class Kind { kWrite, kTruncate, kSync, kCreate, kRename, kRemove, kMkdir, kSyncDir, kMark };
  Kind kind;
  uint64_t ino = 0;     // the file (all kinds but kMkdir, kSyncDir, kMark)
  uint64_t offset = 0;  // kWrite: where the bytes go; kTruncate: the new size
  std::string data;     // kWrite: the bytes; kMark: the label
  std::string path;     // kCreate, kRemove, kMkdir: the entry; kRename: from; kSyncDir: dir
  std::string to;       // kRename: the new name

  // "write ino 3 @512 +1000", "rename /d/a.tmp -> /d/a (ino 4)", "mark 'ack 2'", ...
  std::string ToString() const;
};

struct CrashOptions {
  // Crash points to try: crash point t means ops [0, t) were issued when the power went.
  // Empty means every point, 0 .. trace size.
  std::vector<size_t> crash_points;
  // When more crash points than this (0 = no limit), a sample of this many, drawn with seed.
  size_t max_crash_points = 0;
  // When more states than this (0 = no limit), states are taken in an order shuffled with
  // seed until this many were delivered.
  size_t max_states = 0;
  uint64_t seed = 1;
  // Skip a state equal to one already delivered: same names, same contents and the same
  // number of marks before it (a later mark means more acknowledgements to check).
  bool skip_duplicates = true;
  // Also deliver the last kept write torn at each 512-byte boundary inside it.
  bool torn_writes = true;
};

struct CrashState {
  static constexpr uint64_t kWhole = std::numeric_limits<uint64_t>::max();

  size_t crash_point = 0;     // ops [0, crash_point) were issued
  size_t unsynced_kept = 0;   // how many ops no sync covered survived (a prefix of them)
  uint64_t torn_at = kWhole;  // bytes of the last kept write that survived, if it was torn
  std::vector<std::string> marks_before;  // labels of the marks before the crash point
  std::string description;                // for failure messages
};

class MemFileSystem final : public FileSystem {
 public:
  MemFileSystem();
  ~MemFileSystem() override;
  MemFileSystem(const MemFileSystem&) = delete;
  MemFileSystem& operator=(const MemFileSystem&) = delete;

  // ---- FileSystem ----
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDir(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override;
  // Files only; renaming a directory is InvalidArgument here.
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  // ---- Fault injection ----
  // Total bytes all files may hold; an Append beyond it fails with NoSpace and writes
  // nothing. kUnlimited (the default) turns the limit off.
  static constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();
  void SetCapacity(uint64_t bytes);
  // The next n WritableFile::Sync() calls fail with IOError and cover nothing.
  void FailNextSyncs(int n);
  // The next n SyncDir() calls fail with IOError and cover nothing.
  void FailNextDirSyncs(int n);
  // The next Append writes only its first `keep` bytes, then fails with IOError.
  void TearNextAppend(size_t keep);

  // ---- Trace ----
  // Puts a label in the trace, e.g. "ack 17" when the code under test acknowledged a write;
  // crash states report the marks before them and the audit checks entries against them.
  void Mark(std::string label);
  std::vector<FsOp> Trace() const;

  // ---- Crash states ----
  // Calls fn once per crash state (see the model above) with a fresh file system holding
  // exactly that durable state and an empty trace. Returns how many states fn saw.
  size_t ForEachCrashState(
      const CrashOptions& opts,
      const std::function<void(const CrashState&, MemFileSystem& recovered)>& fn) const;
  // The durable state if the power went now and nothing unsynced survived.
  std::unique_ptr<MemFileSystem> CrashNow() const;

  // ---- Directory-fsync audit ----
  // One finding per create/rename/remove/mkdir not covered by a SyncDir of its directory
  // before the first Mark after it (or before the end of the trace, if no Mark follows):
  // "rename a.tmp -> a.snap in /d not followed by SyncDir(/d) before mark 'ack 3' (op 7)".
  std::vector<std::string> AuditDirSyncs() const;

 private:
  class Writable;
  class Readable;
  class Lock;

  // A state of the disk: names and file contents. Directories map to kDir.
  static constexpr uint64_t kDir = 0;
  struct Tree {
    std::map<std::string, uint64_t> entries;  // normalised path -> inode id or kDir
    std::map<uint64_t, std::string> data;     // inode id -> bytes
  };
  explicit MemFileSystem(Tree durable);

  // Re-applies op to tree; a kWrite keeps only its first `keep` bytes.
  static void Apply(const FsOp& op, uint64_t keep, Tree* tree);
  // For each op, the index of the first sync that covers it (trace size if none).
  static std::vector<size_t> CoveredAt(const std::vector<FsOp>& trace);
  // Drops entries whose directory does not exist and data no name reaches.
  static void Prune(Tree* tree);

  // REQUIRES: mu_ held, for all below.
  bool IsDir(const std::string& path) const;
  std::optional<uint64_t> FileIno(const std::string& path) const;
  void Record(FsOp op);  // applies to the live tree and appends to the trace
  void MaybeFree(uint64_t ino);
  Result<std::unique_ptr<WritableFile>> OpenWriter(const std::string& path, bool truncate);

  mutable std::mutex mu_;
  Tree base_;                     // the durable state the trace starts from
  Tree live_;                     // what the files hold now, synced or not
  std::vector<FsOp> trace_;       // every mutating call since base_
  std::map<uint64_t, int> open_;  // inode id -> open files (data kept while > 0)
  std::set<std::string> locked_;
  uint64_t next_ino_ = 1;
  uint64_t capacity_ = kUnlimited;
  int fail_syncs_ = 0;
  int fail_dir_syncs_ = 0;
  std::optional<size_t> tear_next_;
};

}  // namespace myetcd
