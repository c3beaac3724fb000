#pragma once

// The REST door: JSON routes under /api/v1/ over service::Api, described by the OpenAPI 3.1
// document served at /openapi.json. Every /api/v1/ route needs a bearer token (401
// unauthenticated otherwise); errors are {"error":{"code","message"}} with the stable codes of
// server/common.h.

#include <nlohmann/json.hpp>

#include "server/http.h"
#include "service/api.h"

namespace cairn::server {

class RestApi {
 public:
  // Handles /openapi.json and every path under /api/v1/ (404 not_found JSON for an unknown
  // route, 405 method_not_allowed for a known path with another method, 415
  // unsupported_media_type for a body that is not application/json, 400 invalid_json /
  // invalid_argument for a malformed body or parameter). Sets response.route and .principal.
  HttpResponse Handle(HttpRequest& request, service::Api& api);

  // The OpenAPI 3.1 document (the same for every request).
  static const nlohmann::ordered_json& OpenApiDocument();
};

}  // namespace cairn::server
