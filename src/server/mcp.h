#pragma once

// The MCP door (Model Context Protocol, revisions 2025-06-18 and 2025-11-25; the version the
// client asks for is used when supported, else the latest): JSON-RPC 2.0 over stdio
// (`cairn mcp`) and over Streamable HTTP (`/mcp` of `cairn serve`).
//
// Tools (fixed descriptions, JSON Schema input and output, structured results): search_context,
// describe_table, find_join_path, run_query, recall_recipes, remember_recipe, list_sources.
// Resources (small Markdown documents): cairn://{source}/{table}, cairn://recipe/{id},
// cairn://joins (the join graph). Every result holding data from sources is wrapped in the
// untrusted-data envelope with its classification label.

#include <cstddef>
#include <istream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "server/http.h"
#include "service/api.h"

namespace cairn::server {

// One MCP session's protocol state (initialized, negotiated version), transport-independent.
class McpProtocol {
 public:
  explicit McpProtocol(service::Caller caller);

  // Handles one JSON-RPC message: the response for a request, nullopt for a notification or a
  // response. Parse errors, batches, invalid requests, unknown methods and invalid params get
  // JSON-RPC errors (-32700, -32600, -32601, -32602); tool failures are tool results with
  // isError.
  std::optional<nlohmann::ordered_json> Handle(const nlohmann::ordered_json& message,
                                               service::Api& api);
  const service::Caller& caller() const { return caller_; }
  const std::string& protocol_version() const { return version_; }
  bool initialized() const { return initialized_; }

 private:
  // McpHttp refreshes caller_ from each request's token (same principal id; roles and
  // attributes as they are now).
  friend class McpHttp;

  service::Caller caller_;
  std::string version_;
  bool initialized_ = false;
};

// `cairn mcp`: newline-delimited JSON-RPC on `in`/`out` until end of input, as `caller`.
Status RunMcpStdio(service::Api& api, service::Caller caller, std::istream& in, std::ostream& out);

struct McpHttpOptions {
  // Origins allowed besides http(s)://localhost, 127.0.0.1 and [::1] on any port (DNS
  // rebinding protection); a request with another Origin gets 403.
  std::vector<std::string> allowed_origins;
  size_t max_sessions = 10000;
};

// Streamable HTTP on /mcp: POST (JSON-RPC message; the initialize response carries a new
// Mcp-Session-Id bound to the token's principal), GET (405: no server-initiated stream),
// DELETE (ends the session). Thread-safe: shared by every worker.
class McpHttp {
 public:
  explicit McpHttp(McpHttpOptions options);
  ~McpHttp();
  HttpResponse Handle(HttpRequest& request, service::Api& api);
  size_t sessions() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::server
