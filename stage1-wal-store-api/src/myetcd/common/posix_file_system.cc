// The real file system: a thin layer over open/pwrite/fdatasync/rename/fsync(dir).
//
// Why each call is the one it is:
//   * O_CLOEXEC on every open, so a server that spawns a helper never leaks a WAL fd into it
//     (the child would keep the file, and its flock, alive).
//   * Writes are pwrite loops at an offset this process tracks: a short write or EINTR is
//     retried, never silently dropped.
//   * WritableFile::Sync is fdatasync: WAL and snapshot files only need their data and size
//     durable, not their timestamps.
//   * SyncDir opens the directory O_DIRECTORY|O_RDONLY and fsyncs it; that is what makes a
//     created, renamed or removed entry survive a power cut.
//   * Truncate is ftruncate + fsync, so the cut is durable when the call returns (a torn WAL
//     tail that reappeared after a crash would be read as corruption).
//   * LockFile is flock(LOCK_EX|LOCK_NB): released by the kernel when the process dies, so a
//     kill -9 never leaves a stale lock behind.
#include "myetcd/common/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "myetcd/common/file_system.h"

namespace myetcd {
namespace posix {

Result<int> Open(const std::string& path, int flags, int mode) {
  while (true) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return fd;
    if (errno != EINTR) return Status::FromErrno("open " + path, errno);
  }
}

Status WriteAt(int fd, uint64_t offset, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

Status ReadAt(int fd, uint64_t offset, size_t n, std::string* out, const std::string& path) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, out->data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      out->clear();
      return Status::FromErrno("read " + path, errno);
    }
    if (r == 0) break;  // end of file
    got += static_cast<size_t>(r);
  }
  out->resize(got);
  return Status::OK();
}

Status DataSync(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) return Status::FromErrno("fdatasync " + path, errno);
  return Status::OK();
}

Result<uint64_t> FdSize(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::FromErrno("fstat " + path, errno);
  return static_cast<uint64_t>(st.st_size);
}

Status Close(int fd, const std::string& path) {
  if (::close(fd) != 0 && errno != EINTR) return Status::FromErrno("close " + path, errno);
  return Status::OK();
}

}  // namespace posix

namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) (void)posix::Close(fd_, path_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::InvalidArgument("append to closed file " + path_);
    MYETCD_RETURN_IF_ERROR(posix::WriteAt(fd_, size_, data, path_));
    size_ += data.size();
    return Status::OK();
  }
  Status Sync() override {
    if (fd_ < 0) return Status::InvalidArgument("sync of closed file " + path_);
    return posix::DataSync(fd_, path_);
  }
  Status Close() override {
    if (fd_ < 0) return Status::OK();
    int fd = fd_;
    fd_ = -1;
    return posix::Close(fd, path_);
  }
  uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  int fd_;
  uint64_t size_;  // where the next Append goes: appends are pwrites at our own offset
};

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixReadableFile() override { (void)posix::Close(fd_, path_); }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    return posix::ReadAt(fd_, offset, n, out, path_);
  }
  Result<uint64_t> Size() const override { return posix::FdSize(fd_, path_); }

 private:
  const std::string path_;
  const int fd_;
};

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  // Closing the fd drops the flock.
  ~PosixFileLock() override { (void)posix::Close(fd_, path_); }

 private:
  const std::string path_;
  const int fd_;
};

class PosixFs final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(path, O_WRONLY | O_CREAT | O_TRUNC));
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(path, O_WRONLY | O_CREAT));
    Result<uint64_t> size = posix::FdSize(fd, path);
    if (!size.ok()) {
      (void)posix::Close(fd, path);
      return size.status();
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd, *size));
  }

  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override {
    MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(path, O_RDONLY));
    return std::unique_ptr<ReadableFile>(new PosixReadableFile(path, fd));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Status::FromErrno("stat " + path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Status::FromErrno("opendir " + dir, errno);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name(e->d_name);
      if (name != "." && name != "..") names.emplace_back(name);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return Status::FromErrno("readdir " + dir, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) == 0) return Status::OK();
    int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::OK();
    }
    return Status::FromErrno("mkdir " + dir, err);
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return Status::FromErrno("unlink " + path, errno);
    return Status::OK();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return Status::FromErrno("rename " + from + " -> " + to, errno);
    }
    return Status::OK();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(path, O_WRONLY));
    Status s;
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      s = Status::FromErrno("ftruncate " + path, errno);
    } else if (::fsync(fd) != 0) {
      s = Status::FromErrno("fsync " + path, errno);
    }
    Status c = posix::Close(fd, path);
    return s.ok() ? c : s;
  }

  Status SyncDir(const std::string& dir) override {
    MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(dir, O_DIRECTORY | O_RDONLY));
    Status s;
    if (::fsync(fd) != 0) s = Status::FromErrno("fsync dir " + dir, errno);
    Status c = posix::Close(fd, dir);
    return s.ok() ? c : s;
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    MYETCD_ASSIGN_OR_RETURN(int fd, posix::Open(path, O_RDWR | O_CREAT));
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      int err = errno;
      (void)posix::Close(fd, path);
      if (err == EWOULDBLOCK) {
        return Status::IOError("lock " + path + ": held by another process or handle");
      }
      return Status::FromErrno("flock " + path, err);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(path, fd));
  }
};

}  // namespace

FileSystem* PosixFileSystem() {
  static PosixFs* fs = new PosixFs();  // never destroyed: used until the process exits
  return fs;
}

}  // namespace myetcd
