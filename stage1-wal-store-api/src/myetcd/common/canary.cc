#include "myetcd/common/canary.h"

#if defined(MYETCD_CANARIES)
#include <cstdlib>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

namespace myetcd {
namespace {

std::vector<std::string> ParseCanaries() {
  std::vector<std::string> names;
  const char* env = std::getenv("MYETCD_CANARY");
  if (env == nullptr) return names;
  std::string_view rest = env;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view name = rest.substr(0, comma);
    if (!name.empty()) {
      names.emplace_back(name);
      spdlog::warn("canary {} is ON: a known bug is planted in this process", names.back());
    }
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return names;
}

}  // namespace

bool CanaryEnabled(std::string_view name) {
  static const std::vector<std::string> enabled = ParseCanaries();
  for (const auto& n : enabled) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace myetcd
#endif
