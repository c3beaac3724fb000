#include "net/http_client.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <exception>
#include <optional>
#include <string_view>

#include "core/strings.h"

namespace cairn::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kHeaderLimit = 64 << 10;
// How long past the deadline the I/O loop waits for a stream operation to report the
// timeout its own timer raised (the timer fires at the deadline; this only guards a bug).
constexpr std::chrono::seconds kGrace{2};

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

Status BadUrl(const std::string& url, std::string_view why) {
  return InvalidArgumentError("invalid URL '{}': {}", url, why);
}

// Runs an io_context one handler at a time until `done` is set or `until` passes. (Running
// out of work without `done` cannot happen while an operation is pending; it counts as a
// timeout rather than a spin.)
enum class Wait { kDone, kTimedOut };
Wait RunUntil(asio::io_context& ioc, const bool& done, Clock::time_point until) {
  ioc.restart();
  while (!done) {
    if (ioc.run_one_until(until) == 0 && !done) return Wait::kTimedOut;
  }
  return Wait::kDone;
}

// A step of a request, as messages name it.
struct Phase {
  const char* failed;  // "<host:port>: <failed>: <why>"
  const char* during;  // "<host:port>: timed out after N ms <during>"
};
constexpr Phase kResolving{"cannot resolve the host", "resolving the host"};
constexpr Phase kConnecting{"cannot connect", "connecting"};
constexpr Phase kHandshaking{"TLS handshake failed", "in the TLS handshake"};
constexpr Phase kSending{"sending the request failed", "sending the request"};
constexpr Phase kReceiving{"reading the response failed", "waiting for the response"};

class Request {
 public:
  Request(const Url& url, int64_t timeout_ms)
      : url_(url),
        timeout_ms_(timeout_ms),
        deadline_(Clock::now() + std::chrono::milliseconds(timeout_ms)) {}

  Status Fail(const Phase& phase, const beast::error_code& ec) const {
    if (ec == beast::error::timeout || ec == asio::error::timed_out) return TimedOut(phase);
    return UnavailableError("{}: {}: {}", url_.HostPort(), phase.failed, ec.message());
  }
  Status TimedOut(const Phase& phase) const {
    return UnavailableError("{}: timed out after {} ms {}", url_.HostPort(), timeout_ms_,
                            phase.during);
  }

  // Resolves the host (IP literals without the resolver) before the deadline.
  Result<std::vector<tcp::endpoint>> Resolve() {
    beast::error_code ec;
    asio::ip::address address = asio::ip::make_address(url_.host, ec);
    if (!ec) {
      return std::vector<tcp::endpoint>{tcp::endpoint(address, static_cast<uint16_t>(url_.port))};
    }
    bool done = false;
    tcp::resolver::results_type results;
    tcp::resolver resolver(ioc_);
    resolver.async_resolve(url_.host, std::to_string(url_.port),
                           [&](const beast::error_code& e, tcp::resolver::results_type r) {
                             ec = e;
                             results = std::move(r);
                             done = true;
                           });
    if (RunUntil(ioc_, done, deadline_) == Wait::kTimedOut) {
      resolver.cancel();
      return TimedOut(kResolving);
    }
    if (ec) return Fail(kResolving, ec);
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    if (endpoints.empty()) {
      return UnavailableError("{}: cannot resolve the host: no addresses", url_.HostPort());
    }
    return endpoints;
  }

  // Starts `initiate(handler)` and runs it to completion; returns its error code.
  template <typename Initiate>
  beast::error_code Await(Initiate&& initiate) {
    bool done = false;
    beast::error_code result;
    initiate([&](const beast::error_code& ec, auto&&...) {
      result = ec;
      done = true;
    });
    if (RunUntil(ioc_, done, deadline_ + kGrace) == Wait::kTimedOut) {
      return beast::error::timeout;
    }
    return result;
  }

