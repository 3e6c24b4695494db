// Reading a segment (ScanSegment) and judging its damage (lab s1-03): a torn tail is cut,
// damage with valid fragments behind it is corruption.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "myetcd/wal/block_writer.h"
#include "myetcd/wal/record_format.h"
#include "myetcd/wal/repair.h"
#include "myetcd/wal/segment_reader.h"
#include "myetcd/wal/wal_test_util.h"

namespace myetcd::wal {
namespace {

using testing::Payload;
constexpr const char* kPage = "docs/stage1/labs/s1-03-torn-tail.md";

struct Built {
  std::string bytes;
  std::vector<uint64_t> starts;  // where each record begins
  std::vector<uint64_t> ends;
};

// A segment of records 1..n with the given payload sizes.
Built Build(const std::vector<size_t>& sizes) {
  Built b;
  BlockWriter w;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const size_t before = b.bytes.size();
    w.AddRecord(1, i + 1, Payload(i + 1, sizes[i]), &b.bytes);
    // The record starts after any trailer the writer put in front of it.
    size_t start = before;
    if (kBlockSize - start % kBlockSize <= kHeaderSize) start += kBlockSize - start % kBlockSize;
    b.starts.push_back(start);
    b.ends.push_back(b.bytes.size());
  }
  return b;
}

// Scans and classifies an exact-size heap copy, so reads past the end are ASan reports.
struct Judged {
  SegmentScan scan;
  DamageVerdict verdict = DamageVerdict::kTornTail;
};
Judged Judge(std::string_view bytes, bool last_segment = true) {
  std::unique_ptr<char[]> copy(new char[bytes.size() + 1]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  const std::string_view exact(copy.get(), bytes.size());
  Judged j{.scan = ScanSegment(exact, 1)};
  if (j.scan.damage) j.verdict = ClassifyDamage(exact, *j.scan.damage, last_segment);
  return j;
}

TEST_CASE("scan: records of every size come back whole, across blocks, in index order") {
  std::vector<size_t> sizes = {0, 1,    100, kBlockSize - 30, kBlockSize, 3 * kBlockSize + 17,
                               5, 70000};
  for (size_t n = 0; n < 40; ++n) sizes.push_back(n * 997 % 5000);
  Built b = Build(sizes);
  SegmentScan scan = ScanSegment(b.bytes, 1);
  CHECK_FALSE(scan.damage.has_value());
  REQUIRE(scan.records.size() == sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    CHECK(scan.records[i].record.index == i + 1);
    CHECK(scan.records[i].record.payload == Payload(i + 1, sizes[i]));
    CHECK(scan.records[i].offset == b.starts[i]);
    CHECK(scan.records[i].end == b.ends[i]);
  }
}

TEST_CASE("scan: a whole record with the wrong index is damage, and never a torn tail") {
  std::string bytes;
  BlockWriter w;
  w.AddRecord(1, 1, "one", &bytes);
  w.AddRecord(1, 3, "three", &bytes);  // 2 is missing
  Judged j = Judge(bytes);
  REQUIRE(j.scan.damage.has_value());
  CHECK(j.scan.records.size() == 1);
  CHECK(j.scan.damage->reason.find("index 3 where 2") != std::string::npos);
  CHECK(j.verdict == DamageVerdict::kCorruption);
}

TEST_CASE(
    "[s1-03] a segment cut anywhere inside its last record is a torn tail, cut at its start") {
  Built b = Build({kBlockSize - 500, 600, 250});  // the second record spans two blocks
  REQUIRE(b.starts[1] / kBlockSize != (b.ends[1] - 1) / kBlockSize);
  for (size_t last = 1; last <= 2; ++last) {
    for (size_t cut = b.starts[last] + 1; cut < b.ends[last]; ++cut) {
      Judged j = Judge(std::string_view(b.bytes).substr(0, cut));
      REQUIRE(j.scan.damage.has_value());
      CHECK_MESSAGE(j.verdict == DamageVerdict::kTornTail,
                    "cut at " << cut << " inside record " << last + 1 << " (" << b.starts[last]
                              << ".." << b.ends[last] << "); see " << kPage);
      CHECK(j.scan.damage->cut == b.starts[last]);
      CHECK(j.scan.records.size() == last);
    }
  }
}

TEST_CASE("[s1-03] zeros or garbage after the last whole record are a torn tail") {
  Built b = Build({300, 400, 250});
  std::mt19937_64 rng(7);
  std::string garbage(5000, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng());
  for (const std::string& tail : {std::string(5000, '\0'), garbage}) {
    Judged j = Judge(b.bytes + tail);
    REQUIRE(j.scan.damage.has_value());
    CHECK_MESSAGE(j.verdict == DamageVerdict::kTornTail, "see " << kPage);
    CHECK(j.scan.damage->cut == b.bytes.size());
    CHECK(j.scan.records.size() == 3);
  }
}

TEST_CASE("[s1-03] a damaged record with a valid record after it is corruption") {
  Built b = Build({300, 400, 250, 100});
  for (size_t victim = 0; victim < 3; ++victim) {
    for (size_t off : {size_t{0}, size_t{4}, size_t{6}, size_t{20}}) {  // crc, length, kind, data
      std::string bytes = b.bytes;
      bytes[b.starts[victim] + off] ^= 0x10;
      Judged j = Judge(bytes);
      REQUIRE(j.scan.damage.has_value());
      CHECK_MESSAGE(j.verdict == DamageVerdict::kCorruption,
                    "byte " << off << " of record " << victim + 1 << " flipped, and records follow "
                            << "it: cutting there would drop them silently; see " << kPage);
    }
  }
}

TEST_CASE("[s1-03] a damaged length cannot hide the valid fragments behind it") {
  // The second record's length now points far past its end: a plain length-prefixed reader
  // would think the file ends mid-record. The records after it must still be seen.
  Built b = Build({100, 200, 300, 400});
  std::string bytes = b.bytes;
  bytes[b.starts[1] + 5] = 0x70;  // length high byte: 28k+
  Judged j = Judge(bytes);
  REQUIRE(j.scan.damage.has_value());
  CHECK_MESSAGE(j.verdict == DamageVerdict::kCorruption, "see " << kPage);
  CHECK(FindValidFragment(bytes, b.starts[1] + 1) == b.starts[2]);
}

TEST_CASE("[s1-03] damage found only in a later block is still corruption") {
  Built b = Build({100, 2 * kBlockSize, 50, 60});  // records 3 and 4 sit in block 2
  std::string bytes = b.bytes;
  bytes[b.starts[0] + 10] ^= 1;
  Judged j = Judge(bytes);
  REQUIRE(j.scan.damage.has_value());
  CHECK(j.verdict == DamageVerdict::kCorruption);
  // Zero the rest of block 0 and all of block 1: only block 2 still holds valid fragments.
  std::memset(bytes.data() + b.starts[0], 0, 2 * kBlockSize - b.starts[0]);
  j = Judge(bytes);
  REQUIRE(j.scan.damage.has_value());
  CHECK_MESSAGE(j.verdict == DamageVerdict::kCorruption, "see " << kPage);
}

TEST_CASE("[s1-03] damage in a segment that is not the last is corruption, even at its end") {
  Built b = Build({300, 400, 250});
  Judged j = Judge(std::string_view(b.bytes).substr(0, b.bytes.size() - 3), /*last_segment=*/false);
  REQUIRE(j.scan.damage.has_value());
  CHECK_MESSAGE(j.verdict == DamageVerdict::kCorruption,
                "an older segment was synced before the next was created: a torn write cannot "
                "be in it; see "
                    << kPage);
}

}  // namespace
}  // namespace myetcd::wal
