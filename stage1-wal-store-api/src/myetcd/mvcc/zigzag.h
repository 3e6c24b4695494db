// Signed integers as varints: zigzag maps 0, -1, 1, -2, ... to 0, 1, 2, 3, ..., so small
// magnitudes of either sign stay short (protobuf's sint64). Used by the command codec and
// the snapshot section for the fields that may be negative (a range's limit or revision).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "myetcd/common/coding.h"

namespace myetcd::mvcc {

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
inline void PutSigned(std::string* dst, int64_t v) { PutVarint64(dst, ZigZag(v)); }
inline bool GetSigned(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint64(in, &u)) return false;
  *v = UnZigZag(u);
  return true;
}

}  // namespace myetcd::mvcc
