// MvccStore::Txn: compares, then one branch, atomically (etcd's applyTxn, read for
// behaviour). The order of checks matters, because a txn that fails must change nothing:
//
//   1. static checks (validate.h): op counts, empty keys, a key written twice;
//   2. every compare, at the store's revision before the txn (compare.h says what one
//      compare means; with a range_end it must hold for every key of the range, and an
//      empty range compares as a missing key);
//   3. state-dependent checks of the branch taken, before its first write: a range op's
//      revision (compacted / future), a put's lease (stage 2's checker);
//   4. the ops in order; a range op sees the writes of the ops before it.
//
// A txn that writes nothing (only reads, or deletes that matched nothing) creates no
// revision. A txn whose branches cannot write at all is served under the shared lock.
#include <shared_mutex>

#include "myetcd/mvcc/compare.h"
#include "myetcd/mvcc/key_range.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {

bool MvccStore::CompareHolds(const Compare& c, int64_t rev) const {
  if (!IsRange(c.range_end)) {
    const KeyHistory* k = FindKey(c.key);
    const VersionRecord* v = k ? k->LiveAt(rev) : nullptr;
    if (v == nullptr) return EvaluateCompare(c, nullptr);
    KeyValue kv = k->ToKeyValue(*v);
    return EvaluateCompare(c, &kv);
  }
  bool any = false;
  for (auto it = state_.ordered.lower_bound(c.key);
       it != state_.ordered.end() && InRange(it->first, c.key, c.range_end); ++it) {
    const VersionRecord* v = it->second.LiveAt(rev);
    if (v == nullptr) continue;
    any = true;
    KeyValue kv = it->second.ToKeyValue(*v);
    if (!EvaluateCompare(c, &kv)) return false;
  }
  return any || EvaluateCompare(c, nullptr);
}

Status MvccStore::ExecuteTxnLocked(const TxnRequest& r, WriteTxn* w, TxnResponse* resp) const {
  const int64_t base = state_.current;
  bool succeeded = true;
  for (const Compare& c : r.compare) {
    if (!CompareHolds(c, base)) {
      succeeded = false;
      break;
    }
  }
  const std::vector<RequestOp>& ops = succeeded ? r.success : r.failure;
  for (const RequestOp& op : ops) {
    if (const auto* rr = std::get_if<RangeRequest>(&op)) {
      MYETCD_RETURN_IF_ERROR(CheckReadRevision(rr->revision, base));
    } else if (const auto* p = std::get_if<PutRequest>(&op)) {
      MYETCD_RETURN_IF_ERROR(w->CheckLease(p->lease));
    }
  }

  resp->succeeded = succeeded;
  resp->responses.reserve(ops.size());
  for (const RequestOp& op : ops) {
    if (const auto* rr = std::get_if<RangeRequest>(&op)) {
      Result<RangeResponse> got = w ? w->Range(*rr) : RangeLocked(*rr, base);
      if (!got.ok()) return got.status();  // cannot happen after step 3; fail safe anyway
      resp->responses.emplace_back(std::move(got).value());
    } else if (const auto* p = std::get_if<PutRequest>(&op)) {
      resp->responses.emplace_back(w->Put(*p));
    } else {
      resp->responses.emplace_back(w->DeleteRange(std::get<DeleteRangeRequest>(op)));
    }
  }
  const int64_t header = w ? w->header_revision() : base;
  resp->header.revision = header;
  for (ResponseOp& op : resp->responses) {
    std::visit([&](auto& x) { x.header.revision = header; }, op);
  }
  return Status::OK();
}

Result<TxnResponse> MvccStore::Txn(const TxnRequest& r) {
  MYETCD_RETURN_IF_ERROR(ValidateTxn(r, options_.max_txn_ops));
  TxnResponse resp;
  if (IsReadOnly(r)) {
    std::shared_lock<RwLock> l(lock_);
    MYETCD_RETURN_IF_ERROR(ExecuteTxnLocked(r, nullptr, &resp));
    return resp;
  }
  MYETCD_RETURN_IF_ERROR(Write([&](WriteTxn& w) { return ExecuteTxnLocked(r, &w, &resp); }));
  return resp;
}

}  // namespace myetcd::mvcc
