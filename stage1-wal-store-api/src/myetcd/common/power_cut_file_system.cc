// Power-cut mode: POSIX, except that what a power cut would lose is lost when the process
// dies. A test runs a server with MYETCD_POWERCUT=<root>, kills it with SIGKILL, and the next
// process to open the root finds the disk as a power cut at that instant could have left it.
//
// THE MODEL
//   File data. Each file under the root has an in-process Inode: bytes [0, durable) are on
//   disk, bytes after them are held in `pending`. Append only adds to `pending`; Sync()
//   pwrites `pending` at `durable` and fdatasyncs. Readers, FileSize and appenders of the
//   same file in this process go through the same Inode, so they see the pending bytes, as
//   they would see the page cache. When the process dies, `pending` dies with it.
//
//   A Sync() is all or nothing. Once its pwrite returns, the bytes are in the kernel's page
//   cache, which a kill -9 does not touch; a kill while the fdatasync runs would keep them,
//   although a power cut at that instant could lose them. So Sync() first marks itself in
//   flight in a slot of <root>/.powercut-syncs (the file's device, inode and `durable`),
//   then pwrites and fdatasyncs, then clears the slot. The next Open() cuts every file named
//   by a slot still in flight back to that `durable` size, before it undoes directory
//   changes (the inode is then still reachable under some name: its own or a keep name).
//   A failed Sync() clears its slot too: its bytes may or may not survive, as on a real disk
//   after a failed fsync (a later Sync rewrites them from `durable` anyway).
//
//   The slot writes are plain pwrites, never fdatasynced, on purpose: this mode models a
//   power cut *at the instant the process dies*, and a process's death loses nothing the
//   kernel already has. A pwrite that returned before the kill is therefore seen by the
//   next Open(), in order, without a sync; and the slot is written before the data, so a
//   kill can never leave written data without its slot. Only a real crash of the machine
//   could lose a slot write, and then the files are whatever the disk kept -- a real power
//   cut, which is what the mode stands for anyway (a lost "clear" could then cut a file
//   that was synced: acceptable for a test directory, and worth two fdatasyncs per Sync
//   saved). Cost per Sync: two pwrites of at most 32 bytes to a cached file (~2 us in all,
//   against ~150 us for the fdatasync itself).
//
//   Directory entries. Before this process creates a file, makes a directory, removes or
//   renames an entry under the root, it appends a record describing how to undo the change
//   to <root>/.powercut-journal and fdatasyncs it. SyncDir(d) appends a `syncdir d` record:
//   it covers every earlier record about an entry in d, which can then never be undone. The
//   next Open() of the root reads the journal and undoes the records no SyncDir covered,
//   newest first. So a change is kept only if the fsync of its directory returned first.
//
//   Undo needs the old state, so nothing is ever destroyed before it is covered:
//     * RemoveFile renames the file to a hidden `.powercut-keep-<pid>-<n>` beside it (one
//       atomic rename, invisible to ListDir); undo renames it back.
//     * RenameFile over an existing target first hard-links the target to a keep name;
//       undo moves the renamed file back and the kept target back into place. The record
//       holds the inode number of the renamed file, so undo can tell whether the rename
//       happened before the process died (and whether an earlier undo was cut short).
//     * A created file is unlinked, a made directory is removed with its contents.
//   When a record is covered, its keep file is unlinked. Open() also deletes every keep file
//   left over (a kill between covering and unlinking), then empties the journal.
//
// SYNC SLOTS (<root>/.powercut-syncs; host byte order, for the same machine only)
//   syncs    = { slot }                    ; slot i at offset 32*i; emptied by every Open()
//   slot     = state dev ino durable       ; four uint64
//   state    = 0 (free) | 0x70637574_73796e63 ("in flight")
//   One slot per Sync() in flight (a file's syncs run one at a time under its Inode lock);
//   slots are reused, so the file is only as long as the most syncs ever in flight at once.
//
// JOURNAL GRAMMAR (one record per change, appended and fdatasynced before the change)
//   journal  = { record }
//   record   = kind { SP field } LF
//   kind     = "create" | "mkdir" | "remove" | "rename" | "syncdir"
//   field    = length ":" byte*length        ; netstring-like: paths may hold spaces or LF
//   length   = decimal digits
//   create   = "create"  path               ; undo: unlink path
//   mkdir    = "mkdir"   path               ; undo: remove path and everything in it
//   remove   = "remove"  path keep          ; undo: rename keep -> path, if keep exists
//   rename   = "rename"  from to ino keep   ; ino: decimal inode of `from`; keep is empty
//                                           ;   when `to` did not exist. undo: if `to` has
//                                           ;   inode ino, rename to -> from; then if keep
//                                           ;   exists: unlink it if it is still `to`, else
//                                           ;   rename keep -> to
//   syncdir  = "syncdir" dir                ; covers earlier records about entries in dir
//   Every path is absolute and lexically normal. A rename is about the directories of both
//   `from` and `to`, and is covered once both have been synced. A final record cut short (a
//   kill inside the journal write) is ignored: its change had not started.
//
// LIMITS (what a real power cut can do that this mode does not, and other simplifications)
//   * All or nothing: every unsynced byte and every uncovered change is lost together, and
//     changes are undone in exact reverse order. A real disk may keep any subset, tear a
//     write at a sector, or reorder. MemFileSystem's crash enumeration explores those states.
//   * Truncation is durable at once: NewWritableFile over an existing file (O_TRUNC) and
//     Truncate() (which also writes the file's pending bytes first, as fsync would, inside
//     a sync slot: a kill before it returns cuts them off again).
//   * Files are cut back by inode, found by a scan of the root: a file moved out of the
//     root, or hard-linked from outside it, is not found.
//   * A cross-directory rename is undone as a whole until both directories are synced.
//   * Only changes made through this object are modelled. Another process, or
//     PosixFileSystem(), writing under the root bypasses it; so does a path that reaches the
//     root through a symlink (paths are compared lexically, after making them absolute).
//   * One process holds a root at a time (an flock on the journal); a second Open() fails.
//   * Removed and replaced files occupy disk space as keep files until their directory is
//     synced; the journal grows until every record in it is covered, then is emptied.
//   * The mode's own names (".powercut-*") may not be created under the root by callers.
#include "myetcd/common/power_cut_file_system.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "myetcd/common/logging.h"
#include "myetcd/common/posix_file_system.h"

