// MemFileSystem: see mem_file_system.h for the crash model. How it is built:
//
// Every mutating call checks its preconditions against the live Tree, then goes through
// Record(), which appends an FsOp to the trace and applies it with the same Apply() that
// crash enumeration uses to rebuild a durable state. So the live files and every enumerated
// state come from one definition of what an op does.
//
// Apply() is written so that any subset of the trace can be applied in order: ops name files
// by inode id, a write to an inode whose create was dropped still lands (on a file no name
// reaches, which Prune() then discards), a rename or remove only touches a name that still
// points at its inode. Prune() also drops entries whose directory did not survive.
#include "myetcd/common/mem_file_system.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <unordered_set>

namespace myetcd {

namespace {

constexpr uint64_t kTearGranularity = 512;

std::string Normalize(const std::string& path) {
  std::string out = std::filesystem::path(path).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out.empty() ? "." : out;
}

bool IsEntryOp(FsOp::Kind k) {
  return k == FsOp::Kind::kCreate || k == FsOp::Kind::kRename || k == FsOp::Kind::kRemove ||
         k == FsOp::Kind::kMkdir;
}

bool IsDataOp(FsOp::Kind k) { return k == FsOp::Kind::kWrite || k == FsOp::Kind::kTruncate; }

// The directories whose SyncDir an entry op needs.
std::vector<std::string> DirsOf(const FsOp& op) {
  std::vector<std::string> dirs{DirName(op.path)};
  if (op.kind == FsOp::Kind::kRename && DirName(op.to) != dirs[0]) dirs.push_back(DirName(op.to));
  return dirs;
}

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A deterministic draw in [0, bound): the same seed gives the same sample everywhere.
size_t Draw(std::mt19937_64& rng, size_t bound) { return static_cast<size_t>(rng() % bound); }

template <typename T>
void SeededShuffle(std::vector<T>* v, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[Draw(rng, i)]);
}

}  // namespace

std::string FsOp::ToString() const {
  const std::string ino_s = " (ino " + std::to_string(ino) + ")";
  switch (kind) {
    case Kind::kWrite:
      return "write ino " + std::to_string(ino) + " @" + std::to_string(offset) + " +" +
             std::to_string(data.size());
    case Kind::kTruncate:
      return "truncate ino " + std::to_string(ino) + " to " + std::to_string(offset);
    case Kind::kSync: return "sync ino " + std::to_string(ino);
    case Kind::kCreate: return "create " + path + ino_s;
    case Kind::kRename: return "rename " + path + " -> " + to + ino_s;
    case Kind::kRemove: return "remove " + path + ino_s;
    case Kind::kMkdir: return "mkdir " + path;
    case Kind::kSyncDir: return "syncdir " + path;
    case Kind::kMark: return "mark '" + data + "'";
  }
  return "?";
}

// ---- open files ----

class MemFileSystem::Writable final : public WritableFile {
 public:
  Writable(MemFileSystem* fs, uint64_t ino, std::string path)
      : fs_(fs), ino_(ino), path_(std::move(path)) {}
  ~Writable() override { (void)Close(); }

  Status Append(std::string_view data) override {
    std::lock_guard lock(fs_->mu_);
    if (closed_) return Status::InvalidArgument("append to closed file " + path_);
    std::string& bytes = fs_->live_.data[ino_];
    std::optional<size_t> tear = std::exchange(fs_->tear_next_, std::nullopt);
    std::string_view kept = tear ? data.substr(0, std::min(*tear, data.size())) : data;
    if (fs_->capacity_ != kUnlimited) {
      uint64_t used = 0;
      for (const auto& [ino, d] : fs_->live_.data) used += d.size();
      if (used + kept.size() > fs_->capacity_) {
        return Status::NoSpace("append " + path_ + ": file system full (injected)");
      }
    }
    if (!kept.empty()) {
      fs_->Record(FsOp{.kind = FsOp::Kind::kWrite,
                       .ino = ino_,
                       .offset = bytes.size(),
                       .data = std::string(kept)});
    }
    if (tear) return Status::IOError("append " + path_ + ": torn write (injected)");
    return Status::OK();
  }

