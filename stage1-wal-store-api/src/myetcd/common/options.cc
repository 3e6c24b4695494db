#include "myetcd/common/options.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace myetcd {
namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "options: %s\n", why.c_str());
  std::abort();
}

std::string_view TypeName(OptionType t) {
  switch (t) {
    case OptionType::kInt: return "int";
    case OptionType::kBool: return "bool";
    case OptionType::kString: return "string";
    case OptionType::kEnum: return "enum";
    case OptionType::kBytes: return "bytes";
    case OptionType::kDuration: return "duration";
  }
  return "?";
}

// Multiplies with an overflow check; false when a * b does not fit an int64.
bool MulOverflows(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }

struct Unit {
  std::string_view suffix;
  int64_t factor;
};

// Splits "128MiB" into the number "128" and the unit "MiB".
std::pair<std::string_view, std::string_view> SplitUnit(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  return {text.substr(0, i), text.substr(i)};
}

Result<int64_t> ParseWithUnits(std::string_view text, const std::vector<Unit>& units,
                               bool unit_required, std::string_view what) {
  auto [number, suffix] = SplitUnit(text);
  auto n = ParseInt64(number);
  if (!n.ok())
    return Status::InvalidArgument("'" + std::string(text) + "' is not a " + std::string(what));
  if (suffix.empty() && unit_required) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' needs a unit (ns, us, ms, s, m, h)");
  }
  int64_t factor = 1;
  if (!suffix.empty()) {
    bool found = false;
    for (const auto& u : units) {
      if (u.suffix == suffix) {
        factor = u.factor;
        found = true;
      }
    }
    if (!found) {
      std::string names;
      for (const auto& u : units) names += (names.empty() ? "" : ", ") + std::string(u.suffix);
      return Status::InvalidArgument("'" + std::string(text) + "': unknown unit '" +
                                     std::string(suffix) + "' (one of " + names + ")");
    }
  }
  int64_t out;
  if (MulOverflows(*n, factor, &out)) {
    return Status::InvalidArgument("'" + std::string(text) + "' does not fit in 64 bits");
  }
  return out;
}

}  // namespace

Result<int64_t> ParseInt64(std::string_view text) {
  int64_t v = 0;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != text.data() + text.size()) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not an integer");
  }
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument("'" + std::string(text) + "' does not fit in 64 bits");
  }
  return v;
}

Result<int64_t> ParseBytes(std::string_view text) {
  static const std::vector<Unit> kUnits = {
      {"B", 1},     {"KiB", 1ll << 10}, {"MiB", 1ll << 20}, {"GiB", 1ll << 30},
      {"KB", 1000}, {"MB", 1000000},    {"GB", 1000000000},
  };
  return ParseWithUnits(text, kUnits, false, "size in bytes");
}

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  static const std::vector<Unit> kUnits = {
      {"ns", 1},
      {"us", 1000},
      {"ms", 1000000},
      {"s", 1000000000},
      {"m", 60ll * 1000000000},
      {"h", 3600ll * 1000000000},
  };
  auto n = ParseWithUnits(text, kUnits, true, "duration");
  if (!n.ok()) return n.status();
  return std::chrono::nanoseconds(*n);
}

Result<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  return Status::InvalidArgument("'" + std::string(text) + "' is not true or false");
}

Status Options::Declare(OptionSpec spec) {
  if (spec.name.empty()) return Status::InvalidArgument("an option has no name");
  if (entries_.count(spec.name)) {
    return Status::InvalidArgument("option --" + spec.name + " declared twice");
  }
  if (spec.type == OptionType::kEnum && spec.choices.empty()) {
    return Status::InvalidArgument("enum option --" + spec.name + " has no choices");
  }
  std::string name = spec.name;
  std::string def = spec.default_value;
  entries_.emplace(name, Entry{std::move(spec), "", 0, false, ""});
  Status s = Set(name, def, "default");
  if (!s.ok()) {
    entries_.erase(name);
    return s.WithContext("the default of --" + name);
  }
  return Status::OK();
}

bool Options::Has(std::string_view name) const { return entries_.find(name) != entries_.end(); }