namespace myetcd {
namespace powercut {

struct Inode {
  std::mutex mu;
  uint64_t durable = 0;  // bytes on disk; the file's size there
  std::string pending;   // appended after them, not yet synced
};

// <root>/.powercut-syncs: the Sync() calls in flight (grammar at the top of this file).
struct SyncLog {
  SyncLog(std::string path, int fd) : path(std::move(path)), fd(fd) {}
  ~SyncLog() { ::close(fd); }

  // Marks a sync of the file (dev, ino) in flight; its bytes on disk before it: durable.
  Result<size_t> Begin(uint64_t dev, uint64_t ino, uint64_t durable);
  // Clears the slot. If that write fails the slot stays in flight (and taken): the next
  // Open() cuts the file back, so the caller must report the Sync() as failed.
  Status End(size_t slot);

  const std::string path;
  const int fd;
  std::function<void(const std::string&)> pause;  // the test hook; set before any Sync()

 private:
  std::mutex mu_;
  std::vector<bool> taken_;  // GUARDED_BY(mu_)
};

enum class Kind { kCreate, kMkdir, kRemove, kRename, kSyncDir };

struct Record {
  Kind kind;
  std::string path;  // the entry (rename: from; syncdir: the directory)
  std::string to;    // rename only
  std::string keep;  // remove, rename: where the old file is kept ("" if none)
  uint64_t ino = 0;  // rename only: inode of `from`
  // Directories whose SyncDir is still missing; derived, not stored in the journal.
  std::set<std::string> unsynced = {};
};

constexpr uint64_t kSlotInFlight = 0x7063757473796e63;  // "pcutsync"
constexpr size_t kSlotSize = 4 * sizeof(uint64_t);

Result<size_t> SyncLog::Begin(uint64_t dev, uint64_t ino, uint64_t durable) {
  size_t slot;
  {
    std::lock_guard lock(mu_);
    slot = std::find(taken_.begin(), taken_.end(), false) - taken_.begin();
    if (slot == taken_.size()) taken_.push_back(false);
    taken_[slot] = true;
  }
  const uint64_t words[4] = {kSlotInFlight, dev, ino, durable};
  Status s =
      posix::WriteAt(fd, slot * kSlotSize,
                     std::string_view(reinterpret_cast<const char*>(words), sizeof(words)), path);
  if (!s.ok()) {
    std::lock_guard lock(mu_);
    taken_[slot] = false;
    return s;
  }
  return slot;
}

Status SyncLog::End(size_t slot) {
  const uint64_t free_state = 0;
  MYETCD_RETURN_IF_ERROR(posix::WriteAt(
      fd, slot * kSlotSize,
      std::string_view(reinterpret_cast<const char*>(&free_state), sizeof(free_state)), path));
  std::lock_guard lock(mu_);
  taken_[slot] = false;
  return Status::OK();
}

}  // namespace powercut

namespace {

using powercut::Inode;
using powercut::Kind;
using powercut::Record;
using powercut::SyncLog;

constexpr std::string_view kHiddenPrefix = ".powercut-";
constexpr std::string_view kKeepPrefix = ".powercut-keep-";
constexpr std::string_view kJournalName = ".powercut-journal";
constexpr std::string_view kSyncsName = ".powercut-syncs";

bool IsHidden(std::string_view name) { return name.starts_with(kHiddenPrefix); }

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kCreate: return "create";
    case Kind::kMkdir: return "mkdir";
    case Kind::kRemove: return "remove";
    case Kind::kRename: return "rename";
    case Kind::kSyncDir: return "syncdir";
  }
  return "?";
}

