// Varint grammar (the same as protobuf's base-128 varints):
//
//   varint  := { more-byte } last-byte          at most 10 bytes for a uint64
//   more-byte := 1 bbbbbbb                       high bit set: another byte follows
//   last-byte := 0 bbbbbbb                       high bit clear: the last byte
//
// The 7-bit groups come least significant first. 300 = 0b1_0010_1100 encodes as
// 0xAC 0x02: the low 7 bits 0101100 with the high bit set, then 0000010.
#include "myetcd/common/coding.h"

namespace myetcd {

void PutFixed32(std::string* dst, uint32_t v) {
  char buf[4];
  EncodeFixed32(buf, v);
  dst->append(buf, 4);
}

void PutFixed64(std::string* dst, uint64_t v) {
  char buf[8];
  EncodeFixed64(buf, v);
  dst->append(buf, 8);
}

bool GetFixed32(std::string_view* input, uint32_t* v) {
  if (input->size() < 4) return false;
  *v = DecodeFixed32(input->data());
  input->remove_prefix(4);
  return true;
}

bool GetFixed64(std::string_view* input, uint64_t* v) {
  if (input->size() < 8) return false;
  *v = DecodeFixed64(input->data());
  input->remove_prefix(8);
  return true;
}

char* EncodeVarint64(char* dst, uint64_t value) {
  // EXERCISE(s1-01) BEGIN stub: return dst;
  auto* p = reinterpret_cast<unsigned char*>(dst);
  while (value >= 0x80) {
    *p++ = static_cast<unsigned char>(value | 0x80);  // low 7 bits, "more follows"
    value >>= 7;
  }
  *p++ = static_cast<unsigned char>(value);
  return reinterpret_cast<char*>(p);
  // EXERCISE(s1-01) END
}

bool GetVarint64(std::string_view* input, uint64_t* value) {
  // EXERCISE(s1-01) BEGIN stub: return false;
  uint64_t result = 0;
  for (size_t i = 0; i < kMaxVarint64Bytes && i < input->size(); ++i) {
    const auto byte = static_cast<unsigned char>((*input)[i]);
    // The 10th byte holds bit 63 only: anything above 1 would overflow 64 bits.
    if (i == kMaxVarint64Bytes - 1 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *value = result;
      input->remove_prefix(i + 1);
      return true;
    }
  }
  return false;  // truncated, or more than 10 bytes
  // EXERCISE(s1-01) END
}

void PutVarint64(std::string* dst, uint64_t value) {
  char buf[kMaxVarint64Bytes];
  char* end = EncodeVarint64(buf, value);
  dst->append(buf, static_cast<size_t>(end - buf));
}

void PutVarint32(std::string* dst, uint32_t value) { PutVarint64(dst, value); }

int VarintLength(uint64_t value) {
  int len = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++len;
  }
  return len;
}

bool GetVarint32(std::string_view* input, uint32_t* value) {
  std::string_view copy = *input;
  uint64_t wide;
  if (!GetVarint64(&copy, &wide) || wide > UINT32_MAX) return false;
  if (input->size() - copy.size() > kMaxVarint32Bytes) return false;
  *value = static_cast<uint32_t>(wide);
  *input = copy;
  return true;
}

void PutLengthPrefixed(std::string* dst, std::string_view value) {
  PutVarint64(dst, value.size());
  dst->append(value);
}

bool GetLengthPrefixed(std::string_view* input, std::string_view* value) {
  std::string_view copy = *input;
  uint64_t len;
  if (!GetVarint64(&copy, &len) || len > copy.size()) return false;
  *value = copy.substr(0, len);
  copy.remove_prefix(len);
  *input = copy;
  return true;
}

}  // namespace myetcd
