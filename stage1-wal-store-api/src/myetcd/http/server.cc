// The socket side of the HTTP server: the only stage-1 file that includes Boost.Beast.
//
// One Session per connection, all of its work on one strand, so a session never needs a
// lock. A request is read in two steps, each with its own deadline:
//
//   wait for the first byte     idle_timeout    (a keep-alive connection with nothing to say)
//   read the header and body    header_timeout  (slowloris sends it a byte at a time;
//                                                bounded by max_header/body_bytes as well)
//
// then handed to the Router. The handler's Responder brings the answer back onto the
// session's strand (inline when it answers on the strand, as reads do), where it is
// written; one write is in flight per connection, and the next request is read only after
// the answer went out (HTTP/1.1 without pipelining games).
//
// Deadlines are not timers per operation: a session only writes down when its current
// step must end, and one server-wide sweep closes the sessions past their deadline
// (every quarter of the shortest timeout, at most every second). Arming and cancelling a
// timer on every read and write (beast::tcp_stream) cost more CPU than the handler of a
// GET; the price is that a deadline fires up to one sweep late.
#include "myetcd/http/server.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "myetcd/common/logging.h"

namespace myetcd::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock;

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<tcp::endpoint> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--listen '" + listen + "' is not host:port");
  }
  std::string host = listen.substr(0, colon);
  auto port = ParseInt64(listen.substr(colon + 1));
  if (!port.ok() || *port < 0 || *port > 65535) {
    return Status::InvalidArgument("--listen '" + listen + "': port must be 0..65535");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost" || host.empty()) host = "127.0.0.1";
  boost::system::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("--listen '" + listen + "': bad address " + host);
  return tcp::endpoint(addr, static_cast<uint16_t>(*port));
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  const Router* router;
  // Declared before the io_context, so they outlive it: destroying the io_context destroys
  // the handlers it still holds, and with them the last references to sessions, whose
  // destructors count themselves out here.
  std::atomic<int64_t> connections{0};
  std::atomic<bool> stopping{false};
  // The hint lets a one-thread server skip the scheduler's locking and wake-ups.
  net::io_context ioc{options.threads};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  // On its own strand, like the sweep timer: the accept handler re-arms it on one I/O
  // thread while Stop() closes it from another (TSan caught the two racing on the
  // reactor's descriptor state, which close() frees).
  tcp::acceptor acceptor{net::make_strand(ioc)};
  std::vector<std::thread> threads;
  std::shared_ptr<spdlog::logger> log = Logger("http");

  std::string address;

  // Live sessions, so Stop() can close the idle ones; and requests being handled, so Stop()
  // can wait for their answers.
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::weak_ptr<struct Session>, std::owner_less<std::weak_ptr<struct Session>>> sessions;
  // Counted without the mutex: it changes twice per request, and a mutex plus a notify per
  // request cost more CPU than the handler (a profile showed the wake-ups at ~10%). Stop()
  // sets `stopping` first, so the decrement that reaches zero after it knows to notify.
  std::atomic<int64_t> in_flight{0};
  bool stopped = false;
  bool got_signal = false;
  std::optional<net::signal_set> signals;
  // On its own strand: the sweep re-arms it while Stop() cancels it from another thread.
  net::steady_timer sweep_timer{net::make_strand(ioc)};

  Impl(ServerOptions o, const Router* r) : options(std::move(o)), router(r) {}
  void Accept();
  // Closes the sessions whose deadline passed, then re-arms itself until Stop().
  void Sweep();
  void RejectOverCapacity(tcp::socket socket);
  void RequestStarted() { in_flight.fetch_add(1); }
  void RequestFinished() {
    if (in_flight.fetch_sub(1) == 1 && stopping.load()) {
      std::lock_guard lock(mu);  // Stop() is either before its check or inside wait()
      cv.notify_all();
    }
  }
};

struct Session : std::enable_shared_from_this<Session> {
  static constexpr int64_t kNoDeadline = INT64_MAX;

  Session(tcp::socket s, Server::Impl* server) : socket(std::move(s)), server(server) {
    server->connections.fetch_add(1);
  }
  ~Session() { server->connections.fetch_sub(1); }

