#include "myetcd/mvcc/validate.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/key_range.h"

namespace myetcd::mvcc {

Status ValidateRange(const RangeRequest& r) {
  if (r.key.empty()) return ErrKeyEmpty();
  return Status::OK();
}

Status ValidatePut(const PutRequest& r) {
  if (r.key.empty()) return ErrKeyEmpty();
  return Status::OK();
}

Status ValidateDeleteRange(const DeleteRangeRequest& r) {
  if (r.key.empty()) return ErrKeyEmpty();
  return Status::OK();
}

namespace {

Status ValidateOp(const RequestOp& op) {
  return std::visit(
      [](const auto& r) -> Status {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, RangeRequest>) return ValidateRange(r);
        if constexpr (std::is_same_v<T, PutRequest>) return ValidatePut(r);
        if constexpr (std::is_same_v<T, DeleteRangeRequest>) return ValidateDeleteRange(r);
      },
      op);
}

}  // namespace

Status CheckNoDuplicateWrites(const std::vector<RequestOp>& ops) {
  std::vector<const DeleteRangeRequest*> deletes;
  for (const RequestOp& op : ops) {
    if (const auto* d = std::get_if<DeleteRangeRequest>(&op)) deletes.push_back(d);
  }
  std::unordered_set<std::string_view> puts;
  for (const RequestOp& op : ops) {
    const auto* p = std::get_if<PutRequest>(&op);
    if (p == nullptr) continue;
    if (!puts.insert(p->key).second) return ErrDuplicateKey();
    for (const DeleteRangeRequest* d : deletes) {
      if (InRange(p->key, d->key, d->range_end)) return ErrDuplicateKey();
    }
  }
  return Status::OK();
}

Status ValidateTxn(const TxnRequest& r, int max_txn_ops) {
  size_t most = std::max({r.compare.size(), r.success.size(), r.failure.size()});
  if (most > static_cast<size_t>(std::max(max_txn_ops, 0))) return ErrTooManyOps();
  for (const Compare& c : r.compare) {
    if (c.key.empty()) return ErrKeyEmpty();
  }
  for (const RequestOp& op : r.success) MYETCD_RETURN_IF_ERROR(ValidateOp(op));
  for (const RequestOp& op : r.failure) MYETCD_RETURN_IF_ERROR(ValidateOp(op));
  MYETCD_RETURN_IF_ERROR(CheckNoDuplicateWrites(r.success));
  return CheckNoDuplicateWrites(r.failure);
}

bool IsReadOnly(const TxnRequest& r) {
  auto reads_only = [](const std::vector<RequestOp>& ops) {
    return std::all_of(ops.begin(), ops.end(), [](const RequestOp& op) {
      return std::holds_alternative<RangeRequest>(op);
    });
  };
  return reads_only(r.success) && reads_only(r.failure);
}

}  // namespace myetcd::mvcc
