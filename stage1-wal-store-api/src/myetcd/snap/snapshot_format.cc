// The snapshot format, as a grammar (also in docs/stage1/snapshot.md):
//
//   snapshot = magic version header { section } footer
//   magic    = "MYETSNAP"                          ; 8 bytes
//   version  = fixed32                             ; 1
//   header   = body-length:fixed32 body crc:fixed32
//       body = position:length-prefixed section-count:varint32
//       crc  = Mask(CRC32C(body))
//   section  = name:length-prefixed data-length:fixed64 data:byte{data-length} crc:fixed32
//       crc  = Mask(CRC32C(every byte of the section before the crc))
//       name = 1..64 bytes of [a-z0-9_-], unique in the file
//   footer   = "MYETSEND"                          ; nothing may follow it
//
// length-prefixed = varint32 length, then that many bytes (common/coding.h). All fixed
// integers are little-endian. The position is opaque here: stage 1 stores the WAL index it
// covers, stage 3 a Raft index, term and membership; only its owner decodes it.
//
// Why per-section checksums and not one for the file: the error then says which section is
// damaged, and a loader is never handed bytes that were not verified. Why the count and the
// footer: a file cut at a section boundary would otherwise look whole.
#include "myetcd/snap/snapshot_format.h"

#include <set>

#include "myetcd/common/coding.h"
#include "myetcd/common/crc32c.h"

namespace myetcd::snap {
namespace {

Status Corrupt(size_t offset, const std::string& what) {
  return Status::Corruption("snapshot: " + what + " at offset " + std::to_string(offset));
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

Status EncodeHeader(std::string_view position, uint32_t section_count, const Sink& sink) {
  std::string body;
  PutLengthPrefixed(&body, position);
  PutVarint32(&body, section_count);
  std::string out(kMagic);
  PutFixed32(&out, kFormatVersion);
  PutFixed32(&out, static_cast<uint32_t>(body.size()));
  out += body;
  PutFixed32(&out, crc32c::Mask(crc32c::Value(body)));
  return sink(out);
}

Status EncodeSection(std::string_view name, std::string_view data, const Sink& sink) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("snapshot: bad section name '" + std::string(name) + "'");
  }
  std::string head;
  PutLengthPrefixed(&head, name);
  PutFixed64(&head, data.size());
  uint32_t crc = crc32c::Value(head);
  crc = crc32c::Extend(crc, data.data(), data.size());
  std::string tail;
  PutFixed32(&tail, crc32c::Mask(crc));
  MYETCD_RETURN_IF_ERROR(sink(head));
  MYETCD_RETURN_IF_ERROR(sink(data));
  return sink(tail);
}

Status EncodeFooter(const Sink& sink) { return sink(kEndMagic); }

Result<SnapshotView> DecodeSnapshot(std::string_view file) {
  std::string_view in = file;
  auto offset = [&] { return file.size() - in.size(); };
  if (in.substr(0, kMagic.size()) != kMagic) return Corrupt(0, "no snapshot magic");
  in.remove_prefix(kMagic.size());
  uint32_t version = 0, body_len = 0, stored = 0;
  if (!GetFixed32(&in, &version)) return Corrupt(offset(), "truncated version");
  if (version != kFormatVersion) {
    return Corrupt(offset() - 4, "unknown format version " + std::to_string(version));
  }
  if (!GetFixed32(&in, &body_len) || in.size() < body_len + 4ull) {
    return Corrupt(offset(), "truncated header");
  }
  std::string_view body = in.substr(0, body_len);
  in.remove_prefix(body_len);
  (void)GetFixed32(&in, &stored);
  if (crc32c::Unmask(stored) != crc32c::Value(body)) {
    return Corrupt(kMagic.size() + 8, "header checksum mismatch");
  }
  SnapshotView view;
  uint32_t count = 0;
  if (!GetLengthPrefixed(&body, &view.position) || !GetVarint32(&body, &count) || !body.empty()) {
    return Corrupt(kMagic.size() + 8, "malformed header");
  }

  std::set<std::string_view> names;
  for (uint32_t i = 0; i < count; ++i) {
    const size_t start = offset();
    std::string_view name;
    uint64_t len = 0;
    if (!GetLengthPrefixed(&in, &name) || !GetFixed64(&in, &len) || in.size() < 4 ||
        len > in.size() - 4) {
      return Corrupt(start, "truncated section " + std::to_string(i));
    }
    std::string_view data = in.substr(0, len);
    in.remove_prefix(len);
    (void)GetFixed32(&in, &stored);
    const std::string_view covered = file.substr(start, offset() - 4 - start);
    if (crc32c::Unmask(stored) != crc32c::Value(covered)) {
      return Corrupt(start, "checksum mismatch in section " + std::to_string(i) + " ('" +
                                std::string(name.substr(0, 64)) + "')");
    }
    if (!ValidName(name) || !names.insert(name).second) {
      return Corrupt(start, "bad or repeated section name '" + std::string(name) + "'");
    }
    view.sections.push_back({name, data});
  }
  if (in != kEndMagic) {
    return Corrupt(offset(), in.size() < kEndMagic.size() ? "truncated: no end marker"
                                                          : "bytes after the last section");
  }
  return view;
}

}  // namespace myetcd::snap
