// Commands: what the store logs. A write request becomes a command (one type byte and a
// payload), the command is appended to the WAL, and Apply (apply.h) turns it back into a
// request and runs it. Commands are logged, not their effects: a command is small (a txn
// is its compares and ops, not the keys it will touch), and replaying it through the same
// deterministic Apply reproduces the state exactly (docs/stage1/mvcc.md explains why).
//
// The grammar is at the top of command_codec.cc and in the chapter. The type byte is the
// version: a changed encoding gets a new type, and old logs stay readable.
//
// Decoders read bytes from disk: they check every length, refuse unknown enum values and
// flag bits, and refuse trailing bytes, answering Corruption; they never read past the
// end of their input.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "myetcd/common/result.h"
#include "myetcd/mvcc/kv.h"

namespace myetcd::mvcc {

using CommandType = uint8_t;

// Command type numbers, reserved per stage so stages never collide:
//   1..15 stage 1 KV · 16..31 stage 2 (lease, batch) · 32..63 final (membership, auth)
//   0 and 64..255 are invalid for now.
namespace command_type {
inline constexpr CommandType kPut = 1;
inline constexpr CommandType kDeleteRange = 2;
inline constexpr CommandType kTxn = 3;
inline constexpr CommandType kCompact = 4;
}  // namespace command_type

// A command from its type and an encoded payload (for stage 2's and the final server's
// commands, whose payload encoders live with them).
std::string MakeCommand(CommandType type, std::string_view payload);
// Splits a command into its type and payload. Corruption if it is empty.
Status SplitCommand(std::string_view command, CommandType* type, std::string_view* payload);

// Whole commands (type byte + payload).
std::string EncodeCommand(const PutRequest& r);
std::string EncodeCommand(const DeleteRangeRequest& r);
std::string EncodeCommand(const TxnRequest& r);
std::string EncodeCommand(const CompactRequest& r);

// Payloads (what follows the type byte).
Result<PutRequest> DecodePut(std::string_view payload);
Result<DeleteRangeRequest> DecodeDeleteRange(std::string_view payload);
Result<TxnRequest> DecodeTxn(std::string_view payload);
Result<CompactRequest> DecodeCompact(std::string_view payload);

}  // namespace myetcd::mvcc
