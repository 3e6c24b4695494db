// TESTING.md T1a (torn tails) and T1b (bit flips) against the whole Wal: 1,000 records over
// several segments, damaged in every way a crash or a bad disk can, then reopened.
//
// The rule every case checks: the log that opens is an exact prefix of what was written
// (never a record altered); damage in the tail of the last segment is cut with a warning;
// damage with valid records after it refuses to open, naming the file and offset; a cut
// log reopens cleanly, twice.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "myetcd/wal/record_format.h"
#include "myetcd/wal/segment_reader.h"
#include "myetcd/wal/wal.h"
#include "myetcd/wal/wal_test_util.h"

namespace myetcd::wal {
namespace {

using testing::FsWithWal;
using testing::OpenWal;
using testing::Payload;
using testing::QuietWalLog;

constexpr uint64_t kRecords = 1000;
constexpr uint64_t kSegmentSize = 48 << 10;

struct Layout {
  uint64_t index;
  std::string file;
  uint64_t start, end;  // in the file
};

// The log every case damages: written once, copied into a fresh file system per case.
struct Fixture {
  std::map<std::string, std::string> files;  // wal dir contents
  std::vector<std::string> payloads;         // [i - 1] is record i's
  std::vector<Layout> layout;                // [i - 1] is record i's place on disk
  std::string last_file;
};

size_t SizeOf(uint64_t i) { return 20 + (i * 7919) % 180; }

const Fixture& TheLog() {
  static const Fixture fixture = [] {
    Fixture f;
    MemFileSystem fs;
    auto o = OpenWal(fs, {.segment_size = kSegmentSize});
    REQUIRE(o.status.ok());
    Wal& wal = *o.wal;
    auto add = [&](uint64_t i, size_t size) {
      f.payloads.push_back(Payload(i, size));
      REQUIRE(wal.Append(7, f.payloads.back()).ok());
    };
    for (uint64_t i = 1; i <= kRecords - 10; ++i) add(i, SizeOf(i));
    // Records 991..997 steer the end of the log so that the last three are small and the
    // middle one (999) crosses a block boundary: 998 (150 + 16 bytes) ends 100 bytes before
    // the boundary, and 999 (200 + 16) starts there.
    auto left_in_block = [&] {
      REQUIRE(wal.Sync().ok());
      const std::string last = JoinPath(wal.dir(), SegmentFileName(wal.Segments().back()));
      uint64_t at = *fs.FileSize(last);
      if (at >= kSegmentSize) at = 0;  // the next append starts a new segment
      return static_cast<int64_t>(kBlockSize - at % kBlockSize);
    };
    constexpr int64_t kTarget = 100 + 166;  // left in the block before record 998
    for (uint64_t i = kRecords - 9; i <= kRecords - 3; ++i) {
      const int64_t rest = static_cast<int64_t>(kRecords - 3 - i);
      const int64_t want = left_in_block() - kTarget - 16 - rest * 36;
      add(i, static_cast<size_t>(std::clamp<int64_t>(want, 20, 32000)));
    }
    REQUIRE(left_in_block() == kTarget);
    add(kRecords - 2, 150);
    add(kRecords - 1, 200);
    add(kRecords, 120);
    REQUIRE(wal.Close().ok());
    f.files = testing::ReadFiles(fs, wal.dir());
    for (const SegmentName& s : wal.Segments()) {
      const std::string name = SegmentFileName(s);
      for (const RecordSpan& r : ScanSegment(f.files[name], s.first_index).records) {
        f.layout.push_back({r.record.index, name, r.offset, r.end});
      }
    }
    f.last_file = SegmentFileName(wal.Segments().back());
    return f;
  }();
  return fixture;
}

// Opens the damaged files; checks the outcome is a prefix of the log of at least
// `min_kept` records (exactly `exact` when given); then that it reopens cleanly twice.
// Returns the records kept, or -1 if Open refused.
int64_t OpenAndCheck(const std::map<std::string, std::string>& files, bool repair = false) {
  const Fixture& f = TheLog();
  auto fs = FsWithWal(files);
  auto o = OpenWal(*fs, {.segment_size = kSegmentSize, .repair = repair});
  if (!o.status.ok()) return -1;
  for (size_t i = 0; i < o.records.size(); ++i) {
    if (o.records[i].index != i + 1 || o.records[i].payload != f.payloads[i]) {
      FAIL("record " << i + 1 << " was accepted ALTERED or out of place");
    }
  }
  o.wal.reset();
  const int reopens = o.report.warnings.empty() ? 0 : 2;  // nothing was cut: nothing to prove
  for (int again = 0; again < reopens; ++again) {
    auto re = OpenWal(*fs, {.segment_size = kSegmentSize});
    REQUIRE_MESSAGE(re.status.ok(), "the cut log does not reopen: " << re.status.ToString());
    CHECK_MESSAGE(re.report.warnings.empty(), "reopen " << again + 1 << " still found damage");
    CHECK(re.records.size() == o.records.size());
  }
  return static_cast<int64_t>(o.records.size());
}

// The records that end at or before `offset` of the last file, plus all of earlier files.
int64_t WholeBefore(uint64_t offset) {
  const Fixture& f = TheLog();
  int64_t n = 0;
  for (const Layout& l : f.layout) {
    if (l.file != f.last_file || l.end <= offset) ++n;
  }
  return n;
}

TEST_CASE("wal T1a: the fixture spans segments and its last records span a block") {
  const Fixture& f = TheLog();
  CHECK(f.files.size() >= 2);
  REQUIRE(f.layout.size() == kRecords);
  const Layout& mid = f.layout[kRecords - 2];
  CHECK(mid.file == f.last_file);
  CHECK(mid.start / kBlockSize != (mid.end - 1) / kBlockSize);
  CHECK(OpenAndCheck(f.files) == static_cast<int64_t>(kRecords));
}

TEST_CASE(
    "wal T1a: a tail cut at every byte offset of the last 3 records keeps exactly the "
    "whole records before the cut") {
  QuietWalLog quiet;
  const Fixture& f = TheLog();
  const uint64_t from = f.layout[kRecords - 3].start;
  const uint64_t to = f.layout[kRecords - 1].end;
  for (uint64_t cut = from; cut <= to; ++cut) {
    auto files = f.files;
    files[f.last_file].resize(cut);
    INFO("cut " << f.last_file << " at " << cut);
    CHECK(OpenAndCheck(files) == WholeBefore(cut));
  }
}

TEST_CASE("wal T1a: a zero-filled tail from every byte offset of the last 3 records is cut") {
  QuietWalLog quiet;
  const Fixture& f = TheLog();
  const uint64_t from = f.layout[kRecords - 3].start;
  const uint64_t to = f.layout[kRecords - 1].end;
  for (uint64_t at = from; at <= to; ++at) {
    auto files = f.files;
    std::string& bytes = files[f.last_file];
    bytes.replace(at, std::string::npos, std::string(bytes.size() - at + 512, '\0'));
    INFO("zeros from " << at);
    CHECK(OpenAndCheck(files) == WholeBefore(at));
  }
}

TEST_CASE("wal T1a: a garbage-filled tail from every byte offset of the last 3 records is cut") {
  QuietWalLog quiet;
  const Fixture& f = TheLog();
  const uint64_t seed = 20240501;
  std::mt19937_64 rng(seed);
  INFO("seed " << seed);
  const uint64_t from = f.layout[kRecords - 3].start;
  const uint64_t to = f.layout[kRecords - 1].end;
  for (uint64_t at = from; at <= to; ++at) {
    auto files = f.files;
    std::string& bytes = files[f.last_file];
    std::string garbage(bytes.size() - at + rng() % 1000, '\0');
    for (auto& c : garbage) c = static_cast<char>(rng());
    bytes.replace(at, std::string::npos, garbage);
    INFO("garbage from " << at);
    CHECK(OpenAndCheck(files) == WholeBefore(at));
  }
}

TEST_CASE("wal T1a: zeros or garbage appended after the last record are cut, nothing is lost") {
  QuietWalLog quiet;
  const Fixture& f = TheLog();
  for (size_t n : {1, 6, 7, 8, 100, 40000}) {
    auto zeros = f.files;
    zeros[f.last_file].append(n, '\0');
    CHECK(OpenAndCheck(zeros) == static_cast<int64_t>(kRecords));
    auto junk = f.files;
    for (size_t i = 0; i < n; ++i) junk[f.last_file].push_back(static_cast<char>(i * 131 + 7));
    CHECK(OpenAndCheck(junk) == static_cast<int64_t>(kRecords));
  }
}

TEST_CASE("wal T1a: a record of several blocks torn anywhere is cut whole") {
  QuietWalLog quiet;
  MemFileSystem fs;
  auto o = OpenWal(fs);
  REQUIRE(o.status.ok());
  REQUIRE(o.wal->Append(1, Payload(1, 100)).ok());
  REQUIRE(o.wal->Append(1, Payload(2, 3 * kBlockSize)).ok());  // FIRST, MIDDLE x2, LAST
  REQUIRE(o.wal->Close().ok());
  auto files = testing::ReadFiles(fs, o.wal->dir());
  const std::string name = files.begin()->first;
  const size_t size = files[name].size();
  for (size_t cut = 117; cut < size; cut += 257) {
    auto torn = files;
    torn[name].resize(cut);
    auto fs2 = FsWithWal(torn);
    auto r = OpenWal(*fs2);
    REQUIRE(r.status.ok());
    CHECK(r.records.size() == 1);
    CHECK(r.report.bytes_cut == cut - 116);
  }
}

// Flips one bit; returns the outcome: -1 refused, else records kept.
struct Flip {
  std::string file;
  uint64_t offset;
  int bit;
};

void CheckFlip(const Flip& flip) {
  const Fixture& f = TheLog();
  auto files = f.files;
  files[flip.file][flip.offset] ^= static_cast<char>(1 << flip.bit);
  // The record that holds the byte (none: a block trailer, ignored by design).
  const Layout* hit = nullptr;
  for (const Layout& l : f.layout) {
    if (l.file == flip.file && flip.offset >= l.start && flip.offset < l.end) hit = &l;
  }
  INFO("bit " << flip.bit << " of " << flip.file << " @" << flip.offset << " (record "
              << (hit ? std::to_string(hit->index) : "none: trailer") << ")");
  auto fs = FsWithWal(files);
  auto o = OpenWal(*fs, {.segment_size = kSegmentSize});
  const int64_t kept = OpenAndCheck(files);
  if (hit == nullptr) {
    CHECK(kept == static_cast<int64_t>(kRecords));
  } else if (hit->index == kRecords) {
    CHECK_MESSAGE(kept == static_cast<int64_t>(kRecords - 1),
                  "damage in the last record is a torn tail: cut at that record");
  } else {
    CHECK_MESSAGE(kept == -1, "mid-log damage must refuse to open; it kept " << kept);
    REQUIRE(!o.status.ok());
    CHECK(o.status.IsCorruption());
    CHECK_MESSAGE(o.status.message().find(flip.file) != std::string::npos,
                  "the error names the file: " << o.status.ToString());
    CHECK_MESSAGE(o.status.message().find("offset") != std::string::npos,
                  "the error names the offset: " << o.status.ToString());
  }
}

TEST_CASE(
    "wal T1b: a bit flip at 500 random offsets is refused mid-log or cut in the tail, "
    "never accepted altered") {
  QuietWalLog quiet;
  const Fixture& f = TheLog();
  const uint64_t seed = 1234567;
  std::mt19937_64 rng(seed);
  INFO("seed " << seed);
  uint64_t total = 0;
  for (const auto& [name, bytes] : f.files) total += bytes.size();
  for (int n = 0; n < 500; ++n) {
    uint64_t at = rng() % total;
    auto it = f.files.begin();
    while (at >= it->second.size()) at -= (it++)->second.size();
    CheckFlip({it->first, at, static_cast<int>(rng() % 8)});
  }
}

TEST_CASE("wal T1b: a bit flip in every header byte of the first, middle and last records") {
  QuietWalLog quiet;
  const Fixture& f = TheLog();
  for (uint64_t index : {uint64_t{1}, kRecords / 2, kRecords}) {
    const Layout& l = f.layout[index - 1];
    for (uint64_t b = 0; b < kHeaderSize + 9; ++b) {  // fragment header + type + index
      for (int bit = 0; bit < 8; ++bit) CheckFlip({l.file, l.start + b, bit});
    }
  }
}

TEST_CASE(
    "wal T1b: the repair option cuts at mid-log corruption, says what was lost, and the "
    "log then reopens cleanly twice") {
  QuietWalLog quiet;
  const Fixture& f = TheLog();
  const Layout& victim = f.layout[kRecords / 2];
  auto files = f.files;
  files[victim.file][victim.start + 20] ^= 0x01;
  auto fs = FsWithWal(files);
  CHECK(OpenWal(*fs).status.IsCorruption());
  auto o = OpenWal(*fs, {.segment_size = kSegmentSize, .repair = true});
  REQUIRE(o.status.ok());
  CHECK(o.records.size() == victim.index - 1);
  REQUIRE(o.report.warnings.size() == 1);
  const std::string& w = o.report.warnings[0];
  CHECK(w.find("repair") != std::string::npos);
  CHECK(w.find(victim.file) != std::string::npos);
  CHECK(w.find("from index " + std::to_string(victim.index)) != std::string::npos);
  CHECK(o.report.bytes_cut > 0);
  o.wal.reset();
  for (int again = 0; again < 2; ++again) {
    auto re = OpenWal(*fs, {.segment_size = kSegmentSize});
    REQUIRE(re.status.ok());
    CHECK(re.report.warnings.empty());
    CHECK(re.records.size() == victim.index - 1);
    CHECK(re.wal->Append(1, "after repair").value() == victim.index);
  }
}

TEST_CASE("wal T1b: a missing middle segment refuses to open") {
  const Fixture& f = TheLog();
  REQUIRE(f.files.size() >= 3);
  auto files = f.files;
  files.erase(std::next(files.begin()));
  auto fs = FsWithWal(files);
  Status s = OpenWal(*fs).status;
  CHECK(s.IsCorruption());
  CHECK(s.message().find("missing") != std::string::npos);
}

}  // namespace
}  // namespace myetcd::wal
