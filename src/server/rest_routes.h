#pragma once

// The one table of REST routes (internal to the REST door): each route's method, path template,
// parameters and request-body schema drive both the dispatcher (rest.cc: matching, parameter
// parsing, body validation) and the OpenAPI document (rest_openapi.cc), so the document cannot
// drift from what the server accepts.

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/http.h"
#include "service/api.h"

namespace cairn::server::rest {

using Json = nlohmann::ordered_json;

struct RestRoute;

enum class ParamIn { kPath, kQuery };
enum class ParamType { kString, kInteger, kStringList, kBoolean };
enum class Requirement { kOptional, kRequired };

struct RestParam {
  std::string name;
  ParamIn in = ParamIn::kQuery;
  ParamType type = ParamType::kString;
  Requirement requirement = Requirement::kOptional;
  std::string description;
  // For integers: the inclusive bounds documented in the OpenAPI document and checked before
  // the call (InvalidArgument naming the parameter outside them).
  int64_t minimum = std::numeric_limits<int64_t>::min();
  int64_t maximum = std::numeric_limits<int64_t>::max();
};

// What a route handler gets: the caller (already authenticated), the percent-decoded path
// parameters, the request (query parameters) and the body (an object validated against the
// route's body schema; {} when the route has none or the body was empty).
struct RestCall {
  service::Api& api;
  const service::Caller& caller;
  const HttpRequest& request;
  const RestRoute& route;
  std::map<std::string, std::string> path;
  Json body;

  // A path or query parameter as text ("" when absent).
  std::string Text(const std::string& name) const;
  // An integer path or query parameter, `fallback` when absent. InvalidArgument naming the
  // parameter when it is not a whole number within the route's bounds.
  Result<int64_t> Integer(const std::string& name, int64_t fallback) const;
  // A boolean query parameter ("true" or "false"), `fallback` when absent. InvalidArgument
  // naming the parameter otherwise.
  Result<bool> Boolean(const std::string& name, bool fallback) const;
};

using RestHandler = Result<Json> (*)(RestCall& call);

enum class Access { kAnyPrincipal, kAdministrators, kLedgerReaders, kPublic };

struct RestRoute {
  std::string method;  // "GET", "POST", "DELETE"
  std::string path;    // template: "/api/v1/tables/{source}/{table}"
  std::string operation_id;
  std::string tag;
  std::string summary;
  std::vector<RestParam> params;
  Json body_schema;  // null: no request body; else a JSON Schema of an object
  int success_status = 200;
  std::string response_schema;  // a name under components.schemas
  Access access = Access::kAnyPrincipal;
  RestHandler handler = nullptr;
  // Who may call it, when the access class does not say enough (the OpenAPI description).
  std::string description;

  const RestParam* Param(const std::string& name) const;
};

// Every route, in document order. /openapi.json is the first.
const std::vector<RestRoute>& Routes();

// The components.schemas of the document (response shapes of service/api.h and Error).
Json ComponentSchemas();

// The workflow and case routes and their response schemas (rest_workflows.cc, over
// service/workflow_api.h), appended by Routes() and ComponentSchemas().
void AddWorkflowRoutes(std::vector<RestRoute>* routes);
void AddWorkflowSchemas(Json* schemas);

// Checks `body` (a JSON object) against `schema` as the dispatcher does: unknown fields,
// missing required fields and wrong types are InvalidArgument naming the field. Supports the
// subset of JSON Schema the route table uses (type, properties, required,
// additionalProperties, items, minimum, maximum, minLength).
Status ValidateBody(const Json& schema, const Json& body);

}  // namespace cairn::server::rest
