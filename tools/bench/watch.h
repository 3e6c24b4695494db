// Watch: the socket-free half of myetcd-bench's watch workload.
//
// The workload: --watchers streams watch the whole benchmark key space ("k" prefix), while
// --connections putters write keys at full speed (or --rate). Each put's value carries the
// moment it was sent: 'm' (measured) or 'w' (warm-up), then the send time in nanoseconds
// of the steady clock, then letters up to --value-size. A watcher that receives the event
// subtracts that time from its own clock (same process, same clock) and records the
// put→event latency; it counts every event it receives.
//
// Streams:
//   /v1: GET /v1/watch?key=k&prefix=true, Server-Sent Events (API-v1.md): frames separated
//        by a blank line, "event: created|events|progress|canceled", "data: <json>";
//   /v3: POST /v3/watch {"create_request":{"key":"aw==","range_end":"bA=="}}: etcd's JSON
//        gateway answers with one JSON object per line, {"result":{"created":true,...}} and
//        then {"result":{"events":[{"kv":{"key","value"}}, ...]}} (a PUT event has no
//        "type"; a delete says "DELETE"), keys and values base64.
//
// Thread-safety: a WatchStream belongs to one watcher connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/result.h"
#include "tools/bench/workload.h"

namespace myetcd::bench {

// Standard base64 decoding (padding optional); nullopt on a character outside the alphabet.
std::optional<std::string> Base64Decode(std::string_view in);

// The value of a timed put: 'm'|'w', the time, then 'x' padding up to `size` bytes.
std::string TimedValue(bool measured, int64_t send_ns, int size);
struct TimedStamp {
  bool measured = false;
  int64_t send_ns = 0;
};
std::optional<TimedStamp> ParseTimedValue(std::string_view value);

// Splits a watch response body, fed in arbitrary pieces, into frames, and reports what
// the frames say.
class WatchStream {
 public:
  explicit WatchStream(Api api) : api_(api) {}

  struct Update {
    int created = 0;                  // watches confirmed
    int canceled = 0;                 // watches ended by the server
    std::vector<std::string> values;  // values of PUT events, in order
    int bad_frames = 0;               // frames that did not parse
  };
  // Appends to `out` what the complete frames in `data` (plus what was buffered) say.
  void Feed(std::string_view data, Update& out);

 private:
  void Frame(std::string_view frame, Update& out);
  void Json(std::string_view text, std::string_view sse_event, Update& out);
  void Events(std::string_view text, Update& out);

  Api api_;
  std::string pending_;
};

}  // namespace myetcd::bench