  template <typename Stream>
  Result<HttpResponse> Exchange(Stream& stream, http::request<http::string_body>& request,
                                int64_t max_response_bytes) {
    beast::error_code ec =
        Await([&](auto handler) { http::async_write(stream, request, std::move(handler)); });
    if (ec) return Fail(kSending, ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(static_cast<std::uint64_t>(max_response_bytes));
    // The header first: Beast 1.74's eager parse of a whole response ignores the body limit
    // for a Content-Length body (the error of finish_header() is overwritten), so the length
    // is checked here before any body is read. Chunked and read-to-EOF bodies are limited by
    // the parser itself.
    ec = Await(
        [&](auto handler) { http::async_read_header(stream, buffer, parser, std::move(handler)); });
    const auto over_cap = [&] {
      return ResourceExhaustedError("{}: the response body is over {} bytes", url_.HostPort(),
                                    max_response_bytes);
    };
    if (!ec && parser.content_length() &&
        *parser.content_length() > static_cast<std::uint64_t>(max_response_bytes)) {
      return over_cap();
    }
    if (!ec && !parser.is_done()) {
      ec = Await(
          [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
    }
    if (ec == http::error::body_limit) return over_cap();
    if (ec == http::error::header_limit) {
      return ResourceExhaustedError("{}: the response headers are over {} bytes", url_.HostPort(),
                                    kHeaderLimit);
    }
    // A TLS peer that closes without close_notify after a complete message is harmless.
    if (ec && !(ec == ssl::error::stream_truncated && parser.is_done())) {
      if (ec == http::error::end_of_stream) {
        return UnavailableError("{}: the server closed the connection without answering",
                                url_.HostPort());
      }
      if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        return UnavailableError("{}: malformed or incomplete HTTP response: {}", url_.HostPort(),
                                ec.message());
      }
      return Fail(kReceiving, ec);
    }
    if (parser.get().body().size() > static_cast<size_t>(max_response_bytes)) return over_cap();
    http::response<http::string_body> message = parser.release();
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      std::string name =
          AsciiLower(std::string_view(field.name_string().data(), field.name_string().size()));
      std::string value(field.value().data(), field.value().size());
      auto [it, inserted] = response.headers.emplace(name, value);
      if (!inserted) it->second += ", " + value;
    }
    response.body = std::move(message.body());
    return response;
  }

  asio::io_context& ioc() { return ioc_; }
  Clock::time_point deadline() const { return deadline_; }

 private:
  const Url& url_;
  int64_t timeout_ms_;
  Clock::time_point deadline_;
  asio::io_context ioc_;
};

Result<HttpResponse> Send(http::verb method, const Url& url, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          int64_t timeout_ms, int64_t max_response_bytes) {
  http::request<http::string_body> request{method, url.target, 11};
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (url.port != (url.tls() ? 443 : 80)) host += ":" + std::to_string(url.port);
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "cairn");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(false);
  // A GET carries neither a body nor a Content-Length (RFC 9110 8.6).
  if (method != http::verb::get) {
    request.body() = body;
    request.prepare_payload();
  }

  Request exchange(url, timeout_ms);
  ASSIGN_OR_RETURN(std::vector<tcp::endpoint> endpoints, exchange.Resolve());

  if (!url.tls()) {
    beast::tcp_stream stream(exchange.ioc());
    stream.expires_at(exchange.deadline());
    beast::error_code ec =
        exchange.Await([&](auto handler) { stream.async_connect(endpoints, std::move(handler)); });
    if (ec) return exchange.Fail(kConnecting, ec);
    Result<HttpResponse> response = exchange.Exchange(stream, request, max_response_bytes);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return response;
  }

  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  context.set_default_verify_paths(ec);
  if (ec) {
    return UnavailableError("{}: cannot load the system's trusted certificates: {}", url.HostPort(),
                            ec.message());
  }
  context.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(exchange.ioc(), context);
  SSL* native = stream.native_handle();
  beast::error_code ip_error;
  asio::ip::make_address(url.host, ip_error);
  const bool ip_literal = !ip_error;
  bool configured =
      ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), url.host.c_str()) == 1
                 : SSL_set_tlsext_host_name(native, url.host.c_str()) == 1 &&
                       SSL_set1_host(native, url.host.c_str()) == 1;
  if (!configured) {
    return UnavailableError("{}: cannot set up TLS verification for host '{}'", url.HostPort(),
                            url.host);
  }
  beast::get_lowest_layer(stream).expires_at(exchange.deadline());
  ec = exchange.Await([&](auto handler) {
    beast::get_lowest_layer(stream).async_connect(endpoints, std::move(handler));
  });
  if (ec) return exchange.Fail(kConnecting, ec);
  ec = exchange.Await(
      [&](auto handler) { stream.async_handshake(ssl::stream_base::client, std::move(handler)); });
  if (ec) {
    long verify = SSL_get_verify_result(native);
    if (verify != X509_V_OK) {
      return UnavailableError("{}: TLS certificate verification failed: {}", url.HostPort(),
                              X509_verify_cert_error_string(verify));
    }
    return exchange.Fail(kHandshaking, ec);
  }
  Result<HttpResponse> response = exchange.Exchange(stream, request, max_response_bytes);
  // No TLS close_notify exchange: the response is complete (framed by Content-Length or
  // chunking), and waiting for the peer's close_notify could only add delay.
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  return response;
}

}  // namespace