std::string Encode(const Record& r) {
  std::string out(KindName(r.kind));
  auto field = [&out](std::string_view f) {
    out += ' ';
    out += std::to_string(f.size());
    out += ':';
    out += f;
  };
  field(r.path);
  if (r.kind == Kind::kRename) {
    field(r.to);
    field(std::to_string(r.ino));
  }
  if (r.kind == Kind::kRemove || r.kind == Kind::kRename) field(r.keep);
  out += '\n';
  return out;
}

// Parses the journal. A record cut short at the end is dropped (*torn set); anything else
// that does not follow the grammar is corruption.
Result<std::vector<Record>> Decode(std::string_view in, bool* torn) {
  std::vector<Record> out;
  *torn = false;
  auto bad = [](const char* why) {
    return Status::Corruption(std::string("power-cut journal: ") + why);
  };
  while (!in.empty()) {
    size_t sp = in.find_first_of(" \n");
    if (sp == std::string_view::npos) {
      *torn = true;
      break;
    }
    std::string_view kind = in.substr(0, sp);
    in.remove_prefix(sp);
    std::vector<std::string> fields;
    bool cut = false;
    while (!in.empty() && in.front() == ' ') {
      size_t colon = in.find(':');
      if (colon == std::string_view::npos) {
        cut = true;
        break;
      }
      std::string_view digits = in.substr(1, colon - 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return bad("bad field length");
      }
      size_t len = std::stoull(std::string(digits));
      if (in.size() < colon + 1 + len) {
        cut = true;
        break;
      }
      fields.emplace_back(in.substr(colon + 1, len));
      in.remove_prefix(colon + 1 + len);
    }
    if (cut || in.empty()) {
      *torn = true;
      break;
    }
    if (in.front() != '\n') return bad("record does not end with a newline");
    in.remove_prefix(1);
    Record r;
    size_t want;
    if (kind == "create") {
      r.kind = Kind::kCreate, want = 1;
    } else if (kind == "mkdir") {
      r.kind = Kind::kMkdir, want = 1;
    } else if (kind == "remove") {
      r.kind = Kind::kRemove, want = 2;
    } else if (kind == "rename") {
      r.kind = Kind::kRename, want = 4;
    } else if (kind == "syncdir") {
      r.kind = Kind::kSyncDir, want = 1;
    } else {
      return bad("unknown record kind");
    }
    if (fields.size() != want) return bad("wrong number of fields");
    r.path = fields[0];
    if (r.kind == Kind::kRemove) r.keep = fields[1];
    if (r.kind == Kind::kRename) {
      r.to = fields[1];
      if (fields[2].empty() || fields[2].find_first_not_of("0123456789") != std::string::npos) {
        return bad("bad inode number");
      }
      r.ino = std::stoull(fields[2]);
      r.keep = fields[3];
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Starts tracking a journaled change: which directories must be synced to cover it.
void Track(Record r, std::vector<Record>* live) {
  r.unsynced.insert(DirName(r.path));
  if (r.kind == Kind::kRename) r.unsynced.insert(DirName(r.to));
  live->push_back(std::move(r));
}

// Applies a SyncDir(dir) to the live records; appends the keep files of the records it
// covered fully (nothing can undo them now) to *keeps. Returns whether any record was about
// an entry in dir.
bool Cover(const std::string& dir, std::vector<Record>* live, std::vector<std::string>* keeps) {
  bool touched = false;
  std::vector<Record> still;
  for (Record& r : *live) {
    touched |= r.unsynced.erase(dir) > 0;
    if (!r.unsynced.empty()) {
      still.push_back(std::move(r));
    } else if (!r.keep.empty()) {
      keeps->push_back(r.keep);
    }
  }
  *live = std::move(still);
  return touched;
}

bool Lstat(const std::string& path, struct stat* st) { return ::lstat(path.c_str(), st) == 0; }

Status RenameRaw(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::FromErrno("rename " + from + " -> " + to, errno);
  }
  return Status::OK();
}

Status UnlinkIfExists(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::FromErrno("unlink " + path, errno);
  }
  return Status::OK();
}

// Undoes one change. Safe to repeat: a rollback cut short by another kill is redone by the
// next Open() from the same journal.
Status Undo(const Record& r, const std::string& root) {
  struct stat st;
  switch (r.kind) {
    case Kind::kCreate: return UnlinkIfExists(r.path);
    case Kind::kMkdir: {
      if (r.path == root || !r.path.starts_with(root + "/")) {
        return Status::Corruption("power-cut journal: mkdir outside the root: " + r.path);
      }
      std::error_code ec;
      std::filesystem::remove_all(r.path, ec);
      if (ec) return Status::IOError("remove " + r.path + ": " + ec.message());
      return Status::OK();
    }
    case Kind::kRemove:
      if (Lstat(r.keep, &st)) return RenameRaw(r.keep, r.path);
      return Status::OK();
    case Kind::kRename: {
      if (Lstat(r.to, &st) && st.st_ino == r.ino) {
        MYETCD_RETURN_IF_ERROR(RenameRaw(r.to, r.path));  // the rename happened: move back
      }
      struct stat keep;
      if (r.keep.empty() || !Lstat(r.keep, &keep)) return Status::OK();
      // The keep link was made. If `to` is still the same file, the rename never happened
      // and the link is just extra; otherwise put the replaced file back.
      if (Lstat(r.to, &st) && st.st_ino == keep.st_ino) return UnlinkIfExists(r.keep);
      return RenameRaw(r.keep, r.to);
    }
    case Kind::kSyncDir: break;
  }
  return Status::OK();
}

// Removes the keep files a previous holder of the root left behind after covering them.
Status RemoveStrayKeeps(const std::string& root) {
  std::vector<std::string> stray;
  std::error_code ec;
  auto it = std::filesystem::recursive_directory_iterator(
      root, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().starts_with(kKeepPrefix)) {
      stray.push_back(it->path().string());
    }
  }
  if (ec) return Status::IOError("scan " + root + ": " + ec.message());
  for (const std::string& path : stray) MYETCD_RETURN_IF_ERROR(UnlinkIfExists(path));
  return Status::OK();
}

