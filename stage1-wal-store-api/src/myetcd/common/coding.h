// Byte coding shared by every on-disk and on-wire format: fixed-width little-endian
// integers, varints and length-prefixed strings.
//
// Why little-endian fixed width: it is the CPU's own order here, so the WAL header fields
// are a memcpy; and it is written down, so a file written on one machine reads on another.
// Why varints: most lengths and revisions are small; a varint spends 1 byte on values
// below 128 and at most 10 on a uint64.
//
// Decoders read bytes that came back from disk or the network, which may be torn or
// corrupt: every Get* checks bounds, returns false on bad input and then leaves its input
// untouched. They never read past the end of the view they are given.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace myetcd {

constexpr int kMaxVarint32Bytes = 5;
constexpr int kMaxVarint64Bytes = 10;

inline void EncodeFixed32(char* dst, uint32_t v) { std::memcpy(dst, &v, 4); }
inline void EncodeFixed64(char* dst, uint64_t v) { std::memcpy(dst, &v, 8); }
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
// Fixed-width readers that consume from the front of *input; false if it is too short.
bool GetFixed32(std::string_view* input, uint32_t* v);
bool GetFixed64(std::string_view* input, uint64_t* v);

// Writes value as a varint at dst and returns the byte after it.
// REQUIRES: dst has room for kMaxVarint64Bytes.
char* EncodeVarint64(char* dst, uint64_t value);
void PutVarint32(std::string* dst, uint32_t value);
void PutVarint64(std::string* dst, uint64_t value);
// Bytes EncodeVarint64 would write for value (1..10).
int VarintLength(uint64_t value);

// Decodes a varint from the front of *input and advances *input past it. Returns false,
// leaving *input unchanged, if the varint is truncated, longer than the type allows, or
// holds a value that does not fit the type.
bool GetVarint64(std::string_view* input, uint64_t* value);
bool GetVarint32(std::string_view* input, uint32_t* value);

// A varint length followed by that many bytes.
void PutLengthPrefixed(std::string* dst, std::string_view value);
bool GetLengthPrefixed(std::string_view* input, std::string_view* value);

}  // namespace myetcd
