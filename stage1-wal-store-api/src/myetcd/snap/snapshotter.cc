// Snapshotter: see snapshotter.h. The order of the durability steps is the whole point:
//
//   save   write <seq>.snap.tmp -> Sync -> Close -> rename to <seq>.snap -> SyncDir(snap)
//          -> (now durable: return) ... then delete snapshots beyond `keep` -> SyncDir(snap)
//   load   newest first: read, verify every checksum, then hand sections to loaders;
//          a file that does not verify is skipped with a warning
#include "myetcd/snap/snapshotter.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "myetcd/common/canary.h"
#include "myetcd/common/logging.h"
#include "myetcd/snap/snapshot_format.h"

namespace myetcd::snap {
namespace {

constexpr std::string_view kSuffix = ".snap";
constexpr std::string_view kTmpSuffix = ".snap.tmp";

std::string SnapName(uint64_t seq) { return fmt::format("{:016x}.snap", seq); }

// The seq of "<016x>.snap" (or of "<016x>.snap.tmp" when tmp), else nullopt.
std::optional<uint64_t> ParseName(std::string_view name, bool tmp) {
  const std::string_view suffix = tmp ? kTmpSuffix : kSuffix;
  if (name.size() != 16 + suffix.size() || name.substr(16) != suffix) return std::nullopt;
  uint64_t v = 0;
  for (char c : name.substr(0, 16)) {
    if (c >= '0' && c <= '9') {
      v = (v << 4) | static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = (v << 4) | static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
  }
  return v;
}

}  // namespace

Status DeclareSnapshotOptions(Options& options) {
  return options.Declare({.name = "snapshot-keep",
                          .type = OptionType::kInt,
                          .default_value = "2",
                          .min = 1,
                          .max = 1000,
                          .help = "snapshots kept on disk; older ones are deleted after a save",
                          .component = "snapshot"});
}

SnapshotterOptions SnapshotterOptionsFrom(const Options& options) {
  return SnapshotterOptions{.keep = static_cast<size_t>(options.GetInt("snapshot-keep"))};
}

Snapshotter::Snapshotter(FileSystem& fs, std::string data_dir, const SectionRegistry& registry,
                         SnapshotterOptions options)
    : fs_(fs),
      data_dir_(std::move(data_dir)),
      dir_(JoinPath(JoinPath(data_dir_, "member"), "snap")),
      registry_(registry),
      options_(options),
      saves_((options.metrics ? *options.metrics : NoopMetrics())
                 .GetCounter("myetcd_snapshot_saves_total", "snapshots saved")),
      bytes_((options.metrics ? *options.metrics : NoopMetrics())
                 .GetCounter("myetcd_snapshot_bytes_total", "snapshot bytes written")),
      skipped_((options.metrics ? *options.metrics : NoopMetrics())
                   .GetCounter("myetcd_snapshot_damaged_skipped_total",
                               "damaged snapshots skipped at load")) {}

Status Snapshotter::EnsureDirs() {
  const std::string member = JoinPath(data_dir_, "member");
  for (const std::string& d : {data_dir_, member, dir_}) {
    if (fs_.FileExists(d)) continue;
    MYETCD_RETURN_IF_ERROR(fs_.CreateDir(d));
    MYETCD_RETURN_IF_ERROR(fs_.SyncDir(DirName(d)));
  }
  return Status::OK();
}

Result<std::vector<SnapshotInfo>> Snapshotter::List() {
  std::vector<SnapshotInfo> out;
  if (!fs_.FileExists(dir_)) return out;
  MYETCD_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(dir_));
  for (const std::string& n : names) {
    if (auto seq = ParseName(n, /*tmp=*/false)) {
      out.push_back(SnapshotInfo{.seq = *seq, .path = JoinPath(dir_, n)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const SnapshotInfo& a, const SnapshotInfo& b) { return a.seq < b.seq; });
  return out;
}

Result<SnapshotInfo> Snapshotter::Save(std::string_view position) {
  MYETCD_RETURN_IF_ERROR(EnsureDirs());
  // The next seq: above every snapshot and temp file, so a name is never reused.
  MYETCD_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(dir_));
  uint64_t seq = 1;
  for (const std::string& n : names) {
    auto s = ParseName(n, false);
    if (!s) s = ParseName(n, true);
    if (s) seq = std::max(seq, *s + 1);
  }
  const std::string path = JoinPath(dir_, SnapName(seq));
  const std::string tmp = path + ".tmp";

  uint64_t written = 0;
  Status s = [&]() -> Status {
    MYETCD_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fs_.NewWritableFile(tmp));
    const Sink sink = [&](std::string_view bytes) {
      written += bytes.size();
      return file->Append(bytes);
    };
    MYETCD_RETURN_IF_ERROR(
        EncodeHeader(position, static_cast<uint32_t>(registry_.entries().size()), sink));
    std::string data;
    for (const SectionRegistry::Entry& e : registry_.entries()) {
      data.clear();
      Status w = e.writer(&data);
      if (!w.ok()) return w.WithContext("snapshot: section '" + e.name + "'");
      MYETCD_RETURN_IF_ERROR(EncodeSection(e.name, data, sink));
    }
    MYETCD_RETURN_IF_ERROR(EncodeFooter(sink));
    MYETCD_RETURN_IF_ERROR(file->Sync());
    MYETCD_RETURN_IF_ERROR(file->Close());
    MYETCD_RETURN_IF_ERROR(fs_.RenameFile(tmp, path));
    if (CanaryEnabled("NO_DIR_FSYNC")) return Status::OK();
    return fs_.SyncDir(dir_);
  }();
  if (!s.ok()) {
    if (fs_.FileExists(tmp)) (void)fs_.RemoveFile(tmp);
    return s.WithContext("snapshot: save " + path);
  }
  saves_.Inc();
  bytes_.Inc(static_cast<double>(written));
  // Durable from here on. Old snapshots go only now.
  MYETCD_RETURN_IF_ERROR(RemoveOld());
  return SnapshotInfo{
      .seq = seq, .path = path, .position = std::string(position), .bytes = written};
}

Status Snapshotter::RemoveOld() {
  MYETCD_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> all, List());
  const size_t keep = std::max<size_t>(1, options_.keep);
  if (all.size() <= keep) return Status::OK();
  for (size_t i = 0; i + keep < all.size(); ++i)
    MYETCD_RETURN_IF_ERROR(fs_.RemoveFile(all[i].path));
  if (CanaryEnabled("NO_DIR_FSYNC")) return Status::OK();
  return fs_.SyncDir(dir_);
}

