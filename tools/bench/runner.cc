#include "tools/bench/runner.h"

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "tools/bench/watch.h"

namespace myetcd::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// After the deadline, a server that stops answering must not hang the tool: each thread's
// watchdog closes its sockets this long after the deadline (--duration mode only).
constexpr auto kGrace = std::chrono::seconds(5);
// Pause before reconnecting after a failed connect, so a dead server is not spun on.
constexpr auto kReconnectPause = std::chrono::milliseconds(10);
// Watch workload: how long the watchers keep reading after the last put was due, and how
// long the putters wait for every watch to be confirmed.
constexpr auto kDrain = std::chrono::seconds(1);
constexpr auto kWatchSetup = std::chrono::seconds(10);

// Reads one HTTP/1.1 response and keeps only what the report needs: the status, and
// whether the connection stays open. The body is discarded as it arrives. Beast's own
// response_parser would allocate a node per header field and the whole body on every
// response; this one allocates nothing, so the client spends its CPU where wrk does.
// Beast does the framing: Content-Length, chunked encoding, keep-alive rules.
//
// Where a watch stream's body goes, piece by piece, as it arrives (2xx responses only).
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual void OnBody(std::string_view data) = 0;
};

class StatusParser : public http::basic_parser<false> {
 public:
  explicit StatusParser(BodySink* sink = nullptr) : sink_(sink) { body_limit(boost::none); }
  int status() const { return status_; }

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, beast::error_code&) override {
    status_ = code;
  }
  void on_field_impl(http::field, beast::string_view, beast::string_view,
                     beast::error_code&) override {}
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) override {}
  size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    Sink(body);
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    Sink(body);
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}
  void Sink(beast::string_view body) {
    if (sink_ && status_ >= 200 && status_ < 300) sink_->OnBody({body.data(), body.size()});
  }

  BodySink* sink_;
  int status_ = 0;
};

struct Shared {
  const Workload* workload = nullptr;
  tcp::endpoint endpoint;
  bool count_mode = false;
  int64_t total = 0;
  std::atomic<int64_t> issued{0};
  std::atomic<int64_t> key_sequence{0};  // sequential and unique keys (workload.h)
  std::chrono::nanoseconds interval{0};  // per connection, with --rate
  TimePoint start, measure_start, deadline;
  std::atomic<int> watches_settled{0};  // confirmed or failed
};

int64_t NowNs() { return SteadyClock::now().time_since_epoch().count(); }

struct Watcher : BodySink {
  Watcher(Api api, asio::io_context& ioc, std::atomic<int>& settled)
      : socket(ioc), stream(api), settled(settled) {}
  void OnBody(std::string_view data) override {
    WatchStream::Update u;
    stream.Feed(data, u);
    const int64_t now = NowNs();
    if (u.created) {
      stats.created += static_cast<uint64_t>(u.created);
      settled.fetch_add(u.created);
    }
    stats.canceled += static_cast<uint64_t>(u.canceled);
    stats.bad_frames += static_cast<uint64_t>(u.bad_frames);
    for (const auto& v : u.values) {
      const auto t = ParseTimedValue(v);
      if (!t) continue;  // not one of ours (e.g. the populate run's values)
      ++stats.events;
      if (t->measured) {
        ++stats.measured_events;
        stats.latency_ns.Record(static_cast<uint64_t>(std::max<int64_t>(0, now - t->send_ns)));
      }
    }
  }
  tcp::socket socket;
  WatchStream stream;
  WatchStats stats;
  std::atomic<int>& settled;
};

struct Conn {
  explicit Conn(int id, asio::io_context& ioc) : id(id), socket(ioc) {}
  int id;
  tcp::socket socket;
  RunStats stats;
  TimePoint end;
};

struct ThreadCtx {
  asio::io_context ioc{1};
  std::vector<Conn*> conns;
  std::vector<Watcher*> watchers;
  int live = 0;
  std::optional<asio::steady_timer> watchdog;
  std::exception_ptr error;
};

