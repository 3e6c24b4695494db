// The command encoding. Integers are varints; zz = zigzag varint (signed); lp = varint
// length + bytes; byte = one byte.
//
//   command      = type:byte payload
//   type         = 1 put | 2 delete_range | 3 txn | 4 compact
//                  (16..31 stage 2, 32..63 final server; see command_codec.h)
//   put          = key:lp value:lp lease:zz flags:byte         ; flags bit 0: prev_kv
//   delete_range = key:lp range_end:lp flags:byte              ; flags bit 0: prev_kv
//   txn          = count { compare } count { op } count { op } ; compare, success, failure
//   compare      = key:lp range_end:lp target:byte result:byte operand
//   target       = 0 version | 1 create | 2 mod | 3 value | 4 lease
//   result       = 0 equal | 1 greater | 2 less | 3 not_equal
//   operand      = value:lp  if target = value
//                | number:zz otherwise
//   op           = 0 range | 1 put | 2 delete_range            ; byte, then that body
//   range        = key:lp range_end:lp limit:zz revision:zz sort_order:byte sort_target:byte
//                  flags:byte min_mod:zz max_mod:zz min_create:zz max_create:zz
//                  ; sort_order 0 none | 1 ascend | 2 descend
//                  ; sort_target 0 key | 1 version | 2 create | 3 mod | 4 value
//                  ; flags bit 0: keys_only, bit 1: count_only
//   compact      = revision:zz
//
// Flag bits not listed must be 0, and every payload must be consumed exactly.
#include "myetcd/mvcc/command_codec.h"

#include "myetcd/common/coding.h"
#include "myetcd/mvcc/zigzag.h"

