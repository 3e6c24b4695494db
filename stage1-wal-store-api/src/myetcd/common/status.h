// Status: the outcome of an operation that can fail in an expected way (I/O error, bad
// input, not found, corruption). Expected failures are values, not exceptions; a broken
// invariant is not a Status but a crash with a message (see MYETCD_CHECK in check.h).
//
// A Status is cheap to copy when OK (no allocation) and carries a code plus a human
// message otherwise. Thread-safety: a Status is a value; distinct objects may be used from
// different threads freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace myetcd {

class Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,
    kCorruption,       // stored bytes fail a checksum or a grammar
    kInvalidArgument,  // the caller's input is wrong; the message names the field
    kIOError,          // the operating system said no (the message carries errno text)
    kNoSpace,          // ENOSPC or a configured quota
    kNotImplemented,   // also the stub of a lab that was not done yet
    kAborted,          // gave up on purpose (shutdown, a poisoned log)
    kBusy,             // try again later (a full queue)
    kOutOfRange,       // a position beyond what exists (a future revision, a read past EOF)
    kAlreadyExists,
  };

  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  // An I/O error from errno: "<context>: <strerror(err)>"; ENOSPC and EDQUOT become kNoSpace.
  static Status FromErrno(std::string_view context, int err);
  static Status NoSpace(std::string_view msg) { return Status(Code::kNoSpace, msg); }
  static Status NotImplemented(std::string_view msg) { return Status(Code::kNotImplemented, msg); }
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status OutOfRange(std::string_view msg) { return Status(Code::kOutOfRange, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsIOError() const { return code() == Code::kIOError; }
  bool IsNoSpace() const { return code() == Code::kNoSpace; }
  bool IsNotImplemented() const { return code() == Code::kNotImplemented; }

  // The message alone, without the code name ("" when OK).
  const std::string& message() const;
  // "OK" or "<CodeName>: <message>", for logs and error responses.
  std::string ToString() const;
  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct State {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view msg)
      : state_(std::make_shared<const State>(State{code, std::string(msg)})) {}

  std::shared_ptr<const State> state_;  // null means OK; shared because it never changes
};

std::string_view CodeName(Status::Code code);

}  // namespace myetcd

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define MYETCD_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::myetcd::Status _myetcd_status = (expr);        \
    if (!_myetcd_status.ok()) return _myetcd_status; \
  } while (0)
