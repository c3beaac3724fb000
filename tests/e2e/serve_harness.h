#pragma once

// What end-to-end tests of `cairn serve` need: the server as a child process (started on a free
// port, stopped with SIGTERM), a small blocking HTTP/1.1 client over POSIX sockets, and an MCP
// Streamable HTTP client session on top of it.
//
// Everything here reports failure by returning false and setting *error (never by throwing or
// by gtest assertions), so that a test can say which statement the door failed on.
//
// Thread-safety: none; each object belongs to one test.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace cairn::e2e {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One HTTP response. Header names are lower-cased; a repeated header keeps its last value.
struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

namespace internal {

inline std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

inline std::string Trim(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

// Decodes a chunked body starting at `data`. Returns true once the last chunk (and the
// trailers) are complete; false while more input is needed or on malformed input (*bad).
inline bool Dechunk(const std::string& data, std::string* body, bool* bad) {
  body->clear();
  size_t at = 0;
  for (;;) {
    const size_t eol = data.find("\r\n", at);
    if (eol == std::string::npos) return false;
    std::string size_text = data.substr(at, eol - at);
    size_text = Trim(size_text.substr(0, size_text.find(';')));
    size_t size = 0;
    try {
      size = std::stoul(size_text, nullptr, 16);
    } catch (...) {
      *bad = true;
      return false;
    }
    at = eol + 2;
    if (size == 0) {
      // Trailers up to an empty line.
      for (;;) {
        const size_t end = data.find("\r\n", at);
        if (end == std::string::npos) return false;
        if (end == at) return true;
        at = end + 2;
      }
    }
    if (data.size() < at + size + 2) return false;
    body->append(data, at, size);
    at += size + 2;
  }
}

// Parses what was received so far. Returns true when `raw` holds a complete response (at EOF:
// whatever arrived, when its length is delimited by the close).
inline bool ParseResponse(const std::string& raw, bool eof, HttpReply* reply, std::string* error) {
  const size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    if (eof) *error = "connection closed before the response headers: '" + raw + "'";
    return false;
  }
  reply->headers.clear();
  size_t at = raw.find("\r\n");
  const std::string status_line = raw.substr(0, at);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    *error = "bad status line '" + status_line + "'";
    return false;
  }
  reply->status = std::atoi(status_line.c_str() + 9);
  while (at < head_end) {
    const size_t next = raw.find("\r\n", at + 2);
    const std::string line = raw.substr(at + 2, next - at - 2);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      reply->headers[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
    }
    at = next;
  }
  const std::string rest = raw.substr(head_end + 4);
  if (Lower(reply->Header("transfer-encoding")).find("chunked") != std::string::npos) {
    bool bad = false;
    if (Dechunk(rest, &reply->body, &bad)) return true;
    if (bad || eof) *error = "malformed or cut chunked body";
    return false;
  }
  const std::string length = reply->Header("content-length");
  if (!length.empty()) {
    const size_t n = std::stoul(length);
    if (rest.size() < n) {
      if (eof)
        *error = "connection closed after " + std::to_string(rest.size()) + " of " + length +
                 " body bytes";
      return false;
    }
    reply->body = rest.substr(0, n);
    return true;
  }
  if (reply->status == 204 || reply->status == 304 || reply->status / 100 == 1) {
    reply->body.clear();
    return true;
  }
  reply->body = rest;
  return eof;
}

}  // namespace internal

// Sends `method` with `body` to http://127.0.0.1:`port``target` on a fresh connection (Connection:
// close) with the given extra headers, and reads the whole response within `timeout`.
inline bool HttpSend(const std::string& method, int port, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, HttpReply* reply, std::string* error,
                     std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    *error = "connect to port " + std::to_string(port) + ": " + std::strerror(errno);
    return false;
  }
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = std::string("send: ") + std::strerror(errno);
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string raw;
  char buffer[65536];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      *error = "no complete response within " + std::to_string(timeout.count()) + " ms";
      return false;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
    if (n > 0) raw.append(buffer, static_cast<size_t>(n));
    error->clear();
    if (internal::ParseResponse(raw, n == 0, reply, error)) return true;
    if (!error->empty()) return false;
    if (n == 0) {
      *error = "connection closed mid-response";
      return false;
    }
  }
}

// `cairn --config CONFIG serve --port 0 --access-log off --rate 0` as a child process. The
// destructor kills a server that was not stopped.
inline bool HttpPost(int port, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, HttpReply* reply, std::string* error,
                     std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
  return HttpSend("POST", port, target, headers, body, reply, error, timeout);
}

class ServeProcess {
 public:
  ServeProcess() = default;
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // Starts the server with stderr to `log` and waits (up to `timeout`) for its
  // "cairn: serving on http://127.0.0.1:PORT" line on stdout.
  bool Start(const fs::path& config, const fs::path& log, std::string* error,
             std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    return StartCommand(
        {"--config", config.string(), "serve", "--port", "0", "--access-log", "off", "--rate", "0"},
        "cairn: serving on http://127.0.0.1:", log, error, timeout);
  }