  void Start() {
    net::dispatch(socket.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // The current step must end within `d` (read by the sweep, from any thread).
  void ExpiresAfter(std::chrono::nanoseconds d) {
    deadline.store((SteadyTime::now() + d).time_since_epoch().count(), std::memory_order_relaxed);
  }
  void NoDeadline() { deadline.store(kNoDeadline, std::memory_order_relaxed); }
  bool Expired(int64_t now) const { return deadline.load(std::memory_order_relaxed) < now; }

  // Step 1: wait for the first byte of the next request (an idle keep-alive connection).
  void WaitForRequest() {
    if (server->stopping) return Close();
    idle = true;
    if (buffer.size() > 0) return ReadRequest();
    ExpiresAfter(server->options.idle_timeout);
    socket.async_read_some(buffer.prepare(4096),
                           [self = shared_from_this()](beast::error_code ec, size_t n) {
                             self->idle = false;
                             if (ec) return self->Close();
                             self->buffer.commit(n);
                             self->ReadRequest();
                           });
  }

  // Step 2: the header and the body, under the header deadline (the parser enforces both
  // size limits). One read, not two: each completion is a trip through the scheduler.
  void ReadRequest() {
    idle = false;
    parser.emplace();
    parser->header_limit(static_cast<uint32_t>(server->options.max_header_bytes));
    parser->body_limit(static_cast<uint64_t>(server->options.max_body_bytes));
    ExpiresAfter(server->options.header_timeout);
    bhttp::async_read(socket, buffer, *parser,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->Handle();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return Answer(JsonError(413, "REQUEST_TOO_LARGE",
                              "request body exceeds the limit of " +
                                  std::to_string(server->options.max_body_bytes) + " bytes"),
                    false);
    }
    if (ec == bhttp::error::header_limit) {
      return Answer(JsonError(431, "REQUEST_TOO_LARGE",
                              "request header exceeds the limit of " +
                                  std::to_string(server->options.max_header_bytes) + " bytes"),
                    false);
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof ||
        ec == bhttp::error::partial_message) {
      return Close();
    }
    // Everything else is malformed HTTP: say so, then hang up (the stream is out of sync).
    Answer(JsonError(400, "INVALID_ARGUMENT", "malformed HTTP request: " + ec.message()), false);
  }

  void Handle() {
    NoDeadline();  // a write may wait for its commit as long as it takes
    auto msg = parser->release();
    keep_alive = msg.keep_alive();
    version = msg.version();
    Request req;
    req.method = ParseMethod(std::string_view(msg.method_string()));
    Status target = ParseTarget(std::string_view(msg.target()), &req);
    if (!target.ok()) {
      return Answer(JsonError(400, "INVALID_ARGUMENT", target.message()), keep_alive);
    }
    for (const auto& field : msg) {
      req.headers.emplace_back(ToLower(std::string_view(field.name_string())),
                               std::string(field.value()));
    }
    req.body = std::move(msg.body());
    server->RequestStarted();
    counted = true;
    // The responder may run on any thread, now or later; it brings the answer back here.
    auto self = shared_from_this();
    // dispatch, not post: a read answered inline (already on this strand) is written at
    // once instead of taking another trip through the scheduler; an answer from another
    // thread (the committer) is still queued onto the strand.
    server->router->Dispatch(std::move(req), [self](Response r) {
      net::dispatch(self->socket.get_executor(), [self, r = std::move(r)]() mutable {
        self->Answer(std::move(r), self->keep_alive);
      });
    });
  }

  void Answer(Response r, bool keep) {
    keep = keep && !server->stopping;
    res.emplace(static_cast<bhttp::status>(r.status), version ? version : 11);
    res->set(bhttp::field::server, "myetcd");
    res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->body() = r.render_body ? r.render_body() : std::move(r.body);
    res->keep_alive(keep);
    res->prepare_payload();
    ExpiresAfter(server->options.idle_timeout);
    bhttp::async_write(
        socket, *res, [self = shared_from_this(), keep](beast::error_code ec, size_t) {
          self->res.reset();
          if (self->counted) {  // the request is answered only once its bytes are out
            self->counted = false;
            self->server->RequestFinished();
          }
          if (ec || !keep) return self->Close();
          self->WaitForRequest();
        });
  }

  // Called on the strand by Server::Stop: an idle connection is closed now; a busy one
  // closes after its answer (Answer() sees `stopping`).
  void CloseIfIdle() {
    if (idle) Close();
  }

  void Close() {
    idle = false;
    NoDeadline();
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);  // pending operations complete with operation_aborted
  }

  tcp::socket socket;                          // its executor is the session's strand
  std::atomic<int64_t> deadline{kNoDeadline};  // steady-clock ns
  Server::Impl* server;
  beast::flat_buffer buffer;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  std::optional<bhttp::response<bhttp::string_body>> res;
  bool keep_alive = true;
  unsigned version = 11;
  bool idle = false;
  bool counted = false;  // this request is in Impl::in_flight
};

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      log->warn("accept failed: {}", ec.message());  // e.g. EMFILE: keep accepting
      return Accept();
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (connections.load() >= options.max_connections) {
      RejectOverCapacity(std::move(socket));
    } else {
      auto session = std::make_shared<Session>(std::move(socket), this);
      {
        std::lock_guard lock(mu);
        sessions.insert(session);  // the sweep forgets it once it ended
      }
      session->Start();
    }
    Accept();
  });
}

