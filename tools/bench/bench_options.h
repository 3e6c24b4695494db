// The command line of myetcd-bench, declared in the options registry so that --help, the
// ranges and docs/reference/tools.md come from one table.
#pragma once

#include <string_view>

#include "myetcd/common/options.h"
#include "myetcd/common/result.h"
#include "tools/bench/workload.h"

namespace myetcd::bench {

Status DeclareBenchOptions(Options& o);
// Reads the declared options into a config and validates it.
Result<BenchConfig> ConfigFromOptions(const Options& o);

// "host:port" or "http://host:port[/]" -> host and port. No name resolution: the tool
// talks to the address it is given.
Status ParseEndpoint(std::string_view text, std::string& host, uint16_t& port);

}  // namespace myetcd::bench
