#pragma once

// The serving benchmark's clients: a minimal blocking HTTP/1.1 client on one keep-alive
// connection, and an MCP Streamable HTTP client (initialize, then tools/call) on top of it.
// Split out of serve_bench.cc; used by it alone.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace cairn::bench {

// ---------------------------------------------------------------------------------------------
// A minimal blocking HTTP/1.1 client on one keep-alive connection.

inline bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct Response {
  int status = 0;
  std::string headers;  // raw, status line included
  std::string body;

  std::string Header(std::string_view name) const {
    size_t pos = headers.find("\r\n");
    while (pos != std::string::npos && pos + 2 < headers.size()) {
      const size_t start = pos + 2;
      const size_t end = headers.find("\r\n", start);
      const std::string_view line(headers.data() + start,
                                  (end == std::string::npos ? headers.size() : end) - start);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos && IEquals(line.substr(0, colon), name)) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        return std::string(value);
      }
      pos = end;
    }
    return "";
  }
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  ~HttpClient() { Close(); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` (complete, with headers) and reads one response. Reconnects first when the
  // connection is closed. False (with `error`) on an I/O or framing error.
  bool RoundTrip(const std::string& request, Response* response, std::string* error) {
    if (fd_ < 0 && !Connect(error)) return false;
    if (!SendAll(request)) {
      // The server may have closed an idle connection: one retry on a fresh one.
      Close();
      if (!Connect(error) || !SendAll(request)) {
        *error = "send failed";
        Close();
        return false;
      }
    }
    if (!ReadResponse(response, error)) {
      Close();
      return false;
    }
    if (IEquals(response->Header("connection"), "close")) {
      Close();
      ++closes_;
    }
    return true;
  }
  int closes() const { return closes_; }

 private:
  bool Connect(std::string* error) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return *error = "socket failed", false;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      *error = std::string("connect: ") + std::strerror(errno);
      Close();
      return false;
    }
    buffer_.clear();
    return true;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  bool SendAll(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  bool Fill(std::string* error) {
    char chunk[16384];
    for (;;) {
      ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) return *error = "connection closed by the server", false;
      if (n < 0) return *error = std::string("recv: ") + std::strerror(errno), false;
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }
  bool ReadResponse(Response* response, std::string* error) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(error)) return false;
    }
    response->headers.assign(buffer_, 0, end + 2);
    buffer_.erase(0, end + 4);
    if (response->headers.size() < 12 || response->headers.compare(0, 5, "HTTP/") != 0) {
      return *error = "malformed status line", false;
    }
    response->status = std::atoi(response->headers.c_str() + 9);
    response->body.clear();
    if (IEquals(response->Header("transfer-encoding"), "chunked")) {
      for (;;) {
        size_t line_end;
        while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
          if (!Fill(error)) return false;
        }
        const size_t size = std::strtoul(buffer_.c_str(), nullptr, 16);
        while (buffer_.size() < line_end + 2 + size + 2) {
          if (!Fill(error)) return false;
        }
        response->body.append(buffer_, line_end + 2, size);
        buffer_.erase(0, line_end + 2 + size + 2);
        if (size == 0) return true;  // (no trailers expected)
      }
    }
    const std::string length = response->Header("content-length");
    const size_t size = length.empty() ? 0 : std::strtoul(length.c_str(), nullptr, 10);
    while (buffer_.size() < size) {
      if (!Fill(error)) return false;
    }
    response->body.assign(buffer_, 0, size);
    buffer_.erase(0, size);
    return true;
  }

  int port_;
  int fd_ = -1;
  int closes_ = 0;
  std::string buffer_;
};

inline std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

inline std::string Get(int port, const std::string& target, const std::string& token) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nAuthorization: Bearer " + token + "\r\nAccept: application/json\r\n\r\n";
}

inline std::string McpPost(int port, const std::string& token, const std::string& session,
                           const std::string& body) {
  std::string request = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nAuthorization: Bearer " + token +
                        "\r\nContent-Type: application/json"
                        "\r\nAccept: application/json, text/event-stream\r\n";
  if (!session.empty()) {
    request += "Mcp-Session-Id: " + session + "\r\nMCP-Protocol-Version: 2025-06-18\r\n";
  }
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return request;
}

// Occurrences of `needle` in `text` (hits in a search response: `"ref":` appears once per hit
// in the structured data; the escaped copy in MCP's text content does not match).
inline size_t Count(const std::string& text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// One MCP session on one connection.
class McpClient {
 public:
  McpClient(int port, std::string token) : port_(port), token_(std::move(token)), http_(port) {}

  bool Initialize(std::string* error) {
    nlohmann::json init = {{"jsonrpc", "2.0"},
                           {"id", next_id_++},
                           {"method", "initialize"},
                           {"params",
                            {{"protocolVersion", "2025-06-18"},
                             {"capabilities", nlohmann::json::object()},
                             {"clientInfo", {{"name", "bench"}, {"version", "1"}}}}}};
    Response response;
    if (!http_.RoundTrip(McpPost(port_, token_, "", init.dump()), &response, error)) return false;
    session_ = response.Header("mcp-session-id");
    if (response.status != 200 || session_.empty()) {
      *error = "initialize: HTTP " + std::to_string(response.status) + " " + response.body;
      return false;
    }
    nlohmann::json note = {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}};
    if (!http_.RoundTrip(McpPost(port_, token_, session_, note.dump()), &response, error)) {
      return false;
    }
    if (response.status != 202 && response.status != 200) {
      *error = "notifications/initialized: HTTP " + std::to_string(response.status);
      return false;
    }
    return true;
  }

  std::string CallRequest(const std::string& tool, const nlohmann::json& arguments) {
    nlohmann::json call = {{"jsonrpc", "2.0"},
                           {"id", next_id_++},
                           {"method", "tools/call"},
                           {"params", {{"name", tool}, {"arguments", arguments}}}};
    return McpPost(port_, token_, session_, call.dump());
  }
  HttpClient& http() { return http_; }

 private:
  int port_;
  std::string token_;
  HttpClient http_;
  std::string session_;
  int64_t next_id_ = 1;
};

// Whether a tools/call response is a success: 200, a JSON-RPC result, isError false. Checked on
// the text (a full parse of every response would compete with the server for the two cores);
// the first response of each client is also parsed in full.
inline bool ToolCallOk(const Response& response) {
  return response.status == 200 && response.body.find("\"isError\":false") != std::string::npos &&
         response.body.find("\"result\"") != std::string::npos;
}

}  // namespace cairn::bench
