// myetcd-calibration-server: the smallest keep-alive HTTP/1.1 server that answers the /v1
// key routes from memory (see calibration_store.h for why it exists). This file owns the
// sockets; the routes live in calibration_store.cc.
//
//   myetcd-calibration-server --listen 127.0.0.1:0 --threads 1
//
// prints "listening on 127.0.0.1:<port>" on stdout once it accepts connections, so a test
// reads the port from a pipe instead of guessing a free one. SIGINT or SIGTERM stops it:
// it stops accepting, closes the open connections and exits 0.
//
// Lifetimes: `store` is declared before the io_context, so it outlives every session
// coroutine (the io_context destroys the unfinished ones).
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "myetcd/common/logging.h"
#include "myetcd/common/options.h"
#include "tools/calibration/calibration_store.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using myetcd::calibration::CalibrationStore;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// Beast's defaults are 1 MiB of body and 8 KiB of header; say so explicitly (ARCHITECTURE
// §7), with room for a 1 MiB value plus its JSON.
constexpr uint64_t kBodyLimit = (1 << 20) + (64 << 10);
constexpr uint32_t kHeaderLimit = 8 << 10;

asio::awaitable<void> Serve(tcp::socket socket, CalibrationStore& store) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    parser.header_limit(kHeaderLimit);
    auto [rec, n] = co_await http::async_read(socket, buffer, parser, kAwait);
    http::response<http::string_body> res;
    bool keep_alive = true;
    if (rec == http::error::body_limit) {
      res.result(http::status::payload_too_large);
      res.body() =
          R"({"success":false,"error":"request body too large","code":"REQUEST_TOO_LARGE"})";
      keep_alive = false;
    } else if (rec) {
      break;  // closed by the peer, or garbage: nothing to answer
    } else {
      const auto& req = parser.get();
      auto out = store.Handle(req.method_string(), req.target(), req.body());
      res.result(static_cast<unsigned>(out.status));
      res.body() = std::move(out.body);
      res.version(req.version());
      keep_alive = req.keep_alive();
    }
    res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    res.prepare_payload();
    auto [wec, m] = co_await http::async_write(socket, res, kAwait);
    if (wec || !keep_alive) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor, CalibrationStore& store) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kAwait);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;  // e.g. EMFILE; keep serving the connections we have
    auto executor = socket.get_executor();
    asio::co_spawn(executor, Serve(std::move(socket), store), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace myetcd;
  Options options;
  Status st = options.Declare({.name = "listen",
                               .type = OptionType::kString,
                               .default_value = "127.0.0.1:0",
                               .help = "address to listen on; port 0 lets the kernel choose, "
                                       "and the bound address is printed on stdout",
                               .component = "server"});
  if (st.ok()) {
    st = options.Declare({.name = "threads",
                          .type = OptionType::kInt,
                          .default_value = "1",
                          .min = 1,
                          .max = 64,
                          .help = "threads running the I/O loop",
                          .component = "server"});
  }
  if (st.ok()) st = DeclareLoggingOptions(options);
  if (!st.ok()) {
    std::fprintf(stderr, "myetcd-calibration-server: %s\n", st.ToString().c_str());
    return 2;
  }
  auto rest = options.ParseArgs(argc, argv);
  if (!rest.ok()) {
    std::fprintf(stderr, "myetcd-calibration-server: %s\n", rest.status().message().c_str());
    return 2;
  }
  if (options.help_requested()) {
    std::fputs(options.HelpText("myetcd-calibration-server [options]").c_str(), stdout);
    return 0;
  }
  st = InitLogging(options.GetString("log-level"));
  auto log = Logger("calibration");
  std::string host;
  uint16_t port = 0;
  st = calibration::ParseListen(options.GetString("listen"), host, port);
  if (!st.ok()) {
    std::fprintf(stderr, "myetcd-calibration-server: %s\n", st.message().c_str());
    return 2;
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    std::fprintf(stderr, "myetcd-calibration-server: --listen: '%s' is not an IP address\n",
                 host.c_str());
    return 2;
  }
  const int threads = static_cast<int>(options.GetInt("threads"));

  CalibrationStore store;
  asio::io_context ioc(threads);
  tcp::acceptor acceptor(ioc);
  const tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "myetcd-calibration-server: cannot listen on %s: %s\n",
                 options.GetString("listen").c_str(), ec.message().c_str());
    return 1;
  }
  // Handle the signals before announcing the address: whoever reads it may stop us at once.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& e, int sig) {
    if (e) return;
    log->info("signal {}: shutting down", sig);
    beast::error_code ignored;
    acceptor.close(ignored);
    // Stop the loop: the sessions' coroutines are destroyed with the io_context, which
    // closes their sockets. Every handler runs between whole requests, so no response is
    // cut in half on one thread.
    ioc.stop();
  });
  const auto bound = acceptor.local_endpoint();
  std::printf("listening on %s:%u\n", bound.address().to_string().c_str(),
              static_cast<unsigned>(bound.port()));
  std::fflush(stdout);

  asio::co_spawn(ioc, Accept(acceptor, store), asio::detached);

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  log->info("stopped");
  return 0;
}
