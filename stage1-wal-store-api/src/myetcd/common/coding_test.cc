#include "myetcd/common/coding.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace myetcd {
namespace {

std::string Varint(uint64_t v) {
  std::string s;
  PutVarint64(&s, v);
  return s;
}

std::string Hex(std::string_view s) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
    out += ' ';
  }
  return out;
}

}  // namespace

TEST_CASE("coding: fixed-width integers are little-endian") {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0807060504030201ull);
  CHECK(s == std::string("\x01\x02\x03\x04\x01\x02\x03\x04\x05\x06\x07\x08", 12));
  std::string_view in = s;
  uint32_t a;
  uint64_t b;
  REQUIRE(GetFixed32(&in, &a));
  REQUIRE(GetFixed64(&in, &b));
  CHECK(a == 0x04030201u);
  CHECK(b == 0x0807060504030201ull);
  CHECK(in.empty());
  CHECK_FALSE(GetFixed32(&in, &a));
}

TEST_CASE("[s1-01] a varint stores 7 bits per byte, low group first, high bit = more") {
  struct Case {
    uint64_t value;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {0, std::string("\x00", 1)},
      {1, "\x01"},
      {127, "\x7f"},
      {128, "\x80\x01"},
      {300, "\xac\x02"},
      {16383, "\xff\x7f"},
      {16384, "\x80\x80\x01"},
      {UINT32_MAX, "\xff\xff\xff\xff\x0f"},
      {UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
  };
  for (const auto& c : cases) {
    INFO("EncodeVarint64(" << c.value << ") should write " << Hex(c.bytes) << "; see "
                           << "docs/stage1/labs/s1-01-varint.md");
    CHECK(Hex(Varint(c.value)) == Hex(c.bytes));
    CHECK(VarintLength(c.value) == static_cast<int>(c.bytes.size()));
  }
}

TEST_CASE("[s1-01] every encoded varint decodes to the same value and consumes it all") {
  std::vector<uint64_t> values = {
      0, 1, 127, 128, 255, 256, 1ull << 31, 1ull << 32, (1ull << 63) - 1, 1ull << 63, UINT64_MAX};
  for (int shift = 0; shift < 64; ++shift) values.push_back((1ull << shift) + 1);
  std::string stream;
  for (uint64_t v : values) PutVarint64(&stream, v);
  stream += "tail";
  std::string_view in = stream;
  for (uint64_t v : values) {
    uint64_t got = 0;
    INFO("GetVarint64 should decode " << v << " from the front of the stream");
    REQUIRE(GetVarint64(&in, &got));
    CHECK(got == v);
  }
  CHECK(in == "tail");
}

TEST_CASE("[s1-01] a truncated varint is rejected and the input is left untouched") {
  const std::string full = Varint(UINT64_MAX);
  for (size_t len = 0; len < full.size(); ++len) {
    std::string_view in(full.data(), len);
    uint64_t v = 12345;
    INFO("GetVarint64 on the first " << len << " of 10 bytes must return false: the last "
                                     << "byte (high bit clear) is missing");
    CHECK_FALSE(GetVarint64(&in, &v));
    CHECK(in.size() == len);
  }
}

TEST_CASE("[s1-01] a varint longer than 10 bytes or beyond 64 bits is rejected") {
  // 11 bytes: ten continuation bytes and a terminator.
  std::string eleven(10, '\x80');
  eleven += '\x00';
  std::string_view in = eleven;
  uint64_t v;
  CHECK_FALSE(GetVarint64(&in, &v));
  CHECK(in.size() == eleven.size());
  // 10 bytes whose last byte carries bit 64 and above.
  std::string overflow(9, '\xff');
  overflow += '\x02';
  in = overflow;
  INFO("the 10th byte may only hold bit 63 (value 0 or 1); 0x02 overflows a uint64");
  CHECK_FALSE(GetVarint64(&in, &v));
  CHECK(in.size() == overflow.size());
}

TEST_CASE("[s1-01] a varint is never read past the end of its view") {
  // The byte after the view says "stop": a decoder that reads past the view would succeed.
  const std::string backing("\x80\x80\x01", 3);
  std::string_view in(backing.data(), 2);
  uint64_t v;
  CHECK_FALSE(GetVarint64(&in, &v));
}

TEST_CASE("coding: varint32 rejects values above 2^32-1") {
  std::string s = Varint(1ull << 32);
  std::string_view in = s;
  uint32_t v;
  CHECK_FALSE(GetVarint32(&in, &v));
  CHECK(in.size() == s.size());
  s = Varint(UINT32_MAX);
  in = s;
  REQUIRE(GetVarint32(&in, &v));
  CHECK(v == UINT32_MAX);
}

TEST_CASE("coding: length-prefixed strings round-trip and reject short input") {
  std::string s;
  PutLengthPrefixed(&s, "key");
  PutLengthPrefixed(&s, "");
  PutLengthPrefixed(&s, std::string(300, 'v'));
  std::string_view in = s, out;
  REQUIRE(GetLengthPrefixed(&in, &out));
  CHECK(out == "key");
  REQUIRE(GetLengthPrefixed(&in, &out));
  CHECK(out.empty());
  REQUIRE(GetLengthPrefixed(&in, &out));
  CHECK(out == std::string(300, 'v'));
  CHECK(in.empty());
  std::string bad;
  PutVarint64(&bad, 10);
  bad += "short";
  in = bad;
  CHECK_FALSE(GetLengthPrefixed(&in, &out));
  CHECK(in.size() == bad.size());
}

}  // namespace myetcd
