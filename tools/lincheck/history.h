// History: what clients did to the store, as a linearizability checker needs it.
//
// An operation has a call time and a return time on one monotonic clock. Its outcome is
//   ok       it happened and its output is known;
//   fail     it definitely did not take effect (a cas that was evaluated and did not match,
//            a request the server refused before proposing it);
//   unknown  it may or may not have taken effect (a timeout, a reset, a 5xx after the bytes
//            went out): its return time is +infinity and its output is not checked.
// Failed reads carry no information and are dropped when a history is read.
//
// Three formats are read (ParseHistory picks by content):
//   * our recorder's JSON lines, one op per line (tools/lincheck/README in docs):
//       {"client":3,"op_id":17,"key":"k1","f":"put","value":"c3-17","call_ns":1,"ret_ns":2,
//        "outcome":"ok","revision":42}
//     f is get | put | del | cas | append; get has "value" (null = absent) in its result;
//     cas has "expected" and "value" (the new value); an unknown op may omit ret_ns;
//   * Jepsen register logs ("N\t:invoke\t:read\tnil" ...; line order is time order);
//   * Jepsen EDN key-value histories ({:process 0, :type :ok, :f :append, :key "0", ...}).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "myetcd/common/result.h"

namespace myetcd::lincheck {

enum class OpKind { kGet, kPut, kDelete, kCas, kAppend };
enum class Outcome { kOk, kFail, kUnknown };

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();  // an unknown op's return

struct Operation {
  int64_t client = 0;
  int64_t id = 0;  // unique in the history (the recorder's op_id, or the line number)
  std::string key;
  OpKind kind = OpKind::kGet;
  std::optional<std::string> value;     // put/append/cas: the value written; get: the result
  std::optional<std::string> expected;  // cas: the value compared against (nullopt = absent)
  int64_t call = 0;
  int64_t ret = kNever;
  Outcome outcome = Outcome::kOk;
  std::optional<int64_t> revision;      // the response header's revision, if recorded
  std::optional<int64_t> mod_revision;  // get: the mod_revision of the value returned
  int line = 0;                         // where it was read, for messages
};

using History = std::vector<Operation>;

// Reads a history in any of the three formats. An unparseable line is an InvalidArgument
// naming the line.
Result<History> ParseHistory(const std::string& text);
Result<History> ReadHistoryFile(const std::string& path);

std::string Describe(const Operation& op);

}  // namespace myetcd::lincheck
