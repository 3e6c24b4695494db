// myetcd-bench: the load tool. Drives one server (ours over /v1, or etcd over its JSON
// gateway /v3) and reports throughput and latency percentiles. See docs/reference/tools.md.
#include <cstdio>

#include "myetcd/common/logging.h"
#include "myetcd/common/options.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/report.h"
#include "tools/bench/runner.h"

int main(int argc, char** argv) {
  using namespace myetcd;
  Options options;
  Status st = bench::DeclareBenchOptions(options);
  if (st.ok()) st = DeclareLoggingOptions(options);
  if (!st.ok()) {
    std::fprintf(stderr, "myetcd-bench: %s\n", st.ToString().c_str());
    return 2;
  }
  auto rest = options.ParseArgs(argc, argv);
  if (!rest.ok()) {
    std::fprintf(stderr, "myetcd-bench: %s\n", rest.status().message().c_str());
    return 2;
  }
  if (options.help_requested()) {
    std::fputs(options.HelpText("myetcd-bench [options]").c_str(), stdout);
    return 0;
  }
  if (!rest->empty()) {
    std::fprintf(stderr, "myetcd-bench: unexpected argument '%s'\n", rest->front().c_str());
    return 2;
  }
  st = InitLogging(options.GetString("log-level"));
  auto config = bench::ConfigFromOptions(options);
  if (!config.ok()) {
    std::fprintf(stderr, "myetcd-bench: %s\n", config.status().message().c_str());
    return 2;
  }
  auto report = bench::Run(*config);
  if (!report.ok()) {
    std::fprintf(stderr, "myetcd-bench: %s\n", report.status().message().c_str());
    return 1;
  }
  if (config->json) {
    std::printf("%s\n", bench::ToJson(*report).dump().c_str());
  } else {
    std::fputs(bench::ToText(*report).c_str(), stdout);
  }
  // Every request failed: say so in the exit code, so scripts notice a dead server.
  const auto total = report->stats.Total();
  return total.requests() > 0 && total.ok == 0 ? 1 : 0;
}
