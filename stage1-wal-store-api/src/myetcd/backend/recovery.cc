// Recovery: see recovery.h. The snapshot position's grammar:
//
//   position = "wal-index=" index
//   index    = "0" | nonzero-digit { digit }      ; decimal, at most 2^64 - 1
//
// The order of the checks is the point: the snapshot is loaded first (its position says
// which WAL records are already in the state), then the WAL is opened with a visitor that
// skips what the snapshot holds and applies the rest, refusing a hole at the very first
// record it would apply, before it could apply anything on top of a missing history.
#include "myetcd/backend/recovery.h"

#include <chrono>
#include <limits>

#include "myetcd/backend/local_backend.h"

namespace myetcd::backend {
namespace {

constexpr std::string_view kWalIndexPrefix = "wal-index=";

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

std::string EncodeWalPosition(uint64_t index) { return std::string(kWalIndexPrefix) + Num(index); }

Result<uint64_t> ParseWalPosition(std::string_view position) {
  auto bad = [&] {
    // The position is binary-safe in the file; show it quoted and cut, never raw.
    std::string shown;
    for (char c : position.substr(0, 40)) {
      shown += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : "?";
    }
    return Status::Corruption("snapshot position '" + shown +
                              "' is not \"wal-index=<n>\" (written by another stage?)");
  };
  if (position.substr(0, kWalIndexPrefix.size()) != kWalIndexPrefix) return bad();
  std::string_view digits = position.substr(kWalIndexPrefix.size());
  if (digits.empty() || digits.size() > 20 || (digits[0] == '0' && digits.size() > 1)) {
    return bad();
  }
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad();
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return bad();
    v = v * 10 + d;
  }
  return v;
}

Status RegisterKvSection(snap::SectionRegistry& registry, mvcc::MvccStore& store) {
  return registry.Register(
      "kv",
      [&store](std::string* out) {
        *out = store.EncodeSnapshotSection();
        return Status::OK();
      },
      [&store](std::string_view in) { return store.LoadSnapshotSection(in); });
}

Result<Recovered> Recover(const RecoveryConfig& config) {
  const auto started = std::chrono::steady_clock::now();
  Recovered out;
  RecoveryReport& report = out.report;
  auto revision = [&] { return config.store ? config.store->CurrentRevision() : 0; };

  auto loaded = config.snapshots->LoadNewest(&report.warnings);
  if (loaded.ok()) {
    auto index = ParseWalPosition(loaded->position);
    if (!index.ok()) return index.status().WithContext("recovery: " + loaded->path);
    report.snapshot_index = *index;
    report.from_snapshot = true;
    report.snapshot_seq = loaded->seq;
    report.snapshot_revision = revision();
  } else if (!loaded.status().IsNotFound()) {
    return loaded.status();
  }
  const uint64_t position = report.snapshot_index;

  auto gap = [&](uint64_t first) {
    if (!report.from_snapshot) {
      return Status::Corruption("recovery: there is no snapshot, but the WAL starts at index " +
                                Num(first) + ", not 1: records 1.." + Num(first - 1) +
                                " are missing");
    }
    return Status::Corruption("recovery: the snapshot holds the WAL up to index " + Num(position) +
                              ", but the WAL starts at index " + Num(first) + ": records " +
                              Num(position + 1) + ".." + Num(first - 1) + " are missing");
  };

  uint64_t applied = position;
  auto visit = [&](const wal::Record& record) -> Status {
    if (record.index <= position) {
      ++report.skipped;
      return Status::OK();
    }
    // The WAL itself guarantees consecutive indexes; only the first one can leave a hole.
    if (record.index != applied + 1) return gap(record.index);
    applied = record.index;
    if (record.type != kCommandRecord) return Status::OK();
    auto r = config.dispatcher->Apply(record.payload);
    ++report.replayed;
    // Only an unreadable command stops recovery; a command that failed live fails again
    // here, changing nothing.
    if (!r.ok() && r.status().IsCorruption()) {
      return r.status().WithContext("WAL record " + Num(record.index));
    }
    return Status::OK();
  };
  wal::WalOpenReport wal_report;
  MYETCD_ASSIGN_OR_RETURN(
      out.wal, wal::Wal::Open(*config.fs, config.data_dir, config.wal, visit, &wal_report));
  for (std::string& w : wal_report.warnings) report.warnings.push_back(std::move(w));
  report.wal_first_index = wal_report.first_index;

  // An empty or fully skipped WAL never reached the visitor's check.
  if (wal_report.first_index > position + 1) return gap(wal_report.first_index);
  if (wal_report.last_index < position) {
    return Status::Corruption("recovery: the snapshot holds the WAL up to index " + Num(position) +
                              ", but the WAL ends at index " + Num(wal_report.last_index) +
                              " (was the WAL removed or cut?)");
  }
  report.last_index = applied;
  report.revision = revision();
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace myetcd::backend
