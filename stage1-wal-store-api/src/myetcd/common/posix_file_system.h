// Internal to myetcd::common: the system-call loops under the POSIX file system, shared with
// power-cut mode (power_cut_file_system.cc), which writes through the same calls but decides
// itself *when* bytes reach the kernel. Not part of the FileSystem seam; other components use
// FileSystem& and never include this header.
//
// Every function retries EINTR and short transfers, and names `path` in the Status it
// returns, so an error log says which file failed. Thread-safety: the functions keep no
// state; concurrent calls on distinct fds are safe (pread/pwrite on one fd too).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "myetcd/common/result.h"
#include "myetcd/common/status.h"

namespace myetcd::posix {

// open(2) with O_CLOEXEC added, retrying EINTR. Returns the fd.
Result<int> Open(const std::string& path, int flags, int mode = 0644);

// Writes all of data at offset (pwrite loop).
Status WriteAt(int fd, uint64_t offset, std::string_view data, const std::string& path);

// Reads up to n bytes at offset into *out (replacing it); fewer only at end of file.
Status ReadAt(int fd, uint64_t offset, size_t n, std::string* out, const std::string& path);

// fdatasync(2): the file's data and the metadata needed to read it back (its size).
Status DataSync(int fd, const std::string& path);

// The file's size from fstat(2).
Result<uint64_t> FdSize(int fd, const std::string& path);

// close(2); EINTR is not retried (the fd is gone either way on Linux).
Status Close(int fd, const std::string& path);

}  // namespace myetcd::posix