Status EmptyJournal(int fd, const std::string& path) {
  if (::ftruncate(fd, 0) != 0) return Status::FromErrno("ftruncate " + path, errno);
  if (::fsync(fd) != 0) return Status::FromErrno("fsync " + path, errno);
  return Status::OK();
}

// Cuts every file named by a slot still in flight back to the size it had before that
// Sync() (never longer than it is), then empties the slots. Files are found by inode with
// a scan of the root. Returns how many files were cut.
Result<size_t> CutInterruptedSyncs(const SyncLog& syncs, const std::string& root) {
  MYETCD_ASSIGN_OR_RETURN(uint64_t size, posix::FdSize(syncs.fd, syncs.path));
  std::string bytes;
  MYETCD_RETURN_IF_ERROR(posix::ReadAt(syncs.fd, 0, size, &bytes, syncs.path));
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> cut;  // (dev, ino) -> durable size
  for (size_t at = 0; at + powercut::kSlotSize <= bytes.size(); at += powercut::kSlotSize) {
    uint64_t w[4];
    std::memcpy(w, bytes.data() + at, sizeof(w));
    if (w[0] == powercut::kSlotInFlight) cut[{w[1], w[2]}] = w[3];
  }
  size_t done = 0;
  std::error_code ec;
  auto it = std::filesystem::recursive_directory_iterator(
      root, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !cut.empty() && !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    struct stat st;
    if (!Lstat(it->path().string(), &st) || !S_ISREG(st.st_mode)) continue;
    auto slot = cut.find({static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
    if (slot == cut.end()) continue;
    if (static_cast<uint64_t>(st.st_size) > slot->second) {
      const std::string path = it->path().string();
      MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(path, O_WRONLY));
      Status s;
      if (::ftruncate(fd, static_cast<off_t>(slot->second)) != 0) {
        s = Status::FromErrno("ftruncate " + path, errno);
      } else if (::fsync(fd) != 0) {
        s = Status::FromErrno("fsync " + path, errno);
      }
      (void)posix::Close(fd, path);
      MYETCD_RETURN_IF_ERROR(s);
      ++done;
    }
    cut.erase(slot);  // hard links share the inode: one cut is enough
  }
  if (ec) return Status::IOError("scan " + root + ": " + ec.message());
  if (size > 0) MYETCD_RETURN_IF_ERROR(EmptyJournal(syncs.fd, syncs.path));
  return done;
}

// Every call on an open file checks that its file system still has power.
Status CheckPowered(const std::atomic<bool>& powered, const std::string& path) {
  if (powered.load(std::memory_order_acquire)) return Status::OK();
  return Status::Aborted("power-cut file system is gone (power off): " + path);
}

class PowerCutWritableFile final : public WritableFile {
 public:
  PowerCutWritableFile(std::string path, int fd, const struct stat& st,
                       std::shared_ptr<Inode> inode, std::shared_ptr<std::atomic<bool>> powered,
                       std::shared_ptr<SyncLog> syncs)
      : path_(std::move(path)),
        fd_(fd),
        dev_(static_cast<uint64_t>(st.st_dev)),
        ino_(static_cast<uint64_t>(st.st_ino)),
        inode_(std::move(inode)),
        powered_(std::move(powered)),
        syncs_(std::move(syncs)) {}
  ~PowerCutWritableFile() override { (void)Close(); }

  Status Append(std::string_view data) override {
    MYETCD_RETURN_IF_ERROR(CheckOpen());
    std::lock_guard lock(inode_->mu);
    inode_->pending.append(data);
    return Status::OK();
  }

  // All or nothing across a kill: the slot names the file and its durable size until the
  // fdatasync has returned (see THE MODEL).
  Status Sync() override {
    MYETCD_RETURN_IF_ERROR(CheckOpen());
    std::lock_guard lock(inode_->mu);
    if (inode_->pending.empty()) return posix::DataSync(fd_, path_);
    MYETCD_ASSIGN_OR_RETURN(size_t slot, syncs_->Begin(dev_, ino_, inode_->durable));
    Status s = posix::WriteAt(fd_, inode_->durable, inode_->pending, path_);
    if (s.ok() && syncs_->pause) syncs_->pause(path_);
    if (s.ok()) s = posix::DataSync(fd_, path_);
    Status cleared = syncs_->End(slot);
    // On failure nothing moves: the bytes stay pending (a later Sync rewrites them).
    MYETCD_RETURN_IF_ERROR(s);
    MYETCD_RETURN_IF_ERROR(cleared);
    inode_->durable += inode_->pending.size();
    inode_->pending.clear();
    return Status::OK();
  }

  // The pending bytes stay in the Inode (the page cache keeps a closed file's data too);
  // another writer of the same file may still sync them.
  Status Close() override {
    if (fd_ < 0) return Status::OK();
    int fd = fd_;
    fd_ = -1;
    return posix::Close(fd, path_);
  }

  uint64_t Size() const override {
    std::lock_guard lock(inode_->mu);
    return inode_->durable + inode_->pending.size();
  }

 private:
  Status CheckOpen() const {
    if (fd_ < 0) return Status::InvalidArgument("closed file " + path_);
    return CheckPowered(*powered_, path_);
  }

  const std::string path_;
  int fd_;
  const uint64_t dev_, ino_;  // the file fd_ is open on, as the sync slots name it
  const std::shared_ptr<Inode> inode_;
  const std::shared_ptr<std::atomic<bool>> powered_;
  const std::shared_ptr<SyncLog> syncs_;
};

class PowerCutReadableFile final : public ReadableFile {
 public:
  PowerCutReadableFile(std::string path, int fd, std::shared_ptr<Inode> inode,
                       std::shared_ptr<std::atomic<bool>> powered)
      : path_(std::move(path)), fd_(fd), inode_(std::move(inode)), powered_(std::move(powered)) {}
  ~PowerCutReadableFile() override { (void)posix::Close(fd_, path_); }

  // Bytes below `durable` come from the disk, the rest from `pending`.
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    MYETCD_RETURN_IF_ERROR(CheckPowered(*powered_, path_));
    std::lock_guard lock(inode_->mu);
    const uint64_t total = inode_->durable + inode_->pending.size();
    out->clear();
    if (offset >= total) return Status::OK();
    const uint64_t end = std::min<uint64_t>(total, offset + n);
    if (offset < inode_->durable) {
      const uint64_t disk_end = std::min(end, inode_->durable);
      MYETCD_RETURN_IF_ERROR(posix::ReadAt(fd_, offset, disk_end - offset, out, path_));
      if (out->size() != disk_end - offset) {
        return Status::IOError("read " + path_ + ": file shorter on disk than synced");
      }
    }
    if (end > inode_->durable) {
      const uint64_t from = std::max(offset, inode_->durable);
      out->append(inode_->pending, from - inode_->durable, end - from);
    }
    return Status::OK();
  }

  Result<uint64_t> Size() const override {
    MYETCD_RETURN_IF_ERROR(CheckPowered(*powered_, path_));
    std::lock_guard lock(inode_->mu);
    return inode_->durable + inode_->pending.size();
  }

 private:
  const std::string path_;
  const int fd_;
  const std::shared_ptr<Inode> inode_;
  const std::shared_ptr<std::atomic<bool>> powered_;
};

