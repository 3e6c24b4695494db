// The Wal: append many and sync once, rotation, reopen, poisoning on failed fsync and full
// disk, the data-dir lock, purge, the directory-fsync audit, and a real directory.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "myetcd/common/coding.h"
#include "myetcd/common/mem_file_system.h"
#include "myetcd/common/options.h"
#include "myetcd/wal/record_format.h"
#include "myetcd/wal/wal.h"
#include "myetcd/wal/wal_test_util.h"

namespace myetcd::wal {
namespace {

using testing::OpenWal;
using testing::Payload;

std::unique_ptr<Wal> MustOpen(FileSystem& fs, const WalOptions& options = {},
                              const std::string& dir = "/data") {
  auto o = OpenWal(fs, options, dir);
  REQUIRE_MESSAGE(o.status.ok(), o.status.ToString());
  return std::move(o.wal);
}

uint64_t MustAppend(Wal& wal, uint64_t i, size_t size = 100) {
  auto idx = wal.Append(1 + i % 63, Payload(i, size));
  REQUIRE_MESSAGE(idx.ok(), idx.status().ToString());
  return *idx;
}

void CheckRecords(const std::vector<Record>& got, uint64_t first, uint64_t last,
                  size_t size = 100) {
  REQUIRE(got.size() == last - first + 1);
  for (uint64_t i = first; i <= last; ++i) {
    const Record& r = got[i - first];
    CHECK(r.index == i);
    CHECK(r.type == 1 + i % 63);
    CHECK(r.payload == Payload(i, size));
  }
}

TEST_CASE("wal: records appended in batches and synced once per batch read back in order") {
  MemFileSystem fs;
  {
    auto wal = MustOpen(fs);
    CHECK(wal->FirstIndex() == 1);
    CHECK(wal->LastIndex() == 0);
    for (uint64_t i = 1; i <= 100; ++i) {
      CHECK(MustAppend(*wal, i) == i);
      if (i % 10 == 0) {
        REQUIRE(wal->Sync().ok());
        CHECK(wal->SyncedIndex() == i);
      }
    }
    REQUIRE(wal->Close().ok());
  }
  auto o = OpenWal(fs);
  REQUIRE(o.status.ok());
  CheckRecords(o.records, 1, 100);
  CHECK(o.report.first_index == 1);
  CHECK(o.report.last_index == 100);
  CHECK(o.report.warnings.empty());
  // The index continues where the log ended: it never goes down.
  CHECK(MustAppend(*o.wal, 101) == 101);
}

TEST_CASE("wal: Append alone is not durable; Sync makes everything before it durable") {
  MemFileSystem fs;
  auto wal = MustOpen(fs);
  for (uint64_t i = 1; i <= 5; ++i) MustAppend(*wal, i);
  REQUIRE(wal->Sync().ok());
  for (uint64_t i = 6; i <= 8; ++i) MustAppend(*wal, i);
  CHECK(wal->SyncedIndex() == 5);
  auto crashed = fs.CrashNow();
  auto o = OpenWal(*crashed);
  REQUIRE(o.status.ok());
  CheckRecords(o.records, 1, 5);
  CHECK(MustAppend(*o.wal, 6) == 6);
}

TEST_CASE("wal: Flush writes the buffered records to the file but makes nothing durable") {
  MemFileSystem fs;
  auto wal = MustOpen(fs);
  for (uint64_t i = 1; i <= 5; ++i) MustAppend(*wal, i);
  REQUIRE(wal->Sync().ok());
  const std::string seg = "/data/member/wal/" + SegmentFileName({0, 1});
  const uint64_t synced_size = *fs.FileSize(seg);
  for (uint64_t i = 6; i <= 8; ++i) MustAppend(*wal, i);
  CHECK(*fs.FileSize(seg) == synced_size);  // Append only buffers
  REQUIRE(wal->Flush().ok());
  CHECK(*fs.FileSize(seg) > synced_size);  // written...
  CHECK(wal->SyncedIndex() == 5);          // ...not synced
  auto crashed = fs.CrashNow();
  auto o = OpenWal(*crashed);
  REQUIRE(o.status.ok());
  CheckRecords(o.records, 1, 5);
}

TEST_CASE("wal: a segment is rotated past segment_size; records never span two segments") {
  MemFileSystem fs;
  WalOptions opts{.segment_size = 4096};
  {
    auto wal = MustOpen(fs, opts);
    for (uint64_t i = 1; i <= 300; ++i) {
      MustAppend(*wal, i, 50 + i % 200);
      if (i % 7 == 0) REQUIRE(wal->Sync().ok());
    }
    REQUIRE(wal->Close().ok());
    auto segs = wal->Segments();
    REQUIRE(segs.size() >= 10);
    for (size_t i = 0; i < segs.size(); ++i) CHECK(segs[i].seq == i);
  }
  auto names = fs.ListDir("/data/member/wal");
  REQUIRE(names.ok());
  auto o = OpenWal(fs, opts);
  REQUIRE(o.status.ok());
  REQUIRE(o.records.size() == 300);
  for (uint64_t i = 1; i <= 300; ++i) CHECK(o.records[i - 1].payload == Payload(i, 50 + i % 200));
  // Each segment's name says the index of its first record.
  for (const SegmentName& s : o.wal->Segments()) {
    auto bytes = fs.ReadFileToString(JoinPath("/data/member/wal", SegmentFileName(s)));
    REQUIRE(bytes.ok());
    REQUIRE(bytes->size() > 0);
    CHECK(DecodeFixed64(bytes->data() + kHeaderSize + 1) == s.first_index);
  }
}

TEST_CASE("wal: a failed fsync surfaces as an error and poisons the log for good") {
  MemFileSystem fs;
  auto wal = MustOpen(fs);
  for (uint64_t i = 1; i <= 3; ++i) MustAppend(*wal, i);
  REQUIRE(wal->Sync().ok());
  MustAppend(*wal, 4);
  fs.FailNextSyncs(1);
  Status s = wal->Sync();
  CHECK(s.IsIOError());
  CHECK(!wal->health().ok());
  // Never retried into a success: every later call fails, though the disk works again.
  CHECK(wal->Sync().IsIOError());
  CHECK(!wal->Append(1, "x").ok());
  CHECK(!wal->Purge(1).ok());
  CHECK(wal->SyncedIndex() == 3);
  // What a restart finds: the synced records, and record 4 maybe (it was written, its sync
  // failed); never anything altered.
  auto crashed = fs.CrashNow();  // outlives the Wal opened on it
  auto o = OpenWal(*crashed);
  REQUIRE(o.status.ok());
  CheckRecords(o.records, 1, 3);
}

TEST_CASE("wal: a full disk (ENOSPC) surfaces as NoSpace and poisons the log") {
  MemFileSystem fs;
  auto wal = MustOpen(fs);
  for (uint64_t i = 1; i <= 10; ++i) MustAppend(*wal, i);
  REQUIRE(wal->Sync().ok());
  fs.SetCapacity(*fs.FileSize("/data/member/wal/" + SegmentFileName({0, 1})) + 50);
  for (uint64_t i = 11; i <= 20; ++i) MustAppend(*wal, i);
  Status s = wal->Sync();
  CHECK(s.IsNoSpace());
  CHECK(wal->Sync().IsNoSpace());  // the same error, again and again
  CHECK(wal->Append(1, "x").status().IsNoSpace());
  fs.SetCapacity(MemFileSystem::kUnlimited);
  wal.reset();
  auto o = OpenWal(fs);
  REQUIRE(o.status.ok());
  CheckRecords(o.records, 1, 10);
}

TEST_CASE("wal: a failed directory fsync when a segment is created poisons the log") {
  MemFileSystem fs;
  auto wal = MustOpen(fs, {.segment_size = 1024});
  for (uint64_t i = 1; i <= 9; ++i) MustAppend(*wal, i);  // ~1 KiB: the next one rotates
  fs.FailNextDirSyncs(1);
  auto idx = wal->Append(1, Payload(10, 100));
  REQUIRE(!idx.ok());
  CHECK(idx.status().IsIOError());
  CHECK(!wal->health().ok());
  CHECK(!wal->Sync().ok());
}

TEST_CASE("wal: a second Open of the same data dir fails on the lock until the first closes") {
  MemFileSystem fs;
  auto first = MustOpen(fs);
  auto second = OpenWal(fs);
  CHECK(!second.status.ok());
  CHECK(second.status.message().find("in use") != std::string::npos);
  REQUIRE(first->Close().ok());
  first.reset();
  CHECK(OpenWal(fs).status.ok());
}

TEST_CASE("wal: reserved record types 0 and 255 are refused, and nothing is appended") {
  MemFileSystem fs;
  auto wal = MustOpen(fs);
  CHECK(wal->Append(0, "x").status().IsInvalidArgument());
  CHECK(wal->Append(255, "x").status().IsInvalidArgument());
  CHECK(wal->LastIndex() == 0);
  CHECK(kStage1Types.Contains(1));
  CHECK(kStage2Types.Contains(64));
  CHECK(kStage3Types.Contains(191));
  CHECK(kFinalTypes.Contains(254));
}

TEST_CASE("wal: Purge deletes only whole segments covered, keeps entries, never the last") {
  MemFileSystem fs;
  auto wal = MustOpen(fs, {.segment_size = 2048});
  for (uint64_t i = 1; i <= 200; ++i) MustAppend(*wal, i);
  REQUIRE(wal->Sync().ok());
  const auto before = wal->Segments();
  REQUIRE(before.size() > 5);
  CHECK(wal->Purge(201).IsInvalidArgument());  // beyond what is durable
  REQUIRE(wal->Purge(100, /*keep_entries=*/20).ok());
  // Every record above 100 - 20 is still there; the first kept segment starts at or below 81.
  CHECK(wal->FirstIndex() <= 81);
  CHECK(wal->FirstIndex() > 1);
  REQUIRE(wal->Purge(200).ok());
  CHECK(wal->Segments().size() == 1);  // the last segment always stays
  REQUIRE(wal->Close().ok());
  wal.reset();
  auto o = OpenWal(fs, {.segment_size = 2048});
  REQUIRE(o.status.ok());
  CHECK(o.report.first_index == o.wal->FirstIndex());
  CHECK(o.report.last_index == 200);
  CHECK(MustAppend(*o.wal, 201) == 201);
}

TEST_CASE("wal: every segment create and delete is followed by a directory fsync (audit)") {
  MemFileSystem fs;
  auto wal = MustOpen(fs, {.segment_size = 1024});
  for (uint64_t i = 1; i <= 100; ++i) {
    MustAppend(*wal, i);
    if (i % 5 == 0) {
      REQUIRE(wal->Sync().ok());
      fs.Mark("ack " + std::to_string(i));
    }
    if (i % 40 == 0) {
      REQUIRE(wal->Purge(i - 10).ok());
      fs.Mark("purged " + std::to_string(i));
    }
  }
  REQUIRE(wal->Segments().size() > 3);
  const auto findings = fs.AuditDirSyncs();
  for (const auto& f : findings) INFO(f);
  CHECK_MESSAGE(findings.empty(), findings.size() << " findings, first: " << findings.front());
  // And so a crash right now loses no acknowledged record.
  auto crashed = fs.CrashNow();
  auto o = OpenWal(*crashed, {.segment_size = 1024});
  REQUIRE(o.status.ok());
  CHECK(o.report.last_index == 100);
}

TEST_CASE("wal: options are declared with ranges and map onto WalOptions") {
  Options options;
  REQUIRE(DeclareWalOptions(options).ok());
  CHECK(options.GetInt("wal-segment-size") == 64 << 20);
  CHECK(options.Set("wal-segment-size", "1KiB").IsInvalidArgument());  // below 64 KiB
  REQUIRE(options.Set("wal-segment-size", "1MiB").ok());
  REQUIRE(options.Set("wal-repair", "true").ok());
  WalOptions o = WalOptionsFrom(options);
  CHECK(o.segment_size == 1 << 20);
  CHECK(o.repair);
  CHECK(options.GetInt("wal-keep-entries") == 5000);
}

TEST_CASE("wal posix: records survive close and reopen in a real directory under /tmp") {
  char tmpl[] = "/tmp/myetcd-wal-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  FileSystem& fs = *PosixFileSystem();
  {
    auto wal = MustOpen(fs, {.segment_size = 64 << 10}, dir);
    for (uint64_t i = 1; i <= 2000; ++i) {
      MustAppend(*wal, i);
      if (i % 64 == 0) REQUIRE(wal->Sync().ok());
    }
    REQUIRE(wal->Close().ok());
    CHECK(wal->Segments().size() >= 3);
    // A second process (here: a second open) is locked out while the first holds the dir.
    auto again = MustOpen(fs, {.segment_size = 64 << 10}, dir);
    CHECK(!OpenWal(fs, {}, dir).status.ok());
  }
  auto o = OpenWal(fs, {.segment_size = 64 << 10}, dir);
  REQUIRE(o.status.ok());
  CheckRecords(o.records, 1, 2000);
  o.wal.reset();
  std::filesystem::remove_all(dir);
}

TEST_CASE("wal drill: tear the tail, flip a byte mid-log, then repair (docs/stage1/wal.md)") {
  testing::QuietWalLog quiet;  // the drill prints what the log would say, below
  char tmpl[] = "/tmp/myetcd-drill-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  FileSystem& fs = *PosixFileSystem();
  {
    auto wal = MustOpen(fs, {.segment_size = 64 << 10}, dir);
    for (uint64_t i = 1; i <= 100; ++i) MustAppend(*wal, i);
    REQUIRE(wal->Close().ok());
  }
  const std::string seg = dir + "/member/wal/" + SegmentFileName({0, 1});
  const uint64_t size = *fs.FileSize(seg);

  // 1. A torn tail: the last 10 bytes never reached the disk.
  REQUIRE(fs.Truncate(seg, size - 10).ok());
  auto torn = OpenWal(fs, {}, dir);
  REQUIRE(torn.status.ok());
  REQUIRE(torn.report.warnings.size() == 1);
  MESSAGE("1. torn tail -> WARNING " << torn.report.warnings[0]);
  CHECK(torn.records.size() == 99);
  torn.wal.reset();

  // 2. One flipped byte in record 50: valid records follow it, so Open refuses.
  std::string bytes = *fs.ReadFileToString(seg);
  bytes[49 * 116 + 30] ^= 0x01;
  {
    auto f = fs.NewWritableFile(seg);
    REQUIRE((*f)->Append(bytes).ok());
    REQUIRE((*f)->Sync().ok());
  }
  auto refused = OpenWal(fs, {}, dir);
  CHECK(refused.status.IsCorruption());
  MESSAGE("2. mid-log damage -> " << refused.status.ToString());

  // 3. The operator decides to cut there.
  auto repaired = OpenWal(fs, {.repair = true}, dir);
  REQUIRE(repaired.status.ok());
  REQUIRE(repaired.report.warnings.size() == 1);
  MESSAGE("3. --wal-repair -> WARNING " << repaired.report.warnings[0]);
  CHECK(repaired.records.size() == 49);
  repaired.wal.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace myetcd::wal
