// The native /v1 API of stage 1 (docs/api/v1.md is the contract): key get/put/delete, key
// listing, range, txn, compact, health and status, registered on the shared Router.
//
// Writes are validated here (everything that needs no store state), encoded as commands and
// submitted to the Backend; they are answered from the completion, i.e. after the fsync.
// Reads (and read-only txns) are served from the store at once.
//
// Thread-safety: handlers run on HTTP threads and completions on the committer thread; the
// context's objects are thread-safe. REQUIRES: the context outlives the server.
#pragma once

#include <functional>
#include <string>

#include "myetcd/backend/backend.h"
#include "myetcd/common/clock.h"
#include "myetcd/http/router.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::api {

struct V1Context {
  mvcc::MvccStore* store = nullptr;
  backend::Backend* backend = nullptr;
  std::function<Status()> health;  // OK when writes can be accepted
  std::string version = "0.1.0";
  const Clock* clock = SteadyClock();
  Nanos started{0};
  int max_txn_ops = 128;
};

Status RegisterV1Routes(http::Router& router, const V1Context* ctx);

}  // namespace myetcd::api
