// MCP over Streamable HTTP (POST JSON in, JSON out; no SSE), with sessions bound to the
// principal that opened them.
//
// Order of checks on /mcp: Origin (403), bearer token (401), method (GET and others 405,
// DELETE ends a session), MCP-Protocol-Version (400), Content-Type (415), Accept (406), the
// JSON body (400 with -32700 / -32600), the session (missing 400, unknown, expired or another
// principal's 404), then the message: a request gets 200 application/json with its response,
// a notification or response 202 without a body.

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/strings.h"
#include "server/common.h"
#include "server/mcp.h"
#include "server/mcp_internal.h"

namespace cairn::server {

namespace {

using mcp::Json;
using Clock = std::chrono::steady_clock;

constexpr auto kIdleExpiry = std::chrono::minutes(30);
constexpr char kRoute[] = "/mcp";

std::string Trim(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

// "application/json; charset=utf-8" -> "application/json".
std::string MediaType(const std::string& header) {
  return AsciiLower(Trim(header.substr(0, header.find(';'))));
}

bool AcceptsJson(const std::string& accept) {
  if (Trim(accept).empty()) return true;  // no preference stated
  size_t start = 0;
  while (start <= accept.size()) {
    size_t comma = accept.find(',', start);
    if (comma == std::string::npos) comma = accept.size();
    const std::string type = MediaType(accept.substr(start, comma - start));
    if (type == "application/json" || type == "text/event-stream" || type == "*/*" ||
        type == "application/*") {
      return true;
    }
    start = comma + 1;
  }
  return false;
}

// Loopback origins on any port, over http or https.
bool LoopbackOrigin(const std::string& origin) {
  std::string rest;
  if (origin.rfind("http://", 0) == 0) {
    rest = origin.substr(7);
  } else if (origin.rfind("https://", 0) == 0) {
    rest = origin.substr(8);
  } else {
    return false;
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string host;
  if (rest.rfind("[::1]", 0) == 0) {
    host = "[::1]";
    rest = rest.substr(5);
  } else {
    const size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    rest = colon == std::string::npos ? "" : rest.substr(colon);
  }
  if (host != "localhost" && host != "127.0.0.1" && host != "[::1]") return false;
  if (rest.empty()) return true;
  if (rest[0] != ':' || rest.size() < 2 || rest.size() > 6) return false;
  return std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool OriginAllowed(const std::string& origin, const std::vector<std::string>& allowed) {
  std::string normalized = AsciiLower(Trim(origin));
  if (!normalized.empty() && normalized.back() == '/') normalized.pop_back();
  if (LoopbackOrigin(normalized)) return true;
  for (std::string candidate : allowed) {
    candidate = AsciiLower(Trim(candidate));
    if (!candidate.empty() && candidate.back() == '/') candidate.pop_back();
    if (!candidate.empty() && candidate == normalized) return true;
  }
  return false;
}

// A JSON-RPC error (id null) as the body of an HTTP error status.
HttpResponse RpcError(int status, int code, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.body = mcp::Dump(mcp::ErrorResponse(nullptr, code, message));
  return response;
}

HttpResponse Accepted() {
  HttpResponse response;
  response.status = 202;
  response.content_type.clear();
  return response;
}

HttpResponse JsonResponse(const Json& message) {
  HttpResponse response;
  response.body = mcp::Dump(message);
  return response;
}

std::optional<std::string> NewSessionId() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

}  // namespace

struct McpHttp::Impl {
  struct Session {
    std::string principal;        // the id of the principal that opened it; fixed
    std::mutex mu;                // serializes the messages of one session
    McpProtocol protocol;         // guarded by mu
    Clock::time_point last_used;  // guarded by Impl::mu

    Session(std::string principal_id, service::Caller caller)
        : principal(std::move(principal_id)), protocol(std::move(caller)) {}
  };

  explicit Impl(McpHttpOptions o) : options(std::move(o)) {}

  // The live session `id` of `principal`, touched; nullptr when unknown, expired (then
  // dropped) or another principal's.
  // `*foreign` tells whether it is another principal's.
  std::shared_ptr<Session> Find(const std::string& id, const std::string& principal,
                                bool* foreign) {
    std::lock_guard<std::mutex> lock(mu);
    *foreign = false;
    auto found = sessions.find(id);
    if (found == sessions.end()) return nullptr;
    const Clock::time_point now = Clock::now();
    if (now - found->second->last_used > kIdleExpiry) {
      sessions.erase(found);
      return nullptr;
    }
    if (found->second->principal != principal) {
      *foreign = true;
      return nullptr;
    }
    found->second->last_used = now;
    return found->second;
  }

  // Adds `session` under `id`, dropping expired sessions and, at max_sessions, the least
  // recently used ones.
  void Add(const std::string& id, std::shared_ptr<Session> session) {
    std::lock_guard<std::mutex> lock(mu);
    const Clock::time_point now = Clock::now();
    session->last_used = now;
    for (auto it = sessions.begin(); it != sessions.end();) {
      it = now - it->second->last_used > kIdleExpiry ? sessions.erase(it) : std::next(it);
    }
    const size_t limit = std::max<size_t>(1, options.max_sessions);
    while (sessions.size() >= limit) {
      auto oldest = std::min_element(
          sessions.begin(), sessions.end(),
          [](const auto& a, const auto& b) { return a.second->last_used < b.second->last_used; });
      sessions.erase(oldest);
    }
    sessions.emplace(id, std::move(session));
  }

  // Ends session `id` of `principal`; false when there is none.
  bool Remove(const std::string& id, const std::string& principal) {
    std::lock_guard<std::mutex> lock(mu);
    auto found = sessions.find(id);
    if (found == sessions.end() || found->second->principal != principal) return false;
    sessions.erase(found);
    return true;
  }

  const McpHttpOptions options;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions;  // guarded by mu
};

McpHttp::McpHttp(McpHttpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

McpHttp::~McpHttp() = default;

size_t McpHttp::sessions() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  const Clock::time_point now = Clock::now();
  return static_cast<size_t>(std::count_if(
      impl_->sessions.begin(), impl_->sessions.end(),
      [now](const auto& entry) { return now - entry.second->last_used <= kIdleExpiry; }));
}

HttpResponse McpHttp::Handle(HttpRequest& request, service::Api& api) {
  auto finish = [&](HttpResponse response, const std::string& principal) {
    response.route = kRoute;
    response.principal = principal;
    return response;
  };

  const std::string origin = request.Header("origin");
  if (!origin.empty() && !OriginAllowed(origin, impl_->options.allowed_origins)) {
    return finish(HttpResponse::Error(403, "forbidden_origin",
                                      "Origin '" + origin + "' is not allowed to use /mcp"),
                  "");
  }
  Result<service::Caller> authenticated = CallerOf(request, api, "mcp");
  if (!authenticated.ok()) return finish(ErrorResponse(authenticated.status()), "");
  service::Caller caller = std::move(authenticated).value();
  const std::string principal = caller.principal.id;

  if (request.method != "POST" && request.method != "DELETE") {
    HttpResponse response = HttpResponse::Error(
        405, "method_not_allowed",
        "/mcp takes POST (a JSON-RPC message) and DELETE (end a session); this server opens no "
        "server-to-client stream");
    response.headers.emplace_back("Allow", "POST, DELETE");
    return finish(std::move(response), principal);
  }
  const std::string version = request.Header("mcp-protocol-version");
  if (!version.empty() && !mcp::SupportedVersion(version)) {
    return finish(RpcError(400, mcp::kInvalidRequest,
                           "Bad Request: unsupported MCP-Protocol-Version '" + version +
                               "' (supported: 2025-11-25, 2025-06-18, 2025-03-26)"),
                  principal);
  }
  const std::string session_id = request.Header("mcp-session-id");

  if (request.method == "DELETE") {
    if (session_id.empty()) {
      return finish(RpcError(400, mcp::kInvalidRequest, "Bad Request: missing Mcp-Session-Id"),
                    principal);
    }
    if (!impl_->Remove(session_id, principal)) {
      return finish(RpcError(404, -32001, "Session not found"), principal);
    }
    HttpResponse response;
    response.status = 204;
    response.content_type.clear();
    return finish(std::move(response), principal);
  }

  const std::string content_type = request.Header("content-type");
  if (MediaType(content_type) != "application/json") {
    return finish(HttpResponse::Error(415, "unsupported_media_type",
                                      "POST /mcp takes Content-Type: application/json"),
                  principal);
  }
  if (!AcceptsJson(request.Header("accept"))) {
    return finish(
        HttpResponse::Error(406, "not_acceptable",
                            "Accept must include application/json (and text/event-stream)"),
        principal);
  }
  Json parse_error;
  std::optional<Json> message = mcp::ParseMessage(request.body, &parse_error);
  if (!message)
    return finish(
        RpcError(400, mcp::kParseError, parse_error["error"]["message"].get<std::string>()),
        principal);
  if (!message->is_object()) {
    // Batches (removed in 2025-06-18) and non-objects: one error, no session needed.
    McpProtocol stateless(caller);
    std::optional<Json> error = stateless.Handle(*message, api);
    HttpResponse response = JsonResponse(error ? *error : Json());
    response.status = 400;
    return finish(std::move(response), principal);
  }

  const bool initialize = message->contains("method") && (*message)["method"] == "initialize" &&
                          message->contains("id");
  if (session_id.empty()) {
    if (!initialize) {
      return finish(RpcError(400, mcp::kInvalidRequest,
                             "Bad Request: missing Mcp-Session-Id header (send initialize "
                             "first; its response carries the session id)"),
                    principal);
    }
    auto session = std::make_shared<Impl::Session>(principal, caller);
    std::optional<Json> response = session->protocol.Handle(*message, api);
    HttpResponse http = JsonResponse(response ? *response : Json());
    if (response && response->contains("result")) {
      std::optional<std::string> id = NewSessionId();
      if (!id) {
        return finish(RpcError(500, mcp::kInternalError, "cannot draw a session id"), principal);
      }
      impl_->Add(*id, session);
      http.headers.emplace_back("Mcp-Session-Id", *id);
    }
    return finish(std::move(http), principal);
  }

  bool foreign = false;
  std::shared_ptr<Impl::Session> session = impl_->Find(session_id, principal, &foreign);
  if (session == nullptr) {
    if (foreign) {
      // Answered like an unknown session (its existence is not revealed), but recorded.
      Status recorded = api.workspace().Record(caller.principal, caller.ingress, "mcp:session",
                                               "an MCP session of another principal",
                                               "deny: session of another principal");
      (void)recorded;
    }
    return finish(RpcError(404, -32001, "Session not found"), principal);
  }
  std::optional<Json> response;
  {
    std::lock_guard<std::mutex> lock(session->mu);
    session->protocol.caller_ = caller;  // same principal; roles and attributes as of now
    response = session->protocol.Handle(*message, api);
  }
  if (!response) return finish(Accepted(), principal);
  return finish(JsonResponse(*response), principal);
}

}  // namespace cairn::server
