// Wal: the I/O shell around the pure pieces. The format is the grammar at the top of
// record_format.cc; framing is block_writer.cc, reading segment_reader.cc, and the torn tail
// versus corruption decision repair.cc. This file owns the files and the order of the
// durability steps:
//
//   open     mkdir data-dir, member, wal (+ SyncDir of each parent when created); lock
//            member/LOCK; list segments; check seq and index continuity; scan each segment;
//            cut a torn tail (Truncate is durable on return) or refuse / repair; reopen the
//            last segment for append.
//   append   frame into pending_; rotate first if the segment is full:
//            write + Sync(old) -> create new -> SyncDir(wal)
//   sync     write pending_ -> Sync(segment); any failure poisons
//   purge    RemoveFile(old segments) -> SyncDir(wal)
#include "myetcd/wal/wal.h"

#include <algorithm>
#include <chrono>

#include "myetcd/common/canary.h"
#include "myetcd/common/logging.h"
#include "myetcd/wal/repair.h"
#include "myetcd/wal/segment_reader.h"

namespace myetcd::wal {
namespace {

// Above this many buffered bytes Append writes them out (without syncing), so a huge batch
// does not sit in memory twice.
constexpr size_t kMaxPendingBytes = 1 << 20;

Status EnsureDir(FileSystem& fs, const std::string& dir, bool* created) {
  if (fs.FileExists(dir)) return Status::OK();
  MYETCD_RETURN_IF_ERROR(fs.CreateDir(dir));
  *created = true;
  if (CanaryEnabled("NO_DIR_FSYNC")) return Status::OK();
  return fs.SyncDir(DirName(dir));
}

}  // namespace

struct Wal::Instruments {
  explicit Instruments(Metrics& m)
      : records(m.GetCounter("myetcd_wal_records_total", "WAL records appended")),
        bytes(m.GetCounter("myetcd_wal_bytes_total", "WAL bytes written, framing included")),
        fsyncs(m.GetCounter("myetcd_wal_fsyncs_total", "WAL segment fsyncs")),
        segments(m.GetCounter("myetcd_wal_segments_created_total", "WAL segments created")),
        fsync_seconds(m.GetHistogram("myetcd_wal_fsync_duration_seconds", "WAL fsync latency",
                                     LatencyBuckets())) {}
  Counter& records;
  Counter& bytes;
  Counter& fsyncs;
  Counter& segments;
  Histogram& fsync_seconds;
};

Status DeclareWalOptions(Options& options) {
  MYETCD_RETURN_IF_ERROR(options.Declare(
      {.name = "wal-segment-size",
       .type = OptionType::kBytes,
       .default_value = "64MiB",
       .min = 64 << 10,
       .max = 1ll << 30,
       .help = "a WAL segment is closed and a new one started once it holds this many bytes",
       .component = "wal"}));
  MYETCD_RETURN_IF_ERROR(options.Declare(
      {.name = "wal-repair",
       .type = OptionType::kBool,
       .default_value = "false",
       .help = "at open, cut the WAL at mid-log corruption (dropping every record from the "
               "damaged one on) instead of refusing to start",
       .component = "wal"}));
  return options.Declare(
      {.name = "wal-keep-entries",
       .type = OptionType::kInt,
       .default_value = "5000",
       .min = 0,
       .max = 1ll << 40,
       .help = "records kept in the WAL behind the snapshot it is purged up to (for slow "
               "followers) when old segments are deleted",
       .component = "wal"});
}

WalOptions WalOptionsFrom(const Options& options) {
  WalOptions o;
  o.segment_size = static_cast<uint64_t>(options.GetInt("wal-segment-size"));
  o.repair = options.GetBool("wal-repair");
  return o;
}

Wal::Wal(FileSystem& fs, std::string dir, WalOptions options)
    : fs_(fs),
      dir_(std::move(dir)),
      options_(options),
      metrics_(std::make_unique<Instruments>(options.metrics ? *options.metrics : NoopMetrics())) {}

Wal::~Wal() = default;

std::string Wal::SegmentPath(const SegmentName& name) const {
  return JoinPath(dir_, SegmentFileName(name));
}

Result<std::unique_ptr<Wal>> Wal::Open(FileSystem& fs, const std::string& data_dir,
                                       const WalOptions& options, const Visitor& visit,
                                       WalOpenReport* report) {
  const std::string member = JoinPath(data_dir, "member");
  std::unique_ptr<Wal> wal(new Wal(fs, JoinPath(member, "wal"), options));
  bool created = false;
  MYETCD_RETURN_IF_ERROR(EnsureDir(fs, data_dir, &created));
  MYETCD_RETURN_IF_ERROR(EnsureDir(fs, member, &created));
  MYETCD_RETURN_IF_ERROR(EnsureDir(fs, wal->dir_, &created));
  const std::string lock_path = JoinPath(member, "LOCK");
  const bool lock_existed = fs.FileExists(lock_path);
  auto lock = fs.LockFile(lock_path);
  if (!lock.ok()) {
    return lock.status().WithContext("wal: data dir " + data_dir + " is in use");
  }
  wal->lock_ = std::move(lock).value();
  if (!lock_existed) MYETCD_RETURN_IF_ERROR(fs.SyncDir(member));

  WalOpenReport local;
  MYETCD_RETURN_IF_ERROR(wal->Recover(visit, report ? report : &local));
  return wal;
}

Status Wal::Recover(const Visitor& visit, WalOpenReport* report) {
  auto log = Logger("wal");
  *report = WalOpenReport{};
  MYETCD_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(dir_));
  for (const std::string& n : names) {
    if (auto seg = ParseSegmentFileName(n)) {
      segments_.push_back(*seg);
    } else {
      log->warn("ignoring {}: not a WAL segment name", JoinPath(dir_, n));
    }
  }
  std::sort(segments_.begin(), segments_.end(),
            [](const SegmentName& a, const SegmentName& b) { return a.seq < b.seq; });

