#include "tools/bench/bench_options.h"

#include <charconv>

namespace myetcd::bench {

Status DeclareBenchOptions(Options& o) {
  const std::vector<OptionSpec> specs = {
      {.name = "endpoint",
       .type = OptionType::kString,
       .default_value = "127.0.0.1:2379",
       .help = "server address, host:port or http://host:port",
       .component = "target"},
      {.name = "api",
       .type = OptionType::kEnum,
       .default_value = "v1",
       .choices = {"v1", "v3"},
       .help = "v1: our native API; v3: etcd's JSON gateway (base64 keys and values)",
       .component = "target"},
      {.name = "workload",
       .type = OptionType::kEnum,
       .default_value = "put",
       .choices = {"put", "get", "delete", "txn", "mixed", "watch"},
       .help = "what each request does (mixed: --read-ratio gets, the rest puts; watch: "
               "--watchers streams on every key while the connections put)",
       .component = "workload"},
      {.name = "connections",
       .type = OptionType::kInt,
       .default_value = "16",
       .min = 1,
       .max = 10000,
       .help = "concurrent keep-alive connections, one request in flight each",
       .component = "load"},
      {.name = "threads",
       .type = OptionType::kInt,
       .default_value = "1",
       .min = 1,
       .max = 64,
       .help = "client threads; connections are spread over them (keep 1 on 2 cores)",
       .component = "load"},
      {.name = "duration",
       .type = OptionType::kDuration,
       .default_value = "10s",
       .min = 0,
       .help = "how long to measure (ignored when --count is given)",
       .component = "load"},
      {.name = "count",
       .type = OptionType::kInt,
       .default_value = "0",
       .min = 0,
       .help = "send exactly this many requests, then stop (0: use --duration)",
       .component = "load"},
      {.name = "warmup",
       .type = OptionType::kDuration,
       .default_value = "0s",
       .min = 0,
       .help = "run the workload this long first, on the same connections, unmeasured",
       .component = "load"},
      {.name = "rate",
       .type = OptionType::kInt,
       .default_value = "0",
       .min = 0,
       .max = 100000000,
       .help = "total requests per second over all connections (0: as fast as possible); "
               "latency then counts from each request's scheduled time",
       .component = "load"},
      {.name = "key-count",
       .type = OptionType::kInt,
       .default_value = "10000",
       .min = 1,
       .max = 1000000000,
       .help = "size of the key space",
       .component = "workload"},
      {.name = "key-size",
       .type = OptionType::kBytes,
       .default_value = "8",
       .min = 2,
       .max = 4096,
       .help = "bytes per key ('k' + zero-padded index)",
       .component = "workload"},
      {.name = "value-size",
       .type = OptionType::kBytes,
       .default_value = "100",
       .min = 0,
       .max = 1 << 20,
       .help = "bytes per value",
       .component = "workload"},
      {.name = "key-mode",
       .type = OptionType::kEnum,
       .default_value = "random",
       .choices = {"sequential", "random", "unique"},
       .help = "key order: sweep the key space, uniform random, or never repeat a key",
       .component = "workload"},
      {.name = "read-ratio",
       .type = OptionType::kInt,
       .default_value = "90",
       .min = 0,
       .max = 100,
       .help = "percent of gets in the mixed workload",
       .component = "workload"},
      {.name = "txn-ops",
       .type = OptionType::kInt,
       .default_value = "1",
       .min = 1,
       .max = 128,
       .help = "puts per txn (on consecutive keys)",
       .component = "workload"},
      {.name = "watchers",
       .type = OptionType::kInt,
       .default_value = "10",
       .min = 1,
       .max = 10000,
       .help = "watch streams of the watch workload, one connection each",
       .component = "workload"},
      {.name = "seed",
       .type = OptionType::kInt,
       .default_value = "1",
       .min = 0,
       .help = "seed of the random key choice",
       .component = "workload"},
      {.name = "json",
       .type = OptionType::kBool,
       .default_value = "false",
       .help = "print the report as one JSON object instead of text",
       .component = "output"},
  };
  for (const auto& s : specs) {
    Status st = o.Declare(s);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

Status ParseEndpoint(std::string_view text, std::string& host, uint16_t& port) {
  std::string_view t = text;
  if (t.starts_with("http://")) t.remove_prefix(7);
  if (t.ends_with("/")) t.remove_suffix(1);
  const size_t colon = t.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == t.size()) {
    return Status::InvalidArgument("--endpoint: '" + std::string(text) + "' is not host:port");
  }
  unsigned p = 0;
  const std::string_view ps = t.substr(colon + 1);
  auto [end, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), p);
  if (ec != std::errc() || end != ps.data() + ps.size() || p == 0 || p > 65535) {
    return Status::InvalidArgument("--endpoint: bad port in '" + std::string(text) + "'");
  }
  host = std::string(t.substr(0, colon));
  port = static_cast<uint16_t>(p);
  return Status::OK();
}

Result<BenchConfig> ConfigFromOptions(const Options& o) {
  BenchConfig c;
  Status st = ParseEndpoint(o.GetString("endpoint"), c.host, c.port);
  if (!st.ok()) return st;
  MYETCD_ASSIGN_OR_RETURN(c.api, ParseApi(o.GetString("api")));
  MYETCD_ASSIGN_OR_RETURN(c.workload, ParseWorkload(o.GetString("workload")));
  MYETCD_ASSIGN_OR_RETURN(c.key_mode, ParseKeyMode(o.GetString("key-mode")));
  c.connections = static_cast<int>(o.GetInt("connections"));
  c.threads = static_cast<int>(o.GetInt("threads"));
  c.duration = o.GetDuration("duration");
  c.count = o.GetInt("count");
  c.warmup = o.GetDuration("warmup");
  c.rate = o.GetInt("rate");
  c.key_count = o.GetInt("key-count");
  c.key_size = static_cast<int>(o.GetInt("key-size"));
  c.value_size = static_cast<int>(o.GetInt("value-size"));
  c.read_ratio = static_cast<int>(o.GetInt("read-ratio"));
  c.txn_ops = static_cast<int>(o.GetInt("txn-ops"));
  c.seed = static_cast<uint64_t>(o.GetInt("seed"));
  c.watchers = static_cast<int>(o.GetInt("watchers"));
  c.json = o.GetBool("json");
  st = Validate(c);
  if (!st.ok()) return st;
  return c;
}

}  // namespace myetcd::bench
