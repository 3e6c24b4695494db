// Options: the registry of every setting a program accepts. Each component declares its
// own options (name, type, default, range, help) next to its code, e.g.
//
//   void DeclareWalOptions(Options& o) {
//     o.Declare({.name = "wal-segment-size", .type = OptionType::kBytes,
//                .default_value = "64MiB", .min = 64 << 10, .max = 1ll << 30,
//                .help = "WAL segment size; a new segment is started past it"});
//   }
//
// and a program collects the declarations, parses its command line, and prints --help from
// the same table, so a flag, its range and its documentation can never disagree.
// Values are set from text; each Set() names its source ("default", "flag", later "file"
// and "env" in stage 3), and a bad value is an InvalidArgument that names the option, the
// value and the allowed range -- never a silent wrap or clamp.
//
// Thread-safety: declare and parse on one thread at start-up; afterwards the getters may be
// called from any thread (nothing changes any more).
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/result.h"
#include "myetcd/common/status.h"

namespace myetcd {

enum class OptionType {
  kInt,       // a decimal int64
  kBool,      // true/false (a bare --flag means true)
  kString,    // any text
  kEnum,      // one of `choices`
  kBytes,     // an int64 with an optional unit: B, KiB, MiB, GiB (also KB, MB, GB)
  kDuration,  // a number with a unit: ns, us, ms, s, m, h ("100ms", "5s")
};

struct OptionSpec {
  std::string name;  // the flag without dashes, lowercase with '-' ("data-dir")
  OptionType type = OptionType::kString;
  std::string default_value;  // text, parsed like user input
  // Inclusive range for kInt, kBytes (bytes) and kDuration (nanoseconds).
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::string> choices;  // kEnum
  std::string help;
  std::string component;  // groups --help output ("server", "wal", ...)
};

class Options {
 public:
  // Adds an option and parses its default. A duplicate name or a default that fails its
  // own range is an InvalidArgument (a programming error the program should report).
  Status Declare(OptionSpec spec);
  bool Has(std::string_view name) const;

  // Parses `text` for option `name` and stores it, recording `source`.
  Status Set(std::string_view name, std::string_view text, std::string_view source = "flag");

  // Parses --name=value, --name value, and a bare --name for booleans; "--" ends options.
  // --help/-h sets help_requested(). Returns the positional arguments.
  Result<std::vector<std::string>> ParseArgs(int argc, const char* const* argv);
  bool help_requested() const { return help_requested_; }

  // Typed getters. REQUIRES: the option was declared with a matching type (else abort).
  int64_t GetInt(std::string_view name) const;  // kInt and kBytes
  bool GetBool(std::string_view name) const;
  const std::string& GetString(std::string_view name) const;  // kString and kEnum
  std::chrono::nanoseconds GetDuration(std::string_view name) const;
  // Where the current value came from ("default", "flag", ...).
  const std::string& Source(std::string_view name) const;

  // "--help" text: options grouped by component, each with type, default, range and help.
  std::string HelpText(std::string_view usage) const;
  // The declared options in name order (for docs generation).
  std::vector<const OptionSpec*> Specs() const;

 private:
  struct Entry {
    OptionSpec spec;
    std::string text;  // the value as given
    int64_t number = 0;
    bool flag = false;
    std::string source;
  };
  const Entry& Find(std::string_view name, std::initializer_list<OptionType> types) const;

  std::map<std::string, Entry, std::less<>> entries_;
  bool help_requested_ = false;
};

// The parsers Options uses, exposed for tests and for other text inputs.
Result<int64_t> ParseInt64(std::string_view text);
Result<int64_t> ParseBytes(std::string_view text);
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);
Result<bool> ParseBool(std::string_view text);

}  // namespace myetcd
