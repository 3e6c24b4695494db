// The Apply dispatcher: the one door through which logged commands change state
// (ARCHITECTURE §2). The committer thread (stage 1), the Raft apply thread (final) and
// recovery (WAL replay after a snapshot) all call Apply(command) with the bytes that were
// logged, and get the command's result.
//
// Apply must be deterministic: the same commands in the same order from the same state
// give the same state and results, on every replica and on every replay. So a handler
// reads no clock, draws no random number and does no I/O; anything like that (lease ids,
// timestamps, "is it time to compact") is decided before the command is logged and
// travels inside it. State-dependent validation (compares, revisions, leases) does happen
// inside, so every replica decides it the same way.
//
// Handlers are registered by command type (command_codec.h reserves a range of types per
// stage): stage 1 registers the KV commands with RegisterKvCommands; stage 2 registers
// lease and batch commands, the final server membership and auth, each with its own
// Register call and without editing this file.
//
// Results are values: a handler returns the response object (PutResponse, TxnResponse, ...)
// in a std::any, whose type the submitter knows because it chose the command, or a Status.
// Two kinds of error: Corruption means the command itself is unreadable (unknown type,
// bad bytes; recovery must stop there); any other error is the command's deterministic
// answer (compacted, duplicate key, ...), changed nothing, and replays the same.
//
// Thread-safety: Register during start-up only; afterwards Apply may be called from any
// thread (the table no longer changes; the store serialises writes itself).
#pragma once

#include <any>
#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "myetcd/common/result.h"
#include "myetcd/common/status.h"
#include "myetcd/mvcc/command_codec.h"

namespace myetcd::mvcc {

class MvccStore;

class ApplyDispatcher {
 public:
  // Decodes the payload and applies it. REQUIRES: deterministic (see above).
  using Handler = std::function<Result<std::any>(std::string_view payload)>;

  // AlreadyExists if `type` has a handler; InvalidArgument for type 0.
  Status Register(CommandType type, std::string name, Handler handler);
  bool IsRegistered(CommandType type) const { return static_cast<bool>(table_[type].handler); }
  // The registered name ("put", "lease_grant", ...), or "" (for logs and metrics labels).
  std::string_view Name(CommandType type) const { return table_[type].name; }

  // Corruption for an empty command or a type nobody registered; else the handler's answer.
  Result<std::any> Apply(std::string_view command) const;

 private:
  struct Entry {
    std::string name;
    Handler handler;
  };
  std::array<Entry, 256> table_;
};

// Registers put (1), delete_range (2), txn (3) and compact (4), applied to `store`. The
// results are PutResponse, DeleteRangeResponse, TxnResponse and CompactResponse.
// REQUIRES: `store` outlives the dispatcher's use.
Status RegisterKvCommands(ApplyDispatcher& dispatcher, MvccStore& store);

}  // namespace myetcd::mvcc