  // Starts `cairn ARGS...` with stderr to `log` and waits (up to `timeout`) for a line on stdout
  // that contains `ready` followed by the port number.
  bool StartCommand(const std::vector<std::string>& cairn_args, const std::string& ready,
                    const fs::path& log, std::string* error,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    log_ = log;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
      *error = std::string("pipe: ") + std::strerror(errno);
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = {CAIRN_BINARY};
    args.insert(args.end(), cairn_args.begin(), cairn_args.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int spawned = posix_spawn(&pid_, CAIRN_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    out_ = pipe_fds[0];
    if (spawned != 0) {
      pid_ = -1;
      *error = std::string("posix_spawn: ") + std::strerror(spawned);
      return false;
    }
    const Clock::time_point deadline = Clock::now() + timeout;
    std::string out;
    for (;;) {
      const size_t at = out.find(ready);
      if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
        port_ = std::atoi(out.c_str() + at + ready.size());
        if (port_ > 0) return true;
        *error = "cannot read the port from '" + out + "'";
        return false;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        *error = "no '" + ready + "' line within " + std::to_string(timeout.count()) +
                 " ms; stdout: '" + out + "'; stderr: " + ReadLog();
        return false;
      }
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[4096];
      const ssize_t n = read(out_, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        *error = "the server exited before listening (status " + std::to_string(status) +
                 "); stdout: '" + out + "'; stderr: " + ReadLog();
        return false;
      }
      out.append(buffer, static_cast<size_t>(n));
    }
  }

  // Sends SIGTERM and waits up to `timeout` for the exit. Returns the exit code, or -1 when the
  // server died of a signal or had to be killed (with *error saying which).
  int Stop(std::string* error, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    if (pid_ <= 0) {
      *error = "not running";
      return -1;
    }
    kill(pid_, SIGTERM);
    const Clock::time_point deadline = Clock::now() + timeout;
    int status = 0;
    for (;;) {
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) break;
      if (Clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        *error = "no exit within " + std::to_string(timeout.count()) + " ms of SIGTERM; killed";
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    *error = "died of signal " + std::to_string(WTERMSIG(status)) + "; stderr: " + ReadLog();
    return -1;
  }

  // Kills the server with SIGKILL (no shutdown at all) and reaps it.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // The server's stderr so far.
  std::string ReadLog() const {
    std::ifstream in(log_, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;  // the read end of the server's stdout
  int port_ = 0;
  fs::path log_;
};

// One MCP session over Streamable HTTP (POST /mcp, protocol 2025-06-18) as the principal of a
// bearer token.
class McpClient {
 public:
  static constexpr char kProtocolVersion[] = "2025-06-18";

  McpClient(int port, std::string token) : port_(port), token_(std::move(token)) {}

  // initialize (keeping the Mcp-Session-Id it answers with), then notifications/initialized.
  bool Open(std::string* error) {
    nlohmann::json result;
    const nlohmann::json params = {{"protocolVersion", kProtocolVersion},
                                   {"capabilities", nlohmann::json::object()},
                                   {"clientInfo", {{"name", "cairn-e2e"}, {"version", "1"}}}};
    HttpReply reply;
    if (!Post({{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", "initialize"}, {"params", params}},
              &reply, error)) {
      return false;
    }
    if (!Result(reply, &result, error)) return false;
    session_ = reply.Header("mcp-session-id");
    if (session_.empty()) {
      *error = "initialize answered without Mcp-Session-Id: " + reply.body;
      return false;
    }
    if (!Post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, &reply, error)) {
      return false;
    }
    if (reply.status != 202) {
      *error =
          "notifications/initialized: HTTP " + std::to_string(reply.status) + ": " + reply.body;
      return false;
    }
    return true;
  }

  // tools/call `name` with `arguments`; *result is the JSON-RPC result (a CallToolResult, which
  // may have isError set). False on a transport or JSON-RPC error.
  bool CallTool(const std::string& name, const nlohmann::json& arguments, nlohmann::json* result,
                std::string* error) {
    HttpReply reply;
    if (!Post({{"jsonrpc", "2.0"},
               {"id", ++id_},
               {"method", "tools/call"},
               {"params", {{"name", name}, {"arguments", arguments}}}},
              &reply, error)) {
      return false;
    }
    return Result(reply, result, error);
  }

 private:
  bool Post(const nlohmann::json& message, HttpReply* reply, std::string* error) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + token_},
        {"Content-Type", "application/json"},
        {"Accept", "application/json, text/event-stream"}};
    if (!session_.empty()) {
      headers.emplace_back("Mcp-Session-Id", session_);
      headers.emplace_back("MCP-Protocol-Version", kProtocolVersion);
    }
    return HttpPost(port_, "/mcp", headers, message.dump(), reply, error);
  }

  // The "result" of the JSON-RPC response in `reply` (a JSON body, or the last event of an SSE
  // stream).
  static bool Result(const HttpReply& reply, nlohmann::json* result, std::string* error) {
    if (reply.status != 200) {
      *error = "HTTP " + std::to_string(reply.status) + ": " + reply.body;
      return false;
    }
    std::string text = reply.body;
    if (internal::Lower(reply.Header("content-type")).rfind("text/event-stream", 0) == 0) {
      // The JSON-RPC response is the data of the last event carrying data.
      text.clear();
      std::string data;
      size_t at = 0;
      while (at < reply.body.size()) {
        size_t end = reply.body.find('\n', at);
        if (end == std::string::npos) end = reply.body.size();
        std::string line = reply.body.substr(at, end - at);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("data:", 0) == 0) {
          data += internal::Trim(line.substr(5)) + "\n";
        } else if (line.empty() && !data.empty()) {
          text = data;
          data.clear();
        }
        at = end + 1;
      }
      if (!data.empty()) text = data;
    }
    const nlohmann::json response = nlohmann::json::parse(text, nullptr, false);
    if (response.is_discarded() || !response.is_object()) {
      *error = "not a JSON-RPC response: " + reply.body;
      return false;
    }
    if (response.contains("error")) {
      *error = "JSON-RPC error: " + response["error"].dump();
      return false;
    }
    if (!response.contains("result")) {
      *error = "JSON-RPC response without result: " + reply.body;
      return false;
    }
    *result = response["result"];
    return true;
  }

  int port_;
  std::string token_;
  std::string session_;
  int64_t id_ = 0;
};

}  // namespace cairn::e2e
