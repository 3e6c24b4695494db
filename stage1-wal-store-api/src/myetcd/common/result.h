// Result<T>: either a value or the Status saying why there is none (C++23's std::expected
// is not in g++ 12). Accessing value() of a failed Result is a programming error and aborts.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <variant>

#include "myetcd/common/status.h"

namespace myetcd {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit on purpose, like expected
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) Die("Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  // REQUIRES: ok()
  T& value() & { return Get(); }
  const T& value() const& { return const_cast<Result*>(this)->Get(); }
  T&& value() && { return std::move(Get()); }
  T* operator->() { return &Get(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Get(); }
  T& operator*() & { return Get(); }
  const T& operator*() const& { return const_cast<Result*>(this)->Get(); }

 private:
  T& Get() {
    if (!ok()) Die(std::get<Status>(v_).ToString().c_str());
    return std::get<T>(v_);
  }
  [[noreturn]] static void Die(const char* why) {
    std::fprintf(stderr, "Result: value() of a failed result: %s\n", why);
    std::abort();
  }

  std::variant<T, Status> v_;
};

}  // namespace myetcd

// Declares `lhs` from the value of a Result expression, or returns its Status.
#define MYETCD_ASSIGN_OR_RETURN(lhs, expr) \
  MYETCD_ASSIGN_OR_RETURN_IMPL_(MYETCD_CONCAT_(_myetcd_result_, __LINE__), lhs, expr)
#define MYETCD_CONCAT_(a, b) MYETCD_CONCAT_INNER_(a, b)
#define MYETCD_CONCAT_INNER_(a, b) a##b
#define MYETCD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
