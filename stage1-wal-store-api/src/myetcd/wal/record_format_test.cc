// The fragment header (lab s1-02): layout, round trip, and that every damage is detected.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "myetcd/common/crc32c.h"
#include "myetcd/wal/record_format.h"

namespace myetcd::wal {
namespace {

constexpr const char* kPage = "docs/stage1/labs/s1-02-record-framing.md";

std::string Frame(FragmentKind kind, std::string_view data) {
  std::string out(kHeaderSize, '\0');
  EncodeFragmentHeader(out.data(), kind, data);
  out.append(data);
  return out;
}

// An exact-size heap copy of some bytes, so a read past their end is an ASan report.
class Exact {
 public:
  explicit Exact(std::string_view bytes) : copy_(new char[bytes.size() + 1]), size_(bytes.size()) {
    std::memcpy(copy_.get(), bytes.data(), bytes.size());
  }
  std::string_view view() const { return {copy_.get(), size_}; }

 private:
  std::unique_ptr<char[]> copy_;
  size_t size_;
};

FragmentStatus ParseExact(std::string_view bytes, Fragment* out) {
  Exact exact(bytes);
  const FragmentStatus st = ParseFragment(exact.view(), out);
  out->data = {};  // it pointed into the copy
  return st;
}

TEST_CASE("[s1-02] a fragment header is masked crc32c, then length (LE uint16), then kind") {
  const std::string data = "hello, wal";
  const std::string f = Frame(FragmentKind::kFirst, data);
  REQUIRE(f.size() == kHeaderSize + data.size());
  CHECK_MESSAGE(static_cast<unsigned char>(f[4]) == data.size(),
                "byte 4 is the low byte of the length; see " << kPage);
  CHECK_MESSAGE(f[5] == 0, "byte 5 is the high byte of the length");
  CHECK_MESSAGE(f[6] == static_cast<char>(FragmentKind::kFirst), "byte 6 is the kind");
  // The CRC covers length, kind and data: the 3 bytes after the CRC, then the data.
  const uint32_t crc = crc32c::Extend(crc32c::Value(f.data() + 4, 3), data.data(), data.size());
  uint32_t stored;
  std::memcpy(&stored, f.data(), 4);
  CHECK_MESSAGE(stored == crc32c::Mask(crc),
                "bytes 0-3 hold Mask(CRC32C(length, kind, data)), little-endian; see " << kPage);

  const std::string big(300, 'x');  // a length above 255 uses both bytes
  const std::string g = Frame(FragmentKind::kFull, big);
  CHECK(static_cast<unsigned char>(g[4]) == (300 & 0xff));
  CHECK(static_cast<unsigned char>(g[5]) == (300 >> 8));
}

TEST_CASE("[s1-02] a fragment parses back to its kind and data, and stops at its length") {
  for (FragmentKind kind :
       {FragmentKind::kFull, FragmentKind::kFirst, FragmentKind::kMiddle, FragmentKind::kLast}) {
    for (size_t n : {1, 2, 100, 4096, static_cast<int>(kBlockSize - kHeaderSize)}) {
      const std::string data(n, static_cast<char>('a' + n % 26));
      const std::string f = Frame(kind, data) + "next fragment";
      Exact exact(f);
      Fragment out;
      REQUIRE_MESSAGE(ParseFragment(exact.view(), &out) == FragmentStatus::kOk,
                      "a fragment just written must parse (size " << n << "); see " << kPage);
      CHECK(out.kind == kind);
      CHECK(out.data == data);
      CHECK(out.size == kHeaderSize + n);
    }
  }
}

TEST_CASE("[s1-02] every flipped bit, in the header or the data, is detected") {
  const std::string f = Frame(FragmentKind::kFull, "a record worth keeping");
  for (size_t byte = 0; byte < f.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = f;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      Fragment out;
      const FragmentStatus st = ParseExact(bad, &out);
      CHECK_MESSAGE(st != FragmentStatus::kOk, "a flip of bit " << bit << " of byte " << byte
                                                                << " was accepted; see " << kPage);
    }
  }
}

TEST_CASE("[s1-02] a fragment cut short is reported as truncated, never read past its end") {
  const std::string f = Frame(FragmentKind::kLast, std::string(50, 'z'));
  for (size_t n = 0; n < f.size(); ++n) {
    Fragment out;
    CHECK_MESSAGE(
        ParseExact(std::string_view(f).substr(0, n), &out) == FragmentStatus::kTruncated,
        "the first " << n << " bytes of a " << f.size() << "-byte fragment; see " << kPage);
  }
}

TEST_CASE("[s1-02] zeros, unknown kinds and lengths past the block are named as such") {
  Fragment out;
  CHECK(ParseExact(std::string(kHeaderSize + 10, '\0'), &out) == FragmentStatus::kZeroHeader);

  std::string f = Frame(FragmentKind::kFull, "data");
  f[6] = 5;  // no such kind
  CHECK(ParseExact(f, &out) == FragmentStatus::kBadKind);
  f[6] = 0;
  CHECK(ParseExact(f, &out) == FragmentStatus::kBadKind);

  std::string huge(kBlockSize * 3, 'q');
  huge[4] = static_cast<char>(0xff);
  huge[5] = static_cast<char>(0xff);  // 65535 > kBlockSize - kHeaderSize
  huge[6] = 1;
  CHECK(ParseExact(huge, &out) == FragmentStatus::kBadLength);
  std::string empty = Frame(FragmentKind::kFull, "x");
  empty[4] = 0;  // length 0 is never written
  CHECK(ParseExact(empty, &out) == FragmentStatus::kBadLength);
}

}  // namespace
}  // namespace myetcd::wal
