// The OpenAPI 3.1 document of the REST door, built from the route table (rest_routes.cc) and the
// response shapes of service/api.h. Deterministic: the same bytes for every build and request.

#include <algorithm>
#include <cctype>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "server/rest.h"
#include "server/rest_routes.h"

namespace cairn::server {
namespace rest {
namespace {

constexpr const char* kApiVersion = "1.0.0";

Json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
Json ArrayOf(Json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
Json Type(const std::string& type) { return {{"type", type}}; }
Json Nullable(const std::string& type) { return {{"type", {type, "null"}}}; }
Json Strings() { return ArrayOf(Type("string")); }

// An object schema; `required` lists what service/api.h promises is always there. Further
// properties are allowed (responses may grow).
Json Object(Json properties, std::vector<std::string> required, std::string description = "") {
  Json schema = {{"type", "object"}};
  if (!description.empty()) schema["description"] = std::move(description);
  if (!required.empty()) schema["required"] = std::move(required);
  schema["properties"] = std::move(properties);
  return schema;
}

}  // namespace

Json ComponentSchemas() {
  Json s = Json::object();
  s["Error"] =
      Object({{"error", Object({{"code",
                                 {{"type", "string"},
                                  {"description",
                                   "Stable: invalid_argument, invalid_json, unauthenticated, "
                                   "permission_denied, not_found, method_not_allowed, "
                                   "already_exists, failed_precondition, payload_too_large, "
                                   "unsupported_media_type, rate_limited, resource_exhausted, "
                                   "unavailable, ..."}}},
                                {"message", Type("string")}},
                               {"code", "message"})}},
             {"error"}, "Every error: a stable code and a human-readable message");
  s["Source"] = Object(
      {{"name", Type("string")},
       {"kind", Type("string")},
       {"ok", Type("boolean")},
       {"tables",
        {{"type", {"integer", "null"}}, {"description", "null when the source cannot be listed"}}},
       {"location", {{"type", "string"}, {"description", "Administrators only"}}},
       {"error", Type("string")}},
      {"name", "kind", "ok"});
  s["SourceList"] = ArrayOf(Ref("Source"));
  s["TableSummary"] = Object({{"source", Type("string")},
                              {"table", Type("string")},
                              {"kind", Type("string")},
                              {"columns", Type("integer")},
                              {"rows_estimate", Nullable("integer")}},
                             {"source", "table"});
  s["TableList"] = ArrayOf(Ref("TableSummary"));
  s["Column"] = Object({{"name", Type("string")},
                        {"type", Type("string")},
                        {"source_type", Type("string")},
                        {"not_null", Type("boolean")},
                        {"primary_key", Type("boolean")},
                        {"description", Nullable("string")},
                        {"label", Type("string")}},
                       {"name"});
  s["TableDescription"] = Object({{"source", Type("string")},
                                  {"table", Type("string")},
                                  {"kind", Type("string")},
                                  {"description", Nullable("string")},
                                  {"label", Type("string")},
                                  {"rows_estimate", Nullable("integer")},
                                  {"columns", ArrayOf(Ref("Column"))}},
                                 {"source", "table", "columns"});
  s["SearchHit"] = Object({{"kind", Type("string")},
                           {"ref", Type("string")},
                           {"source", Nullable("string")},
                           {"table", Nullable("string")},
                           {"column", Nullable("string")},
                           {"detail", Nullable("string")},
                           {"description", Nullable("string")},
                           {"score", Type("number")}},
                          {"kind", "ref"});
  s["SearchResult"] = Object({{"query", Type("string")}, {"hits", ArrayOf(Ref("SearchHit"))}},
                             {"query", "hits"}, "Hits best first, only what the caller may see");
  s["JoinSide"] =
      Object({{"source", Type("string")}, {"table", Type("string")}, {"columns", Strings()}},
             {"source", "table", "columns"});
  s["Join"] = Object({{"id", Type("integer")},
                      {"from", Ref("JoinSide")},
                      {"to", Ref("JoinSide")},
                      {"kind",
                       {{"type", "string"},
                        {"enum", {"declared", "inferred", "confirmed", "rejected", "implied"}}}},
                      {"score", Type("number")},
                      {"evidence", Type("object")},
                      {"stated_by", Type("string")}},
                     {"id", "from", "to", "kind", "score"},
                     "`from` references `to` (the foreign key side first)");
  s["JoinList"] = Object({{"joins", ArrayOf(Ref("Join"))}}, {"joins"});
  s["JoinTreeTable"] =
      Object({{"source", Type("string")}, {"table", Type("string")}, {"alias", Type("string")}},
             {"source", "table"});
  s["JoinPlan"] = Object(
      {{"sql", Type("string")},
       {"tables", ArrayOf(Ref("JoinTreeTable"))},
       {"joins", ArrayOf(Ref("Join"))},
       {"cost", Type("number")},
       {"alternatives", ArrayOf(Object({{"sql", Type("string")},
                                        {"joins", ArrayOf(Ref("Join"))},
                                        {"cost", Type("number")},
                                        {"same_cost", Type("boolean")}},
                                       {"sql"}))},
       {"tied", Type("integer")},
       {"decided_by",
        {{"type", "string"},
         {"enum",
          {"cost", "named columns", "fixed columns", "recipes", "association table", "evidence",
           "order"}}}}},
      {"sql", "tables", "joins"},
      "The best join tree as SQL, with close alternatives. `tied`: how many alternatives cost "
      "the same; `decided_by`: what chose the best among them (\"order\": nothing did, the "
      "question must)");
  s["JoinGraph"] =
      Object({{"tables", ArrayOf(Object({{"source", Type("string")}, {"table", Type("string")}},
                                        {"source", "table"}))},
              {"joins", ArrayOf(Ref("Join"))}},
             {"tables", "joins"});
  s["Value"] = {
      {"description",
       "A cell: null, integer, real, text, a blob as {\"base64\": ...}, or an infinite or NaN "
       "real as {\"real\": \"inf\" | \"-inf\" | \"nan\"}"},
      {"oneOf",
       {Type("null"), Type("number"), Type("string"),
        Object({{"base64", Type("string")}}, {"base64"}),
        Object({{"real", {{"enum", {"inf", "-inf", "nan"}}}}}, {"real"})}}};
  s["QueryPage"] =
      Object({{"columns", Strings()},
              {"rows", ArrayOf(ArrayOf(Ref("Value")))},
              {"offset", Type("integer")},
              {"row_count", Type("integer")},
              {"has_more", {{"type", "boolean"}, {"description", "Whether rows follow this page"}}},
              {"next_cursor",
               {{"type", {"string", "null"}},
                {"description", "Pass as `cursor` for the next page; null on the last page"}}},
              {"truncated",
               {{"type", "boolean"}, {"description", "A byte or row cap cut this page short"}}},
              {"label", {{"type", "string"}, {"description", "The highest classification read"}}},
              {"rules", Strings()}},
             {"columns", "rows", "offset", "row_count", "next_cursor", "truncated"});
  const Json table_ref = Object(
      {{"source", Type("string")}, {"table", Type("string")}, {"fingerprint", Type("string")}},
      {"source", "table"});
  const Json column_ref =
      Object({{"source", Type("string")}, {"table", Type("string")}, {"column", Type("string")}},
             {"source", "table", "column"});
  s["Recipe"] = Object({{"id", Type("integer")},
                        {"question", Type("string")},
                        {"sql", Type("string")},
                        {"note", Type("string")},
                        {"freshness", Type("string")},
                        {"servable", Type("boolean")},
                        {"stale_reason", Type("string")},
                        {"tables", ArrayOf(table_ref)},
                        {"columns", ArrayOf(column_ref)},
                        {"provenance", Type("string")},
                        {"stated_by", Type("string")},
                        {"created_at", Type("string")},
                        {"reuse_count", Type("integer")},
                        {"last_used_at", Nullable("string")},
                        {"checked_at", Nullable("string")},
                        {"score", {{"type", "number"}, {"description", "In recall results"}}}},
                       {"id", "question", "sql"});
  s["RecipeList"] = Object({{"recipes", ArrayOf(Ref("Recipe"))}}, {"recipes"});
  s["RecallResult"] = Object({{"question", Type("string")}, {"recipes", ArrayOf(Ref("Recipe"))}},
                             {"question", "recipes"}, "Best first, checked for freshness");
  s["LedgerEntry"] = Object({{"seq", Type("integer")},
                             {"time", Type("string")},
                             {"principal", Type("string")},
                             {"action", Type("string")},
                             {"subject", Type("string")},
                             {"input_digest", Type("string")},
                             {"result_digest", Type("string")},
                             {"label", Type("string")},
                             {"decision", Type("string")},
                             {"ingress", Type("string")},
                             {"leaf_hash", Type("string")}},
                            {"seq", "principal", "action", "decision", "ingress", "leaf_hash"});
  s["LedgerEntries"] =
      Object({{"entries", ArrayOf(Ref("LedgerEntry"))}}, {"entries"}, "Oldest first");
  s["InclusionProof"] = Object({{"seq", Type("integer")},
                                {"tree_size", Type("integer")},
                                {"leaf_hash", Type("string")},
                                {"root_hash", Type("string")},
                                {"path", Strings()},
                                {"entry", Ref("LedgerEntry")}},
                               {"seq", "tree_size", "leaf_hash", "root_hash", "path"},
                               "RFC 6962 audit path, hex hashes");
  s["LedgerVerification"] = Object({{"ok", Type("boolean")},
                                    {"entries", Type("integer")},
                                    {"signed_heads", Type("integer")},
                                    {"size", Type("integer")},
                                    {"latest_signed_head", Nullable("object")},
                                    {"error", Type("string")}},
                                   {"ok"});
  s["Principal"] =
      Object({{"id", Type("string")},
              {"kind", Type("string")},
              {"roles", Strings()},
              {"attributes", {{"type", "object"}, {"additionalProperties", Type("string")}}},
              {"disabled", Type("boolean")},
              {"created_at", Type("string")}},
             {"id"});
  s["PrincipalList"] = Object({{"principals", ArrayOf(Ref("Principal"))}}, {"principals"});
  s["Token"] = Object({{"id", Type("string")},
                       {"principal", Type("string")},
                       {"created_at", Type("string")},
                       {"expires_at", Nullable("string")},
                       {"revoked", Type("boolean")},
                       {"state", {{"type", "string"}, {"enum", {"active", "expired", "revoked"}}}},
                       {"description", Type("string")}},
                      {"id"}, "A token without its secret");
  s["TokenList"] = Object({{"tokens", ArrayOf(Ref("Token"))}}, {"tokens"});
  s["IssuedToken"] =
      Object({{"id", Type("string")},
              {"principal", Type("string")},
              {"token", {{"type", "string"}, {"description", "The bearer token; shown only once"}}},
              {"created_at", Type("string")},
              {"expires_at", Nullable("string")}},
             {"id", "principal", "token"});
  s["OpenApiDocument"] =
      Object({{"openapi", Type("string")}, {"info", Type("object")}, {"paths", Type("object")}},
             {"openapi", "info", "paths"});
  AddWorkflowSchemas(&s);
  return s;
}

namespace {

struct ErrorResponseSpec {
  const char* status;
  const char* name;
  const char* description;
};

constexpr ErrorResponseSpec kErrorResponses[] = {
    {"400", "BadRequest", "Malformed parameter or body (invalid_argument, invalid_json)"},
    {"401", "Unauthenticated", "Missing, unknown, expired or revoked bearer token"},
    {"403", "PermissionDenied", "The caller may not do this"},
    {"404", "NotFound", "Unknown, or not visible to the caller (the same)"},
    {"409", "Conflict", "Already exists, or the state does not allow it"},
    {"413", "PayloadTooLarge", "The request body is larger than the server accepts"},
    {"415", "UnsupportedMediaType", "The request body is not application/json"},
    {"429", "RateLimited", "Too many requests; see Retry-After"},
    {"503", "Unavailable", "A source or the server is unavailable or overloaded; retry later"},
};

Json ErrorResponseObject(const char* description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
}

Json ParamSchema(const RestParam& param) {
  Json schema;
  switch (param.type) {
    case ParamType::kString:
      schema = {{"type", "string"}, {"minLength", 1}};
      break;
    case ParamType::kInteger:
      schema = {{"type", "integer"}};
      if (param.minimum != std::numeric_limits<int64_t>::min()) schema["minimum"] = param.minimum;
      if (param.maximum != std::numeric_limits<int64_t>::max()) schema["maximum"] = param.maximum;
      break;
    case ParamType::kStringList:
      schema = {{"type", "array"}, {"minItems", 2}, {"items", {{"type", "string"}}}};
      break;
    case ParamType::kBoolean:
      schema = {{"type", "boolean"}};
      break;
  }
  return schema;
}

Json Operation(const RestRoute& route) {
  Json op = {
      {"operationId", route.operation_id}, {"summary", route.summary}, {"tags", {route.tag}}};
  switch (route.access) {
    case Access::kPublic:
      op["security"] = Json::array();
      break;
    case Access::kAdministrators:
      op["description"] = "Administrators only (403 permission_denied otherwise).";
      break;
    case Access::kLedgerReaders:
      op["description"] =
          "Administrators and the policy's ledger_readers only (403 permission_denied "
          "otherwise).";
      break;
    case Access::kAnyPrincipal:
      op["description"] = "Any authenticated principal; results are filtered by its policy.";
      break;
  }
  if (!route.description.empty()) op["description"] = route.description;
  if (!route.params.empty()) {
    Json params = Json::array();
    for (const RestParam& param : route.params) {
      Json p = {{"name", param.name},
                {"in", param.in == ParamIn::kPath ? "path" : "query"},
                {"required", param.requirement == Requirement::kRequired},
                {"description", param.description},
                {"schema", ParamSchema(param)}};
      if (param.type == ParamType::kStringList) {
        p["style"] = "form";
        p["explode"] = false;
      }
      params.push_back(std::move(p));
    }
    op["parameters"] = std::move(params);
  }
  if (!route.body_schema.is_null()) {
    bool required = route.body_schema.contains("required");
    op["requestBody"] = {{"required", required},
                         {"content", {{"application/json", {{"schema", route.body_schema}}}}}};
  }
  Json responses = Json::object();
  responses[std::to_string(route.success_status)] = {
      {"description", route.success_status == 201 ? "Created" : "OK"},
      {"content", {{"application/json", {{"schema", Ref(route.response_schema)}}}}}};
  if (route.access != Access::kPublic) {
    const bool has_body = route.method != "GET";
    for (const ErrorResponseSpec& spec : kErrorResponses) {
      const std::string status = spec.status;
      if (!has_body && (status == "413" || status == "415")) continue;
      responses[status] = {{"$ref", std::string("#/components/responses/") + spec.name}};
    }
  }
  responses["default"] = {{"$ref", "#/components/responses/Error"}};
  op["responses"] = std::move(responses);
  return op;
}

Json BuildDocument() {
  Json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {
      {"title", "Cairn"},
      {"version", kApiVersion},
      {"summary", "An on-prem context engine for AI agents"},
      {"description",
       "The REST door of `cairn serve`. Every call acts as the principal of its bearer token "
       "through the same policy, masks, row filters and ledger as the CLI. Errors are "
       "{\"error\":{\"code\",\"message\"}} with a stable code."},
      {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprietary"}}}};
  doc["jsonSchemaDialect"] = "https://spec.openapis.org/oas/3.1/dialect/base";
  doc["servers"] = {{{"url", "/"}}};
  doc["security"] = {{{"bearer", Json::array()}}};
  doc["tags"] = {
      {{"name", "meta"}, {"description", "This document"}},
      {{"name", "catalog"}, {"description", "Sources, tables and columns"}},
      {{"name", "context"}, {"description", "Search, joins and join paths"}},
      {{"name", "query"}, {"description", "Read-only SQL through the caller's policy"}},
      {{"name", "recipes"}, {"description", "Remembered questions and their SQL"}},
      {{"name", "ledger"}, {"description", "The tamper-evident record of every action"}},
      {{"name", "admin"}, {"description", "Principals and tokens"}},
      {{"name", "workflows"},
       {"description", "Workflows and their cases: agents gather evidence, humans decide"}}};
  Json paths = Json::object();
  for (const RestRoute& route : Routes()) {
    paths[route.path][AsciiLower(route.method)] = Operation(route);
  }
  doc["paths"] = std::move(paths);
  Json responses = Json::object();
  for (const ErrorResponseSpec& spec : kErrorResponses) {
    responses[spec.name] = ErrorResponseObject(spec.description);
  }
  responses["Error"] = ErrorResponseObject("Any other error");
  doc["components"] = {
      {"securitySchemes",
       {{"bearer",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description",
           "A token from `cairn token issue` or POST /api/v1/principals/{id}/tokens"}}}}},
      {"schemas", ComponentSchemas()},
      {"responses", std::move(responses)}};
  return doc;
}

}  // namespace
}  // namespace rest

const nlohmann::ordered_json& RestApi::OpenApiDocument() {
  static const nlohmann::ordered_json kDocument = rest::BuildDocument();
  return kDocument;
}

}  // namespace cairn::server
