// Helpers shared by the WAL tests (and the snapshot and recovery crash tests): deterministic
// payloads, copying a directory out of and into a MemFileSystem, opening and collecting
// records, reading crash states' acknowledgements, the directory-fsync audit.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "myetcd/common/logging.h"
#include "myetcd/common/mem_file_system.h"
#include "myetcd/wal/wal.h"

namespace myetcd::wal::testing {

// The payload of record `index`: deterministic, so any test can say what it must be.
inline std::string Payload(uint64_t index, size_t size) {
  std::string s(size, '\0');
  uint64_t x = index * 0x9e3779b97f4a7c15ull + 1;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

// Every file under dir (names relative to dir), with its bytes.
inline std::map<std::string, std::string> ReadFiles(FileSystem& fs, const std::string& dir) {
  std::map<std::string, std::string> out;
  auto names = fs.ListDir(dir);
  REQUIRE(names.ok());
  for (const auto& n : *names) {
    auto bytes = fs.ReadFileToString(JoinPath(dir, n));
    if (bytes.ok()) out[n] = *bytes;
  }
  return out;
}

// A fresh in-memory file system holding `files` in /data/member/wal/.
inline std::unique_ptr<MemFileSystem> FsWithWal(const std::map<std::string, std::string>& files) {
  auto fs = std::make_unique<MemFileSystem>();
  for (const char* d : {"/data", "/data/member", "/data/member/wal"})
    REQUIRE(fs->CreateDir(d).ok());
  for (const auto& [name, bytes] : files) {
    auto f = fs->NewWritableFile(JoinPath("/data/member/wal", name));
    REQUIRE(f.ok());
    REQUIRE((*f)->Append(bytes).ok());
  }
  return fs;
}

struct Opened {
  Status status;
  std::unique_ptr<Wal> wal;
  std::vector<Record> records;
  WalOpenReport report;
};

inline Opened OpenWal(FileSystem& fs, const WalOptions& options = {},
                      const std::string& data_dir = "/data") {
  Opened o;
  auto wal = Wal::Open(
      fs, data_dir, options,
      [&](const Record& r) {
        o.records.push_back(r);
        return Status::OK();
      },
      &o.report);
  o.status = wal.status();
  if (wal.ok()) o.wal = std::move(wal).value();
  return o;
}

// The highest N of the test's Mark("ack N") labels before a crash state: every record (or
// command) up to N was acknowledged, so recovery must bring back at least that much.
inline uint64_t AckedBefore(const CrashState& s) {
  uint64_t acked = 0;
  for (const std::string& m : s.marks_before) {
    if (m.rfind("ack ", 0) == 0) acked = std::max<uint64_t>(acked, std::stoull(m.substr(4)));
  }
  return acked;
}

// TESTING.md T1d on a recorded trace: each finding is printed, and there must be none.
inline void CheckDirSyncAudit(const MemFileSystem& fs) {
  const auto findings = fs.AuditDirSyncs();
  for (const auto& f : findings) MESSAGE(f);
  CHECK(findings.empty());
}

// Turns one component's logger down for the scope, for failures a test causes on purpose.
class QuietLog {
 public:
  explicit QuietLog(std::string component)
      : component_(std::move(component)), level_(Logger(component_)->level()) {
    Logger(component_)->set_level(spdlog::level::off);
  }
  ~QuietLog() { Logger(component_)->set_level(level_); }

 private:
  const std::string component_;
  const spdlog::level::level_enum level_;
};

// The "wal" logger down for the scope: damage tests cut thousands of tails on purpose.
class QuietWalLog : public QuietLog {
 public:
  QuietWalLog() : QuietLog("wal") {}
};

}  // namespace myetcd::wal::testing