asio::awaitable<void> RunConnection(Shared& sh, ThreadCtx& tc, Conn& cn) {
  const BenchConfig& cfg = sh.workload->config();
  KeyStream keys(cfg, cn.id, &sh.key_sequence);
  std::string request;
  beast::flat_buffer buffer;
  asio::steady_timer timer(tc.ioc);
  // Spread the connections' schedules evenly over one interval.
  TimePoint next_due = sh.start + sh.interval * cn.id / cfg.connections;

  for (;;) {
    const TimePoint now = SteadyClock::now();
    TimePoint due = now;
    if (sh.interval.count() > 0) {
      due = next_due;
      next_due += sh.interval;
    }
    const bool measured = due >= sh.measure_start;
    if (measured) {
      if (!sh.count_mode && due >= sh.deadline) break;
      if (sh.count_mode && sh.issued.fetch_add(1, std::memory_order_relaxed) >= sh.total) break;
    }
    if (due > now) {
      timer.expires_at(due);
      co_await timer.async_wait(kAwait);
    }
    Op op;
    if (cfg.workload == WorkloadKind::kWatch) {
      op = Op::kPut;
      sh.workload->BuildPut(keys.Next(), TimedValue(measured, NowNs(), cfg.value_size), request);
    } else {
      op = sh.workload->Next(keys, request);
    }
    OpStats& stats = cn.stats.ops[static_cast<size_t>(op)];

    if (!cn.socket.is_open()) {
      auto [ec] = co_await cn.socket.async_connect(sh.endpoint, kAwait);
      if (ec) {
        beast::error_code ignored;
        cn.socket.close(ignored);
        if (measured) stats.RecordTransportError();
        if (!sh.count_mode && SteadyClock::now() >= sh.deadline) break;
        timer.expires_after(kReconnectPause);
        co_await timer.async_wait(kAwait);
        continue;
      }
      beast::error_code ignored;
      cn.socket.set_option(tcp::no_delay(true), ignored);
      buffer.clear();
    }

    const TimePoint sent = SteadyClock::now();
    auto [wec, written] = co_await asio::async_write(cn.socket, asio::buffer(request), kAwait);
    StatusParser parser;
    beast::error_code rec = wec;
    if (!rec)
      std::tie(rec, std::ignore) = co_await http::async_read(cn.socket, buffer, parser, kAwait);
    const TimePoint done = SteadyClock::now();
    if (rec) {
      if (measured) {
        stats.RecordTransportError();
        cn.end = done;
      }
      beast::error_code ignored;
      cn.socket.close(ignored);
      buffer.clear();
      if (!sh.count_mode && done >= sh.deadline) break;
      continue;
    }
    if (measured) {
      const auto from = sh.interval.count() > 0 ? due : sent;
      stats.RecordStatus(parser.status(), static_cast<uint64_t>((done - from).count()));
      cn.end = done;
    }
    if (!parser.keep_alive()) {
      beast::error_code ignored;
      cn.socket.close(ignored);
    }
  }
  beast::error_code ignored;
  cn.socket.close(ignored);
  // Without watchers nothing is left to wait for; watchers drain until the watchdog.
  if (--tc.live == 0 && tc.watchdog && tc.watchers.empty()) tc.watchdog->cancel();
}

asio::awaitable<void> Watchdog(ThreadCtx& tc, TimePoint at) {
  tc.watchdog->expires_at(at);
  auto [ec] = co_await tc.watchdog->async_wait(kAwait);
  if (ec) co_return;  // cancelled: every connection finished in time
  for (Conn* c : tc.conns) {
    beast::error_code ignored;
    c->socket.close(ignored);
  }
  for (Watcher* w : tc.watchers) {
    beast::error_code ignored;
    w->socket.close(ignored);
  }
}

// One watch stream: open it, then read its body until the watchdog closes the socket.
asio::awaitable<void> RunWatcher(Shared& sh, Watcher& w) {
  auto [ec] = co_await w.socket.async_connect(sh.endpoint, kAwait);
  if (ec) {
    ++w.stats.stream_errors;
    w.settled.fetch_add(1);
    co_return;
  }
  beast::error_code ignored;
  w.socket.set_option(tcp::no_delay(true), ignored);
  std::string request;
  sh.workload->BuildWatch(request);
  auto [wec, n] = co_await asio::async_write(w.socket, asio::buffer(request), kAwait);
  StatusParser parser(&w);
  beast::flat_buffer buffer;
  if (!wec) co_await http::async_read(w.socket, buffer, parser, kAwait);
  if (wec || parser.status() < 200 || parser.status() >= 300) {
    ++w.stats.stream_errors;
    w.settled.fetch_add(1);
  }
}