void Server::Impl::RejectOverCapacity(tcp::socket socket) {
  Response r =
      JsonError(429, "TOO_MANY_REQUESTS",
                "connection limit of " + std::to_string(options.max_connections) + " reached");
  std::string wire =
      "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
  auto buf = std::make_shared<std::string>(std::move(wire));
  auto sock = std::make_shared<tcp::socket>(std::move(socket));
  net::async_write(*sock, net::buffer(*buf), [buf, sock](beast::error_code, size_t) {
    beast::error_code ec;
    sock->shutdown(tcp::socket::shutdown_both, ec);
    sock->close(ec);
  });
}

void Server::Impl::Sweep() {
  auto shortest = std::min(options.header_timeout, options.idle_timeout);
  auto tick = std::clamp<std::chrono::nanoseconds>(shortest / 4, std::chrono::milliseconds(5),
                                                   std::chrono::seconds(1));
  sweep_timer.expires_after(tick);
  sweep_timer.async_wait([this](beast::error_code ec) {
    if (ec || stopping) return;
    const int64_t now = SteadyTime::now().time_since_epoch().count();
    {
      std::lock_guard lock(mu);
      for (auto it = sessions.begin(); it != sessions.end();) {
        auto session = it->lock();
        if (!session) {
          it = sessions.erase(it);  // ended: forget it, so the set does not grow
          continue;
        }
        if (session->Expired(now)) {
          // Checked again on the strand: the session may have moved on meanwhile.
          net::post(session->socket.get_executor(), [session, now] {
            if (session->Expired(now)) session->Close();
          });
        }
        ++it;
      }
    }
    Sweep();
  });
}

Status DeclareServerOptions(Options& o) {
  const std::string c = "http";
  MYETCD_RETURN_IF_ERROR(o.Declare({.name = "listen",
                                    .type = OptionType::kString,
                                    .default_value = "127.0.0.1:2379",
                                    .help = "client address host:port (port 0 picks a free "
                                            "port; the bound address is printed)",
                                    .component = c}));
  MYETCD_RETURN_IF_ERROR(o.Declare({.name = "http-threads",
                                    .type = OptionType::kInt,
                                    .default_value = "2",
                                    .min = 1,
                                    .max = 64,
                                    .help = "I/O threads serving HTTP",
                                    .component = c}));
  MYETCD_RETURN_IF_ERROR(o.Declare({.name = "max-request-bytes",
                                    .type = OptionType::kBytes,
                                    .default_value = "1536KiB",
                                    .min = 1024,
                                    .max = 64ll << 20,
                                    .help = "largest request body accepted (413 above it)",
                                    .component = c}));
  MYETCD_RETURN_IF_ERROR(o.Declare({.name = "max-header-bytes",
                                    .type = OptionType::kBytes,
                                    .default_value = "8KiB",
                                    .min = 1024,
                                    .max = 1 << 20,
                                    .help = "largest request header accepted (431 above it)",
                                    .component = c}));
  MYETCD_RETURN_IF_ERROR(o.Declare({.name = "header-timeout",
                                    .type = OptionType::kDuration,
                                    .default_value = "10s",
                                    .min = 1000000,
                                    .max = 3600ll * 1000000000,
                                    .help = "time a client has to send a request's header "
                                            "and body once it started",
                                    .component = c}));
  MYETCD_RETURN_IF_ERROR(o.Declare({.name = "idle-timeout",
                                    .type = OptionType::kDuration,
                                    .default_value = "120s",
                                    .min = 1000000,
                                    .max = 24ll * 3600 * 1000000000,
                                    .help = "an idle keep-alive connection is closed after it",
                                    .component = c}));
  return o.Declare({.name = "max-connections",
                    .type = OptionType::kInt,
                    .default_value = "1200",
                    .min = 1,
                    .max = 1000000,
                    .help = "open connections above this get a 429 and are closed",
                    .component = c});
}

