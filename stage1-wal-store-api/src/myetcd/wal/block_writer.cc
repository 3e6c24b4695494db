// BlockWriter: see block_writer.h; the format is the grammar in record_format.cc.
#include "myetcd/wal/block_writer.h"

#include <algorithm>

#include "myetcd/common/coding.h"
#include "myetcd/wal/record_format.h"

namespace myetcd::wal {

size_t BlockWriter::AddRecord(RecordType type, uint64_t index, std::string_view payload,
                              std::string* out) {
  const size_t before = out->size();
  std::string logical;
  logical.reserve(kLogicalHeaderSize + payload.size());
  logical.push_back(static_cast<char>(type));
  PutFixed64(&logical, index);
  logical.append(payload);

  std::string_view rest = logical;
  bool first = true;
  while (true) {
    size_t left = kBlockSize - static_cast<size_t>(size_ % kBlockSize);
    if (left <= kHeaderSize) {  // no room for a header and a byte: pad to the next block
      out->append(left, '\0');
      size_ += left;
      left = kBlockSize;
    }
    const size_t n = std::min(rest.size(), left - kHeaderSize);
    const bool last = n == rest.size();
    const FragmentKind kind = first && last ? FragmentKind::kFull
                              : first       ? FragmentKind::kFirst
                              : last        ? FragmentKind::kLast
                                            : FragmentKind::kMiddle;
    char header[kHeaderSize];
    EncodeFragmentHeader(header, kind, rest.substr(0, n));
    out->append(header, kHeaderSize);
    out->append(rest.data(), n);
    size_ += kHeaderSize + n;
    rest.remove_prefix(n);
    first = false;
    if (last) break;
  }
  return out->size() - before;
}

}  // namespace myetcd::wal