Result<tcp::endpoint> Resolve(const BenchConfig& c) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(c.host, ec);
  if (!ec) return tcp::endpoint(address, c.port);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(c.host, std::to_string(c.port), ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve '" + c.host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

Result<Report> Run(const BenchConfig& config) {
  MYETCD_ASSIGN_OR_RETURN(tcp::endpoint endpoint, Resolve(config));
  const Workload workload(config);
  Shared sh;
  sh.workload = &workload;
  sh.endpoint = endpoint;
  sh.count_mode = config.count > 0;
  sh.total = config.count;
  if (config.rate > 0) {
    sh.interval =
        std::chrono::nanoseconds(int64_t{1'000'000'000} * config.connections / config.rate);
  }

  const bool watch = config.workload == WorkloadKind::kWatch;
  std::vector<std::unique_ptr<ThreadCtx>> threads;
  for (int t = 0; t < config.threads; ++t) threads.push_back(std::make_unique<ThreadCtx>());
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < config.connections; ++i) {
    ThreadCtx& tc = *threads[static_cast<size_t>(i % config.threads)];
    conns.push_back(std::make_unique<Conn>(i, tc.ioc));
    tc.conns.push_back(conns.back().get());
    ++tc.live;
  }
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; watch && i < config.watchers; ++i) {
    ThreadCtx& tc = *threads[static_cast<size_t>(i % config.threads)];
    watchers.push_back(std::make_unique<Watcher>(config.api, tc.ioc, sh.watches_settled));
    tc.watchers.push_back(watchers.back().get());
  }

  // The threads run from here on; the guards keep them waiting for work.
  auto rethrow = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  };
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> workers;
  for (auto& tcp : threads) {
    ThreadCtx& tc = *tcp;
    guards.push_back(asio::make_work_guard(tc.ioc));
    for (Watcher* w : tc.watchers) asio::co_spawn(tc.ioc, RunWatcher(sh, *w), rethrow);
    workers.emplace_back([&tc] {
      try {
        tc.ioc.run();
      } catch (...) {
        tc.error = std::current_exception();
      }
    });
  }
  // Puts start once every watch is confirmed (or failed), so no event is missed for want
  // of a watcher. This runs once per run in the tool, not in a test: polling is fine.
  const TimePoint setup_limit = SteadyClock::now() + kWatchSetup;
  while (watch && sh.watches_settled.load() < config.watchers && SteadyClock::now() < setup_limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  // co_spawn posts to each io_context, which orders these writes before the coroutines'
  // reads of them.
  sh.start = SteadyClock::now();
  sh.measure_start = sh.start + config.warmup;
  sh.deadline = sh.measure_start + config.duration;
  for (auto& tcp : threads) {
    ThreadCtx& tc = *tcp;
    for (Conn* c : tc.conns) asio::co_spawn(tc.ioc, RunConnection(sh, tc, *c), rethrow);
    if (!sh.count_mode) {
      tc.watchdog.emplace(tc.ioc);
      // Watchers stop kDrain after the deadline; putters at the latest kGrace after it.
      asio::co_spawn(tc.ioc, Watchdog(tc, sh.deadline + (watch ? kDrain : kGrace)), rethrow);
    }
  }
  guards.clear();
  for (auto& w : workers) w.join();
  for (auto& tc : threads) {
    if (tc->error) {
      try {
        std::rethrow_exception(tc->error);
      } catch (const std::exception& e) {
        return Status::Aborted(std::string("client thread failed: ") + e.what());
      }
    }
  }

  Report report;
  report.config = config;
  TimePoint end = sh.measure_start;
  for (const auto& c : conns) {
    report.stats.Merge(c->stats);
    end = std::max(end, c->end);
  }
  report.elapsed_s = std::chrono::duration<double>(end - sh.measure_start).count();
  if (watch) {
    report.watch.emplace();
    for (const auto& w : watchers) report.watch->Merge(w->stats);
  }
  return report;
}

}  // namespace myetcd::bench