ServerOptions ServerOptionsFrom(const Options& o) {
  ServerOptions s;
  s.listen = o.GetString("listen");
  s.threads = static_cast<int>(o.GetInt("http-threads"));
  s.max_body_bytes = o.GetInt("max-request-bytes");
  s.max_header_bytes = o.GetInt("max-header-bytes");
  s.header_timeout = o.GetDuration("header-timeout");
  s.idle_timeout = o.GetDuration("idle-timeout");
  s.max_connections = o.GetInt("max-connections");
  return s;
}

Server::Server(ServerOptions options, const Router* router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  auto endpoint = ParseListen(impl_->options.listen);
  if (!endpoint.ok()) return endpoint.status();
  beast::error_code ec;
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("listen on " + impl_->options.listen + ": " + ec.message());
  }
  auto bound = acceptor.local_endpoint();
  impl_->address = (bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                            : bound.address().to_string()) +
                   ":" + std::to_string(bound.port());
  impl_->work.emplace(net::make_work_guard(impl_->ioc));
  impl_->Accept();
  impl_->Sweep();
  for (int i = 0; i < impl_->options.threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return Status::OK();
}

std::string Server::address() const { return impl_->address; }
uint16_t Server::port() const {
  size_t colon = impl_->address.rfind(':');
  return colon == std::string::npos
             ? 0
             : static_cast<uint16_t>(std::stoi(impl_->address.substr(colon + 1)));
}
int64_t Server::connections() const { return impl_->connections.load(); }

void Server::Stop(std::chrono::nanoseconds grace) {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.stopped) return;
    s.stopped = true;
    s.cv.notify_all();  // wakes WaitForShutdownSignal
  }
  s.stopping = true;
  if (s.threads.empty()) return;  // never started
  net::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  net::post(s.ioc, [&s] {
    beast::error_code ec;
    if (s.signals) s.signals->cancel(ec);
  });
  net::post(s.sweep_timer.get_executor(), [&s] { s.sweep_timer.cancel(); });
  {
    std::lock_guard lock(s.mu);
    for (const auto& weak : s.sessions) {
      if (auto session = weak.lock()) {
        net::post(session->socket.get_executor(), [session] { session->CloseIfIdle(); });
      }
    }
  }
  {
    // Requests already handed to a handler get their answer, within the grace period.
    std::unique_lock lock(s.mu);
    if (!s.cv.wait_for(lock, grace, [&s] { return s.in_flight.load() == 0; })) {
      s.log->warn("{} requests still unanswered after the shutdown grace period",
                  s.in_flight.load());
      s.ioc.stop();
    }
  }
  s.work.reset();
  // Answers being written finish quickly; a peer that stopped reading cannot hold us longer
  // than its write deadline, but we do not wait for it either.
  net::post(s.ioc, [&s] {
    std::lock_guard lock(s.mu);
    for (const auto& weak : s.sessions) {
      if (auto session = weak.lock()) {
        net::post(session->socket.get_executor(), [session] { session->Close(); });
      }
    }
  });
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

void Server::WaitForShutdownSignal() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.stopped) return;
    s.signals.emplace(s.ioc, SIGINT, SIGTERM);
    s.signals->async_wait([&s](beast::error_code ec, int signal) {
      if (ec) return;
      s.log->info("signal {}: shutting down", signal);
      std::lock_guard lock(s.mu);
      s.cv.notify_all();
      s.got_signal = true;
    });
  }
  std::unique_lock lock(s.mu);
  s.cv.wait(lock, [&s] { return s.got_signal || s.stopped; });
}

}  // namespace myetcd::http
