#pragma once

// A small synchronous HTTP/1.1 client (Boost.Beast) for what Cairn calls out to: the workflows'
// webhook sinks and LLM endpoint. One request per connection ("Connection: close"); no redirects,
// no proxies, no cookies, no compression.
//
// URLs are parsed strictly: scheme://host[:port][/path][?query][#fragment] with scheme http or
// https (any letter case), host a DNS name, an IPv4 address or a bracketed IPv6 literal, port
// 1..65535 (default 80 / 443). User information ("user:pass@") is refused (credentials go in
// headers); a fragment is dropped (it is never sent); spaces and control characters anywhere
// are refused.
//
// https:// verifies the server's certificate chain against the system's default trust store
// (OpenSSL's default paths, so SSL_CERT_FILE / SSL_CERT_DIR apply) and its name against the
// host (DNS name or IP address), and sends the host name as SNI. There is no way to turn
// verification off.
//
// Deadline. `timeout_ms` bounds the whole request: resolution, connection, TLS handshake,
// sending and receiving. One caveat: a host name is resolved by getaddrinfo() on Asio's
// resolver thread, which cannot be interrupted; the call returns at the deadline, but a hung
// system resolver can hold it longer (until getaddrinfo() gives up). IP literals skip
// resolution.
//
// Error codes:
//   kInvalidArgument     a malformed URL (named in the message), a non-positive timeout or
//                        cap, a malformed header name, a header value with CR, LF or NUL, a
//                        header the client writes itself.
//   kUnavailable         DNS failure, connection refused or reset, TLS handshake or
//                        certificate failure, the deadline passing ("timed out after N ms"),
//                        a malformed response; the message names host:port and why.
//   kResourceExhausted   the response body is over `max_response_bytes` (or its headers over
//                        64 KiB).
// Any HTTP status (including 4xx and 5xx) is a successful HttpResponse; callers decide.
//
// Thread-safety: every function is reentrant (each call has its own I/O context and TLS
// context); calls from different threads do not interact.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace cairn::net {

struct Url {
  std::string scheme;  // "http" or "https" (lower case)
  std::string host;    // without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  std::string target;  // path and query, at least "/"

  bool tls() const { return scheme == "https"; }
  // "host:port", "[::1]:8080": how messages name the server.
  std::string HostPort() const;
};

// Parses `url` as described above. InvalidArgument naming the URL and what is wrong.
Result<Url> ParseUrl(const std::string& url);

struct HttpResponse {
  int status = 0;
  std::string body;
  // Header names in lower case; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
};

// POSTs `body` to `url` with `headers` and returns the response. The client writes Host,
// Content-Length and "Connection: close" itself (giving Host, Content-Length, Connection or
// Transfer-Encoding is InvalidArgument) and "User-Agent: cairn" unless `headers` has one. At
// most `max_response_bytes` of body are read. See the top of this file for the deadline and
// the error codes.
Result<HttpResponse> HttpPost(const std::string& url, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              int64_t timeout_ms, int64_t max_response_bytes);

// GETs `url` with `headers`, as HttpPost does but without a body (no Content-Length is sent).
// The response's headers come back too (a paginated API's Link header, for one). Header values
// are never copied into an error message, so a credential sent in a header stays out of them.
Result<HttpResponse> HttpGet(const std::string& url,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             int64_t timeout_ms, int64_t max_response_bytes);

// The first `limit` bytes of a response body for an error message: a UTF-8 sequence is not
// cut, CR and LF become spaces.
std::string BodySnippet(const std::string& body, size_t limit = 200);

}  // namespace cairn::net