std::string Url::HostPort() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::string BodySnippet(const std::string& body, size_t limit) {
  size_t end = std::min(limit, body.size());
  if (end < body.size()) {
    while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;
  }
  std::string out = body.substr(0, end);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

Result<Url> ParseUrl(const std::string& url) {
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return BadUrl(url, "spaces, control characters and non-ASCII bytes must be %-encoded");
    }
  }
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return BadUrl(url, "expected scheme://host");
  Url out;
  out.scheme = AsciiLower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return BadUrl(url, "the scheme must be http or https");
  }
  const size_t authority_begin = sep + 3;
  size_t authority_end = url.find_first_of("/?#", authority_begin);
  if (authority_end == std::string::npos) authority_end = url.size();
  const std::string authority = url.substr(authority_begin, authority_end - authority_begin);
  if (authority.find('@') != std::string::npos) {
    return BadUrl(url, "user information (user:password@) is not supported; use headers");
  }
  std::string port_text;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return BadUrl(url, "unterminated '[' in the host");
    out.host = authority.substr(1, close - 1);
    beast::error_code ec;
    asio::ip::make_address_v6(out.host, ec);
    if (ec) return BadUrl(url, "the bracketed host is not an IPv6 address");
    const std::string rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return BadUrl(url, "unexpected text after ']'");
      port_text = rest.substr(1);
      has_port = true;
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
    for (char c : out.host) {
      if (!IsHostChar(c)) {
        return BadUrl(url, fmt::format("invalid character '{}' in the host", c));
      }
    }
  }
  if (out.host.empty()) return BadUrl(url, "missing host");
  if (has_port) {
    if (port_text.empty() || port_text.size() > 5) return BadUrl(url, "invalid port");
    int port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return BadUrl(url, "invalid port");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return BadUrl(url, "the port must be 1..65535");
    out.port = port;
  } else {
    out.port = out.tls() ? 443 : 80;
  }
  size_t target_end = url.find('#', authority_end);
  if (target_end == std::string::npos) target_end = url.size();
  out.target = url.substr(authority_end, target_end - authority_end);
  if (out.target.empty() || out.target[0] != '/') out.target = "/" + out.target;
  return out;
}

namespace {

// Checks what a caller passes before anything is sent. `method` names the request in messages.
Result<Url> CheckRequest(std::string_view method, const std::string& url,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         int64_t timeout_ms, int64_t max_response_bytes) {
  ASSIGN_OR_RETURN(Url parsed, ParseUrl(url));
  if (timeout_ms <= 0)
    return InvalidArgumentError("{} {}: timeout_ms must be positive", method, url);
  if (max_response_bytes <= 0) {
    return InvalidArgumentError("{} {}: max_response_bytes must be positive", method, url);
  }
  for (const auto& [name, value] : headers) {
    if (name.empty()) return InvalidArgumentError("{} {}: empty header name", method, url);
    for (char c : name) {
      if (!IsTokenChar(c)) {
        return InvalidArgumentError("{} {}: invalid header name '{}'", method, url, name);
      }
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return InvalidArgumentError("{} {}: header {} has a CR, LF or NUL in its value", method, url,
                                  name);
    }
    const std::string lower = AsciiLower(name);
    if (lower == "host" || lower == "content-length" || lower == "connection" ||
        lower == "transfer-encoding") {
      return InvalidArgumentError("{} {}: header {} is written by the client itself", method, url,
                                  name);
    }
  }
  return parsed;
}

Result<HttpResponse> SendChecked(http::verb method, const Url& url, const std::string& body,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 int64_t timeout_ms, int64_t max_response_bytes) {
  try {
    return Send(method, url, body, headers, timeout_ms, max_response_bytes);
  } catch (const std::exception& e) {
    // Asio and Beast report through error codes on every path used above; a throw means
    // resource exhaustion (threads, memory, sockets) in the library.
    return UnavailableError("{}: {}", url.HostPort(), e.what());
  }
}

}  // namespace

Result<HttpResponse> HttpPost(const std::string& url, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              int64_t timeout_ms, int64_t max_response_bytes) {
  ASSIGN_OR_RETURN(Url parsed, CheckRequest("POST", url, headers, timeout_ms, max_response_bytes));
  return SendChecked(http::verb::post, parsed, body, headers, timeout_ms, max_response_bytes);
}

Result<HttpResponse> HttpGet(const std::string& url,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             int64_t timeout_ms, int64_t max_response_bytes) {
  ASSIGN_OR_RETURN(Url parsed, CheckRequest("GET", url, headers, timeout_ms, max_response_bytes));
  return SendChecked(http::verb::get, parsed, "", headers, timeout_ms, max_response_bytes);
}

}  // namespace cairn::net