Status RefuseHidden(const std::string& abs) {
  if (IsHidden(BaseName(abs))) {
    return Status::InvalidArgument("names starting with .powercut- belong to power-cut mode: " +
                                   abs);
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<PowerCutFileSystem>> PowerCutFileSystem::Open(const std::string& root) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(root, ec);
  if (ec) return Status::IOError("power-cut root " + root + ": " + ec.message());
  std::string abs = p.lexically_normal().string();
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  struct stat st;
  if (::stat(abs.c_str(), &st) != 0) return Status::FromErrno("power-cut root " + abs, errno);
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument("power-cut root is not a directory");

  const std::string journal = JoinPath(abs, kJournalName);
  const std::string syncs_path = JoinPath(abs, kSyncsName);
  MYETCD_ASSIGN_OR_RETURN(int syncs_fd, posix::Open(syncs_path, O_RDWR | O_CREAT));
  auto syncs = std::make_shared<SyncLog>(syncs_path, syncs_fd);
  MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(journal, O_RDWR | O_CREAT));
  // From here on the object owns fd (its destructor closes it and drops the flock).
  std::unique_ptr<PowerCutFileSystem> fs(new PowerCutFileSystem(abs, fd, syncs));
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      return Status::IOError("power-cut root " + abs + " is held by another process");
    }
    return Status::FromErrno("flock " + journal, errno);
  }

  // First the file data: cut back the files whose Sync() the previous holder never saw
  // return, while each is still reachable under the name it had then.
  MYETCD_ASSIGN_OR_RETURN(fs->syncs_cut_, CutInterruptedSyncs(*syncs, abs));

  // Roll back what the previous holder left uncovered, newest first.
  MYETCD_ASSIGN_OR_RETURN(uint64_t size, posix::FdSize(fd, journal));
  std::string bytes;
  MYETCD_RETURN_IF_ERROR(posix::ReadAt(fd, 0, size, &bytes, journal));
  bool torn = false;
  MYETCD_ASSIGN_OR_RETURN(std::vector<Record> records, Decode(bytes, &torn));
  std::vector<Record> live;
  std::vector<std::string> ignored;  // keep files of covered records: RemoveStrayKeeps
  for (Record& r : records) {
    if (r.kind == Kind::kSyncDir) {
      Cover(r.path, &live, &ignored);
    } else {
      Track(std::move(r), &live);
    }
  }
  std::set<std::string> dirs;
  for (auto it = live.rbegin(); it != live.rend(); ++it) {
    MYETCD_RETURN_IF_ERROR(Undo(*it, abs).WithContext("power-cut rollback"));
    dirs.insert(it->unsynced.begin(), it->unsynced.end());
  }
  // Make the rollback itself durable; a directory the rollback removed has nothing to sync.
  for (const std::string& dir : dirs) (void)PosixFileSystem()->SyncDir(dir);
  MYETCD_RETURN_IF_ERROR(RemoveStrayKeeps(abs));
  MYETCD_RETURN_IF_ERROR(EmptyJournal(fd, journal));
  MYETCD_RETURN_IF_ERROR(PosixFileSystem()->SyncDir(abs));  // the journal's own entry
  fs->rolled_back_ = live.size();
  if (!live.empty() || torn || fs->syncs_cut_ > 0) {
    Logger("fs")->warn(
        "power-cut mode: cut {} file(s) back to before a Sync that never returned, rolled "
        "back {} directory change(s) under {} that no SyncDir covered{}",
        fs->syncs_cut_, live.size(), abs, torn ? " (last journal record was torn)" : "");
  }
  return fs;
}

