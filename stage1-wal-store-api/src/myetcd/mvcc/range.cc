// MvccStore::Range: etcd's range rules (server/etcdserver/txn/range.go and mvcc's
// rangeKeys, read for behaviour). The steps, in etcd's order:
//
//   1. the read revision: r.revision, or the current one when <= 0; above the current
//      revision is "future revision", below the compaction point "compacted";
//   2. the keys: one key (hash index) or a walk of the ordered index from `key` while
//      InRange (key_range.h), taking each key's newest version at the read revision;
//   3. count = how many keys that is — before the filters and the limit;
//   4. the min/max mod/create revision filters;
//   5. the sort: target KEY ascending is the index order already; any other target with
//      order NONE sorts ascending; a stable sort, so ties stay in key order;
//   6. the limit: keep the first `limit`, and say `more` if any were cut;
//   7. keys_only drops the values, count_only drops the key-values altogether.
//
// With no sort and no filter only the first limit + 1 matches are copied out; the walk
// still visits every key of the range, because count needs them all (as in etcd).
#include <algorithm>
#include <shared_mutex>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/key_range.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {

Status MvccStore::CheckReadRevision(int64_t revision, int64_t visible) const {
  if (revision > visible) return ErrFutureRevision();
  if (revision > 0 && revision < state_.compacted) return ErrCompacted();
  return Status::OK();
}

Result<RangeResponse> MvccStore::Range(const RangeRequest& r) const {
  std::shared_lock<RwLock> l(lock_);
  return RangeLocked(r, state_.current);
}

namespace {

struct Hit {
  const KeyHistory* key;
  const VersionRecord* v;
};

int64_t SortField(const Hit& h, SortTarget t) {
  switch (t) {
    case SortTarget::kVersion: return h.v->version;
    case SortTarget::kCreate: return h.v->create_revision;
    case SortTarget::kMod: return h.v->main;
    case SortTarget::kKey:
    case SortTarget::kValue: break;
  }
  return 0;
}

// -1, 0, 1 as a < b, a == b, a > b on the sort target.
int CompareHits(const Hit& a, const Hit& b, SortTarget t) {
  if (t == SortTarget::kKey)
    return a.key->key().compare(b.key->key()) < 0 ? -1 : (a.key->key() == b.key->key() ? 0 : 1);
  if (t == SortTarget::kValue) {
    int c = std::string_view(a.v->value).compare(b.v->value);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  int64_t x = SortField(a, t), y = SortField(b, t);
  return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace

Result<RangeResponse> MvccStore::RangeLocked(const RangeRequest& r, int64_t visible) const {
  MYETCD_RETURN_IF_ERROR(ValidateRange(r));
  MYETCD_RETURN_IF_ERROR(CheckReadRevision(r.revision, visible));
  const int64_t rev = r.revision > 0 ? r.revision : visible;

  const bool filtered = r.min_mod_revision != 0 || r.max_mod_revision != 0 ||
                        r.min_create_revision != 0 || r.max_create_revision != 0;
  SortOrder order = r.sort_order;
  if (r.sort_target != SortTarget::kKey && order == SortOrder::kNone) order = SortOrder::kAscend;
  if (r.sort_target == SortTarget::kKey && order == SortOrder::kAscend) order = SortOrder::kNone;
  const bool collect_all = filtered || order != SortOrder::kNone;
  // Without sort or filter the first limit + 1 hits decide both the answer and `more`.
  const size_t enough = (collect_all || r.limit <= 0) ? SIZE_MAX : static_cast<size_t>(r.limit) + 1;

  RangeResponse resp;
  std::vector<Hit> hits;
  auto consider = [&](const KeyHistory& k) {
    const VersionRecord* v = k.LiveAt(rev);
    if (v == nullptr) return;
    ++resp.count;
    if (!r.count_only && hits.size() < enough) hits.push_back(Hit{&k, v});
  };
  if (!IsRange(r.range_end)) {
    if (const KeyHistory* k = FindKey(r.key)) consider(*k);
  } else {
    for (auto it = state_.ordered.lower_bound(r.key);
         it != state_.ordered.end() && InRange(it->first, r.key, r.range_end); ++it) {
      consider(it->second);
    }
  }

  if (filtered) {
    std::erase_if(hits, [&](const Hit& h) {
      return (r.max_mod_revision != 0 && h.v->main > r.max_mod_revision) ||
             (r.min_mod_revision != 0 && h.v->main < r.min_mod_revision) ||
             (r.max_create_revision != 0 && h.v->create_revision > r.max_create_revision) ||
             (r.min_create_revision != 0 && h.v->create_revision < r.min_create_revision);
    });
  }
  if (order == SortOrder::kAscend) {
    std::stable_sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
      return CompareHits(a, b, r.sort_target) < 0;
    });
  } else if (order == SortOrder::kDescend) {
    std::stable_sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
      return CompareHits(a, b, r.sort_target) > 0;
    });
  }
  if (r.limit > 0 && hits.size() > static_cast<size_t>(r.limit)) {
    hits.resize(static_cast<size_t>(r.limit));
    resp.more = true;
  }

  resp.kvs.reserve(hits.size());
  for (const Hit& h : hits) {
    KeyValue kv;
    kv.key.assign(h.key->key());
    if (!r.keys_only) kv.value = h.v->value;
    kv.create_revision = h.v->create_revision;
    kv.mod_revision = h.v->main;
    kv.version = h.v->version;
    kv.lease = h.v->lease;
    resp.kvs.push_back(std::move(kv));
  }
  resp.header.revision = visible;
  return resp;
}

}  // namespace myetcd::mvcc
