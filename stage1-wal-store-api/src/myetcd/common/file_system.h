// FileSystem: the one door through which the store touches files. Every component that
// reads or writes the data directory takes a FileSystem& so tests can swap the disk for:
//
//   * PosixFileSystem      -- the real thing (open/pwrite/fdatasync/rename/fsync(dir)).
//   * power-cut mode       -- POSIX, but bytes stay in the process until the fsync that
//                             covers them and directory entries until fsync(dir). Switched on
//                             by MYETCD_POWERCUT=<root dir>, so `kill -9` of a test server
//                             loses exactly what a power cut would (the page cache survives
//                             a kill, so a plain kill -9 can never catch a missing fsync).
//   * MemFileSystem        -- in memory, with fault injection and crash-state enumeration
//                             (mem_file_system.h).
//
// The model every implementation follows (and every caller must assume):
//   - WritableFile::Append data is durable only after a later Sync() of that file returns OK.
//   - Creating, renaming or removing a directory entry is durable only after SyncDir() of the
//     directory that holds the entry returns OK. Sync() of a file does not make its name
//     durable.
//   - A failed Sync() says nothing about which bytes survived; callers must treat the file
//     as lost from the last successful Sync() on and never retry into a success.
//
// Thread-safety: a FileSystem may be used from several threads. A WritableFile or
// ReadableFile is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/result.h"
#include "myetcd/common/status.h"

namespace myetcd {

// An append-only file being written (WAL segments and snapshot files are append-only).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Makes every byte appended so far durable (fdatasync on POSIX).
  virtual Status Sync() = 0;
  // Closes the file. Does not sync: bytes appended since the last Sync() are not durable.
  virtual Status Close() = 0;
  // Bytes in the file, synced or not.
  virtual uint64_t Size() const = 0;
};

class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to n bytes at offset into *out (replacing its contents); fewer at end of file.
  virtual Status ReadAt(uint64_t offset, size_t n, std::string* out) const = 0;
  virtual Result<uint64_t> Size() const = 0;
};

// Held while a process owns a data directory; released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates the file, or truncates it if it exists.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens an existing file to append at its end (creates it if missing).
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Names (not paths) of the entries in dir, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates dir (OK if it exists). Its entry in the parent is durable after SyncDir(parent).
  virtual Status CreateDir(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Atomically replaces `to` with `from` (same directory in our uses).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Cuts the file to `size` bytes; durable on return (truncate + fsync).
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Makes the directory's entries durable (fsync of the directory).
  virtual Status SyncDir(const std::string& dir) = 0;
  // An exclusive advisory lock (flock) on path, created if missing; fails if held elsewhere.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // Reads a whole file (convenience over NewReadableFile).
  Result<std::string> ReadFileToString(const std::string& path);

  // The process-wide real file system: POSIX, or POSIX in power-cut mode when the
  // environment variable MYETCD_POWERCUT names a directory (everything under it is then
  // held in the process until synced). Never destroyed.
  static FileSystem* Default();
};

// The plain POSIX file system (no power-cut mode), e.g. for tools that must see the disk.
FileSystem* PosixFileSystem();

// Joins two path parts with one '/'.
std::string JoinPath(std::string_view dir, std::string_view name);
// The directory part of path ("." when there is none).
std::string DirName(std::string_view path);
// The last part of path.
std::string BaseName(std::string_view path);

}  // namespace myetcd