namespace myetcd::mvcc {

namespace {

enum class OpKind : uint8_t { kRange = 0, kPut = 1, kDeleteRange = 2 };

Status Bad(std::string_view what) {
  return Status::Corruption(std::string("command: ") + std::string(what));
}

bool GetByte(std::string_view* in, uint8_t* b) {
  if (in->empty()) return false;
  *b = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

bool GetString(std::string_view* in, std::string* s) {
  std::string_view v;
  if (!GetLengthPrefixed(in, &v)) return false;
  s->assign(v);
  return true;
}

void PutPutBody(std::string* out, const PutRequest& r) {
  PutLengthPrefixed(out, r.key);
  PutLengthPrefixed(out, r.value);
  PutSigned(out, r.lease);
  out->push_back(r.prev_kv ? 1 : 0);
}

Status GetPutBody(std::string_view* in, PutRequest* r) {
  uint8_t flags;
  if (!GetString(in, &r->key) || !GetString(in, &r->value) || !GetSigned(in, &r->lease) ||
      !GetByte(in, &flags))
    return Bad("truncated put");
  if (flags & ~1u) return Bad("unknown put flags");
  r->prev_kv = flags & 1;
  return Status::OK();
}

void PutDeleteBody(std::string* out, const DeleteRangeRequest& r) {
  PutLengthPrefixed(out, r.key);
  PutLengthPrefixed(out, r.range_end);
  out->push_back(r.prev_kv ? 1 : 0);
}

Status GetDeleteBody(std::string_view* in, DeleteRangeRequest* r) {
  uint8_t flags;
  if (!GetString(in, &r->key) || !GetString(in, &r->range_end) || !GetByte(in, &flags))
    return Bad("truncated delete_range");
  if (flags & ~1u) return Bad("unknown delete_range flags");
  r->prev_kv = flags & 1;
  return Status::OK();
}

void PutRangeBody(std::string* out, const RangeRequest& r) {
  PutLengthPrefixed(out, r.key);
  PutLengthPrefixed(out, r.range_end);
  PutSigned(out, r.limit);
  PutSigned(out, r.revision);
  out->push_back(static_cast<char>(r.sort_order));
  out->push_back(static_cast<char>(r.sort_target));
  out->push_back(static_cast<char>((r.keys_only ? 1 : 0) | (r.count_only ? 2 : 0)));
  PutSigned(out, r.min_mod_revision);
  PutSigned(out, r.max_mod_revision);
  PutSigned(out, r.min_create_revision);
  PutSigned(out, r.max_create_revision);
}

Status GetRangeBody(std::string_view* in, RangeRequest* r) {
  uint8_t order, target, flags;
  if (!GetString(in, &r->key) || !GetString(in, &r->range_end) || !GetSigned(in, &r->limit) ||
      !GetSigned(in, &r->revision) || !GetByte(in, &order) || !GetByte(in, &target) ||
      !GetByte(in, &flags) || !GetSigned(in, &r->min_mod_revision) ||
      !GetSigned(in, &r->max_mod_revision) || !GetSigned(in, &r->min_create_revision) ||
      !GetSigned(in, &r->max_create_revision))
    return Bad("truncated range");
  if (order > 2) return Bad("unknown sort order");
  if (target > 4) return Bad("unknown sort target");
  if (flags & ~3u) return Bad("unknown range flags");
  r->sort_order = static_cast<SortOrder>(order);
  r->sort_target = static_cast<SortTarget>(target);
  r->keys_only = flags & 1;
  r->count_only = flags & 2;
  return Status::OK();
}

void PutOps(std::string* out, const std::vector<RequestOp>& ops) {
  PutVarint64(out, ops.size());
  for (const RequestOp& op : ops) {
    if (const auto* r = std::get_if<RangeRequest>(&op)) {
      out->push_back(static_cast<char>(OpKind::kRange));
      PutRangeBody(out, *r);
    } else if (const auto* p = std::get_if<PutRequest>(&op)) {
      out->push_back(static_cast<char>(OpKind::kPut));
      PutPutBody(out, *p);
    } else {
      out->push_back(static_cast<char>(OpKind::kDeleteRange));
      PutDeleteBody(out, std::get<DeleteRangeRequest>(op));
    }
  }
}

Status GetOps(std::string_view* in, std::vector<RequestOp>* ops) {
  uint64_t n;
  if (!GetVarint64(in, &n)) return Bad("truncated op count");
  if (n > in->size()) return Bad("op count exceeds the command");  // each op takes >= 1 byte
  ops->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint8_t kind;
    if (!GetByte(in, &kind)) return Bad("truncated op");
    switch (static_cast<OpKind>(kind)) {
      case OpKind::kRange: {
        RangeRequest r;
        MYETCD_RETURN_IF_ERROR(GetRangeBody(in, &r));
        ops->emplace_back(std::move(r));
        break;
      }
      case OpKind::kPut: {
        PutRequest r;
        MYETCD_RETURN_IF_ERROR(GetPutBody(in, &r));
        ops->emplace_back(std::move(r));
        break;
      }
      case OpKind::kDeleteRange: {
        DeleteRangeRequest r;
        MYETCD_RETURN_IF_ERROR(GetDeleteBody(in, &r));
        ops->emplace_back(std::move(r));
        break;
      }
      default: return Bad("unknown op kind");
    }
  }
  return Status::OK();
}

template <typename T>
Result<T> Finish(std::string_view in, T value, std::string_view what) {
  if (!in.empty()) return Bad(std::string("trailing bytes after ") + std::string(what));
  return value;
}

}  // namespace

std::string MakeCommand(CommandType type, std::string_view payload) {
  std::string out;
  out.reserve(1 + payload.size());
  out.push_back(static_cast<char>(type));
  out.append(payload);
  return out;
}

Status SplitCommand(std::string_view command, CommandType* type, std::string_view* payload) {
  if (command.empty()) return Bad("empty");
  *type = static_cast<CommandType>(command[0]);
  *payload = command.substr(1);
  return Status::OK();
}

std::string EncodeCommand(const PutRequest& r) {
  std::string out(1, static_cast<char>(command_type::kPut));
  PutPutBody(&out, r);
  return out;
}

std::string EncodeCommand(const DeleteRangeRequest& r) {
  std::string out(1, static_cast<char>(command_type::kDeleteRange));
  PutDeleteBody(&out, r);
  return out;
}

std::string EncodeCommand(const TxnRequest& r) {
  std::string out(1, static_cast<char>(command_type::kTxn));
  PutVarint64(&out, r.compare.size());
  for (const Compare& c : r.compare) {
    PutLengthPrefixed(&out, c.key);
    PutLengthPrefixed(&out, c.range_end);
    out.push_back(static_cast<char>(c.target));
    out.push_back(static_cast<char>(c.result));
    if (c.target == CompareTarget::kValue) {
      PutLengthPrefixed(&out, c.value);
    } else {
      PutSigned(&out, c.number);
    }
  }
  PutOps(&out, r.success);
  PutOps(&out, r.failure);
  return out;
}

std::string EncodeCommand(const CompactRequest& r) {
  std::string out(1, static_cast<char>(command_type::kCompact));
  PutSigned(&out, r.revision);
  return out;
}

Result<PutRequest> DecodePut(std::string_view in) {
  PutRequest r;
  MYETCD_RETURN_IF_ERROR(GetPutBody(&in, &r));
  return Finish(in, std::move(r), "put");
}

Result<DeleteRangeRequest> DecodeDeleteRange(std::string_view in) {
  DeleteRangeRequest r;
  MYETCD_RETURN_IF_ERROR(GetDeleteBody(&in, &r));
  return Finish(in, std::move(r), "delete_range");
}

Result<TxnRequest> DecodeTxn(std::string_view in) {
  TxnRequest r;
  uint64_t n;
  if (!GetVarint64(&in, &n)) return Bad("truncated compare count");
  if (n > in.size()) return Bad("compare count exceeds the command");
  r.compare.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    Compare c;
    uint8_t target, result;
    if (!GetString(&in, &c.key) || !GetString(&in, &c.range_end) || !GetByte(&in, &target) ||
        !GetByte(&in, &result))
      return Bad("truncated compare");
    if (target > 4) return Bad("unknown compare target");
    if (result > 3) return Bad("unknown compare result");
    c.target = static_cast<CompareTarget>(target);
    c.result = static_cast<CompareResult>(result);
    bool ok =
        c.target == CompareTarget::kValue ? GetString(&in, &c.value) : GetSigned(&in, &c.number);
    if (!ok) return Bad("truncated compare operand");
    r.compare.push_back(std::move(c));
  }
  MYETCD_RETURN_IF_ERROR(GetOps(&in, &r.success));
  MYETCD_RETURN_IF_ERROR(GetOps(&in, &r.failure));
  return Finish(in, std::move(r), "txn");
}

Result<CompactRequest> DecodeCompact(std::string_view in) {
  CompactRequest r;
  if (!GetSigned(&in, &r.revision)) return Bad("truncated compact");
  return Finish(in, r, "compact");
}

}  // namespace myetcd::mvcc
