#include "myetcd/common/logging.h"

#include <doctest/doctest.h>

#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

namespace myetcd {

TEST_CASE("logging: a component logger names its component and honours the level") {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  REQUIRE(InitLogging("warn", sink).ok());
  auto wal = Logger("wal-test");
  wal->info("not shown");
  wal->warn("truncated a torn tail");
  wal->flush();
  std::string text = out.str();
  CHECK(text.find("not shown") == std::string::npos);
  CHECK(text.find("[wal-test] truncated a torn tail") != std::string::npos);
  CHECK(text.find("warning") != std::string::npos);
  CHECK(Logger("wal-test") == wal);

  REQUIRE(InitLogging("debug", sink).ok());  // re-init moves existing loggers too
  wal->debug("now shown");
  wal->flush();
  CHECK(out.str().find("now shown") != std::string::npos);
  REQUIRE(InitLogging("info").ok());
}

TEST_CASE("logging: an unknown level is refused by name") {
  auto r = ParseLogLevel("loud");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("'loud'") != std::string::npos);
  CHECK(InitLogging("verbose").IsInvalidArgument());
  Options o;
  REQUIRE(DeclareLoggingOptions(o).ok());
  CHECK(o.GetString("log-level") == "info");
  CHECK(o.Set("log-level", "chatty").IsInvalidArgument());
}

}  // namespace myetcd
