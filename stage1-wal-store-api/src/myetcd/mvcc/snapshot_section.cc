// The store's snapshot section: every version of every key the store still keeps, and the
// two revisions. The snapshot file (stage 1's snap module) frames it with its name ("kv")
// and the applied WAL position; this file only turns the store into bytes and back.
//
// Grammar (integers are varints unless said otherwise; lp = varint length + bytes):
//
//   section   = magic version current compacted key_count { key } crc
//   magic     = fixed32 0x3153564b                       ; "KVS1" little-endian
//   version   = 1
//   current   = the store revision (>= 1)
//   compacted = the compaction point (0 <= compacted <= current)
//   key_count = number of `key` entries
//   key       = name:lp version_count { version }        ; names strictly ascending, non-empty
//   version   = main sub kind [ create ver lease:zigzag value:lp ]   ; the bracket iff kind = 0
//   kind      = byte 0 (put) | 1 (tombstone)
//   crc       = fixed32 masked CRC32C of every byte before it
//
// Versions of a key are strictly ascending by (main, sub), 1 <= main <= current; only the
// first may be at or below `compacted`, and then it is a put (what compaction keeps). A put
// has 1 <= create <= main and ver >= 1. No two versions of the store share (main, sub).
//
// Recovery = load the newest section, then replay the commands logged after it through
// Apply. We keep the full history above the compaction point in the section (we do not
// raise the compaction point to the snapshot revision), so after recovery reads at old
// revisions and the history iterator answer exactly as the live store did.
//
// Consistency: encoding holds the store's shared lock, so the section is one revision's
// state. Call it from the applying thread to know which logged command it ends with.
#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "myetcd/common/coding.h"
#include "myetcd/common/crc32c.h"
#include "myetcd/mvcc/store.h"
#include "myetcd/mvcc/zigzag.h"

namespace myetcd::mvcc {

namespace {

constexpr uint32_t kMagic = 0x3153564b;
constexpr uint64_t kFormatVersion = 1;

bool GetInt(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint64(in, &u) || u > static_cast<uint64_t>(INT64_MAX)) return false;
  *v = static_cast<int64_t>(u);
  return true;
}

}  // namespace

std::string MvccStore::EncodeSnapshotSection() const {
  std::shared_lock<RwLock> l(lock_);
  std::string out;
  out.reserve(64 + state_.ordered.size() * 32);
  PutFixed32(&out, kMagic);
  PutVarint64(&out, kFormatVersion);
  PutVarint64(&out, static_cast<uint64_t>(state_.current));
  PutVarint64(&out, static_cast<uint64_t>(state_.compacted));
  PutVarint64(&out, state_.ordered.size());
  for (const auto& [name, k] : state_.ordered) {
    PutLengthPrefixed(&out, name);
    PutVarint64(&out, k.versions().size());
    for (const VersionRecord& v : k.versions()) {
      PutVarint64(&out, static_cast<uint64_t>(v.main));
      PutVarint64(&out, static_cast<uint64_t>(v.sub));
      out.push_back(v.tombstone() ? 1 : 0);
      if (v.tombstone()) continue;
      PutVarint64(&out, static_cast<uint64_t>(v.create_revision));
      PutVarint64(&out, static_cast<uint64_t>(v.version));
      PutVarint64(&out, ZigZag(v.lease));
      PutLengthPrefixed(&out, v.value);
    }
  }
  PutFixed32(&out, crc32c::Mask(crc32c::Value(out)));
  return out;
}

Status MvccStore::LoadSnapshotSection(std::string_view section) {
  auto bad = [](std::string_view what) {
    return Status::Corruption(std::string("kv snapshot section: ") + std::string(what));
  };
  if (section.size() < 8) return bad("too short");
  std::string_view in = section.substr(0, section.size() - 4);
  uint32_t stored = DecodeFixed32(section.data() + section.size() - 4);
  if (crc32c::Unmask(stored) != crc32c::Value(in)) return bad("checksum mismatch");

  uint32_t magic;
  uint64_t format;
  State st;
  uint64_t key_count;
  if (!GetFixed32(&in, &magic) || magic != kMagic) return bad("bad magic");
  if (!GetVarint64(&in, &format) || format != kFormatVersion) return bad("unknown version");
  if (!GetInt(&in, &st.current) || !GetInt(&in, &st.compacted) || !GetVarint64(&in, &key_count))
    return bad("truncated header");
  if (st.current < 1 || st.compacted > st.current) return bad("revisions out of order");
  if (key_count > in.size()) return bad("key count exceeds the section");
  st.hashed.Reserve(key_count);

  std::vector<LogEntry> log;
  std::string_view prev_name;
  for (uint64_t i = 0; i < key_count; ++i) {
    std::string_view name;
    uint64_t n;
    if (!GetLengthPrefixed(&in, &name) || !GetVarint64(&in, &n)) return bad("truncated key");
    if (name.empty() || (i > 0 && name <= prev_name)) return bad("keys not strictly ascending");
    if (n == 0 || n > in.size()) return bad("bad version count");
    auto it = st.ordered.emplace_hint(st.ordered.end(), std::string(name), std::string_view());
    it->second = KeyHistory(it->first);
    st.hashed.Insert(&it->second);
    prev_name = it->first;
    KeyHistory& k = it->second;
    for (uint64_t j = 0; j < n; ++j) {
      VersionRecord v;
      if (!GetInt(&in, &v.main) || !GetInt(&in, &v.sub) || in.empty())
        return bad("truncated version");
      const char kind = in[0];
      in.remove_prefix(1);
      if (kind == 0) {
        uint64_t lease;
        std::string_view value;
        if (!GetInt(&in, &v.create_revision) || !GetInt(&in, &v.version) ||
            !GetVarint64(&in, &lease) || !GetLengthPrefixed(&in, &value))
          return bad("truncated put");
        v.lease = UnZigZag(lease);
        v.value.assign(value);
        if (v.create_revision < 1 || v.create_revision > v.main || v.version < 1)
          return bad("bad put revisions");
      } else if (kind != 1) {
        return bad("bad version kind");
      }
      if (v.main < 1 || v.main > st.current) return bad("version revision out of range");
      if (!k.empty()) {
        const VersionRecord& last = k.versions().back();
        if (v.main < last.main || (v.main == last.main && v.sub <= last.sub))
          return bad("versions not ascending");
      }
      if (v.main <= st.compacted && (j > 0 || v.tombstone()))
        return bad("history below the compaction point");
      if (v.main > st.compacted) log.push_back(LogEntry{v.main, v.sub, &k});
      k.Append(std::move(v));
    }
    if (k.Latest() != nullptr) ++st.live_keys;
  }
  if (!in.empty()) return bad("trailing bytes");

  std::sort(log.begin(), log.end(), [](const LogEntry& a, const LogEntry& b) {
    return a.main < b.main || (a.main == b.main && a.sub < b.sub);
  });
  for (size_t i = 1; i < log.size(); ++i) {
    if (log[i].main == log[i - 1].main && log[i].sub == log[i - 1].sub)
      return bad("two versions share a revision");
  }
  st.log.assign(log.begin(), log.end());

  std::lock_guard<std::mutex> writer(apply_mu_);
  std::unique_lock<RwLock> lock(lock_);
  std::swap(state_, st);  // map nodes keep their addresses, so the views and pointers stay valid
  return Status::OK();
}

}  // namespace myetcd::mvcc
