#include "myetcd/common/crc32c.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace myetcd::crc32c {

TEST_CASE("crc32c matches the published check values (RFC 3720 B.4)") {
  CHECK(Value("123456789") == 0xe3069283u);
  std::string zeros(32, '\0');
  CHECK(Value(zeros) == 0x8a9136aau);
  std::string ones(32, '\xff');
  CHECK(Value(ones) == 0x62a8ab43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  CHECK(Value(ascending) == 0x46dd794eu);
}

TEST_CASE("crc32c: extending in pieces equals one pass") {
  std::string data = "hello, write-ahead log";
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    uint32_t a = Extend(0, data.data(), cut);
    CHECK(Extend(a, data.data() + cut, data.size() - cut) == Value(data));
  }
}

TEST_CASE("crc32c: the hardware and table paths agree on every length and alignment") {
  std::mt19937 rng(42);
  std::string data(4096 + 16, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n : {0, 1, 3, 4, 7, 8, 9, 63, 64, 65, 1000, 4096}) {
      uint32_t portable = ExtendPortable(0, data.data() + offset, n);
      CHECK(ExtendHardware(0, data.data() + offset, n) == portable);
      CHECK(Extend(0, data.data() + offset, n) == portable);
    }
  }
}

TEST_CASE("crc32c: a single flipped bit changes the checksum") {
  std::string data(100, 'a');
  uint32_t clean = Value(data);
  for (size_t i = 0; i < data.size() * 8; ++i) {
    std::string flipped = data;
    flipped[i / 8] = static_cast<char>(flipped[i / 8] ^ (1 << (i % 8)));
    CHECK(Value(flipped) != clean);
  }
}

TEST_CASE("crc32c: Mask is reversible and changes the value") {
  for (uint32_t crc : {0u, 1u, 0xe3069283u, 0xffffffffu}) {
    CHECK(Mask(crc) != crc);
    CHECK(Unmask(Mask(crc)) == crc);
  }
}

}  // namespace myetcd::crc32c
