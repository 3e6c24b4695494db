// Workload: what myetcd-bench sends, as bytes. The configuration of a run, the key
// generator of one connection, and the HTTP/1.1 requests for our /v1 API and for etcd's
// JSON gateway (/v3, keys and values base64). No sockets here: the runner (runner.cc) owns
// those, so everything in this file is unit-tested without a server.
//
// Keys are fixed-size ASCII text, 'k' followed by the zero-padded decimal key index
// ("k0000042" for --key-size 8), so they need no escaping in a URL path or a JSON string,
// and sort in index order. Values are --value-size bytes of letters, made once per run.
//
// Thread-safety: a Workload is immutable after construction and shared by every
// connection; each connection owns its own KeyStream and request buffer.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "myetcd/common/result.h"

namespace myetcd::bench {

enum class Api { kV1, kV3 };
enum class WorkloadKind { kPut, kGet, kDelete, kTxn, kMixed, kWatch };
enum class KeyMode { kSequential, kRandom, kUnique };
// The operation of one request (a mixed workload sends gets and puts).
enum class Op { kPut = 0, kGet, kDelete, kTxn };
inline constexpr size_t kNumOps = 4;

std::string_view ApiName(Api a);
std::string_view WorkloadName(WorkloadKind w);
std::string_view KeyModeName(KeyMode m);
std::string_view OpName(Op op);
Result<Api> ParseApi(std::string_view s);
Result<WorkloadKind> ParseWorkload(std::string_view s);
Result<KeyMode> ParseKeyMode(std::string_view s);

struct BenchConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 2379;
  Api api = Api::kV1;
  WorkloadKind workload = WorkloadKind::kPut;
  int connections = 16;
  int threads = 1;
  std::chrono::nanoseconds duration = std::chrono::seconds(10);  // used when count == 0
  int64_t count = 0;  // > 0: send exactly this many requests (after warm-up)
  std::chrono::nanoseconds warmup{0};
  int64_t key_count = 10000;
  int key_size = 8;
  int value_size = 100;
  KeyMode key_mode = KeyMode::kRandom;
  int64_t rate = 0;     // requests per second over all connections; 0 = as fast as possible
  int read_ratio = 90;  // percent of gets in a mixed workload
  int txn_ops = 1;      // puts per txn
  int watchers = 10;    // watch streams of the watch workload
  uint64_t seed = 1;
  bool json = false;
};

// Checks the combinations the option ranges cannot: the key index must fit the key size,
// a txn must not name a key twice, and so on.
Status Validate(const BenchConfig& c);

// Standard base64 (RFC 4648, with padding), as etcd's gateway expects for bytes fields.
std::string Base64Encode(std::string_view in);

// The key of index `i`: 'k' + zero-padded decimal, exactly `size` bytes when the index
// fits (Validate makes sure it does, except in unique mode past 10^(size-1) keys).
std::string KeyOf(int64_t index, int size);

// The key indices one connection uses, in order.
//   sequential: the connections share one counter, so together they sweep the key space
//               in order, each key once per sweep, however unevenly they progress;
//   random:     uniform over [0, key_count), seeded by (seed, connection);
//   unique:     the shared counter without the modulo: no key is used twice in a run.
// Thread-safety: the shared counter is atomic; a KeyStream itself is one connection's.
class KeyStream {
 public:
  // REQUIRES: `sequence` outlives the stream and starts at 0 for a run.
  KeyStream(const BenchConfig& c, int connection, std::atomic<int64_t>* sequence);
  int64_t Next();
  // A uniform draw in [0, 100), for the mixed workload's read/write choice.
  int Percent();

 private:
  KeyMode mode_;
  int64_t key_count_;
  std::atomic<int64_t>* sequence_;
  std::mt19937_64 rng_;
};

// Builds the requests of a run. Immutable; shared by every connection.
class Workload {
 public:
  explicit Workload(const BenchConfig& c);

  // Picks the next operation for a connection and writes its whole HTTP/1.1 request
  // (request line, headers, body) into `out`, replacing what was there.
  Op Next(KeyStream& keys, std::string& out) const;

  // The request of one operation on key index `i` (txn: keys i .. i+txn_ops-1).
  void Build(Op op, int64_t i, std::string& out) const;

  // The watch workload (watch.h): a put whose value is `value`, and the request that opens
  // a watch on every benchmark key (the prefix "k").
  void BuildPut(int64_t i, std::string_view value, std::string& out) const;
  void BuildWatch(std::string& out) const;

  const BenchConfig& config() const { return c_; }
  const std::string& value() const { return value_; }

 private:
  // Writes "<method> <target><key> HTTP/1.1", the headers and the body into `out`.
  void Request(std::string_view method, std::string_view target, std::string_view key,
               std::string_view body, std::string& out) const;

  BenchConfig c_;
  std::string host_header_;
  std::string value_;      // as sent in /v1 (JSON string content)
  std::string value_b64_;  // as sent in /v3
};

}  // namespace myetcd::bench
