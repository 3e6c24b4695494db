#include "myetcd/mvcc/key_index.h"

#include <algorithm>

namespace myetcd::mvcc {

const VersionRecord* KeyHistory::LiveAt(int64_t rev) const {
  if (versions_.empty()) return nullptr;
  const VersionRecord* v;
  if (versions_.back().main <= rev) {
    v = &versions_.back();  // the common case: a read at the current revision
  } else {
    auto it = std::upper_bound(versions_.begin(), versions_.end(), rev,
                               [](int64_t r, const VersionRecord& x) { return r < x.main; });
    if (it == versions_.begin()) return nullptr;
    v = &*std::prev(it);
  }
  return v->tombstone() ? nullptr : v;
}

const VersionRecord* KeyHistory::Find(int64_t main, int64_t sub) const {
  auto it = std::lower_bound(versions_.begin(), versions_.end(), std::pair{main, sub},
                             [](const VersionRecord& x, const std::pair<int64_t, int64_t>& r) {
                               return x.main < r.first || (x.main == r.first && x.sub < r.second);
                             });
  if (it == versions_.end() || it->main != main || it->sub != sub) return nullptr;
  return &*it;
}

const VersionRecord* KeyHistory::LiveBefore(const VersionRecord* v) const {
  if (v == versions_.data()) return nullptr;
  const VersionRecord* p = v - 1;
  return p->tombstone() ? nullptr : p;
}

bool KeyHistory::Compact(int64_t rev) {
  // The first version above rev; everything before it is at or below rev.
  auto above = std::upper_bound(versions_.begin(), versions_.end(), rev,
                                [](int64_t r, const VersionRecord& x) { return r < x.main; });
  auto keep_from = above;
  if (above != versions_.begin() && !std::prev(above)->tombstone()) keep_from = std::prev(above);
  versions_.erase(versions_.begin(), keep_from);
  return versions_.empty();
}

KeyValue KeyHistory::ToKeyValue(const VersionRecord& v) const {
  KeyValue kv;
  kv.key.assign(key_);
  kv.mod_revision = v.main;
  if (!v.tombstone()) {
    kv.value = v.value;
    kv.create_revision = v.create_revision;
    kv.version = v.version;
    kv.lease = v.lease;
  }
  return kv;
}

}  // namespace myetcd::mvcc
