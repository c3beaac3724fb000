#include "server/rest.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "server/common.h"
#include "server/rest_routes.h"

namespace cairn::server {
namespace {

using rest::Json;
using rest::RestCall;
using rest::RestRoute;

constexpr std::string_view kApiPrefix = "/api/v1/";
constexpr std::string_view kOpenApiPath = "/openapi.json";
constexpr std::string_view kIngress = "rest";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one path segment ('+' stays '+': it means a space only in query strings).
Result<std::string> PercentDecode(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out.push_back(segment[i]);
      continue;
    }
    if (i + 2 >= segment.size()) {
      return InvalidArgumentError("malformed percent-encoding in the request path");
    }
    const int high = HexDigit(segment[i + 1]);
    const int low = HexDigit(segment[i + 2]);
    if (high < 0 || low < 0) {
      return InvalidArgumentError("malformed percent-encoding in the request path");
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// The request path as sent (still percent-encoded), without the query string.
std::string_view RawPath(const HttpRequest& request) {
  if (request.target.empty()) return request.path;
  std::string_view target = request.target;
  const size_t query = target.find_first_of("?#");
  return target.substr(0, query);
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `segments` fit `route`'s template; fills `literal_mask` (a bit per literal segment,
// most significant first, so that literals earlier in the path rank higher).
bool Fits(const RestRoute& route, const std::vector<std::string_view>& segments,
          uint64_t* literal_mask) {
  const std::vector<std::string_view> pattern = SplitPath(route.path);
  if (pattern.size() != segments.size()) return false;
  uint64_t mask = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    mask <<= 1;
    if (IsParam(pattern[i])) {
      if (segments[i].empty()) return false;
      continue;
    }
    if (pattern[i] != segments[i]) return false;
    mask |= 1;
  }
  *literal_mask = mask;
  return true;
}

// The media type of a Content-Type header, lower-cased, without parameters.
std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t')) {
    content_type.remove_prefix(1);
  }
  while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t')) {
    content_type.remove_suffix(1);
  }
  return AsciiLower(content_type);
}

HttpResponse JsonResponse(int status, const Json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

HttpResponse Dispatch(HttpRequest& request, service::Api& api, HttpResponse* shell) {
  const std::string_view raw_path = RawPath(request);
  const std::vector<std::string_view> segments = SplitPath(raw_path);

  // The most specific template that fits the path, and the routes sharing it.
  const RestRoute* best = nullptr;
  uint64_t best_mask = 0;
  for (const RestRoute& route : rest::Routes()) {
    uint64_t mask = 0;
    if (!Fits(route, segments, &mask)) continue;
    if (best == nullptr || mask > best_mask) {
      best = &route;
      best_mask = mask;
    }
  }
  if (best == nullptr) {
    return ErrorResponse(NotFoundError("no route {} {}", request.method, raw_path));
  }
  const RestRoute* route = nullptr;
  std::string allow;
  for (const RestRoute& candidate : rest::Routes()) {
    if (candidate.path != best->path) continue;
    if (candidate.method == request.method) route = &candidate;
    if (allow.find(candidate.method) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + candidate.method;
    }
  }
  shell->route = best->path;
  if (route == nullptr) {
    HttpResponse response = HttpResponse::Error(
        405, "method_not_allowed",
        fmt::format("{} is not allowed on {} (allowed: {})", request.method, best->path, allow));
    response.headers.emplace_back("Allow", allow);
    return response;
  }

  // Path parameters, percent-decoded segment by segment (a table name may hold '/' or ' ').
  std::map<std::string, std::string> path_params;
  const std::vector<std::string_view> pattern = SplitPath(route->path);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!IsParam(pattern[i])) continue;
    Result<std::string> decoded = PercentDecode(segments[i]);
    if (!decoded.ok()) return ErrorResponse(decoded.status());
    path_params.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)),
                        std::move(decoded).value());
  }

  if (route->access == rest::Access::kPublic) {
    return JsonResponse(200, RestApi::OpenApiDocument());
  }

  // The body: JSON object or nothing, for POST and DELETE alike.
  Json body = Json::object();
  if (request.method != "GET" && !request.body.empty()) {
    const std::string media = MediaType(request.Header("content-type"));
    if (media != "application/json") {
      return HttpResponse::Error(
          415, "unsupported_media_type",
          media.empty() ? "the request body needs Content-Type: application/json"
                        : fmt::format("the request body is {}, not application/json", media));
    }
    try {
      body = Json::parse(request.body);
    } catch (const Json::parse_error& error) {
      return HttpResponse::Error(
          400, "invalid_json",
          fmt::format("the request body is not valid JSON (UTF-8) at byte {}", error.byte));
    }
    if (!body.is_object()) {
      return HttpResponse::Error(400, "invalid_json", "the request body must be a JSON object");
    }
  }

  Result<service::Caller> caller = CallerOf(request, api, std::string(kIngress));
  if (!caller.ok()) return ErrorResponse(caller.status());
  shell->principal = caller->principal.id;

  static const Json kNoBody = {{"type", "object"}, {"additionalProperties", false}};
  if (Status valid =
          rest::ValidateBody(route->body_schema.is_null() ? kNoBody : route->body_schema, body);
      !valid.ok()) {
    return ErrorResponse(valid);
  }

  RestCall call{api, *caller, request, *route, std::move(path_params), std::move(body)};
  for (const rest::RestParam& param : route->params) {
    if (param.in == rest::ParamIn::kQuery && param.requirement == rest::Requirement::kRequired &&
        request.Param(param.name).empty()) {
      return ErrorResponse(
          InvalidArgumentError("missing required query parameter '{}'", param.name));
    }
    if (param.type == rest::ParamType::kInteger) {
      Result<int64_t> value = call.Integer(param.name, 0);
      if (!value.ok()) return ErrorResponse(value.status());
    }
    if (param.type == rest::ParamType::kBoolean) {
      Result<bool> value = call.Boolean(param.name, false);
      if (!value.ok()) return ErrorResponse(value.status());
    }
  }
  Result<Json> result = route->handler(call);
  if (!result.ok()) return ErrorResponse(result.status());
  return JsonResponse(route->success_status, *result);
}

}  // namespace

