// Backend: where a write goes after the HTTP layer validated it (ARCHITECTURE §2). The
// handler submits the logged form of the command and is called back with the result of
// applying it -- never before the log entry that holds it is durable.
//
// Two implementations: LocalBackend (stage 1: a WAL and group commit on this machine) and,
// in the final server, a Raft backend (every write through consensus). The HTTP handlers
// see only this interface, so they do not change between them. Reads do not come here:
// they are served from the store directly.
//
// Thread-safety: Submit may be called from any thread; completions run on a backend thread
// and must not block (an HTTP responder only posts to its connection).
#pragma once

#include <any>
#include <functional>
#include <string>

#include "myetcd/common/result.h"

namespace myetcd::backend {

class Backend {
 public:
  // The result of Apply for the command (a response struct in the std::any, see
  // mvcc/apply.h), or why it was not applied: Busy (the submit queue is full: HTTP 429),
  // Aborted (the log failed or the backend is stopping: HTTP 503).
  using Completion = std::function<void(Result<std::any>)>;

  virtual ~Backend() = default;
  // REQUIRES: `command` is a complete encoded command (mvcc/command_codec.h).
  virtual void Submit(std::string command, Completion done) = 0;
};

}  // namespace myetcd::backend
