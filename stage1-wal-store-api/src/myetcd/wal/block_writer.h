// BlockWriter: turns logical records into fragments laid out in 32 KiB blocks, the writing
// half of the format in record_format.cc. Pure: it appends bytes to a string and remembers
// only where in its block the segment ends; the Wal writes those bytes to the file.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "myetcd/wal/record.h"

namespace myetcd::wal {

// type (1) + index (8): the bytes in front of every payload.
constexpr size_t kLogicalHeaderSize = 9;

class BlockWriter {
 public:
  // `segment_size` is the segment's current length: writing continues right after it.
  explicit BlockWriter(uint64_t segment_size = 0) : size_(segment_size) {}

  // Appends the fragments of one logical record to *out (a trailer of zeros first, if the
  // current block has no room for a header and one byte). Returns the bytes appended.
  size_t AddRecord(RecordType type, uint64_t index, std::string_view payload, std::string* out);

  // The segment's length once everything produced so far is written.
  uint64_t size() const { return size_; }

 private:
  uint64_t size_;
};

}  // namespace myetcd::wal
