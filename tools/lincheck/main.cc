// myetcd-lincheck: checks recorded histories for linearizability (and, with revisions, the
// store-wide revision rules). Exit status: 0 linearizable, 1 violation, 2 unknown (a time
// budget ran out) or unreadable input -- a CI job must treat 2 as a failure too.
#include <cstdio>
#include <iostream>

#include "myetcd/common/options.h"
#include "tools/lincheck/checker.h"

int main(int argc, char** argv) {
  using namespace myetcd;
  Options options;
  Status s = options.Declare({.name = "budget",
                              .type = OptionType::kDuration,
                              .default_value = "10s",
                              .min = 1000000,
                              .help = "time allowed per key; running out is verdict unknown"});
  if (s.ok()) {
    s = options.Declare({.name = "revisions",
                         .type = OptionType::kBool,
                         .default_value = "true",
                         .help = "also check the store-wide revision rules"});
  }
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 2;
  }
  auto files = options.ParseArgs(argc, argv);
  if (!files.ok() || options.help_requested() || files->empty()) {
    if (!files.ok()) std::fprintf(stderr, "%s\n", files.status().message().c_str());
    std::cout << options.HelpText("myetcd-lincheck [flags] HISTORY...");
    return options.help_requested() ? 0 : 2;
  }
  lincheck::CheckOptions check;
  check.budget_per_key =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.GetDuration("budget"));
  int worst = 0;
  for (const std::string& file : *files) {
    auto history = lincheck::ReadHistoryFile(file);
    if (!history.ok()) {
      std::fprintf(stderr, "%s\n", history.status().ToString().c_str());
      worst = 2;
      continue;
    }
    auto report = lincheck::Check(*history, check);
    std::cout << file << ": " << lincheck::FormatReport(report);
    int code = report.verdict == lincheck::Verdict::kLinearizable ? 0
               : report.verdict == lincheck::Verdict::kViolation  ? 1
                                                                  : 2;
    if (options.GetBool("revisions")) {
      for (const auto& problem : lincheck::CheckRevisions(*history)) {
        std::cout << "  revision rule: " << problem << "\n";
        code = std::max(code, 1);
      }
    }
    worst = std::max(worst, code);
  }
  return worst;
}