PowerCutFileSystem::PowerCutFileSystem(std::string root, int journal_fd,
                                       std::shared_ptr<powercut::SyncLog> syncs)
    : root_(std::move(root)),
      journal_fd_(journal_fd),
      powered_(std::make_shared<std::atomic<bool>>(true)),
      syncs_(std::move(syncs)) {}

PowerCutFileSystem::~PowerCutFileSystem() {
  powered_->store(false, std::memory_order_release);
  (void)posix::Close(journal_fd_, JoinPath(root_, kJournalName));
}

void PowerCutFileSystem::SetSyncPauseForTest(std::function<void(const std::string&)> pause) {
  syncs_->pause = std::move(pause);
}

std::string PowerCutFileSystem::Normalize(const std::string& path) const {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  std::string out = (ec ? std::filesystem::path(path) : p).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool PowerCutFileSystem::UnderRoot(const std::string& abs) const {
  return abs == root_ || (abs.size() > root_.size() && abs.starts_with(root_) &&
                          (root_ == "/" || abs[root_.size()] == '/'));
}

std::shared_ptr<Inode> PowerCutFileSystem::InodeFor(const std::string& abs, uint64_t disk_size) {
  std::shared_ptr<Inode>& inode = inodes_[abs];
  if (inode == nullptr) {
    inode = std::make_shared<Inode>();
    inode->durable = disk_size;
  }
  return inode;
}

Status PowerCutFileSystem::Journal(Record rec) {
  const std::string path = JoinPath(root_, kJournalName);
  const std::string bytes = Encode(rec);
  MYETCD_RETURN_IF_ERROR(posix::WriteAt(journal_fd_, journal_size_, bytes, path));
  MYETCD_RETURN_IF_ERROR(posix::DataSync(journal_fd_, path));
  journal_size_ += bytes.size();
  if (rec.kind != Kind::kSyncDir) Track(std::move(rec), &live_);
  return Status::OK();
}

std::string PowerCutFileSystem::KeepName(const std::string& abs) {
  return JoinPath(DirName(abs), std::string(kKeepPrefix) + std::to_string(::getpid()) + "-" +
                                    std::to_string(next_keep_++));
}

Result<std::unique_ptr<WritableFile>> PowerCutFileSystem::OpenWriter(const std::string& abs,
                                                                     bool truncate) {
  MYETCD_RETURN_IF_ERROR(RefuseHidden(abs));
  std::lock_guard lock(mu_);
  struct stat st;
  if (!Lstat(abs, &st)) {
    if (errno != ENOENT) return Status::FromErrno("stat " + abs, errno);
    inodes_.erase(abs);  // a stale entry for a file someone else removed
    MYETCD_RETURN_IF_ERROR(Journal(Record{.kind = Kind::kCreate, .path = abs}));
  }
  MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(abs, O_WRONLY | O_CREAT | (truncate ? O_TRUNC : 0)));
  struct stat disk;
  if (::fstat(fd, &disk) != 0) {
    Status s = Status::FromErrno("fstat " + abs, errno);
    (void)posix::Close(fd, abs);
    return s;
  }
  std::shared_ptr<Inode> inode = InodeFor(abs, static_cast<uint64_t>(disk.st_size));
  if (truncate) {
    std::lock_guard inode_lock(inode->mu);
    inode->durable = 0;
    inode->pending.clear();
  }
  return std::unique_ptr<WritableFile>(
      new PowerCutWritableFile(abs, fd, disk, inode, powered_, syncs_));
}

