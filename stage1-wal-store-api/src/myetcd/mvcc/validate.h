// Static checks of requests: what can be decided from the request alone, without looking
// at the store (empty keys, too many txn ops, one key written twice in a txn branch).
//
// They run twice on purpose. The HTTP layer runs them before a command is logged, so a bad
// request is answered at once and never reaches the WAL; and the store runs them again
// inside Apply, because Apply must be correct on its own (a Raft follower applies entries
// it never validated, and a WAL written by an older build is replayed through it).
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "myetcd/common/status.h"
#include "myetcd/mvcc/kv.h"

namespace myetcd::mvcc {

inline constexpr int kDefaultMaxTxnOps = 128;  // etcd's --max-txn-ops default

Status ValidateRange(const RangeRequest& r);
Status ValidatePut(const PutRequest& r);
Status ValidateDeleteRange(const DeleteRangeRequest& r);

// etcd's rules (api/v3rpc/key.go, checkTxnRequest and checkIntervals):
//  * compare, success and failure may each hold at most max_txn_ops entries;
//  * every compare and op names a non-empty key;
//  * within one branch, a key may be put at most once, and a put may not fall inside a
//    delete range of the same branch (the two would race for the same sub-revision's
//    meaning). Deletes may overlap each other, and reads never conflict.
// (Our one departure: a delete range ending in "\0" ("from key on") covers the keys after
// it, so a put of such a key is a duplicate; etcd's interval check treats "\0" as a plain
// upper bound there and lets it through. See docs/stage1/mvcc.md.)
Status ValidateTxn(const TxnRequest& r, int max_txn_ops = kDefaultMaxTxnOps);

// The duplicate-key rule above, for one branch.
Status CheckNoDuplicateWrites(const std::vector<RequestOp>& ops);

// True if neither branch writes: such a txn never creates a revision, need not be logged,
// and the store serves it under its shared lock.
bool IsReadOnly(const TxnRequest& r);

}  // namespace myetcd::mvcc
