// PowerCutFileSystem: POSIX files that lose, when the process dies, exactly what a power cut
// would lose. A kill -9 of a normal process loses nothing the kernel already has (the page
// cache survives it), so it can never catch a missing fsync; in this mode it can.
//
//   * Bytes appended to a file stay in this process until a Sync() of that file writes and
//     fdatasyncs them. Readers in the same process see them meanwhile, as they would see the
//     page cache. A Sync() is all or nothing: if the process dies before it returns, the
//     next Open() cuts the file back to its size before that Sync() (even though the kernel
//     kept the bytes it had written).
//   * Creating, renaming or removing an entry, or making a directory, under the root is
//     recorded first in an undo journal (<root>/.powercut-journal). The next Open() of the
//     same root undoes every recorded change whose directory was not fsynced by SyncDir().
//
// FileSystem::Default() builds one when MYETCD_POWERCUT names a directory. Paths outside the
// root pass straight through to POSIX. The model, its journal grammar and its limits are
// written at the top of power_cut_file_system.cc.
//
// Thread-safety: as FileSystem. Ownership: files returned by it do not point back at it and
// may outlive it, but every call on them then fails (the power is off). Destroying the
// object (or the process dying) is the power cut: bytes not yet synced are gone, and
// un-synced directory changes are rolled back by the next Open().
// One process at a time may hold a root (Open takes an flock on the journal).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "myetcd/common/file_system.h"

namespace myetcd {

namespace powercut {
struct Inode;    // a file's bytes: on disk up to `durable`, then held in memory
struct Record;   // one journaled directory change
struct SyncLog;  // the slots that mark file syncs in flight
}  // namespace powercut

class PowerCutFileSystem final : public FileSystem {
 public:
  // Opens power-cut mode on `root`: rolls back the directory changes the previous holder of
  // the root left un-synced, deletes leftover hidden files, and starts an empty journal.
  // REQUIRES: root is an existing directory, not held by another PowerCutFileSystem.
  static Result<std::unique_ptr<PowerCutFileSystem>> Open(const std::string& root);
  ~PowerCutFileSystem() override;

  PowerCutFileSystem(const PowerCutFileSystem&) = delete;
  PowerCutFileSystem& operator=(const PowerCutFileSystem&) = delete;

  // The root as an absolute, normalised path.
  const std::string& root() const { return root_; }
  // How many directory changes the Open() that built this object rolled back.
  size_t rolled_back() const { return rolled_back_; }
  // How many files that Open() cut back because a Sync() of theirs never returned.
  size_t syncs_cut() const { return syncs_cut_; }

  // Test hook: every file Sync() under the root calls pause(path) after writing its bytes
  // and before its fdatasync, the instant a kill must not keep them (powercut_probe stops
  // there to be killed). REQUIRES: set before any Sync(); an empty function removes it.
  void SetSyncPauseForTest(std::function<void(const std::string& path)> pause);

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  // Never lists the mode's own hidden names (".powercut-*") under the root.
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDir(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  // Writes any unsynced bytes of the file, then truncates and fsyncs: durable on return.
  Status Truncate(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

 private:
  PowerCutFileSystem(std::string root, int journal_fd, std::shared_ptr<powercut::SyncLog> syncs);
  using Inode = powercut::Inode;
  using Record = powercut::Record;

  // Absolute, lexically normal form of path, and whether it lies under the root.
  std::string Normalize(const std::string& path) const;
  bool UnderRoot(const std::string& abs) const;

  // The in-process state of the file at abs, created from the disk on first use.
  // REQUIRES: mu_ held.
  std::shared_ptr<Inode> InodeFor(const std::string& abs, uint64_t disk_size);
  // Appends rec to the journal and fdatasyncs it, then remembers it as not yet covered.
  // REQUIRES: mu_ held; called BEFORE the directory change it describes.
  Status Journal(Record rec);
  // A fresh hidden name beside `abs` to keep a removed or replaced file for undo.
  std::string KeepName(const std::string& abs);
  Result<std::unique_ptr<WritableFile>> OpenWriter(const std::string& abs, bool truncate);

  const std::string root_;
  const int journal_fd_;  // holds the flock that makes the root ours
  // Shared with every open file; false once this object is destroyed.
  const std::shared_ptr<std::atomic<bool>> powered_;
  // <root>/.powercut-syncs, shared with every open file (which may outlive this object).
  const std::shared_ptr<powercut::SyncLog> syncs_;
  size_t rolled_back_ = 0;
  size_t syncs_cut_ = 0;

  std::mutex mu_;  // guards everything below; held across a journal write and its change
  std::map<std::string, std::shared_ptr<Inode>> inodes_;  // by absolute path
  std::vector<Record> live_;  // journaled changes not yet covered by SyncDir, oldest first
  uint64_t journal_size_ = 0;
  uint64_t next_keep_ = 0;
};

}  // namespace myetcd
