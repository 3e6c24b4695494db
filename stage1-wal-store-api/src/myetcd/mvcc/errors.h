// The store's expected failures, as Status values with etcd's exact messages, and the one
// function that classifies a Status into a stable error code for the HTTP layer.
//
// Why messages and not new Status codes: Status (common/status.h) has a fixed set of codes
// shared by every component, and "compacted" and "future revision" are both kOutOfRange.
// The message is etcd's own error string (what /v3 must return verbatim), and it is
// produced only by the functions below, so StoreErrorOf() can match it exactly.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "myetcd/common/status.h"

namespace myetcd::mvcc {

enum class StoreError {
  kNone,             // OK
  kCompacted,        // a revision below the compaction point    -> 400 COMPACTED
  kFutureRevision,   // a revision above the current one         -> 400 FUTURE_REVISION
  kDuplicateKey,     // one key written twice in a txn branch    -> 400 DUPLICATE_KEY_IN_TXN
  kTooManyOps,       // more txn ops than max-txn-ops            -> 400 TOO_MANY_TXN_OPS
  kKeyEmpty,         // an empty key                             -> 400 KEY_EMPTY
  kInvalidArgument,  // any other bad input (message names it)   -> 400 INVALID_ARGUMENT
  kOther,            // not a store error
};

// etcd's error strings (etcd api/v3rpc/rpctypes), returned by message().
inline constexpr std::string_view kCompactedMessage =
    "etcdserver: mvcc: required revision has been compacted";
inline constexpr std::string_view kFutureRevisionMessage =
    "etcdserver: mvcc: required revision is a future revision";
inline constexpr std::string_view kDuplicateKeyMessage =
    "etcdserver: duplicate key given in txn request";
inline constexpr std::string_view kTooManyOpsMessage =
    "etcdserver: too many operations in txn request";
inline constexpr std::string_view kKeyEmptyMessage = "etcdserver: key is not provided";

inline Status ErrCompacted() { return Status::OutOfRange(kCompactedMessage); }
inline Status ErrFutureRevision() { return Status::OutOfRange(kFutureRevisionMessage); }
inline Status ErrDuplicateKey() { return Status::InvalidArgument(kDuplicateKeyMessage); }
inline Status ErrTooManyOps() { return Status::InvalidArgument(kTooManyOpsMessage); }
inline Status ErrKeyEmpty() { return Status::InvalidArgument(kKeyEmptyMessage); }

StoreError StoreErrorOf(const Status& s);
// The API-v1 code: "COMPACTED", "FUTURE_REVISION", ... ("" for kNone, kOther).
std::string_view ApiCode(StoreError e);

}  // namespace myetcd::mvcc