Result<std::unique_ptr<WritableFile>> PowerCutFileSystem::NewWritableFile(const std::string& path) {
  std::string abs = Normalize(path);
  if (!UnderRoot(abs)) return PosixFileSystem()->NewWritableFile(path);
  return OpenWriter(abs, /*truncate=*/true);
}

Result<std::unique_ptr<WritableFile>> PowerCutFileSystem::NewAppendableFile(
    const std::string& path) {
  std::string abs = Normalize(path);
  if (!UnderRoot(abs)) return PosixFileSystem()->NewAppendableFile(path);
  return OpenWriter(abs, /*truncate=*/false);
}

Result<std::unique_ptr<ReadableFile>> PowerCutFileSystem::NewReadableFile(const std::string& path) {
  std::string abs = Normalize(path);
  if (!UnderRoot(abs)) return PosixFileSystem()->NewReadableFile(path);
  std::lock_guard lock(mu_);
  MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(abs, O_RDONLY));
  Result<uint64_t> disk = posix::FdSize(fd, abs);
  if (!disk.ok()) {
    (void)posix::Close(fd, abs);
    return disk.status();
  }
  // Registering the file now lets a writer opened later share its pending bytes with us.
  return std::unique_ptr<ReadableFile>(
      new PowerCutReadableFile(abs, fd, InodeFor(abs, *disk), powered_));
}

bool PowerCutFileSystem::FileExists(const std::string& path) {
  return PosixFileSystem()->FileExists(path);
}

Result<uint64_t> PowerCutFileSystem::FileSize(const std::string& path) {
  std::string abs = Normalize(path);
  if (UnderRoot(abs)) {
    std::lock_guard lock(mu_);
    auto it = inodes_.find(abs);
    if (it != inodes_.end()) {
      std::lock_guard inode_lock(it->second->mu);
      return it->second->durable + it->second->pending.size();
    }
  }
  return PosixFileSystem()->FileSize(path);
}

Result<std::vector<std::string>> PowerCutFileSystem::ListDir(const std::string& dir) {
  MYETCD_ASSIGN_OR_RETURN(std::vector<std::string> names, PosixFileSystem()->ListDir(dir));
  if (UnderRoot(Normalize(dir))) {
    std::erase_if(names, [](const std::string& n) { return IsHidden(n); });
  }
  return names;
}

Status PowerCutFileSystem::CreateDir(const std::string& dir) {
  std::string abs = Normalize(dir);
  if (!UnderRoot(abs)) return PosixFileSystem()->CreateDir(dir);
  MYETCD_RETURN_IF_ERROR(RefuseHidden(abs));
  std::lock_guard lock(mu_);
  struct stat st;
  if (Lstat(abs, &st)) {
    if (S_ISDIR(st.st_mode)) return Status::OK();
    return Status::FromErrno("mkdir " + abs, EEXIST);
  }
  MYETCD_RETURN_IF_ERROR(Journal(Record{.kind = Kind::kMkdir, .path = abs}));
  return PosixFileSystem()->CreateDir(abs);
}

Status PowerCutFileSystem::RemoveFile(const std::string& path) {
  std::string abs = Normalize(path);
  if (!UnderRoot(abs)) return PosixFileSystem()->RemoveFile(path);
  std::lock_guard lock(mu_);
  struct stat st;
  if (!Lstat(abs, &st)) return Status::FromErrno("unlink " + abs, errno);
  if (S_ISDIR(st.st_mode)) return Status::FromErrno("unlink " + abs, EISDIR);
  // Not unlinked: moved aside, so the next Open() can bring it back.
  std::string keep = KeepName(abs);
  MYETCD_RETURN_IF_ERROR(Journal(Record{.kind = Kind::kRemove, .path = abs, .keep = keep}));
  MYETCD_RETURN_IF_ERROR(RenameRaw(abs, keep).WithContext("remove " + abs));
  inodes_.erase(abs);  // open files keep their Inode, as they keep the file on POSIX
  return Status::OK();
}

