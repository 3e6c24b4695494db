#include "myetcd/mvcc/errors.h"

namespace myetcd::mvcc {

StoreError StoreErrorOf(const Status& s) {
  if (s.ok()) return StoreError::kNone;
  const std::string& m = s.message();
  if (s.code() == Status::Code::kOutOfRange) {
    if (m == kCompactedMessage) return StoreError::kCompacted;
    if (m == kFutureRevisionMessage) return StoreError::kFutureRevision;
    return StoreError::kOther;
  }
  if (s.code() == Status::Code::kInvalidArgument) {
    if (m == kDuplicateKeyMessage) return StoreError::kDuplicateKey;
    if (m == kTooManyOpsMessage) return StoreError::kTooManyOps;
    if (m == kKeyEmptyMessage) return StoreError::kKeyEmpty;
    return StoreError::kInvalidArgument;
  }
  return StoreError::kOther;
}

std::string_view ApiCode(StoreError e) {
  switch (e) {
    case StoreError::kCompacted: return "COMPACTED";
    case StoreError::kFutureRevision: return "FUTURE_REVISION";
    case StoreError::kDuplicateKey: return "DUPLICATE_KEY_IN_TXN";
    case StoreError::kTooManyOps: return "TOO_MANY_TXN_OPS";
    case StoreError::kKeyEmpty: return "KEY_EMPTY";
    case StoreError::kInvalidArgument: return "INVALID_ARGUMENT";
    case StoreError::kNone:
    case StoreError::kOther: return "";
  }
  return "";
}

}  // namespace myetcd::mvcc
