#pragma once

// What the REST and MCP doors share: who the caller is (bearer token -> principal) and how a
// Status becomes an HTTP error with a stable code.

#include <string>
#include <string_view>

#include "core/status.h"
#include "server/http.h"
#include "service/api.h"

namespace cairn::server {

// The stable error code of a Status: "invalid_argument", "not_found", "permission_denied",
// "unauthenticated", "already_exists", "failed_precondition", "resource_exhausted",
// "deadline_exceeded", "unavailable", "data_loss", "unimplemented", "internal": the
// snake_case StatusCodeName().
std::string_view ErrorCode(StatusCode code);
// The HTTP status of a Status code (400, 404, 403, 401, 409, 409, 429, 504, 503, 500, 501, 500).
int HttpStatus(StatusCode code);
// HttpResponse::Error(HttpStatus(s), ErrorCode(s), s.message()); 401 responses carry
// WWW-Authenticate: Bearer.
HttpResponse ErrorResponse(const Status& status);

// The caller of an HTTP request: the principal of its bearer token, through `ingress`.
// Unauthenticated when the token is missing or refused (the message says which, never echoes
// the token).
Result<service::Caller> CallerOf(const HttpRequest& request, service::Api& api,
                                 std::string ingress);

}  // namespace cairn::server
