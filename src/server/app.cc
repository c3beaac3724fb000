#include "server/app.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "ledger/group_commit.h"
#include "server/common.h"
#include "server/mcp.h"
#include "server/rest.h"
#include "server/signal_watcher.h"
#include "server/ui.h"
#include "service/api.h"
#include "service/case_dispatcher.h"
#include "service/workspace.h"

namespace cairn::server {

namespace {

HttpResponse JsonResponse(int status, const nlohmann::ordered_json& body, std::string route) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  response.route = std::move(route);
  return response;
}

}  // namespace

Status Serve(const std::filesystem::path& config_path, ServeOptions options, std::ostream& out) {
  SignalWatcher signals;
  if (options.http.workers < 1) return InvalidArgumentError("--workers must be at least 1");

  // One workspace (and state connections, sessions, caches) per worker thread.
  std::vector<std::unique_ptr<service::Workspace>> spaces;
  std::vector<std::unique_ptr<service::Api>> apis;
  for (int i = 0; i < options.http.workers; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<service::Workspace> ws, service::Workspace::Open(config_path));
    RETURN_IF_ERROR(ws->StateDb().status());
    spaces.push_back(std::move(ws));
  }
  service::Workspace& first = *spaces.front();

  // Every append of every worker goes through one writer: one fsync per batch. It signs a tree
  // head every 10 s when something was appended, and at shutdown.
  const std::filesystem::path& state = first.config().state_dir;
  ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> ledger_db,
                   store::StateDb::OpenConfigured(first.config()));
  ASSIGN_OR_RETURN(ledger::KeyPair key, ledger::KeyPair::LoadOrCreate(state / "ledger.key"));
  ledger::SystemClock clock;
  ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                   ledger::Ledger::Open(std::move(ledger_db), &clock, &key));
  ledger::GroupCommitter committer(std::move(ledger), std::chrono::seconds(10));
  for (auto& ws : spaces) {
    ws->set_recorder(&committer);
    apis.push_back(std::make_unique<service::Api>(ws.get()));
  }

  // Fail fast on a broken policy file, and record who started serving what.
  ASSIGN_OR_RETURN(engine::Principal operator_principal, first.LocalAdmin());
  RETURN_IF_ERROR(first.Policy(operator_principal, "serve").status());

  McpHttpOptions mcp_options;
  mcp_options.allowed_origins = options.allowed_origins;
  const bool tls = !options.http.tls_cert_file.empty() && !options.http.tls_key_file.empty();
  WebUiOptions ui_options;
  ui_options.tls = tls;
  ui_options.allowed_origins = options.allowed_origins;
  WebUi ui(std::move(ui_options));
  McpHttp mcp(std::move(mcp_options));
  RestApi rest;
  HttpServer* server_ref = nullptr;

  Handler handler = [&](HttpRequest& request) -> HttpResponse {
    service::Api& api = *apis.at(static_cast<size_t>(request.worker));
    const std::string& path = request.path;
    if (path == "/healthz") {
      return JsonResponse(200, {{"status", "ok"}}, "/healthz");
    }
    if (path == "/readyz") {
      Result<store::StateDb*> db = api.workspace().StateDb();
      Status ok = db.ok() ? (*db)->Exec("SELECT 1").status() : db.status();
      if (!ok.ok() || server_ref == nullptr || !server_ref->serving()) {
        HttpResponse response = HttpResponse::Error(
            503, "not_ready", ok.ok() ? "the server is stopping" : ok.ToString());
        response.route = "/readyz";
        return response;
      }
      return JsonResponse(200, {{"status", "ready"}}, "/readyz");
    }
    if (path == "/metrics") {
      HttpResponse response;
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = server_ref->MetricsText();
      response.route = "/metrics";
      return response;
    }
    // A policy changed on disk or through another node is in force within
    // Workspace::kPolicyRefresh; checked between this worker's requests, so none sees a mix.
    if (Status refreshed = api.workspace().RefreshPolicy(operator_principal, "serve");
        !refreshed.ok()) {
      std::cerr << "cairn: policy reload failed, the previous policy stays in force: "
                << refreshed.ToString() << std::endl;
    }
    if (path == "/mcp") return mcp.Handle(request, api);
    if (path == "/ui" || path.rfind("/ui/", 0) == 0) return ui.Handle(request, api);
    if (path == "/openapi.json" || path == "/api" || path.rfind("/api/", 0) == 0) {
      return rest.Handle(request, api);
    }
    if (path == "/") {
      return JsonResponse(200,
                          {{"name", "cairn"},
                           {"mcp", "/mcp"},
                           {"rest", "/api/v1/"},
                           {"openapi", "/openapi.json"},
                           {"ui", "/ui/"},
                           {"health", "/healthz"},
                           {"metrics", "/metrics"}},
                          "/");
    }
    HttpResponse response = HttpResponse::Error(404, "not_found", "no such route");
    response.route = "other";
    return response;
  };

  const std::string address = options.http.address;
  HttpServer server(std::move(options.http), std::move(handler));
  server_ref = &server;
  server.AddGauge("cairn_mcp_sessions", "Open MCP sessions (Streamable HTTP).",
                  [&mcp] { return static_cast<double>(mcp.sessions()); });
  server.AddGauge("cairn_ui_sessions", "Signed-in sessions of the web UI.",
                  [&ui] { return static_cast<double>(ui.sessions()); });
  server.AddGauge("cairn_ledger_appended_entries", "Ledger entries appended by this server.",
                  [&committer] { return static_cast<double>(committer.entries()); });
  server.AddGauge("cairn_ledger_batches", "Ledger transactions (group commits) by this server.",
                  [&committer] { return static_cast<double>(committer.batches()); });
  RETURN_IF_ERROR(server.Listen());
  const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  const std::string url = fmt::format("{}://{}:{}", tls ? "https" : "http", host, server.port());
  RETURN_IF_ERROR(first.Record(operator_principal, "serve", "serve", url, "allow: started"));
  out << "cairn: serving on " << url << std::endl;
  service::CaseDispatcher cases(config_path, &committer, {options.resume_interval, &std::cerr});
  cases.Start();
  signals.Watch(&server);
  Status ran = server.Run();
  cases.Stop();
  Status recorded = first.Record(operator_principal, "serve", "serve", url, "allow: stopped");
  Status closed = committer.Close();
  RETURN_IF_ERROR(ran);
  RETURN_IF_ERROR(recorded);
  return closed;
}

}  // namespace cairn::server
