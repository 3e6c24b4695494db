// The snapshot file format: a header with an opaque applied position, then named sections,
// each checksummed. The grammar is at the top of snapshot_format.cc and in
// docs/stage1/snapshot.md.
//
// Pure functions over bytes: encoding streams pieces to a sink (so a 50 MB section is not
// copied again), decoding returns views into the file's bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/result.h"
#include "myetcd/common/status.h"

namespace myetcd::snap {

constexpr std::string_view kMagic = "MYETSNAP";
constexpr std::string_view kEndMagic = "MYETSEND";
constexpr uint32_t kFormatVersion = 1;

// Receives the encoded file piece by piece, in order.
using Sink = std::function<Status(std::string_view bytes)>;

// Writes the magic, version and header (position + section count).
Status EncodeHeader(std::string_view position, uint32_t section_count, const Sink& sink);
// Writes one section: its name, length, data and checksum.
Status EncodeSection(std::string_view name, std::string_view data, const Sink& sink);
// Writes the end marker (it proves the file is whole).
Status EncodeFooter(const Sink& sink);

struct SectionView {
  std::string_view name;
  std::string_view data;
};
struct SnapshotView {
  std::string_view position;
  std::vector<SectionView> sections;  // in file order
};

// Decodes and verifies a whole file: magic, version, every checksum, the section count, the
// end marker, and nothing after it. Corruption names the byte offset. The views point into
// `file`.
Result<SnapshotView> DecodeSnapshot(std::string_view file);

}  // namespace myetcd::snap