Status Options::Set(std::string_view name, std::string_view text, std::string_view source) {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    return Status::InvalidArgument("unknown option --" + std::string(name));
  }
  Entry& e = it->second;
  const OptionSpec& spec = e.spec;
  auto fail = [&](const Status& s) {
    return Status::InvalidArgument("--" + spec.name + ": " + s.message());
  };
  int64_t number = 0;
  bool flag = false;
  switch (spec.type) {
    case OptionType::kString: break;
    case OptionType::kBool: {
      auto b = ParseBool(text);
      if (!b.ok()) return fail(b.status());
      flag = *b;
      break;
    }
    case OptionType::kEnum: {
      bool found = false;
      std::string names;
      for (const auto& c : spec.choices) {
        found |= (c == text);
        names += (names.empty() ? "" : ", ") + c;
      }
      if (!found) {
        return fail(Status::InvalidArgument("'" + std::string(text) + "' is not one of " + names));
      }
      break;
    }
    case OptionType::kInt:
    case OptionType::kBytes:
    case OptionType::kDuration: {
      Result<int64_t> n = spec.type == OptionType::kInt     ? ParseInt64(text)
                          : spec.type == OptionType::kBytes ? ParseBytes(text)
                                                            : Result<int64_t>(0);
      if (spec.type == OptionType::kDuration) {
        auto d = ParseDuration(text);
        n = d.ok() ? Result<int64_t>(d->count()) : Result<int64_t>(d.status());
      }
      if (!n.ok()) return fail(n.status());
      if (*n < spec.min || *n > spec.max) {
        std::ostringstream msg;
        msg << "'" << text << "' is out of range [" << spec.min << ", " << spec.max << "]";
        if (spec.type == OptionType::kDuration) msg << " nanoseconds";
        if (spec.type == OptionType::kBytes) msg << " bytes";
        return fail(Status::InvalidArgument(msg.str()));
      }
      number = *n;
      break;
    }
  }
  e.text = std::string(text);
  e.number = number;
  e.flag = flag;
  e.source = std::string(source);
  return Status::OK();
}

Result<std::vector<std::string>> Options::ParseArgs(int argc, const char* const* argv) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) positional.emplace_back(argv[i]);
      break;
    }
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      positional.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(2);
    std::string_view name = arg, value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      return Status::InvalidArgument("unknown option --" + std::string(name) + " (see --help)");
    }
    if (!has_value) {
      if (it->second.spec.type == OptionType::kBool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return Status::InvalidArgument("--" + std::string(name) + " needs a value");
      }
    }
    MYETCD_RETURN_IF_ERROR(Set(name, value, "flag"));
  }
  return positional;
}

const Options::Entry& Options::Find(std::string_view name,
                                    std::initializer_list<OptionType> types) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) Die("option --" + std::string(name) + " was never declared");
  for (OptionType t : types) {
    if (it->second.spec.type == t) return it->second;
  }
  Die("option --" + std::string(name) + " is a " + std::string(TypeName(it->second.spec.type)) +
      ", read with the wrong getter");
}

int64_t Options::GetInt(std::string_view name) const {
  return Find(name, {OptionType::kInt, OptionType::kBytes}).number;
}
bool Options::GetBool(std::string_view name) const { return Find(name, {OptionType::kBool}).flag; }
const std::string& Options::GetString(std::string_view name) const {
  return Find(name, {OptionType::kString, OptionType::kEnum}).text;
}
std::chrono::nanoseconds Options::GetDuration(std::string_view name) const {
  return std::chrono::nanoseconds(Find(name, {OptionType::kDuration}).number);
}
const std::string& Options::Source(std::string_view name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) Die("option --" + std::string(name) + " was never declared");
  return it->second.source;
}

std::vector<const OptionSpec*> Options::Specs() const {
  std::vector<const OptionSpec*> out;
  for (const auto& [name, e] : entries_) out.push_back(&e.spec);
  return out;
}

std::string Options::HelpText(std::string_view usage) const {
  std::map<std::string, std::vector<const Entry*>> by_component;
  for (const auto& [name, e] : entries_) by_component[e.spec.component].push_back(&e);
  std::ostringstream out;
  out << "Usage: " << usage << "\n";
  for (const auto& [component, entries] : by_component) {
    out << "\n" << (component.empty() ? "general" : component) << " options:\n";
    for (const Entry* e : entries) {
      const OptionSpec& s = e->spec;
      out << "  --" << s.name << " <" << TypeName(s.type) << ">";
      out << "  (default: " << (s.default_value.empty() ? "\"\"" : s.default_value) << ")\n";
      out << "      " << s.help << "\n";
      if (s.type == OptionType::kEnum) {
        out << "      one of:";
        for (const auto& c : s.choices) out << " " << c;
        out << "\n";
      } else if (s.min != std::numeric_limits<int64_t>::min() ||
                 s.max != std::numeric_limits<int64_t>::max()) {
        out << "      range: [" << s.min << ", " << s.max << "]"
            << (s.type == OptionType::kDuration ? " ns"
                : s.type == OptionType::kBytes  ? " bytes"
                                                : "")
            << "\n";
      }
    }
  }
  return out.str();
}

}  // namespace myetcd
