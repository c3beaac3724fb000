#pragma once

// Status and Result<T>: the error currency of every module API.
//
// A Status is a code plus a human-readable message. Codes follow Abseil's meanings; the
// message names *where* (file:line, source, column) and *why*. Nothing in Cairn throws across a
// module boundary: third-party exceptions are caught where the library is called and turned
// into a Status here.
//
// Codes and what they mean in Cairn:
//   kOk                  success.
//   kInvalidArgument     the caller's input is malformed: bad SQL, bad config, bad CSV row.
//   kNotFound            a named thing (source, table, column, file) does not exist.
//   kAlreadyExists       creating something whose name is taken.
//   kPermissionDenied    an identified caller may not do this (e.g. a write through a read-only
//                        session).
//   kUnauthenticated     the caller could not be identified (missing/unknown token).
//   kFailedPrecondition  the system is not in a state that allows the call.
//   kUnavailable         a source or service cannot be reached right now; retrying may help.
//   kResourceExhausted   a limit was hit: row cap, memory cap.
//   kDeadlineExceeded    a time cap was hit.
//   kDataLoss            stored state is corrupt.
//   kUnimplemented       not supported (yet).
//   kInternal            a bug: an invariant did not hold.

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cairn {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kUnavailable,
  kResourceExhausted,
  kDeadlineExceeded,
  kDataLoss,
  kUnimplemented,
  kInternal,
};

// "InvalidArgument", "NotFound", ... (the spelling used by SQL tests and JSON errors).
std::string_view StatusCodeName(StatusCode code);
// Inverse of StatusCodeName; returns false for an unknown name.
bool StatusCodeFromName(std::string_view name, StatusCode* code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "NotFound: no such source 'tos'".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }

#define CAIRN_DEFINE_ERROR(Name, Code)                                                 \
  template <typename... Args>                                                          \
  Status Name(fmt::format_string<Args...> format, Args&&... args) {                    \
    return Status(StatusCode::Code, fmt::format(format, std::forward<Args>(args)...)); \
  }

CAIRN_DEFINE_ERROR(InvalidArgumentError, kInvalidArgument)
CAIRN_DEFINE_ERROR(NotFoundError, kNotFound)
CAIRN_DEFINE_ERROR(AlreadyExistsError, kAlreadyExists)
CAIRN_DEFINE_ERROR(PermissionDeniedError, kPermissionDenied)
CAIRN_DEFINE_ERROR(UnauthenticatedError, kUnauthenticated)
CAIRN_DEFINE_ERROR(FailedPreconditionError, kFailedPrecondition)
CAIRN_DEFINE_ERROR(UnavailableError, kUnavailable)
CAIRN_DEFINE_ERROR(ResourceExhaustedError, kResourceExhausted)
CAIRN_DEFINE_ERROR(DeadlineExceededError, kDeadlineExceeded)
CAIRN_DEFINE_ERROR(DataLossError, kDataLoss)
CAIRN_DEFINE_ERROR(UnimplementedError, kUnimplemented)
CAIRN_DEFINE_ERROR(InternalError, kInternal)

#undef CAIRN_DEFINE_ERROR

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(data_).ok()) {
      data_ = Status(StatusCode::kInternal, "Result constructed from an OK Status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }

  // Precondition: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace cairn

#define CAIRN_CONCAT_INNER(a, b) a##b
#define CAIRN_CONCAT(a, b) CAIRN_CONCAT_INNER(a, b)

// Returns from the current function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::cairn::Status _cairn_status = (expr);        \
    if (!_cairn_status.ok()) return _cairn_status; \
  } while (0)

// ASSIGN_OR_RETURN(auto x, MakeX()); declares/assigns `lhs` or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CAIRN_CONCAT(_cairn_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
