#include "myetcd/wal/segment_name.h"

#include <fmt/format.h>

namespace myetcd::wal {
namespace {

std::optional<uint64_t> ParseHex16(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace

std::string SegmentFileName(const SegmentName& name) {
  return fmt::format("{:016x}-{:016x}.wal", name.seq, name.first_index);
}

std::optional<SegmentName> ParseSegmentFileName(std::string_view file) {
  constexpr std::string_view kSuffix = ".wal";
  if (file.size() != 16 + 1 + 16 + kSuffix.size() || file[16] != '-' ||
      file.substr(33) != kSuffix) {
    return std::nullopt;
  }
  auto seq = ParseHex16(file.substr(0, 16));
  auto first = ParseHex16(file.substr(17, 16));
  if (!seq || !first) return std::nullopt;
  return SegmentName{.seq = *seq, .first_index = *first};
}

}  // namespace myetcd::wal
