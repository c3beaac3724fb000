#include "core/status.h"

#include <array>

namespace cairn {
namespace {

struct CodeName {
  StatusCode code;
  std::string_view name;
};

constexpr std::array<CodeName, 13> kCodeNames = {{
    {StatusCode::kOk, "Ok"},
    {StatusCode::kInvalidArgument, "InvalidArgument"},
    {StatusCode::kNotFound, "NotFound"},
    {StatusCode::kAlreadyExists, "AlreadyExists"},
    {StatusCode::kPermissionDenied, "PermissionDenied"},
    {StatusCode::kUnauthenticated, "Unauthenticated"},
    {StatusCode::kFailedPrecondition, "FailedPrecondition"},
    {StatusCode::kUnavailable, "Unavailable"},
    {StatusCode::kResourceExhausted, "ResourceExhausted"},
    {StatusCode::kDeadlineExceeded, "DeadlineExceeded"},
    {StatusCode::kDataLoss, "DataLoss"},
    {StatusCode::kUnimplemented, "Unimplemented"},
    {StatusCode::kInternal, "Internal"},
}};

}  // namespace

std::string_view StatusCodeName(StatusCode code) {
  for (const auto& entry : kCodeNames) {
    if (entry.code == code) return entry.name;
  }
  return "Unknown";
}

bool StatusCodeFromName(std::string_view name, StatusCode* code) {
  for (const auto& entry : kCodeNames) {
    if (entry.name == name) {
      *code = entry.code;
      return true;
    }
  }
  return false;
}

std::string Status::ToString() const {
  if (ok()) return "Ok";
  return fmt::format("{}: {}", StatusCodeName(code_), message_);
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, fmt::format("{}: {}", context, message_));
}

}  // namespace cairn
