#pragma once

// `cairn serve`: the HTTP server (server/http.h) with the REST API, MCP over Streamable HTTP,
// health, readiness and metrics, one service::Workspace per worker, every ledger append through
// one GroupCommitter.

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/http.h"

namespace cairn::server {

struct ServeOptions {
  ServerOptions http;
  std::vector<std::string> allowed_origins;  // McpHttpOptions::allowed_origins
  // How often the background case runner resumes cases and delivers due actions
  // (service/case_dispatcher.h); zero: never.
  std::chrono::milliseconds resume_interval{std::chrono::seconds(5)};
};

// Serves `config_path` until SIGTERM or SIGINT, then drains and flushes the ledger (signing a
// tree head). Prints "cairn: serving on http://ADDRESS:PORT" to `out` once listening.
Status Serve(const std::filesystem::path& config_path, ServeOptions options, std::ostream& out);

}  // namespace cairn::server
