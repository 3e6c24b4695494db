// Logging: one spdlog set-up for every program, and a named logger per component so a line
// says where it came from ("[wal] truncated torn tail of 0000000000000001.wal at 4096").
//
// Levels: trace, debug, info, warn, error, off. Repaired damage is a warning; an error that
// stops the process is logged at error level right before it exits.
//
// Thread-safety: InitLogging() once at start-up, before other threads run; Logger() and the
// loggers themselves may be used from any thread afterwards.
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

#include "myetcd/common/options.h"
#include "myetcd/common/result.h"

namespace myetcd {

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name);

// Sends every logger's output to `sink` (stderr when null) at `level`.
Status InitLogging(std::string_view level, spdlog::sink_ptr sink = nullptr);

// The logger of one component, created on first use with the shared sink and level.
std::shared_ptr<spdlog::logger> Logger(std::string_view component);

// Declares --log-level on a program's options.
Status DeclareLoggingOptions(Options& options);

}  // namespace myetcd
