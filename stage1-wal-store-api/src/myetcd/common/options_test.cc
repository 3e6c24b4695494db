#include "myetcd/common/options.h"

#include <doctest/doctest.h>

#include <vector>

namespace myetcd {
namespace {

Options Sample() {
  Options o;
  REQUIRE(o.Declare({.name = "data-dir",
                     .type = OptionType::kString,
                     .default_value = "default.etcd",
                     .help = "where the data lives",
                     .component = "server"})
              .ok());
  REQUIRE(o.Declare({.name = "max-txn-ops",
                     .type = OptionType::kInt,
                     .default_value = "128",
                     .min = 1,
                     .max = 10000,
                     .help = "ops per txn",
                     .component = "store"})
              .ok());
  REQUIRE(o.Declare({.name = "segment-size",
                     .type = OptionType::kBytes,
                     .default_value = "64MiB",
                     .min = 1 << 16,
                     .max = 1ll << 30,
                     .help = "WAL segment size",
                     .component = "wal"})
              .ok());
  REQUIRE(o.Declare({.name = "election-timeout",
                     .type = OptionType::kDuration,
                     .default_value = "1s",
                     .min = 1000000,
                     .help = "election timeout"})
              .ok());
  REQUIRE(o.Declare({.name = "log-level",
                     .type = OptionType::kEnum,
                     .default_value = "info",
                     .choices = {"debug", "info", "warn", "error"},
                     .help = "log level"})
              .ok());
  REQUIRE(o.Declare({.name = "strict",
                     .type = OptionType::kBool,
                     .default_value = "false",
                     .help = "be strict"})
              .ok());
  return o;
}

Result<std::vector<std::string>> Parse(Options& o, std::vector<const char*> args) {
  args.insert(args.begin(), "prog");
  return o.ParseArgs(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_CASE("options: defaults are parsed like user input") {
  Options o = Sample();
  CHECK(o.GetString("data-dir") == "default.etcd");
  CHECK(o.GetInt("max-txn-ops") == 128);
  CHECK(o.GetInt("segment-size") == 64 << 20);
  CHECK(o.GetDuration("election-timeout") == std::chrono::seconds(1));
  CHECK(o.GetString("log-level") == "info");
  CHECK_FALSE(o.GetBool("strict"));
  CHECK(o.Source("data-dir") == "default");
}

TEST_CASE("options: flags in both spellings, bare booleans and positionals") {
  Options o = Sample();
  auto rest = Parse(o, {"--data-dir", "/tmp/x", "--max-txn-ops=7", "--strict", "pos",
                        "--election-timeout=250ms", "--", "--not-a-flag"});
  REQUIRE(rest.ok());
  CHECK(*rest == std::vector<std::string>{"pos", "--not-a-flag"});
  CHECK(o.GetString("data-dir") == "/tmp/x");
  CHECK(o.GetInt("max-txn-ops") == 7);
  CHECK(o.GetBool("strict"));
  CHECK(o.GetDuration("election-timeout") == std::chrono::milliseconds(250));
  CHECK(o.Source("max-txn-ops") == "flag");
}

TEST_CASE("options: a bad value is refused with the option, value and range named") {
  Options o = Sample();
  auto r = Parse(o, {"--max-txn-ops=0"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message() == "--max-txn-ops: '0' is out of range [1, 10000]");
  CHECK(o.GetInt("max-txn-ops") == 128);  // unchanged

  r = Parse(o, {"--max-txn-ops=1180591620717411303424"});  // 2^70 must not wrap
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("does not fit in 64 bits") != std::string::npos);

  r = Parse(o, {"--log-level=loud"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "--log-level: 'loud' is not one of debug, info, warn, error");

  r = Parse(o, {"--election-timeout=5"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("needs a unit") != std::string::npos);

  r = Parse(o, {"--segment-size=12XB"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("unknown unit 'XB'") != std::string::npos);

  r = Parse(o, {"--no-such-flag=1"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "unknown option --no-such-flag (see --help)");

  r = Parse(o, {"--data-dir"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "--data-dir needs a value");
}

TEST_CASE("options: declaring twice or with an out-of-range default fails") {
  Options o = Sample();
  CHECK(o.Declare({.name = "data-dir", .type = OptionType::kString}).IsInvalidArgument());
  Status s = o.Declare({.name = "bad", .type = OptionType::kInt, .default_value = "5", .min = 10});
  CHECK(s.IsInvalidArgument());
  CHECK_FALSE(o.Has("bad"));
}

TEST_CASE("options: --help lists every option with its default, range and help") {
  Options o = Sample();
  REQUIRE(Parse(o, {"--help"}).ok());
  CHECK(o.help_requested());
  std::string help = o.HelpText("stage1-server [flags]");
  CHECK(help.find("Usage: stage1-server [flags]") != std::string::npos);
  CHECK(help.find("--max-txn-ops <int>  (default: 128)") != std::string::npos);
  CHECK(help.find("range: [1, 10000]") != std::string::npos);
  CHECK(help.find("one of: debug info warn error") != std::string::npos);
  CHECK(help.find("wal options:") != std::string::npos);
}

TEST_CASE("options: the byte and duration parsers") {
  CHECK(*ParseBytes("0") == 0);
  CHECK(*ParseBytes("1KiB") == 1024);
  CHECK(*ParseBytes("3MB") == 3000000);
  CHECK(*ParseBytes("2GiB") == (2ll << 30));
  CHECK_FALSE(ParseBytes("9999999999GiB").ok());
  CHECK(*ParseDuration("100us") == std::chrono::microseconds(100));
  CHECK(*ParseDuration("2m") == std::chrono::minutes(2));
  CHECK_FALSE(ParseDuration("1.5s").ok());
  CHECK_FALSE(ParseInt64("").ok());
  CHECK_FALSE(ParseInt64("12a").ok());
  CHECK(*ParseInt64("-9223372036854775808") == INT64_MIN);
}

}  // namespace myetcd