Status PowerCutFileSystem::RenameFile(const std::string& from, const std::string& to) {
  std::string a = Normalize(from);
  std::string b = Normalize(to);
  const bool ua = UnderRoot(a), ub = UnderRoot(b);
  if (!ua && !ub) return PosixFileSystem()->RenameFile(from, to);
  if (ua != ub) {
    return Status::InvalidArgument("rename across the power-cut root: " + a + " -> " + b);
  }
  MYETCD_RETURN_IF_ERROR(RefuseHidden(b));
  std::lock_guard lock(mu_);
  struct stat st;
  if (!Lstat(a, &st)) return Status::FromErrno("rename " + a + " -> " + b, errno);
  if (a == b) return Status::OK();
  Record rec{.kind = Kind::kRename, .path = a, .to = b, .ino = static_cast<uint64_t>(st.st_ino)};
  struct stat target;
  if (Lstat(b, &target)) rec.keep = KeepName(b);
  const std::string keep = rec.keep;
  MYETCD_RETURN_IF_ERROR(Journal(std::move(rec)));
  // A hard link keeps the replaced file for undo without a moment where `to` is missing.
  if (!keep.empty() && ::link(b.c_str(), keep.c_str()) != 0) {
    return Status::FromErrno("link " + b + " -> " + keep, errno);
  }
  MYETCD_RETURN_IF_ERROR(RenameRaw(a, b));
  // The Inodes follow their files: `a` itself and, if it is a directory, what is inside it.
  inodes_.erase(b);
  std::vector<std::pair<std::string, std::shared_ptr<Inode>>> moved;
  for (auto it = inodes_.begin(); it != inodes_.end();) {
    if (it->first == a || it->first.starts_with(a + "/")) {
      moved.emplace_back(b + it->first.substr(a.size()), std::move(it->second));
      it = inodes_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [path, inode] : moved) inodes_[path] = std::move(inode);
  return Status::OK();
}

Status PowerCutFileSystem::Truncate(const std::string& path, uint64_t size) {
  std::string abs = Normalize(path);
  if (!UnderRoot(abs)) return PosixFileSystem()->Truncate(path, size);
  std::lock_guard lock(mu_);
  MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(abs, O_WRONLY));
  Status s = [&]() -> Status {
    struct stat disk;
    if (::fstat(fd, &disk) != 0) return Status::FromErrno("fstat " + abs, errno);
    std::shared_ptr<Inode> inode = InodeFor(abs, static_cast<uint64_t>(disk.st_size));
    std::lock_guard inode_lock(inode->mu);
    // fsync writes back every dirty byte of the file, so the pending ones go first; in a
    // sync slot, so a kill before the fsync returns takes them away again.
    MYETCD_ASSIGN_OR_RETURN(size_t slot,
                            syncs_->Begin(static_cast<uint64_t>(disk.st_dev),
                                          static_cast<uint64_t>(disk.st_ino), inode->durable));
    Status s = posix::WriteAt(fd, inode->durable, inode->pending, abs);
    if (s.ok() && ::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      s = Status::FromErrno("ftruncate " + abs, errno);
    }
    if (s.ok() && ::fsync(fd) != 0) s = Status::FromErrno("fsync " + abs, errno);
    Status cleared = syncs_->End(slot);
    MYETCD_RETURN_IF_ERROR(s);
    MYETCD_RETURN_IF_ERROR(cleared);
    inode->durable = size;
    inode->pending.clear();
    return Status::OK();
  }();
  Status c = posix::Close(fd, abs);
  return s.ok() ? c : s;
}

Status PowerCutFileSystem::SyncDir(const std::string& dir) {
  MYETCD_RETURN_IF_ERROR(PosixFileSystem()->SyncDir(dir));
  std::string abs = Normalize(dir);
  if (!UnderRoot(abs)) return Status::OK();
  std::lock_guard lock(mu_);
  std::vector<Record> after = live_;
  std::vector<std::string> keeps;
  if (!Cover(abs, &after, &keeps)) return Status::OK();  // nothing journaled in dir
  const std::string journal = JoinPath(root_, kJournalName);
  if (after.empty()) {
    // Nothing left to undo: start the journal afresh instead of letting it grow.
    MYETCD_RETURN_IF_ERROR(EmptyJournal(journal_fd_, journal));
    journal_size_ = 0;
  } else {
    MYETCD_RETURN_IF_ERROR(Journal(Record{.kind = Kind::kSyncDir, .path = abs}));
  }
  live_ = std::move(after);
  // Covered for good; a kill before these unlinks leaves them to the next Open().
  for (const std::string& keep : keeps) MYETCD_RETURN_IF_ERROR(UnlinkIfExists(keep));
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> PowerCutFileSystem::LockFile(const std::string& path) {
  std::string abs = Normalize(path);
  if (!UnderRoot(abs)) return PosixFileSystem()->LockFile(path);
  MYETCD_RETURN_IF_ERROR(RefuseHidden(abs));
  std::lock_guard lock(mu_);
  struct stat st;
  if (!Lstat(abs, &st)) {
    if (errno != ENOENT) return Status::FromErrno("stat " + abs, errno);
    MYETCD_RETURN_IF_ERROR(Journal(Record{.kind = Kind::kCreate, .path = abs}));
  }
  return PosixFileSystem()->LockFile(abs);
}

}  // namespace myetcd