  Status Sync() override {
    std::lock_guard lock(fs_->mu_);
    if (closed_) return Status::InvalidArgument("sync of closed file " + path_);
    if (fs_->fail_syncs_ > 0) {
      --fs_->fail_syncs_;
      return Status::IOError("fdatasync " + path_ + ": injected failure");
    }
    fs_->Record(FsOp{.kind = FsOp::Kind::kSync, .ino = ino_});
    return Status::OK();
  }

  Status Close() override {
    std::lock_guard lock(fs_->mu_);
    if (closed_) return Status::OK();
    closed_ = true;
    --fs_->open_[ino_];
    fs_->MaybeFree(ino_);
    return Status::OK();
  }

  uint64_t Size() const override {
    std::lock_guard lock(fs_->mu_);
    auto it = fs_->live_.data.find(ino_);
    return it == fs_->live_.data.end() ? 0 : it->second.size();
  }

 private:
  MemFileSystem* const fs_;
  const uint64_t ino_;
  const std::string path_;
  bool closed_ = false;
};

class MemFileSystem::Readable final : public ReadableFile {
 public:
  Readable(MemFileSystem* fs, uint64_t ino) : fs_(fs), ino_(ino) {}
  ~Readable() override {
    std::lock_guard lock(fs_->mu_);
    --fs_->open_[ino_];
    fs_->MaybeFree(ino_);
  }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    std::lock_guard lock(fs_->mu_);
    const std::string& bytes = fs_->live_.data[ino_];
    out->clear();
    if (offset < bytes.size()) out->assign(bytes, offset, n);
    return Status::OK();
  }

  Result<uint64_t> Size() const override {
    std::lock_guard lock(fs_->mu_);
    return static_cast<uint64_t>(fs_->live_.data[ino_].size());
  }

 private:
  MemFileSystem* const fs_;
  const uint64_t ino_;
};

