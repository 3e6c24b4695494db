#include "myetcd/common/logging.h"

#include <mutex>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>

namespace myetcd {
namespace {

struct LogState {
  std::mutex mu;
  spdlog::sink_ptr sink;
  spdlog::level::level_enum level = spdlog::level::info;
};

LogState& State() {
  static auto* state = new LogState();
  return *state;
}

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v";

}  // namespace

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off},
  };
  for (const auto& [n, l] : kLevels) {
    if (n == name) return l;
  }
  return Status::InvalidArgument("log level '" + std::string(name) +
                                 "' is not one of trace, debug, info, warn, error, off");
}

Status InitLogging(std::string_view level, spdlog::sink_ptr sink) {
  auto parsed = ParseLogLevel(level);
  if (!parsed.ok()) return parsed.status();
  LogState& st = State();
  std::lock_guard lock(st.mu);
  st.sink = sink ? sink : std::make_shared<spdlog::sinks::stderr_sink_mt>();
  st.sink->set_pattern(kPattern);
  st.level = *parsed;
  // Loggers made before (including spdlog's default) follow the new sink and level.
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
    l->sinks().assign(1, st.sink);
    l->set_level(st.level);
  });
  auto def = spdlog::default_logger();
  def->sinks().assign(1, st.sink);
  def->set_level(st.level);
  return Status::OK();
}

std::shared_ptr<spdlog::logger> Logger(std::string_view component) {
  LogState& st = State();
  std::lock_guard lock(st.mu);
  std::string name(component);
  if (auto existing = spdlog::get(name)) return existing;
  if (!st.sink) {
    st.sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    st.sink->set_pattern(kPattern);
  }
  auto logger = std::make_shared<spdlog::logger>(name, st.sink);
  logger->set_level(st.level);
  spdlog::register_logger(logger);
  return logger;
}

Status DeclareLoggingOptions(Options& options) {
  return options.Declare({.name = "log-level",
                          .type = OptionType::kEnum,
                          .default_value = "info",
                          .choices = {"trace", "debug", "info", "warn", "error", "off"},
                          .help = "the lowest level of log lines written to stderr",
                          .component = "logging"});
}

}  // namespace myetcd
