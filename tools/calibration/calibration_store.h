// CalibrationStore: the request handling of the calibration server, with no sockets in it.
//
// The calibration server is the ceiling "HTTP + JSON on this machine": the smallest server
// that speaks our /v1 key routes (API-v1.md) from an in-memory map, with no WAL, no MVCC
// history and no fsync. Whatever a real server costs beyond it is storage work. Benchmarks
// report our servers as a ratio to it, measured in the same run (docs/benchmarks.md).
//
// Routes (everything else: 404 ROUTE_NOT_FOUND or 405 METHOD_NOT_ALLOWED):
//   PUT    /v1/key/{key}  {"value": "..."}  -> {"success":true,"data":{"header":{"revision":N}}}
//   GET    /v1/key/{key}                    -> header + key, value, create_revision,
//                                              mod_revision, version, lease (404 KEY_NOT_FOUND)
//   DELETE /v1/key/{key}                    -> header + deleted (0 or 1)
// The revision counts like etcd's: a new store is at 1, each put and each delete that
// removes something adds one.
//
// Thread-safety: Handle() may be called from any thread (one mutex; the server is a
// ceiling for HTTP + JSON, and the lock is never the bottleneck of a GET flood here).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "myetcd/common/result.h"

namespace myetcd::calibration {

struct Response {
  int status = 200;
  std::string body;  // JSON
};

class CalibrationStore {
 public:
  Response Handle(std::string_view method, std::string_view target, std::string_view body);

 private:
  struct Entry {
    std::string value;
    int64_t create_revision = 0;
    int64_t mod_revision = 0;
    int64_t version = 0;
  };

  std::mutex mu_;
  std::unordered_map<std::string, Entry> kv_;
  int64_t revision_ = 1;
};

// "host:port" with port 0..65535 (0: let the kernel choose).
Status ParseListen(std::string_view text, std::string& host, uint16_t& port);

}  // namespace myetcd::calibration