  if (segments_.empty()) {  // a new log
    const SegmentName first{.seq = 0, .first_index = std::max<uint64_t>(1, options_.first_index)};
    MYETCD_ASSIGN_OR_RETURN(file_, fs_.NewWritableFile(SegmentPath(first)));
    if (!CanaryEnabled("NO_DIR_FSYNC")) MYETCD_RETURN_IF_ERROR(fs_.SyncDir(dir_));
    metrics_->segments.Inc();
    segments_.push_back(first);
    next_index_ = first.first_index;
    synced_index_ = next_index_ - 1;
    writer_ = BlockWriter(0);
    *report =
        WalOpenReport{.first_index = next_index_, .last_index = next_index_ - 1, .segments = 1};
    return Status::OK();
  }

  next_index_ = segments_.front().first_index;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const SegmentName& seg = segments_[i];
    const std::string path = SegmentPath(seg);
    if (i > 0 && seg.seq != segments_[i - 1].seq + 1) {
      return Status::Corruption("wal: segment " + std::to_string(segments_[i - 1].seq + 1) +
                                " is missing before " + path);
    }
    if (seg.first_index != next_index_) {
      return Status::Corruption("wal: " + path + " starts at index " +
                                std::to_string(seg.first_index) + " but the segment before it " +
                                "ends at " + std::to_string(next_index_ - 1));
    }
    MYETCD_ASSIGN_OR_RETURN(std::string bytes, fs_.ReadFileToString(path));
    SegmentScan scan = ScanSegment(bytes, seg.first_index);
    const bool last = i + 1 == segments_.size();

    for (const RecordSpan& span : scan.records) {
      if (visit) MYETCD_RETURN_IF_ERROR(visit(span.record));
      ++report->records;
      next_index_ = span.record.index + 1;
    }
    if (!scan.damage) continue;

