// Wal: the write-ahead log of one member, in <data-dir>/member/wal/. Every change the store
// makes is first appended here as a typed, indexed record (record.h) and made durable by
// Sync(); only then is it applied and acknowledged. The format is the grammar at the top of
// record_format.cc; docs/stage1/wal.md is the chapter.
//
// Group commit: Append() only frames the record into an in-memory buffer and returns its
// index; Sync() writes everything buffered and makes it durable with ONE fdatasync. A
// committer appends a batch and syncs once, so N writers share one fsync.
//
// Durability rules kept here (file_system.h states the seam's model):
//   * A record is durable once a Sync() that started after its Append() returned OK.
//   * A segment is full past WalOptions::segment_size; before the next one is created the
//     full one is synced, and the new name is made durable with SyncDir(wal dir). So damage
//     in any segment but the last can never be a torn write: it is corruption.
//   * A failed write or sync POISONS the log: that call and every later Append(), Sync()
//     and Purge() fail with that error. A failed fsync says nothing about which bytes
//     survived, so the only safe continuation is a restart that re-reads the log.
//   * Removing segments (Purge) is followed by SyncDir(wal dir).
//
// Opening recovers: damage at the end of the last segment with no valid fragment after it
// (torn, zero-filled, garbage) is cut off with a warning; any other damage refuses to open
// with a Corruption status naming the file and offset, unless WalOptions::repair is set, in
// which case the log is cut there and the warning says what was lost (repair.h).
//
// The Wal holds <data-dir>/member/LOCK (an flock) while open, so a second process cannot
// open the same data dir.
//
// Thread-safety: none; one thread (the committer) owns a Wal. Lifetime: the FileSystem must
// outlive the Wal. Destroying a Wal does not sync: records appended since the last Sync()
// may be lost, as in a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/file_system.h"
#include "myetcd/common/metrics.h"
#include "myetcd/common/options.h"
#include "myetcd/common/result.h"
#include "myetcd/common/status.h"
#include "myetcd/wal/block_writer.h"
#include "myetcd/wal/record.h"
#include "myetcd/wal/segment_name.h"

namespace myetcd::wal {

struct WalOptions {
  // A segment is rotated once it holds at least this many bytes (records never span two
  // segments, so a segment may end slightly larger).
  uint64_t segment_size = 64ull << 20;
  // Cut the log at mid-log corruption instead of refusing to open (an operator decision:
  // it drops every record from the damaged one on). A torn tail is always cut.
  bool repair = false;
  // The index of the first record of a brand-new log (ignored when a log exists).
  uint64_t first_index = 1;
  Metrics* metrics = nullptr;  // null: NoopMetrics()
};

// Declares wal-segment-size, wal-repair and wal-keep-entries (reference/options.md).
Status DeclareWalOptions(Options& options);
// The options above as WalOptions (REQUIRES: DeclareWalOptions was called).
WalOptions WalOptionsFrom(const Options& options);

// What Open() found and did.
struct WalOpenReport {
  uint64_t first_index = 0;  // the first record in the log (next_index when it is empty)
  uint64_t last_index = 0;   // the last record (first_index - 1 when empty)
  uint64_t records = 0;      // records read (and passed to the visitor)
  size_t segments = 0;
  uint64_t bytes_cut = 0;             // bytes dropped by tail truncation or repair
  std::vector<std::string> warnings;  // one line per cut, as logged
};

class Wal {
 public:
  // Called once per record at open, in index order. An error stops Open() and is returned.
  // If Open() then fails (e.g. corruption further on), the visitor has already seen a
  // prefix of the log: discard what it built.
  using Visitor = std::function<Status(const Record&)>;

  // Opens the log in <data_dir>/member/wal (creating the directories and a first segment if
  // missing), recovers it as described above, and passes every record to `visit`.
  static Result<std::unique_ptr<Wal>> Open(FileSystem& fs, const std::string& data_dir,
                                           const WalOptions& options,
                                           const Visitor& visit = nullptr,
                                           WalOpenReport* report = nullptr);

  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Frames a record into the buffer and returns its index (LastIndex() + 1). Not durable
  // until Sync(). May write (when the buffer is large) or rotate the segment (sync, create,
  // SyncDir); a failure there poisons the log.
  // REQUIRES: IsValidRecordType(type) (else InvalidArgument, nothing appended).
  Result<uint64_t> Append(RecordType type, std::string_view payload);

  // Writes every buffered record and fdatasyncs the segment: on OK, every record up to
  // LastIndex() is durable. On failure the log is poisoned.
  Status Sync();

  // Writes every buffered record to the segment WITHOUT syncing: it then survives the death
  // of the process (the page cache has it), not a power cut. Nothing may be acknowledged on
  // that basis; the canary ACK_BEFORE_FSYNC does exactly that. A failure poisons the log.
  Status Flush();

  // Deletes whole segments whose records all have index <= covered_index - keep_entries,
  // then SyncDir(wal dir). Never the last segment. Call it only with the applied position of
  // a snapshot that is already durable (Snapshotter::Save returned OK): the order is
  // snapshot durable first, then segments gone. REQUIRES: covered_index <= SyncedIndex().
  Status Purge(uint64_t covered_index, uint64_t keep_entries = 0);

  // Syncs and closes the log. Afterwards only the accessors may be called.
  Status Close();

  uint64_t FirstIndex() const;  // the first record still on disk (NextIndex() if none)
  uint64_t LastIndex() const { return next_index_ - 1; }  // the last record appended
  uint64_t SyncedIndex() const { return synced_index_; }  // the last record made durable
  // OK, or the failure that poisoned the log.
  const Status& health() const { return poison_; }
  const std::string& dir() const { return dir_; }
  // The segments on disk, oldest first.
  std::vector<SegmentName> Segments() const { return segments_; }

 private:
  struct Instruments;
  Wal(FileSystem& fs, std::string dir, WalOptions options);

  Status Recover(const Visitor& visit, WalOpenReport* report);
  Status OpenLastSegmentForAppend();
  Status WriteBuffer();  // writes pending_ to the segment (no sync)
  Status Rotate();
  Status Poison(Status s);
  Status PoisonedError() const;
  std::string SegmentPath(const SegmentName& name) const;

  FileSystem& fs_;
  const std::string dir_;  // <data-dir>/member/wal
  const WalOptions options_;
  std::unique_ptr<Instruments> metrics_;
  std::unique_ptr<FileLock> lock_;
  std::vector<SegmentName> segments_;   // on disk, oldest first; the last one is written
  std::unique_ptr<WritableFile> file_;  // the last segment
  BlockWriter writer_;                  // frames into pending_ at the segment's end
  std::string pending_;                 // framed, not yet written
  uint64_t next_index_ = 1;
  uint64_t synced_index_ = 0;
  Status poison_;
  bool closed_ = false;
};

}  // namespace myetcd::wal