Result<SnapshotInfo> Snapshotter::LoadNewest(std::vector<std::string>* warnings) {
  auto log = Logger("snap");
  if (!fs_.FileExists(dir_)) return Status::NotFound("snapshot: no snapshot directory " + dir_);
  // Temp files are saves that never finished: they were never durable, so nothing needs them.
  MYETCD_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(dir_));
  bool removed = false;
  for (const std::string& n : names) {
    if (ParseName(n, /*tmp=*/true)) {
      MYETCD_RETURN_IF_ERROR(fs_.RemoveFile(JoinPath(dir_, n)));
      removed = true;
    }
  }
  if (removed) MYETCD_RETURN_IF_ERROR(fs_.SyncDir(dir_));

  MYETCD_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> all, List());
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    auto bytes = fs_.ReadFileToString(it->path);
    Result<SnapshotView> view =
        bytes.ok() ? DecodeSnapshot(*bytes) : Result<SnapshotView>(bytes.status());
    if (!view.ok()) {
      const std::string w = "snapshot: skipping damaged " + it->path + ": " +
                            view.status().ToString() + "; trying an older one";
      log->warn("{}", w);
      if (warnings) warnings->push_back(w);
      skipped_.Inc();
      continue;
    }
    for (const SectionView& section : view->sections) {
      if (!registry_.Find(section.name)) {
        return Status::InvalidArgument("snapshot: " + it->path + " has a section '" +
                                       std::string(section.name) +
                                       "' that no loader is registered for (written by a later "
                                       "stage?); refusing to drop it");
      }
    }
    for (const SectionView& section : view->sections) {
      Status s = registry_.Find(section.name)->loader(section.data);
      if (!s.ok())
        return s.WithContext("snapshot: " + it->path + ": section '" + std::string(section.name) +
                             "'");
    }
    it->position = std::string(view->position);
    it->bytes = bytes->size();
    return *it;
  }
  return Status::NotFound("snapshot: no valid snapshot in " + dir_);
}

}  // namespace myetcd::snap