class MemFileSystem::Lock final : public FileLock {
 public:
  Lock(MemFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  ~Lock() override {
    std::lock_guard lock(fs_->mu_);
    fs_->locked_.erase(path_);
  }

 private:
  MemFileSystem* const fs_;
  const std::string path_;
};

// ---- the live file system ----

MemFileSystem::MemFileSystem() = default;
MemFileSystem::~MemFileSystem() = default;

MemFileSystem::MemFileSystem(Tree durable) : base_(durable), live_(std::move(durable)) {
  for (const auto& [ino, bytes] : live_.data) next_ino_ = std::max(next_ino_, ino + 1);
}

bool MemFileSystem::IsDir(const std::string& path) const {
  if (path == "/" || path == ".") return true;
  auto it = live_.entries.find(path);
  return it != live_.entries.end() && it->second == kDir;
}

std::optional<uint64_t> MemFileSystem::FileIno(const std::string& path) const {
  auto it = live_.entries.find(path);
  if (it == live_.entries.end() || it->second == kDir) return std::nullopt;
  return it->second;
}

void MemFileSystem::Record(FsOp op) {
  Apply(op, CrashState::kWhole, &live_);
  trace_.push_back(std::move(op));
}

// Data no name reaches and no open file holds is gone, as on a disk; it stops counting
// against the capacity. (Crash states rebuild data from the trace, not from here.)
void MemFileSystem::MaybeFree(uint64_t ino) {
  if (open_[ino] > 0) return;
  open_.erase(ino);
  for (const auto& [path, i] : live_.entries) {
    if (i == ino) return;
  }
  live_.data.erase(ino);
}

Result<std::unique_ptr<WritableFile>> MemFileSystem::OpenWriter(const std::string& path,
                                                                bool truncate) {
  const std::string p = Normalize(path);
  std::lock_guard lock(mu_);
  if (IsDir(p)) return Status::IOError("open " + p + ": is a directory");
  std::optional<uint64_t> ino = FileIno(p);
  if (!ino) {
    if (!IsDir(DirName(p))) return Status::NotFound("open " + p + ": no such directory");
    ino = next_ino_++;
    Record(FsOp{.kind = FsOp::Kind::kCreate, .ino = *ino, .path = p});
  } else if (truncate) {
    Record(FsOp{.kind = FsOp::Kind::kTruncate, .ino = *ino, .offset = 0});
  }
  ++open_[*ino];
  return std::unique_ptr<WritableFile>(new Writable(this, *ino, p));
}

Result<std::unique_ptr<WritableFile>> MemFileSystem::NewWritableFile(const std::string& path) {
  return OpenWriter(path, /*truncate=*/true);
}

Result<std::unique_ptr<WritableFile>> MemFileSystem::NewAppendableFile(const std::string& path) {
  return OpenWriter(path, /*truncate=*/false);
}

Result<std::unique_ptr<ReadableFile>> MemFileSystem::NewReadableFile(const std::string& path) {
  const std::string p = Normalize(path);
  std::lock_guard lock(mu_);
  std::optional<uint64_t> ino = FileIno(p);
  if (!ino) return Status::NotFound("open " + p + ": no such file");
  ++open_[*ino];
  return std::unique_ptr<ReadableFile>(new Readable(this, *ino));
}

bool MemFileSystem::FileExists(const std::string& path) {
  const std::string p = Normalize(path);
  std::lock_guard lock(mu_);
  return IsDir(p) || FileIno(p).has_value();
}

Result<uint64_t> MemFileSystem::FileSize(const std::string& path) {
  const std::string p = Normalize(path);
  std::lock_guard lock(mu_);
  std::optional<uint64_t> ino = FileIno(p);
  if (!ino) return Status::NotFound("stat " + p + ": no such file");
  return static_cast<uint64_t>(live_.data[*ino].size());
}

Result<std::vector<std::string>> MemFileSystem::ListDir(const std::string& dir) {
  const std::string d = Normalize(dir);
  std::lock_guard lock(mu_);
  if (!IsDir(d)) return Status::NotFound("opendir " + d + ": no such directory");
  std::vector<std::string> names;
  for (const auto& [path, ino] : live_.entries) {
    if (DirName(path) == d) names.push_back(BaseName(path));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status MemFileSystem::CreateDir(const std::string& dir) {
  const std::string d = Normalize(dir);
  std::lock_guard lock(mu_);
  if (IsDir(d)) return Status::OK();
  if (FileIno(d)) return Status::AlreadyExists("mkdir " + d + ": a file has that name");
  if (!IsDir(DirName(d))) return Status::NotFound("mkdir " + d + ": no parent directory");
  Record(FsOp{.kind = FsOp::Kind::kMkdir, .path = d});
  return Status::OK();
}

Status MemFileSystem::RemoveFile(const std::string& path) {
  const std::string p = Normalize(path);
  std::lock_guard lock(mu_);
  if (IsDir(p)) return Status::IOError("unlink " + p + ": is a directory");
  std::optional<uint64_t> ino = FileIno(p);
  if (!ino) return Status::NotFound("unlink " + p + ": no such file");
  Record(FsOp{.kind = FsOp::Kind::kRemove, .ino = *ino, .path = p});
  MaybeFree(*ino);
  return Status::OK();
}

Status MemFileSystem::RenameFile(const std::string& from, const std::string& to) {
  const std::string a = Normalize(from);
  const std::string b = Normalize(to);
  std::lock_guard lock(mu_);
  if (IsDir(a)) {
    return Status::InvalidArgument("rename " + a + ": MemFileSystem renames files only");
  }
  std::optional<uint64_t> ino = FileIno(a);
  if (!ino) return Status::NotFound("rename " + a + ": no such file");
  if (IsDir(b)) return Status::IOError("rename " + a + " -> " + b + ": target is a directory");
  if (!IsDir(DirName(b))) return Status::NotFound("rename " + a + " -> " + b + ": no directory");
  if (a == b) return Status::OK();
  std::optional<uint64_t> replaced = FileIno(b);
  Record(FsOp{.kind = FsOp::Kind::kRename, .ino = *ino, .path = a, .to = b});
  if (replaced) MaybeFree(*replaced);
  return Status::OK();
}

Status MemFileSystem::Truncate(const std::string& path, uint64_t size) {
  const std::string p = Normalize(path);
  std::lock_guard lock(mu_);
  std::optional<uint64_t> ino = FileIno(p);
  if (!ino) return Status::NotFound("truncate " + p + ": no such file");
  // Durable on return, as ftruncate + fsync: the sync also covers earlier writes.
  Record(FsOp{.kind = FsOp::Kind::kTruncate, .ino = *ino, .offset = size});
  Record(FsOp{.kind = FsOp::Kind::kSync, .ino = *ino});
  return Status::OK();
}

Status MemFileSystem::SyncDir(const std::string& dir) {
  const std::string d = Normalize(dir);
  std::lock_guard lock(mu_);
  if (!IsDir(d)) return Status::NotFound("fsync dir " + d + ": no such directory");
  if (fail_dir_syncs_ > 0) {
    --fail_dir_syncs_;
    return Status::IOError("fsync dir " + d + ": injected failure");
  }
  Record(FsOp{.kind = FsOp::Kind::kSyncDir, .path = d});
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> MemFileSystem::LockFile(const std::string& path) {
  const std::string p = Normalize(path);
  std::lock_guard lock(mu_);
  if (IsDir(p)) return Status::IOError("lock " + p + ": is a directory");
  if (!FileIno(p)) {
    if (!IsDir(DirName(p))) return Status::NotFound("lock " + p + ": no such directory");
    Record(FsOp{.kind = FsOp::Kind::kCreate, .ino = next_ino_++, .path = p});
  }
  if (!locked_.insert(p).second) return Status::IOError("lock " + p + ": already held");
  return std::unique_ptr<FileLock>(new Lock(this, p));
}

// ---- fault injection and trace ----

void MemFileSystem::SetCapacity(uint64_t bytes) {
  std::lock_guard lock(mu_);
  capacity_ = bytes;
}

void MemFileSystem::FailNextSyncs(int n) {
  std::lock_guard lock(mu_);
  fail_syncs_ = n;
}

void MemFileSystem::FailNextDirSyncs(int n) {
  std::lock_guard lock(mu_);
  fail_dir_syncs_ = n;
}

void MemFileSystem::TearNextAppend(size_t keep) {
  std::lock_guard lock(mu_);
  tear_next_ = keep;
}

void MemFileSystem::Mark(std::string label) {
  std::lock_guard lock(mu_);
  trace_.push_back(FsOp{.kind = FsOp::Kind::kMark, .data = std::move(label)});
}

std::vector<FsOp> MemFileSystem::Trace() const {
  std::lock_guard lock(mu_);
  return trace_;
}

// ---- crash states ----

void MemFileSystem::Apply(const FsOp& op, uint64_t keep, Tree* tree) {
  switch (op.kind) {
    case FsOp::Kind::kWrite: {
      std::string& bytes = tree->data[op.ino];
      const size_t n = static_cast<size_t>(std::min<uint64_t>(keep, op.data.size()));
      if (bytes.size() < op.offset + n) bytes.resize(op.offset + n, '\0');
      bytes.replace(op.offset, n, op.data, 0, n);
      break;
    }
    case FsOp::Kind::kTruncate: tree->data[op.ino].resize(op.offset, '\0'); break;
    case FsOp::Kind::kCreate:
      tree->data.try_emplace(op.ino);
      tree->entries[op.path] = op.ino;
      break;
    case FsOp::Kind::kRename: {
      auto it = tree->entries.find(op.path);
      if (it != tree->entries.end() && it->second == op.ino) tree->entries.erase(it);
      tree->entries[op.to] = op.ino;
      break;
    }
    case FsOp::Kind::kRemove: {
      auto it = tree->entries.find(op.path);
      if (it != tree->entries.end() && it->second == op.ino) tree->entries.erase(it);
      break;
    }
    case FsOp::Kind::kMkdir: tree->entries[op.path] = kDir; break;
    case FsOp::Kind::kSync:
    case FsOp::Kind::kSyncDir:
    case FsOp::Kind::kMark: break;
  }
}

std::vector<size_t> MemFileSystem::CoveredAt(const std::vector<FsOp>& trace) {
  const size_t never = trace.size();
  std::vector<size_t> covered(trace.size(), never);
  std::map<uint64_t, size_t> next_sync;        // ino -> index of the next file sync
  std::map<std::string, size_t> next_dirsync;  // dir -> index of the next SyncDir
  for (size_t i = trace.size(); i-- > 0;) {
    const FsOp& op = trace[i];
    if (op.kind == FsOp::Kind::kSync) next_sync[op.ino] = i;
    if (op.kind == FsOp::Kind::kSyncDir) next_dirsync[op.path] = i;
    if (IsDataOp(op.kind)) {
      auto it = next_sync.find(op.ino);
      if (it != next_sync.end()) covered[i] = it->second;
    }
    if (IsEntryOp(op.kind)) {
      size_t at = 0;
      for (const std::string& dir : DirsOf(op)) {
        auto it = next_dirsync.find(dir);
        at = std::max(at, it == next_dirsync.end() ? never : it->second);
      }
      covered[i] = at;
    }
  }
  return covered;
}

void MemFileSystem::Prune(Tree* tree) {
  // Parents are shorter than their children, so one pass by length settles every entry.
  std::vector<std::string> paths;
  for (const auto& [path, ino] : tree->entries) paths.push_back(path);
  std::stable_sort(paths.begin(), paths.end(),
                   [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  for (const std::string& path : paths) {
    const std::string parent = DirName(path);
    auto it = tree->entries.find(parent);
    bool ok = parent == "/" || parent == "." || (it != tree->entries.end() && it->second == kDir);
    if (!ok) tree->entries.erase(path);
  }
  std::set<uint64_t> reached;
  for (const auto& [path, ino] : tree->entries) reached.insert(ino);
  std::erase_if(tree->data, [&](const auto& kv) { return !reached.contains(kv.first); });
}

namespace {

// One crash state, before it is built: where the power went, how many of the uncovered ops
// before that point survived, and how much of the last one if it is a torn write.
struct StateSpec {
  size_t crash_point;
  size_t kept;
  uint64_t torn_at;
};

}  // namespace

size_t MemFileSystem::ForEachCrashState(
    const CrashOptions& opts,
    const std::function<void(const CrashState&, MemFileSystem& recovered)>& fn) const {
  Tree base;
  std::vector<FsOp> trace;
  {
    std::lock_guard lock(mu_);
    base = base_;
    trace = trace_;
  }
  const std::vector<size_t> covered = CoveredAt(trace);

  std::vector<size_t> points = opts.crash_points;
  if (points.empty()) {
    for (size_t t = 0; t <= trace.size(); ++t) points.push_back(t);
  }
  std::erase_if(points, [&](size_t t) { return t > trace.size(); });
  if (opts.max_crash_points > 0 && points.size() > opts.max_crash_points) {
    SeededShuffle(&points, opts.seed);
    points.resize(opts.max_crash_points);
    std::sort(points.begin(), points.end());
  }

  auto uncovered_before = [&](size_t t) {
    std::vector<size_t> u;
    for (size_t i = 0; i < t; ++i) {
      if ((IsDataOp(trace[i].kind) || IsEntryOp(trace[i].kind)) && covered[i] >= t) u.push_back(i);
    }
    return u;
  };

  std::vector<StateSpec> specs;
  for (size_t t : points) {
    const std::vector<size_t> u = uncovered_before(t);
    for (size_t kept = 0; kept <= u.size(); ++kept) {
      specs.push_back({t, kept, CrashState::kWhole});
      if (!opts.torn_writes || kept == 0 || trace[u[kept - 1]].kind != FsOp::Kind::kWrite) continue;
      const FsOp& w = trace[u[kept - 1]];
      for (uint64_t k = kTearGranularity - w.offset % kTearGranularity; k < w.data.size();
           k += kTearGranularity) {
        specs.push_back({t, kept, k});
      }
    }
  }
  const bool sampled = opts.max_states > 0 && specs.size() > opts.max_states;
  if (sampled) SeededShuffle(&specs, opts.seed ^ 0x9e3779b97f4a7c15ull);

  std::unordered_set<uint64_t> seen;
  size_t delivered = 0;
  for (const StateSpec& spec : specs) {
    if (opts.max_states > 0 && delivered >= opts.max_states) break;
    const std::vector<size_t> u = uncovered_before(spec.crash_point);
    const std::set<size_t> kept(u.begin(), u.begin() + static_cast<ptrdiff_t>(spec.kept));
    const size_t last = spec.kept > 0 ? u[spec.kept - 1] : trace.size();
    Tree tree = base;
    CrashState state{
        .crash_point = spec.crash_point, .unsynced_kept = spec.kept, .torn_at = spec.torn_at};
    for (size_t i = 0; i < spec.crash_point; ++i) {
      const FsOp& op = trace[i];
      if (op.kind == FsOp::Kind::kMark) state.marks_before.push_back(op.data);
      if (covered[i] < spec.crash_point || kept.contains(i)) {
        Apply(op, i == last ? spec.torn_at : CrashState::kWhole, &tree);
      }
    }
    Prune(&tree);

    if (opts.skip_duplicates) {
      uint64_t h = Fnv1a(std::to_string(state.marks_before.size()));
      for (const auto& [path, ino] : tree.entries) {
        h = Fnv1a(std::to_string(path.size()) + ":" + path, h);
        h = Fnv1a(ino == kDir ? "D" : "F" + std::to_string(tree.data[ino].size()) + ":", h);
        if (ino != kDir) h = Fnv1a(tree.data[ino], h);
      }
      if (!seen.insert(h).second) continue;
    }

    state.description = "crash after " + std::to_string(spec.crash_point) + " of " +
                        std::to_string(trace.size()) + " ops";
    if (spec.crash_point > 0) {
      state.description += " (last: " + trace[spec.crash_point - 1].ToString() + ")";
    }
    state.description +=
        "; kept " + std::to_string(spec.kept) + " of " + std::to_string(u.size()) + " unsynced ops";
    if (spec.torn_at != CrashState::kWhole) {
      state.description += "; last kept write (" + trace[last].ToString() + ") torn after " +
                           std::to_string(spec.torn_at) + " bytes";
    }
    MemFileSystem recovered(std::move(tree));
    fn(state, recovered);
    ++delivered;
  }
  return delivered;
}

std::unique_ptr<MemFileSystem> MemFileSystem::CrashNow() const {
  std::lock_guard lock(mu_);
  const std::vector<size_t> covered = CoveredAt(trace_);
  Tree tree = base_;
  for (size_t i = 0; i < trace_.size(); ++i) {
    if (covered[i] < trace_.size()) Apply(trace_[i], CrashState::kWhole, &tree);
  }
  Prune(&tree);
  return std::unique_ptr<MemFileSystem>(new MemFileSystem(std::move(tree)));
}

// ---- directory-fsync audit ----

std::vector<std::string> MemFileSystem::AuditDirSyncs() const {
  std::vector<FsOp> trace = Trace();
  const std::vector<size_t> covered = CoveredAt(trace);
  std::vector<std::string> findings;
  for (size_t i = 0; i < trace.size(); ++i) {
    const FsOp& op = trace[i];
    if (!IsEntryOp(op.kind)) continue;
    size_t mark = i + 1;
    while (mark < trace.size() && trace[mark].kind != FsOp::Kind::kMark) ++mark;
    if (covered[i] < mark) continue;  // synced before the acknowledgement that needs it

    std::vector<std::string> dirs = DirsOf(op);
    std::string what;
    switch (op.kind) {
      case FsOp::Kind::kCreate: what = "create "; break;
      case FsOp::Kind::kRemove: what = "remove "; break;
      case FsOp::Kind::kMkdir: what = "mkdir "; break;
      default: what = "rename "; break;
    }
    if (op.kind == FsOp::Kind::kRename && dirs.size() == 1) {
      what += BaseName(op.path) + " -> " + BaseName(op.to) + " in " + dirs[0];
    } else if (op.kind == FsOp::Kind::kRename) {
      what += op.path + " -> " + op.to;
    } else {
      what += BaseName(op.path) + " in " + dirs[0];
    }
    // Name only the directories still missing their SyncDir at that point.
    std::string missing;
    for (const std::string& dir : dirs) {
      bool synced = false;
      for (size_t j = i + 1; j < mark && !synced; ++j) {
        synced = trace[j].kind == FsOp::Kind::kSyncDir && trace[j].path == dir;
      }
      if (synced) continue;
      missing += (missing.empty() ? "SyncDir(" : " and SyncDir(") + dir + ")";
    }
    const std::string before =
        mark < trace.size() ? "mark '" + trace[mark].data + "'" : "the end of the trace";
    findings.push_back(what + " not followed by " + missing + " before " + before + " (op " +
                       std::to_string(i) + ")");
  }
  return findings;
}

}  // namespace myetcd
