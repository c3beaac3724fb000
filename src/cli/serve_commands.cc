// `cairn serve` (REST, MCP over Streamable HTTP, health and metrics; server/app.h) and
// `cairn mcp` (MCP over stdio, as the principal of --token / CAIRN_TOKEN).

#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "server/app.h"
#include "server/mcp.h"
#include "service/api.h"

namespace cairn::cli {

namespace {

struct ServeFlags {
  server::ServeOptions options;
  std::string access_log = "-";
  int64_t header_timeout_ms = 10'000;
  int64_t request_timeout_ms = 60'000;
  int64_t max_body = 4 * 1024 * 1024;
  int64_t resume_interval_s = 5;
};

Status RunServe(Environment& env, ServeFlags& flags) {
  std::ofstream log_file;
  if (flags.access_log == "-") {
    flags.options.http.access_log = &std::cerr;
  } else if (flags.access_log != "off") {
    log_file.open(flags.access_log, std::ios::app);
    if (!log_file) {
      return UnavailableError("--access-log {}: cannot open for appending", flags.access_log);
    }
    flags.options.http.access_log = &log_file;
  }
  if (flags.header_timeout_ms <= 0 || flags.request_timeout_ms <= 0 || flags.max_body <= 0) {
    return InvalidArgumentError("timeouts and --max-body must be positive");
  }
  if (flags.resume_interval_s < 0) {
    return InvalidArgumentError("--resume-interval must be 0 (off) or a number of seconds");
  }
  flags.options.resume_interval = std::chrono::seconds(flags.resume_interval_s);
  flags.options.http.header_timeout = std::chrono::milliseconds(flags.header_timeout_ms);
  flags.options.http.request_timeout = std::chrono::milliseconds(flags.request_timeout_ms);
  flags.options.http.max_body_bytes = static_cast<size_t>(flags.max_body);
  return server::Serve(env.config_path, flags.options, std::cout);
}

Status RunMcp(Environment& env) {
  ASSIGN_OR_RETURN(service::Workspace * ws, env.OpenWorkspace());
  ASSIGN_OR_RETURN(engine::Principal principal, env.Principal());
  service::Api api(ws);
  // stdout carries JSON-RPC only: nothing else may be printed to it.
  return server::RunMcpStdio(api, service::Caller{std::move(principal), "mcp-stdio"}, std::cin,
                             std::cout);
}

}  // namespace

void RegisterServeCommands(Cli* cli) {
  auto* serve = cli->app->add_subcommand(
      "serve", "Serve the REST API (/api/v1/), MCP (/mcp), /healthz, /readyz and /metrics");
  auto flags = std::make_shared<ServeFlags>();
  server::ServerOptions& http = flags->options.http;
  serve->add_option("--address", http.address, "Address to listen on")->capture_default_str();
  serve->add_option("--port", http.port, "Port (0: any free port)")->capture_default_str();
  serve->add_option("--workers", http.workers, "Threads running requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  serve->add_option("--io-threads", http.io_threads, "Threads doing network I/O")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve
      ->add_option("--rate", http.rate_per_second,
                   "Requests per second allowed per token (0: no limit)")
      ->capture_default_str();
  serve->add_option("--burst", http.rate_burst, "Burst allowed per token")->capture_default_str();
  serve->add_option("--max-body", flags->max_body, "Largest request body in bytes")
      ->capture_default_str();
  serve
      ->add_option("--header-timeout-ms", flags->header_timeout_ms,
                   "Time allowed to send the request headers")
      ->capture_default_str();
  serve
      ->add_option("--request-timeout-ms", flags->request_timeout_ms,
                   "Time allowed to answer a request")
      ->capture_default_str();
  serve
      ->add_option("--resume-interval", flags->resume_interval_s,
                   "Seconds between background runs that finish interrupted cases and deliver "
                   "due actions (0: off; cairn case resume does it by hand)")
      ->capture_default_str();
  serve->add_option("--tls-cert", http.tls_cert_file, "PEM certificate chain (enables TLS)");
  serve->add_option("--tls-key", http.tls_key_file, "PEM private key (with --tls-cert)");
  serve->add_option("--allowed-origin", flags->options.allowed_origins,
                    "An Origin allowed on /mcp besides localhost, and on the /ui/ forms besides "
                    "the server's own (repeatable)");
  serve
      ->add_option("--access-log", flags->access_log,
                   "Access log file (JSON lines); - for stderr, off for none")
      ->capture_default_str();
  serve->callback(cli->Run([cli, flags](Format) { return RunServe(cli->env, *flags); }));

  auto* mcp = cli->app->add_subcommand(
      "mcp", "Speak MCP over stdin/stdout as the principal of --token (for MCP clients)");
  mcp->callback(cli->Run([cli](Format) { return RunMcp(cli->env); }));
}

}  // namespace cairn::cli
