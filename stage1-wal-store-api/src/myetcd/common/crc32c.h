// CRC32C (Castagnoli polynomial), the checksum of every WAL record and snapshot section.
//
// Why CRC32C: it detects all burst errors up to 32 bits and x86 computes it in hardware
// (SSE4.2 `crc32`), several GB/s. Why hand-written: Debian 12 packages no maintained CRC32C
// library, and the whole algorithm is a few dozen lines. We use the SSE4.2 instruction when
// the CPU has it and a table-driven loop otherwise; both give identical results (tested).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace myetcd::crc32c {

// Returns the CRC32C of data appended to a stream whose CRC so far is `crc`
// (Extend(Extend(0, a), b) == Value(a + b)).
uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

// The table-driven and hardware paths, exposed so tests can compare them.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);
bool HardwareAvailable();
uint32_t ExtendHardware(uint32_t crc, const char* data, size_t n);  // REQUIRES: HardwareAvailable()

// A CRC stored next to data that itself holds CRCs (a record in a snapshot of records)
// makes CRC-of-CRC collisions likelier; storing a rotated, offset value avoids it.
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace myetcd::crc32c
