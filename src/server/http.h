#pragma once

// The HTTP server of `cairn serve`: Boost.Beast over Asio, one process. I/O runs on a few Asio
// threads; every request's handler runs on one of `workers` worker threads (so a slow query
// never stalls I/O), and the worker's index tells the handler which per-thread state to use
// (a service::Workspace per worker). Plain HTTP/1.1 on loopback by default; TLS when a
// certificate and key are given.
//
// Limits, each answered with a JSON error body {"error":{"code","message"}} and a stable code:
//   header bytes > max_header_bytes          431 header_too_large
//   body bytes > max_body_bytes              413 payload_too_large (not read further)
//   headers not complete in header_timeout   408 request_timeout, connection closed
//                                            (slowloris)
//   request not handled in request_timeout   503 timeout (the handler keeps its worker)
//   more than rate_per_second (burst) from one bearer token (or one address without a token)
//                                            429 rate_limited, with Retry-After
//   every worker busy and queue_limit requests waiting   503 overloaded
// Graceful stop (SIGTERM/SIGINT in `cairn serve`): stop accepting, let in-flight requests finish
// (up to drain_timeout), then return from Run().
// Access log: one JSON line per request (time, remote, method, path, status, bytes, ms,
// principal, route) to `access_log`.
// /metrics: Prometheus text format (requests by route and status, latency histogram, in
// flight, rate-limited, plus gauges registered with AddGauge()).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace cairn::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/api/v1/tables?source=tos"
  std::string path;    // percent-decoded path without the query: "/api/v1/tables"
  std::multimap<std::string, std::string> query;    // percent-decoded query parameters
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote;  // "127.0.0.1:54321"
  int worker = 0;      // index of the worker thread running the handler, 0 .. workers-1

  // The first value of header `lower_name`, empty if absent.
  std::string Header(std::string_view lower_name) const;
  // The first value of query parameter `name`, empty if absent.
  std::string Param(std::string_view name) const;
  // The token of "Authorization: Bearer <token>", empty if absent or another scheme.
  std::string BearerToken() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // For the access log and metrics, set by the handler when known.
  std::string principal;
  std::string route;  // a route template ("/api/v1/tables/{source}"), not the raw path

  // {"error":{"code": code, "message": message}} with `status`.
  static HttpResponse Error(int status, std::string_view code, std::string_view message);
};

// Parses application/x-www-form-urlencoded text (a query string, or a form's body) into `out`:
// '+' is a space, %XX escapes are decoded (a malformed one is kept as is).
void ParseUrlEncoded(std::string_view text, std::multimap<std::string, std::string>& out);

using Handler = std::function<HttpResponse(HttpRequest& request)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8470;  // 0: any free port (see HttpServer::port())
  int io_threads = 2;
  int workers = 4;
  int queue_limit = 1024;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 4 * 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds drain_timeout{30'000};
  double rate_per_second = 200;  // per token; 0 disables
  double rate_burst = 400;
  std::string tls_cert_file;  // PEM; TLS when both are set
  std::string tls_key_file;
  std::ostream* access_log = nullptr;  // null: no access log
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();

  // Binds and listens. Unavailable naming the address if it cannot; InvalidArgument for a bad
  // address or unreadable TLS files.
  Status Listen();
  // The bound port (after Listen()).
  uint16_t port() const;
  // Serves until Stop(); then drains in-flight requests and returns.
  Status Run();
  // Asks Run() to stop gracefully. Safe from any thread and from a signal-watching thread.
  void Stop();
  // Whether Run() is serving and not draining (for /readyz).
  bool serving() const;

  // A gauge for /metrics: `name` (Prometheus metric name), `help`, and a function called at
  // each scrape.
  void AddGauge(std::string name, std::string help, std::function<double()> value);
  // The /metrics text (Prometheus exposition format 0.0.4).
  std::string MetricsText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::server
