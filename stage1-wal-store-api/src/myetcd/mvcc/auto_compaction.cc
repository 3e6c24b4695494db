#include "myetcd/mvcc/auto_compaction.h"

#include <algorithm>

namespace myetcd::mvcc {

Status DeclareMvccOptions(Options& o) {
  MYETCD_RETURN_IF_ERROR(o.Declare({
      .name = "auto-compaction-mode",
      .type = OptionType::kEnum,
      .default_value = "periodic",
      .choices = {"periodic", "revision"},
      .help = "how auto-compaction-retention is read: 'periodic' keeps a duration of "
              "history, 'revision' keeps a number of revisions",
      .component = "mvcc",
  }));
  MYETCD_RETURN_IF_ERROR(o.Declare({
      .name = "auto-compaction-retention",
      .type = OptionType::kString,
      .default_value = "1h",
      .help = "history to keep: a duration ('30m', '72h'; a bare number is hours) in "
              "periodic mode, a number of revisions in revision mode; 0 turns automatic "
              "history compaction off",
      .component = "mvcc",
  }));
  return o.Declare({
      .name = "max-txn-ops",
      .type = OptionType::kInt,
      .default_value = "128",
      .min = 1,
      .max = 1 << 20,
      .help = "the most compares, and the most ops per branch, one txn may have",
      .component = "mvcc",
  });
}

Result<AutoCompactionConfig> ParseAutoCompaction(std::string_view mode,
                                                 std::string_view retention) {
  AutoCompactionConfig c;
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("--auto-compaction-retention=" + std::string(retention) + ": " +
                                   std::string(why));
  };
  if (mode == "periodic") {
    c.mode = AutoCompactionMode::kPeriodic;
    Result<int64_t> hours = ParseInt64(retention);
    if (hours.ok()) {
      if (*hours < 0 || *hours > 24 * 365 * 100) return bad("hours out of range [0, 876000]");
      c.retention_period = std::chrono::hours(*hours);
    } else {
      Result<Nanos> d = ParseDuration(retention);
      if (!d.ok()) return bad("not a duration ('30m', '72h') nor a number of hours");
      if (d->count() < 0) return bad("negative");
      c.retention_period = *d;
    }
  } else if (mode == "revision") {
    c.mode = AutoCompactionMode::kRevision;
    Result<int64_t> n = ParseInt64(retention);
    if (!n.ok() || *n < 0) return bad("not a number of revisions >= 0");
    c.retention_revisions = *n;
  } else {
    return Status::InvalidArgument("--auto-compaction-mode=" + std::string(mode) +
                                   ": expected periodic or revision");
  }
  return c;
}

Result<AutoCompactionConfig> AutoCompactionConfigFrom(const Options& o) {
  return ParseAutoCompaction(o.GetString("auto-compaction-mode"),
                             o.GetString("auto-compaction-retention"));
}

StoreOptions StoreOptionsFrom(const Options& o) {
  StoreOptions s;
  s.max_txn_ops = static_cast<int>(o.GetInt("max-txn-ops"));
  return s;
}

AutoCompactor::AutoCompactor(AutoCompactionConfig config, const Clock& clock)
    : config_(config), clock_(clock), start_(clock.Now()), last_run_(start_) {}

std::optional<int64_t> AutoCompactor::Poll(int64_t current, int64_t compacted) {
  if (!config_.enabled()) return std::nullopt;
  const Nanos now = clock_.Now();
  return config_.mode == AutoCompactionMode::kPeriodic ? PollPeriodic(now, current, compacted)
                                                       : PollRevision(now, current, compacted);
}

std::optional<int64_t> AutoCompactor::PollPeriodic(Nanos now, int64_t current, int64_t compacted) {
  const Nanos retention = config_.retention_period;
  const Nanos interval = std::min<Nanos>(retention, std::chrono::hours(1));
  if (samples_.empty() || now - samples_.back().at >= interval / 10) {
    samples_.push_back(Sample{now, current});
  }
  if (now - start_ < retention || now - last_run_ < interval) return std::nullopt;
  // The newest sample taken at least `retention` ago.
  const Nanos cutoff = now - retention;
  std::optional<int64_t> target;
  while (!samples_.empty() && samples_.front().at <= cutoff) {
    target = samples_.front().revision;
    if (samples_.size() == 1 || samples_[1].at > cutoff) break;
    samples_.pop_front();  // an older sample is never needed again
  }
  if (!target || *target <= compacted) return std::nullopt;
  last_run_ = now;
  return target;
}

std::optional<int64_t> AutoCompactor::PollRevision(Nanos now, int64_t current, int64_t compacted) {
  if (now - last_run_ < config_.revision_check_interval) return std::nullopt;
  last_run_ = now;
  const int64_t target = current - config_.retention_revisions;
  if (target <= 0 || target <= compacted) return std::nullopt;
  return target;
}

}  // namespace myetcd::mvcc