    const Damage& d = *scan.damage;
    DamageVerdict verdict = ClassifyDamage(bytes, d, last);
    // Planted bug (TESTING.md canaries): treat mid-log corruption like a torn tail.
    const bool planted =
        verdict == DamageVerdict::kCorruption && CanaryEnabled("TRUNCATE_ON_CRC_MISMATCH");
    const uint64_t cut_bytes = bytes.size() - d.cut;
    std::string later;  // the segments after this one, which a cut here drops
    uint64_t later_bytes = 0;
    for (size_t j = i + 1; j < segments_.size(); ++j) {
      auto size = fs_.FileSize(SegmentPath(segments_[j]));
      later_bytes += size.ok() ? *size : 0;
      later += (later.empty() ? "" : ", ") + SegmentFileName(segments_[j]);
    }
    const std::string where = path + " at offset " + std::to_string(d.offset) + ": " + d.reason;
    std::string lost = std::to_string(cut_bytes) + " bytes of " + path + " from offset " +
                       std::to_string(d.cut) + " (records from index " +
                       std::to_string(next_index_) + " on)";
    if (!later.empty()) {
      lost += " and " + std::to_string(segments_.size() - i - 1) + " later segment(s) (" + later +
              "; " + std::to_string(later_bytes) + " bytes)";
    }

    std::string warning;
    if (verdict == DamageVerdict::kTornTail) {
      warning = "wal: cut a torn tail: " + std::to_string(cut_bytes) + " bytes of " + path +
                " from offset " + std::to_string(d.cut) + " (" + d.reason + " at offset " +
                std::to_string(d.offset) + "; nothing valid follows)";
    } else if (options_.repair || planted) {
      warning = "wal: repair: corruption in " + where + "; dropped " + lost;
    } else {
      const std::string why = last ? "valid records follow the damage"
                                   : "it is in a segment that was synced before the next one "
                                     "was created";
      return Status::Corruption("wal: corruption in " + where + ". Refusing to open: " + why +
                                ", so it is not a torn tail. The repair option (--wal-repair) " +
                                "would cut there, dropping " + lost);
    }
    log->warn("{}", warning);
    report->warnings.push_back(warning);
    report->bytes_cut += cut_bytes + later_bytes;
    MYETCD_RETURN_IF_ERROR(fs_.Truncate(path, d.cut));
    if (i + 1 < segments_.size()) {
      for (size_t j = i + 1; j < segments_.size(); ++j) {
        MYETCD_RETURN_IF_ERROR(fs_.RemoveFile(SegmentPath(segments_[j])));
      }
      segments_.resize(i + 1);
      MYETCD_RETURN_IF_ERROR(fs_.SyncDir(dir_));
    }
    break;
  }

  synced_index_ = next_index_ - 1;
  report->first_index = segments_.front().first_index;
  report->last_index = next_index_ - 1;
  report->segments = segments_.size();
  return OpenLastSegmentForAppend();
}

Status Wal::OpenLastSegmentForAppend() {
  const std::string path = SegmentPath(segments_.back());
  MYETCD_ASSIGN_OR_RETURN(file_, fs_.NewAppendableFile(path));
  writer_ = BlockWriter(file_->Size());
  return Status::OK();
}

uint64_t Wal::FirstIndex() const { return segments_.front().first_index; }

Status Wal::PoisonedError() const {
  return poison_.WithContext("wal: poisoned by an earlier failure, restart to recover");
}

Status Wal::Poison(Status s) {
  poison_ = s;
  Logger("wal")->error("wal: {}; the log is poisoned, every later write fails", s.ToString());
  return s;
}

Result<uint64_t> Wal::Append(RecordType type, std::string_view payload) {
  if (closed_) return Status::InvalidArgument("wal: append after Close()");
  if (!poison_.ok()) return PoisonedError();
  if (!IsValidRecordType(type)) {
    return Status::InvalidArgument("wal: record type " + std::to_string(type) + " is reserved");
  }
  if (writer_.size() >= options_.segment_size && next_index_ > segments_.back().first_index) {
    MYETCD_RETURN_IF_ERROR(Rotate());
  }
  const uint64_t index = next_index_++;
  metrics_->bytes.Inc(static_cast<double>(writer_.AddRecord(type, index, payload, &pending_)));
  metrics_->records.Inc();
  if (pending_.size() >= kMaxPendingBytes) MYETCD_RETURN_IF_ERROR(WriteBuffer());
  return index;
}