namespace rest {

const RestParam* RestRoute::Param(const std::string& name) const {
  for (const RestParam& param : params) {
    if (param.name == name) return &param;
  }
  return nullptr;
}

std::string RestCall::Text(const std::string& name) const {
  auto it = path.find(name);
  if (it != path.end()) return it->second;
  return request.Param(name);
}

Result<int64_t> RestCall::Integer(const std::string& name, int64_t fallback) const {
  const std::string text = Text(name);
  if (text.empty()) return fallback;
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return InvalidArgumentError("parameter '{}' must be a whole number, not '{}'", name,
                                text.size() > 40 ? text.substr(0, 40) + "..." : text);
  }
  if (const RestParam* param = route.Param(name); param != nullptr) {
    if (value < param->minimum || value > param->maximum) {
      if (param->maximum == std::numeric_limits<int64_t>::max()) {
        return InvalidArgumentError("parameter '{}' must be at least {}", name, param->minimum);
      }
      return InvalidArgumentError("parameter '{}' must be between {} and {}", name, param->minimum,
                                  param->maximum);
    }
  }
  return value;
}

Result<bool> RestCall::Boolean(const std::string& name, bool fallback) const {
  const std::string text = Text(name);
  if (text.empty()) return fallback;
  if (text == "true") return true;
  if (text == "false") return false;
  return InvalidArgumentError("parameter '{}' must be true or false, not '{}'", name,
                              text.size() > 40 ? text.substr(0, 40) + "..." : text);
}

namespace {

std::string FieldName(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

bool HasType(const Json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  if (type == "null") return value.is_null();
  return false;
}

Status Validate(const Json& schema, const Json& value, const std::string& where) {
  const std::string name = where.empty() ? "the request body" : "field '" + where + "'";
  if (schema.contains("type")) {
    const std::string type = schema["type"];
    if (!HasType(value, type)) {
      return InvalidArgumentError(
          "{} must be {} {}", name,
          type == "integer" || type == "array" || type == "object" ? "an" : "a", type);
    }
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const Json& allowed : schema["enum"]) found = found || allowed == value;
    if (!found) return InvalidArgumentError("{} must be one of {}", name, schema["enum"].dump());
  }
  if (value.is_string() && schema.contains("minLength") &&
      value.get_ref<const std::string&>().size() < schema["minLength"].get<size_t>()) {
    return InvalidArgumentError("{} must not be empty", name);
  }
  if (value.is_number_integer()) {
    const int64_t number = value.get<int64_t>();
    if (schema.contains("minimum") && number < schema["minimum"].get<int64_t>()) {
      return InvalidArgumentError("{} must be at least {}", name, schema["minimum"].dump());
    }
    if (schema.contains("maximum") && number > schema["maximum"].get<int64_t>()) {
      return InvalidArgumentError("{} must be at most {}", name, schema["maximum"].dump());
    }
  }
  if (value.is_array()) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<size_t>()) {
      return InvalidArgumentError("{} must have at least {} items", name,
                                  schema["minItems"].dump());
    }
    if (schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        RETURN_IF_ERROR(Validate(schema["items"], value[i],
                                 fmt::format("{}[{}]", where.empty() ? "" : where, i)));
      }
    }
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const Json& key : schema["required"]) {
        if (!value.contains(key.get<std::string>())) {
          return InvalidArgumentError("missing required field '{}'",
                                      FieldName(where, key.get<std::string>()));
        }
      }
    }
    const Json* properties = schema.contains("properties") ? &schema["properties"] : nullptr;
    for (const auto& [key, item] : value.items()) {
      if (properties != nullptr && properties->contains(key)) {
        RETURN_IF_ERROR(Validate((*properties)[key], item, FieldName(where, key)));
        continue;
      }
      const Json extra = schema.value("additionalProperties", Json(true));
      if (extra.is_boolean()) {
        if (!extra.get<bool>()) {
          return InvalidArgumentError("unknown field '{}'", FieldName(where, key));
        }
        continue;
      }
      RETURN_IF_ERROR(Validate(extra, item, FieldName(where, key)));
    }
  }
  return OkStatus();
}

}  // namespace

Status ValidateBody(const Json& schema, const Json& body) { return Validate(schema, body, ""); }

}  // namespace rest

HttpResponse RestApi::Handle(HttpRequest& request, service::Api& api) {
  HttpResponse shell;
  HttpResponse response = Dispatch(request, api, &shell);
  response.route = shell.route.empty() ? "(unknown)" : shell.route;
  response.principal = shell.principal;
  if (std::string_view(request.path).substr(0, kApiPrefix.size()) == kApiPrefix) {
    response.headers.emplace_back("Cache-Control", "no-store");
  } else if (request.path == kOpenApiPath) {
    response.headers.emplace_back("Cache-Control", "no-cache");
  }
  return response;
}

}  // namespace cairn::server
