// MvccStore: construction, point reads, and the write path (WriteTxn, Put, DeleteRange,
// the event hook). Ranges are in range.cc, txns in txn.cc, compaction in compaction.cc,
// history in history.cc, the snapshot section in snapshot_section.cc.
//
// The write path in one paragraph: Write() takes the writers' mutex, then the exclusive
// lock, and hands a WriteTxn to the body. Each write appends a version to its key's
// history at (revision = current + 1, sub = 0, 1, ...) and an entry to the revision log;
// reads inside the txn look at revision current + 1 and so see them. If the body fails,
// the appended versions and log entries are popped again (they are all at the end). If it
// wrote something, the store's revision becomes current + 1: that single assignment, under
// the exclusive lock, is the moment the whole txn becomes visible. Then, lock released,
// observers get the revision's events.
#include "myetcd/mvcc/store.h"

#include <shared_mutex>

#include "myetcd/mvcc/key_range.h"

namespace myetcd::mvcc {

MvccStore::MvccStore(StoreOptions options) : options_(options) {}
MvccStore::~MvccStore() = default;

int64_t MvccStore::CurrentRevision() const {
  std::shared_lock<RwLock> l(lock_);
  return state_.current;
}

int64_t MvccStore::CompactRevision() const {
  std::shared_lock<RwLock> l(lock_);
  return state_.compacted;
}

size_t MvccStore::KeyCount() const {
  std::shared_lock<RwLock> l(lock_);
  return state_.live_keys;
}

KeyHistory* MvccStore::FindKey(std::string_view key) const { return state_.hashed.Find(key); }

std::optional<KeyValue> MvccStore::Get(std::string_view key) const {
  std::shared_lock<RwLock> l(lock_);
  const KeyHistory* k = FindKey(key);
  const VersionRecord* v = k ? k->Latest() : nullptr;
  if (v == nullptr) return std::nullopt;
  return k->ToKeyValue(*v);
}

Event MvccStore::MakeEvent(const KeyHistory& k, const VersionRecord& v) const {
  Event e;
  e.type = v.tombstone() ? Event::Type::kDelete : Event::Type::kPut;
  e.kv = k.ToKeyValue(v);
  if (const VersionRecord* prev = k.LiveBefore(&v)) e.prev_kv = k.ToKeyValue(*prev);
  return e;
}

// ---- WriteTxn -----------------------------------------------------------------------------

KeyHistory* MvccStore::WriteTxn::FindOrCreate(std::string_view key) {
  if (KeyHistory* k = store_->FindKey(key)) return k;
  State& st = store_->state_;
  auto it = st.ordered.try_emplace(std::string(key), std::string_view()).first;
  it->second = KeyHistory(it->first);  // the view must point into the node, which never moves
  st.hashed.Insert(&it->second);
  created_.push_back(it->first);
  return &it->second;
}

void MvccStore::WriteTxn::Record(KeyHistory* k) {
  const VersionRecord& v = k->versions().back();
  store_->state_.log.push_back(LogEntry{v.main, v.sub, k});
  if (events_ != nullptr) events_->push_back(store_->MakeEvent(*k, v));
}

Status MvccStore::WriteTxn::CheckLease(int64_t lease) const {
  if (lease == 0 || !store_->lease_checker_) return Status::OK();
  return store_->lease_checker_(lease);
}

std::optional<KeyValue> MvccStore::WriteTxn::Get(std::string_view key) const {
  const KeyHistory* k = store_->FindKey(key);
  const VersionRecord* v = k ? k->Latest() : nullptr;
  if (v == nullptr) return std::nullopt;
  return k->ToKeyValue(*v);
}

PutResponse MvccStore::WriteTxn::Put(const PutRequest& r) {
  KeyHistory* k = FindOrCreate(r.key);
  PutResponse resp;
  VersionRecord v;
  v.main = revision();
  v.sub = sub_++;
  v.lease = r.lease;
  v.value = r.value;
  if (const VersionRecord* prev = k->Latest()) {
    if (r.prev_kv) resp.prev_kv = k->ToKeyValue(*prev);
    v.create_revision = prev->create_revision;
    v.version = prev->version + 1;
  } else {
    v.create_revision = v.main;  // a new generation of the key starts here
    v.version = 1;
    ++live_delta_;
  }
  k->Append(std::move(v));
  Record(k);
  resp.header.revision = revision();
  return resp;
}

DeleteRangeResponse MvccStore::WriteTxn::DeleteRange(const DeleteRangeRequest& r) {
  DeleteRangeResponse resp;
  auto remove = [&](KeyHistory* k) {
    const VersionRecord* prev = k->Latest();
    if (prev == nullptr) return;
    if (r.prev_kv) resp.prev_kvs.push_back(k->ToKeyValue(*prev));
    VersionRecord tomb;  // create_revision 0: a tombstone
    tomb.main = revision();
    tomb.sub = sub_++;
    k->Append(std::move(tomb));
    Record(k);
    --live_delta_;
    ++resp.deleted;
  };
  State& st = store_->state_;
  if (!IsRange(r.range_end)) {
    if (KeyHistory* k = store_->FindKey(r.key)) remove(k);
  } else {
    for (auto it = st.ordered.lower_bound(r.key);
         it != st.ordered.end() && InRange(it->first, r.key, r.range_end); ++it) {
      remove(&it->second);
    }
  }
  resp.header.revision = header_revision();
  return resp;
}

void MvccStore::WriteTxn::Rollback() {
  State& st = store_->state_;
  while (st.log.size() > log_start_) {
    st.log.back().key->PopBack();
    st.log.pop_back();
  }
  for (std::string_view key : created_) {
    auto it = st.ordered.find(key);
    st.hashed.Erase(key);
    st.ordered.erase(it);
  }
  if (events_ != nullptr) events_->clear();
  sub_ = 0;
  live_delta_ = 0;
  created_.clear();
}

void MvccStore::WriteTxn::Commit() {
  State& st = store_->state_;
  st.current = revision();  // from here on, readers see the whole txn
  st.live_keys = static_cast<size_t>(static_cast<int64_t>(st.live_keys) + live_delta_);
}

// ---- Write and its users ------------------------------------------------------------------

Status MvccStore::Write(const std::function<Status(WriteTxn&)>& body) {
  std::lock_guard<std::mutex> writer(apply_mu_);
  RevisionEvents batch;
  {
    std::unique_lock<RwLock> lock(lock_);
    WriteTxn txn(this, observers_.empty() ? nullptr : &batch.events);
    Status s = body(txn);
    if (!s.ok()) {
      txn.Rollback();
      return s;
    }
    if (!txn.wrote()) return Status::OK();  // nothing changed: no revision
    txn.Commit();
    batch.revision = state_.current;
  }
  for (StoreObserver* o : observers_) o->OnRevision(batch);
  return Status::OK();
}

Result<PutResponse> MvccStore::Put(const PutRequest& r) {
  MYETCD_RETURN_IF_ERROR(ValidatePut(r));
  PutResponse resp;
  MYETCD_RETURN_IF_ERROR(Write([&](WriteTxn& w) {
    MYETCD_RETURN_IF_ERROR(w.CheckLease(r.lease));
    resp = w.Put(r);
    return Status::OK();
  }));
  return resp;
}

Result<DeleteRangeResponse> MvccStore::DeleteRange(const DeleteRangeRequest& r) {
  MYETCD_RETURN_IF_ERROR(ValidateDeleteRange(r));
  DeleteRangeResponse resp;
  MYETCD_RETURN_IF_ERROR(Write([&](WriteTxn& w) {
    resp = w.DeleteRange(r);
    return Status::OK();
  }));
  return resp;
}

void MvccStore::AddObserver(StoreObserver* o) {
  std::lock_guard<std::mutex> writer(apply_mu_);
  observers_.push_back(o);
}

void MvccStore::RemoveObserver(StoreObserver* o) {
  std::lock_guard<std::mutex> writer(apply_mu_);
  std::erase(observers_, o);
}

}  // namespace myetcd::mvcc
