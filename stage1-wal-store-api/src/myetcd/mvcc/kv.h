// The data model of the MVCC store, as etcd defines it (ARCHITECTURE §5): key-values with
// their revisions, the events a write produces, and the requests and responses of the four
// KV operations (range, put, delete range, txn) and of compaction. Plain values, no
// behaviour: the store (store.h) acts on them, the command codec (command_codec.h) turns
// the write requests into logged bytes, and the HTTP layer maps them to JSON.
//
// Revisions. The store-wide revision starts at 1 in a new store. Every write that changes
// something creates the next revision; the ops of one txn share it and are told apart by
// a sub-revision (0, 1, ...), which is internal and never leaves the store.
//
// Thread-safety: values; distinct objects may be used from different threads freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace myetcd::mvcc {

// One key at one revision. A key that does not exist has no KeyValue; a deleted key is
// seen only as a DELETE event whose kv carries {key, mod_revision = the deleting revision}.
struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;  // the revision that created this generation of the key
  int64_t mod_revision = 0;     // the revision of the last write to the key
  int64_t version = 0;          // 1 on create, +1 per put; a delete ends the generation
  int64_t lease = 0;            // 0 = no lease

  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

struct Event {
  enum class Type : uint8_t { kPut = 0, kDelete = 1 };
  Type type = Type::kPut;
  KeyValue kv;                      // DELETE: {key, mod_revision = the deleting revision}
  std::optional<KeyValue> prev_kv;  // the key before this event, if still in history

  friend bool operator==(const Event&, const Event&) = default;
};

// The events of one applied revision, in the order they were applied (sub-revision).
struct RevisionEvents {
  int64_t revision = 0;
  std::vector<Event> events;

  friend bool operator==(const RevisionEvents&, const RevisionEvents&) = default;
};

struct ResponseHeader {
  int64_t revision = 0;  // the store's revision when the response was made
};

// ---- range -------------------------------------------------------------------------------

enum class SortOrder : uint8_t { kNone = 0, kAscend = 1, kDescend = 2 };
enum class SortTarget : uint8_t { kKey = 0, kVersion = 1, kCreate = 2, kMod = 3, kValue = 4 };

// Which keys: range_end empty = the single key `key`; range_end = "\0" = every key >= key;
// otherwise [key, range_end). A prefix p is [p, PrefixEnd(p)) (key_range.h).
struct RangeRequest {
  std::string key;
  std::string range_end;
  int64_t limit = 0;     // <= 0: no limit
  int64_t revision = 0;  // <= 0: the current revision
  SortOrder sort_order = SortOrder::kNone;
  SortTarget sort_target = SortTarget::kKey;
  bool keys_only = false;
  bool count_only = false;
  int64_t min_mod_revision = 0;  // 0 = no filter (the same for the three below)
  int64_t max_mod_revision = 0;
  int64_t min_create_revision = 0;
  int64_t max_create_revision = 0;

  friend bool operator==(const RangeRequest&, const RangeRequest&) = default;
};

struct RangeResponse {
  ResponseHeader header;
  std::vector<KeyValue> kvs;
  bool more = false;  // more keys matched than `limit` let through
  int64_t count = 0;  // keys in the range at that revision, before limit and filters
};

// ---- writes -----------------------------------------------------------------------------

struct PutRequest {
  std::string key;
  std::string value;
  int64_t lease = 0;
  bool prev_kv = false;

  friend bool operator==(const PutRequest&, const PutRequest&) = default;
};

struct PutResponse {
  ResponseHeader header;
  std::optional<KeyValue> prev_kv;
};

struct DeleteRangeRequest {
  std::string key;
  std::string range_end;  // as RangeRequest
  bool prev_kv = false;

  friend bool operator==(const DeleteRangeRequest&, const DeleteRangeRequest&) = default;
};

struct DeleteRangeResponse {
  ResponseHeader header;
  int64_t deleted = 0;
  std::vector<KeyValue> prev_kvs;  // only when asked for
};

// ---- txn --------------------------------------------------------------------------------

enum class CompareTarget : uint8_t { kVersion = 0, kCreate = 1, kMod = 2, kValue = 3, kLease = 4 };
enum class CompareResult : uint8_t { kEqual = 0, kGreater = 1, kLess = 2, kNotEqual = 3 };

// "target(key) result operand". For kValue the operand is `value`, for the others `number`.
// With range_end, the compare holds only if it holds for every key in the range.
struct Compare {
  std::string key;
  std::string range_end;
  CompareTarget target = CompareTarget::kValue;
  CompareResult result = CompareResult::kEqual;
  std::string value;   // kValue
  int64_t number = 0;  // kVersion, kCreate, kMod, kLease

  friend bool operator==(const Compare&, const Compare&) = default;
};

using RequestOp = std::variant<RangeRequest, PutRequest, DeleteRangeRequest>;
using ResponseOp = std::variant<RangeResponse, PutResponse, DeleteRangeResponse>;

struct TxnRequest {
  std::vector<Compare> compare;
  std::vector<RequestOp> success;  // applied when every compare holds
  std::vector<RequestOp> failure;  // applied otherwise

  friend bool operator==(const TxnRequest&, const TxnRequest&) = default;
};

struct TxnResponse {
  ResponseHeader header;
  bool succeeded = false;
  std::vector<ResponseOp> responses;  // one per op of the branch taken, in order
};

// ---- compaction -------------------------------------------------------------------------

struct CompactRequest {
  int64_t revision = 0;

  friend bool operator==(const CompactRequest&, const CompactRequest&) = default;
};

struct CompactResponse {
  ResponseHeader header;
};

}  // namespace myetcd::mvcc
