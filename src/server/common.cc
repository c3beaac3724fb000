#include "server/common.h"

namespace cairn::server {

std::string_view ErrorCode(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kDataLoss:
      return "data_loss";
    case StatusCode::kUnimplemented:
      return "unimplemented";
    default:
      return "internal";
  }
}

int HttpStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kUnimplemented:
      return 501;
    default:
      return 500;
  }
}

HttpResponse ErrorResponse(const Status& status) {
  HttpResponse response =
      HttpResponse::Error(HttpStatus(status.code()), ErrorCode(status.code()), status.message());
  if (status.code() == StatusCode::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"cairn\"");
  }
  return response;
}

Result<service::Caller> CallerOf(const HttpRequest& request, service::Api& api,
                                 std::string ingress) {
  const std::string authorization = request.Header("authorization");
  if (authorization.empty()) {
    return UnauthenticatedError("missing Authorization: Bearer <token> header");
  }
  const std::string token = request.BearerToken();
  if (token.empty()) return UnauthenticatedError("the Authorization header is not a Bearer token");
  ASSIGN_OR_RETURN(engine::Principal principal, api.Authenticate(token));
  return service::Caller{std::move(principal), std::move(ingress)};
}

}  // namespace cairn::server
