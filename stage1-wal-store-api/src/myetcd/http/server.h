// Server: the HTTP/1.1 server every stage's program runs (Boost.Beast underneath, but only
// server.cc includes it). It reads requests, hands them to a Router, and writes whatever the
// handler answers -- possibly later and from another thread, as a write does after its
// group commit.
//
// What it guards against, because a store's server faces real clients:
//   * a body over max_body_bytes gets a JSON 413 naming the limit (Beast's own default is
//     1 MiB; ours is an option), headers over max_header_bytes a 431;
//   * a client that opens a connection and sends nothing is closed after idle_timeout; one
//     that sends its headers slowly (slowloris) after header_timeout (each checked by a
//     sweep every quarter of the shorter one, at most every second: up to that much late);
//   * more than max_connections open connections: the next ones get a 429 and are closed;
//   * malformed HTTP gets a JSON 400 and the connection is closed -- never a crash.
// Every socket has TCP_NODELAY (small responses must not wait for Nagle).
//
// Lifecycle: Start() binds (port 0 picks a free port: read address() after Start), runs
// `threads` I/O threads. Stop() stops accepting, closes idle connections, lets requests in
// flight be answered (up to `grace`), then joins the threads. The destructor calls Stop().
//
// Thread-safety: Start/Stop/address from the owning thread; handlers run on I/O threads.
// REQUIRES: the Router outlives the Server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "myetcd/common/options.h"
#include "myetcd/common/status.h"
#include "myetcd/http/router.h"

namespace myetcd::http {

struct Session;

struct ServerOptions {
  std::string listen = "127.0.0.1:2379";  // host:port; port 0 = any free port
  int threads = 2;
  int64_t max_body_bytes = 1536 * 1024;
  int64_t max_header_bytes = 8 * 1024;
  std::chrono::nanoseconds header_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(120);
  int64_t max_connections = 1200;
};

// Declares --listen, --http-threads, --max-request-bytes, --max-header-bytes,
// --header-timeout, --idle-timeout, --max-connections with their ranges.
Status DeclareServerOptions(Options& options);
ServerOptions ServerOptionsFrom(const Options& options);

class Server {
 public:
  Server(ServerOptions options, const Router* router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Start();
  // "127.0.0.1:43121" once started.
  std::string address() const;
  uint16_t port() const;
  // Connections open right now.
  int64_t connections() const;

  void Stop(std::chrono::nanoseconds grace = std::chrono::seconds(5));
  // Blocks until SIGINT or SIGTERM arrives (or Stop() is called elsewhere). For main().
  void WaitForShutdownSignal();

 private:
  struct Impl;
  friend struct Session;  // server.cc's per-connection state
  std::unique_ptr<Impl> impl_;
};

}  // namespace myetcd::http