Status Wal::WriteBuffer() {
  if (pending_.empty()) return Status::OK();
  Status s = file_->Append(pending_);
  pending_.clear();
  if (!s.ok()) return Poison(s.WithContext("wal: write " + SegmentPath(segments_.back())));
  return Status::OK();
}

Status Wal::Flush() {
  if (closed_) return Status::InvalidArgument("wal: flush after Close()");
  if (!poison_.ok()) return PoisonedError();
  return WriteBuffer();
}

Status Wal::Sync() {
  if (closed_) return Status::InvalidArgument("wal: sync after Close()");
  if (!poison_.ok()) return PoisonedError();
  if (synced_index_ == LastIndex() && pending_.empty()) return Status::OK();
  MYETCD_RETURN_IF_ERROR(WriteBuffer());
  const auto start = std::chrono::steady_clock::now();
  Status s = file_->Sync();
  metrics_->fsyncs.Inc();
  metrics_->fsync_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!s.ok()) return Poison(s.WithContext("wal: fsync " + SegmentPath(segments_.back())));
  synced_index_ = LastIndex();
  return Status::OK();
}

// The full segment is made durable BEFORE the next one exists: then damage in any segment
// but the last cannot be a torn write, and recovery may call it corruption.
Status Wal::Rotate() {
  MYETCD_RETURN_IF_ERROR(Sync());
  const SegmentName next{.seq = segments_.back().seq + 1, .first_index = next_index_};
  const std::string path = SegmentPath(next);
  auto file = fs_.NewWritableFile(path);
  if (!file.ok()) return Poison(file.status().WithContext("wal: create " + path));
  if (!CanaryEnabled("NO_DIR_FSYNC")) {
    Status s = fs_.SyncDir(dir_);
    if (!s.ok()) return Poison(s.WithContext("wal: fsync dir " + dir_ + " after creating " + path));
  }
  (void)file_->Close();
  file_ = std::move(file).value();
  segments_.push_back(next);
  writer_ = BlockWriter(0);
  metrics_->segments.Inc();
  return Status::OK();
}

Status Wal::Purge(uint64_t covered_index, uint64_t keep_entries) {
  if (closed_) return Status::InvalidArgument("wal: purge after Close()");
  if (!poison_.ok()) return PoisonedError();
  if (covered_index > synced_index_) {
    return Status::InvalidArgument("wal: purge up to index " + std::to_string(covered_index) +
                                   " beyond the durable index " + std::to_string(synced_index_));
  }
  const uint64_t limit = covered_index > keep_entries ? covered_index - keep_entries : 0;
  size_t removable = 0;  // segment i's last index is segments_[i+1].first_index - 1
  while (removable + 1 < segments_.size() && segments_[removable + 1].first_index - 1 <= limit) {
    ++removable;
  }
  if (removable == 0) return Status::OK();
  for (size_t i = 0; i < removable; ++i) {
    Status s = fs_.RemoveFile(SegmentPath(segments_[i]));
    if (!s.ok()) {  // nothing is lost: the segment stays, and is purged next time
      segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(i));
      return s.WithContext("wal: purge");
    }
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(removable));
  if (CanaryEnabled("NO_DIR_FSYNC")) return Status::OK();
  Status s = fs_.SyncDir(dir_);
  if (!s.ok()) return Poison(s.WithContext("wal: fsync dir " + dir_ + " after purge"));
  return Status::OK();
}

Status Wal::Close() {
  if (closed_) return Status::OK();
  Status s = poison_.ok() ? Sync() : PoisonedError();
  closed_ = true;
  if (file_) {
    Status c = file_->Close();
    if (s.ok()) s = c;
  }
  lock_.reset();
  return s;
}

}  // namespace myetcd::wal
