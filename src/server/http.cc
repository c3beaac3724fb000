#include "server/http.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "core/strings.h"
#include "server/http_limits.h"
#include "server/http_metrics.h"

namespace cairn::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Bound on writing one response (a client that does not read is dropped).
constexpr std::chrono::seconds kWriteTimeout{30};
// After a response with "Connection: close", how long unread input is discarded before the
// socket is closed (closing with unread input would reset the connection and could destroy the
// response before the client reads it), and how much of it.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr size_t kLingerBytes = 1 << 20;
constexpr size_t kReadChunk = 4096;

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class Plus { kLiteral, kSpace };

// Decodes %XX escapes (a malformed escape is kept as is) and, for query text, '+' as a space.
std::string PercentDecode(std::string_view text, Plus plus) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (c == '+' && plus == Plus::kSpace) ? ' ' : c;
  }
  return out;
}

std::string FirstValue(const std::multimap<std::string, std::string>& map, std::string_view key) {
  auto it = map.lower_bound(std::string(key));
  if (it == map.end() || it->first != key) return "";
  return it->second;
}

std::string IsoTimeUtc(std::chrono::system_clock::time_point now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::string EndpointText(const tcp::endpoint& endpoint) {
  const asio::ip::address address = endpoint.address();
  if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
  return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

bool ExemptFromRateLimit(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

// Keys the rate limiter by bearer token (hashed: tokens are never kept) or else by address.
std::string RateKey(const std::string& token, std::string_view remote_ip) {
  if (!token.empty()) return fmt::format("t:{:016x}", std::hash<std::string>{}(token));
  return fmt::format("a:{}", remote_ip);
}

// The token of an Authorization header value "Bearer <token>" (scheme case-insensitive).
std::string ParseBearer(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  constexpr std::string_view kScheme = "bearer";
  if (text.size() <= kScheme.size() ||
      !EqualsIgnoringAsciiCase(text.substr(0, kScheme.size()), kScheme)) {
    return "";
  }
  text.remove_prefix(kScheme.size());
  if (!blank(text.front())) return "";
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

void ParseUrlEncoded(std::string_view query, std::multimap<std::string, std::string>& out) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    out.emplace(PercentDecode(name, Plus::kSpace), PercentDecode(value, Plus::kSpace));
  }
}

std::string HttpRequest::Header(std::string_view lower_name) const {
  return FirstValue(headers, lower_name);
}

std::string HttpRequest::Param(std::string_view name) const { return FirstValue(query, name); }

std::string HttpRequest::BearerToken() const { return ParseBearer(Header("authorization")); }

HttpResponse HttpResponse::Error(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {
      {"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

// A connection, seen by the server for draining. Both calls are thread-safe (they post to the
// connection's strand).
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it is between requests (or done and lingering).
  virtual void Drain() = 0;
  // Closes the connection now.
  virtual void ForceClose() = 0;
};

namespace internal {

// What the server's connections share. Lives in HttpServer::Impl.
struct ServerState {
  ServerState(ServerOptions server_options, Handler request_handler)
      : options(std::move(server_options)),
        handler(std::move(request_handler)),
        pool(options.workers, static_cast<size_t>(std::max(0, options.queue_limit))),
        limiter(options.rate_per_second, options.rate_burst) {}

  ~ServerState() {
    // Late handlers hold executors of `ioc`: wait for them before `ioc` goes.
    pool.Stop();
    pool.Join();
  }

  Status LoadTls();
  void DoAccept();
  void Register(uint64_t id, std::weak_ptr<SessionBase> session) {
    std::lock_guard lock(sessions_mu);
    sessions.emplace(id, std::move(session));
  }
  void Unregister(uint64_t id) {
    std::lock_guard lock(sessions_mu);
    sessions.erase(id);
  }
  std::vector<std::shared_ptr<SessionBase>> LiveSessions() {
    std::vector<std::shared_ptr<SessionBase>> out;
    std::lock_guard lock(sessions_mu);
    for (auto& [id, weak] : sessions) {
      if (auto session = weak.lock()) out.push_back(std::move(session));
    }
    return out;
  }
  void Log(const std::string& line) {
    if (options.access_log == nullptr) return;
    std::lock_guard lock(log_mu);
    *options.access_log << line << '\n';
    options.access_log->flush();
  }

  const ServerOptions options;
  const Handler handler;
  internal::WorkerPool pool;
  internal::RateLimiter limiter;
  internal::HttpMetrics metrics;

  std::mutex log_mu;  // guards writes to options.access_log

  std::atomic<bool> serving{false};
  std::atomic<bool> draining{false};
  std::atomic<int> open_sessions{0};

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop_requested = false;  // guarded by stop_mu
  bool ran = false;             // guarded by stop_mu

  std::mutex sessions_mu;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;  // guarded by sessions_mu
  std::atomic<uint64_t> next_session_id{1};

  bool listening = false;
  uint16_t bound_port = 0;
  std::optional<ssl::context> tls;  // outlives every session (declared before ioc)

  // Destroyed first among the members that sessions use: destroying it destroys the
  // sessions still referenced by queued handlers.
  asio::io_context ioc{std::max(1, options.io_threads)};
  tcp::acceptor acceptor{asio::make_strand(ioc)};
};

}  // namespace internal

struct HttpServer::Impl : internal::ServerState {
  using ServerState::ServerState;
};

namespace {

// One connection: reads requests one after another (keep-alive), hands each to the worker pool,
// writes the responses. Every member is used only on the connection's strand. The session lives
// as long as an operation of it is pending; a handler still running on a worker holds only a
// weak reference.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Session(internal::ServerState& impl, tcp::socket&& socket, std::string remote,
          std::string remote_ip)
      : impl_(impl),
        stream_(MakeStream(impl, std::move(socket))),
        timer_(stream_.get_executor()),
        remote_(std::move(remote)),
        remote_ip_(std::move(remote_ip)),
        id_(impl.next_session_id++) {
    ++impl_.open_sessions;
  }

  ~Session() override {
    if (counted_in_flight_) impl_.metrics.AddInFlight(-1);
    impl_.Unregister(id_);
    --impl_.open_sessions;
  }

  void Start() {
    impl_.Register(id_, this->weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

  void Drain() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      // A closing connection has its response sent; waiting out its linger would only delay
      // the stop.
      if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kHandshake ||
          self->phase_ == Phase::kClosing) {
        self->Close();
      }
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Close(); });
  }

 private:
  enum class Phase { kHandshake, kIdle, kHeader, kBody, kHandling, kWriting, kClosing, kClosed };

  // Shared with the worker running the handler: whoever sets `done` first answers.
  struct Pending {
    std::atomic<bool> done{false};
  };

  static Stream MakeStream(internal::ServerState& impl, tcp::socket&& socket) {
    if constexpr (kTls) {
      return Stream(beast::tcp_stream(std::move(socket)), *impl.tls);
    } else {
      (void)impl;
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // The single timer bounds the current phase; OnTimer() acts on the phase it was armed for.
  void ArmTimer(Clock::time_point deadline) {
    uint64_t generation = ++timer_generation_;
    timer_.expires_at(deadline);
    timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->timer_generation_) return;
      self->OnTimer();
    });
  }

  void CancelTimer() {
    ++timer_generation_;
    timer_.cancel();
  }

  void Begin() {
    header_deadline_ = Clock::now() + impl_.options.header_timeout;
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      Lowest().expires_after(impl_.options.header_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                self->Lowest().expires_never();
                                if (ec || self->phase_ == Phase::kClosed) return self->Close();
                                self->WaitRequest();
                              });
    } else {
      WaitRequest();
    }
  }

  // Between requests: waits for the first bytes of the next one (keep-alive idle time), or, on
  // a new connection, for the first request until the header deadline.
  void WaitRequest() {
    if (impl_.draining && !first_request_) return Close();
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<size_t>(impl_.options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(impl_.options.max_body_bytes);
    timed_out_ = false;
    method_.clear();
    path_.clear();
    if (buffer_.size() > 0) return ReadHeader();
    phase_ = Phase::kIdle;
    ArmTimer(first_request_ ? header_deadline_ : Clock::now() + impl_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              self->OnIdleRead(ec, n);
                            });
  }

  void OnIdleRead(beast::error_code ec, size_t n) {
    if (phase_ != Phase::kIdle) return;
    CancelTimer();
    if (ec) return Close();  // peer closed, idle timeout, or drained
    buffer_.commit(n);
    if (n == 0) return WaitRequest();
    ReadHeader();
  }

  void ReadHeader() {
    phase_ = Phase::kHeader;
    start_ = Clock::now();
    if (!first_request_) header_deadline_ = start_ + impl_.options.header_timeout;
    ArmTimer(header_deadline_);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnTimer() {
    switch (phase_) {
      case Phase::kIdle:
        return Close();
      case Phase::kHeader:
      case Phase::kBody: {
        timed_out_ = true;
        beast::error_code ignored;
        Lowest().socket().cancel(ignored);
        return;
      }
      case Phase::kHandling:
        if (pending_ && !pending_->done.exchange(true)) {
          impl_.metrics.Rejected("timeout");
          return Respond(HttpResponse::Error(503, "timeout",
                                             fmt::format("the request was not handled within {} ms",
                                                         impl_.options.request_timeout.count())),
                         Connection::kKeep);
        }
        return;
      default:
        return;
    }
  }

  // Whether `ec` only says the peer went away (nothing to answer).
  static bool PeerGone(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::operation_aborted || ec == beast::error::timeout ||
           ec == ssl::error::stream_truncated;
  }

  // Answers a read error; returns true if there was one.
  bool HandleReadError(beast::error_code ec) {
    if (timed_out_) {
      impl_.metrics.Rejected("request_timeout");
      Respond(HttpResponse::Error(408, "request_timeout",
                                  phase_ == Phase::kHeader
                                      ? "the request header was not received in time"
                                      : "the request body was not received in time"),
              Connection::kClose);
      return true;
    }
    if (!ec) return false;
    if (ec == http::error::header_limit) {
      impl_.metrics.Rejected("header_too_large");
      Respond(HttpResponse::Error(431, "header_too_large",
                                  fmt::format("the request header exceeds {} bytes",
                                              impl_.options.max_header_bytes)),
              Connection::kClose);
    } else if (ec == http::error::body_limit) {
      RejectBody();
    } else if (PeerGone(ec)) {
      Close();
    } else {
      impl_.metrics.Rejected("bad_request");
      Respond(HttpResponse::Error(400, "bad_request",
                                  fmt::format("malformed HTTP request: {}", ec.message())),
              Connection::kClose);
    }
    return true;
  }

  void RejectBody() {
    impl_.metrics.Rejected("payload_too_large");
    Respond(HttpResponse::Error(
                413, "payload_too_large",
                fmt::format("the request body exceeds {} bytes", impl_.options.max_body_bytes)),
            Connection::kClose);
  }

  void NoteRequestLine() {
    const auto& message = parser_->get();
    method_ = std::string(message.method_string());
    std::string_view target = View(message.target());
    path_ = PercentDecode(target.substr(0, target.find('?')), Plus::kLiteral);
    version_ = message.version();
    keep_alive_ = message.keep_alive();
  }

  void OnHeader(beast::error_code ec) {
    if (phase_ != Phase::kHeader) return;
    CancelTimer();
    if (!ec || ec == http::error::body_limit) NoteRequestLine();
    if (HandleReadError(ec)) return;
    if (auto length = parser_->content_length(); length && *length > impl_.options.max_body_bytes) {
      return RejectBody();
    }
    if (impl_.options.rate_per_second > 0 && !ExemptFromRateLimit(path_)) {
      std::string token;
      auto authorization = parser_->get().find(http::field::authorization);
      if (authorization != parser_->get().end()) token = ParseBearer(View(authorization->value()));
      internal::RateLimiter::Decision decision =
          impl_.limiter.Take(RateKey(token, remote_ip_), Clock::now());
      if (!decision.allowed) {
        impl_.metrics.RateLimited();
        HttpResponse response =
            HttpResponse::Error(429, "rate_limited", "too many requests; retry later");
        response.headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
        return Respond(std::move(response),
                       parser_->is_done() ? Connection::kKeep : Connection::kClose);
      }
    }
    if (parser_->is_done()) return Dispatch();
    auto expect = parser_->get().find(http::field::expect);
    if (expect != parser_->get().end() &&
        EqualsIgnoringAsciiCase(View(expect->value()), "100-continue")) {
      auto interim =
          std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
      phase_ = Phase::kWriting;
      Lowest().expires_after(kWriteTimeout);
      http::async_write(stream_, *interim,
                        [self = this->shared_from_this(), interim](beast::error_code ec, size_t) {
                          self->Lowest().expires_never();
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    phase_ = Phase::kBody;
    ArmTimer(Clock::now() + impl_.options.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (phase_ != Phase::kBody) return;
    CancelTimer();
    if (HandleReadError(ec)) return;
    Dispatch();
  }

  HttpRequest BuildRequest() {
    http::request<http::string_body> message = parser_->release();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    std::string_view target = request.target;
    size_t question = target.find('?');
    request.path = path_;
    if (question != std::string_view::npos)
      ParseUrlEncoded(target.substr(question + 1), request.query);
    for (const auto& field : message) {
      request.headers.emplace(AsciiLower(View(field.name_string())), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote = remote_;
    return request;
  }

  void Dispatch() {
    phase_ = Phase::kHandling;
    HttpRequest request = BuildRequest();
    auto pending = std::make_shared<Pending>();
    pending_ = pending;
    counted_in_flight_ = true;
    impl_.metrics.AddInFlight(1);
    ArmTimer(Clock::now() + impl_.options.request_timeout);
    std::weak_ptr<Session> weak = this->shared_from_this();
    auto executor = stream_.get_executor();
    internal::ServerState* impl = &impl_;
    bool queued = impl_.pool.TrySubmit(
        [weak, executor, pending, impl, request = std::move(request)](int worker) mutable {
          if (pending->done.load()) return;  // timed out while queued: do not run it
          request.worker = worker;
          HttpResponse response;
          try {
            response = impl->handler(request);
          } catch (const std::exception&) {
            response = HttpResponse::Error(500, "internal", "the request handler failed");
          } catch (...) {
            response = HttpResponse::Error(500, "internal", "the request handler failed");
          }
          asio::post(executor, [weak, pending, response = std::move(response)]() mutable {
            if (auto self = weak.lock()) self->OnHandled(pending, std::move(response));
          });
        });
    if (!queued) {
      pending->done = true;
      CancelTimer();
      impl_.metrics.Rejected("overloaded");
      HttpResponse response =
          HttpResponse::Error(503, "overloaded", "the server is overloaded; retry later");
      response.headers.emplace_back("Retry-After", "1");
      Respond(std::move(response), Connection::kKeep);
    }
  }

  void OnHandled(const std::shared_ptr<Pending>& pending, HttpResponse response) {
    if (phase_ != Phase::kHandling || pending != pending_ || pending->done.exchange(true)) return;
    CancelTimer();
    Respond(std::move(response), Connection::kKeep);
  }

  enum class Connection { kKeep, kClose };

  void Respond(HttpResponse response, Connection connection) {
    pending_.reset();
    if (counted_in_flight_) {
      counted_in_flight_ = false;
      impl_.metrics.AddInFlight(-1);
    }
    phase_ = Phase::kWriting;
    if (response.status < 100 || response.status > 599) {
      response = HttpResponse::Error(500, "internal", "the handler returned an invalid status");
    }
    size_t bytes = response.body.size();
    try {
      BuildResponse(response, connection);
    } catch (const std::exception&) {  // e.g. an invalid header name from the handler
      response = HttpResponse::Error(500, "internal", "the handler returned an invalid header");
      bytes = response.body.size();
      BuildResponse(response, connection);
    }

    double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    impl_.metrics.Record(response.route, response.status, seconds);
    if (impl_.options.access_log != nullptr) {
      nlohmann::ordered_json line = {
          {"time", IsoTimeUtc(std::chrono::system_clock::now())},
          {"remote", remote_},
          {"method", method_},
          {"path", path_},
          {"status", response.status},
          {"bytes", bytes},
          {"ms", std::round(seconds * 1e6) / 1e3},
          {"principal", response.principal},
          {"route", response.route},
      };
      impl_.Log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }

    Lowest().expires_after(kWriteTimeout);
    http::async_write(
        stream_, response_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void BuildResponse(HttpResponse& response, Connection connection) {
    response_ = http::response<http::string_body>();
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "cairn");
    if (!response.content_type.empty()) {
      response_.set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) response_.insert(name, value);
    int status = response.status;
    bool bodiless = status < 200 || status == 204 || status == 304;
    response_.body() = bodiless ? std::string() : std::move(response.body);
    response_.prepare_payload();
    if (method_ == "HEAD") response_.body().clear();
    response_.keep_alive(keep_alive_ && connection == Connection::kKeep && !impl_.draining);
  }

  void OnWrite(beast::error_code ec) {
    if (phase_ != Phase::kWriting) return;
    Lowest().expires_never();
    if (ec) return Close();
    if (!response_.keep_alive()) return Shutdown();
    response_ = http::response<http::string_body>();
    first_request_ = false;
    WaitRequest();
  }

  // Ends the connection politely: TLS close_notify, or a half-close and discarding of unread
  // input, each bounded in time.
  void Shutdown() {
    phase_ = Phase::kClosing;
    if constexpr (kTls) {
      Lowest().expires_after(kLingerTimeout);
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->Close(); });
    } else {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Lowest().expires_after(kLingerTimeout);
      Linger();
    }
  }

  void Linger() {
    buffer_.consume(buffer_.size());
    Lowest().async_read_some(buffer_.prepare(kReadChunk), [self = this->shared_from_this()](
                                                              beast::error_code ec, size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > kLingerBytes || self->phase_ != Phase::kClosing) {
        return self->Close();
      }
      self->Linger();
    });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    pending_.reset();
    CancelTimer();
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest().close();
  }

  internal::ServerState& impl_;
  Stream stream_;
  asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  beast::flat_buffer buffer_;
  const std::string remote_;
  const std::string remote_ip_;
  const uint64_t id_;

  Phase phase_ = Phase::kHandshake;
  bool first_request_ = true;
  Clock::time_point header_deadline_;
  bool timed_out_ = false;
  size_t lingered_ = 0;
  bool counted_in_flight_ = false;

  // The current request.
  std::optional<http::request_parser<http::string_body>> parser_;
  Clock::time_point start_;
  std::string method_;
  std::string path_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  std::shared_ptr<Pending> pending_;
  http::response<http::string_body> response_;
};

}  // namespace

Status internal::ServerState::LoadTls() {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return InvalidArgumentError("TLS needs both a certificate and a key file (got only the {})",
                                options.tls_cert_file.empty() ? "key" : "certificate");
  }
  if (options.tls_cert_file.empty()) return OkStatus();
  tls.emplace(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  tls->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    tls.reset();
    return InvalidArgumentError("cannot load TLS certificate '{}': {}", options.tls_cert_file,
                                ec.message());
  }
  tls->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
  if (ec) {
    tls.reset();
    return InvalidArgumentError("cannot load TLS key '{}': {}", options.tls_key_file, ec.message());
  }
  return OkStatus();
}

void internal::ServerState::DoAccept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open() || draining) return;
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      tcp::endpoint peer = socket.remote_endpoint(ignored);
      std::string remote = EndpointText(peer);
      std::string ip = peer.address().to_string();
      if (tls) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            *this, std::move(socket), std::move(remote), std::move(ip))
            ->Start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket), std::move(remote),
                                                     std::move(ip))
            ->Start();
      }
      DoAccept();
      return;
    }
    // Out of descriptors or a transient error: pause briefly instead of spinning.
    auto timer = std::make_shared<asio::steady_timer>(acceptor.get_executor());
    timer->expires_after(std::chrono::milliseconds(50));
    timer->async_wait([this, timer](beast::error_code) { DoAccept(); });
  });
}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Listen() {
  Impl& impl = *impl_;
  if (impl.listening) return FailedPreconditionError("the server is already listening");
  RETURN_IF_ERROR(impl.LoadTls());

  const std::string& address = impl.options.address;
  std::string where = fmt::format("{}:{}", address, impl.options.port);
  beast::error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address ip = asio::ip::make_address(address, ec);
  if (!ec) {
    endpoint = tcp::endpoint(ip, impl.options.port);
  } else {
    tcp::resolver resolver(impl.ioc);
    auto results = resolver.resolve(address, std::to_string(impl.options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return InvalidArgumentError("cannot resolve listen address '{}': {}", address,
                                  ec ? ec.message() : "no addresses");
    }
    endpoint = results.begin()->endpoint();
  }

  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    return UnavailableError("cannot listen on {}: {}", where, ec.message());
  }
  impl.bound_port = impl.acceptor.local_endpoint(ec).port();
  impl.listening = true;
  return OkStatus();
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

Status HttpServer::Run() {
  Impl& impl = *impl_;
  if (!impl.listening) return FailedPreconditionError("Run() before a successful Listen()");
  {
    std::lock_guard lock(impl.stop_mu);
    if (impl.ran) return FailedPreconditionError("Run() was already called");
    impl.ran = true;
  }
  impl.pool.Start();
  auto work = asio::make_work_guard(impl.ioc);
  asio::post(impl.acceptor.get_executor(), [&impl] { impl.DoAccept(); });
  std::vector<std::thread> threads;
  int io_threads = std::max(1, impl.options.io_threads);
  threads.reserve(io_threads);
  for (int i = 0; i < io_threads; ++i) threads.emplace_back([&impl] { impl.ioc.run(); });

  {
    std::unique_lock lock(impl.stop_mu);
    impl.serving = !impl.stop_requested;
    impl.stop_cv.wait(lock, [&impl] { return impl.stop_requested; });
  }

  // Drain: stop accepting, close idle connections, let in-flight requests finish.
  impl.serving = false;
  impl.draining = true;
  asio::post(impl.acceptor.get_executor(), [&impl] {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
  });
  auto deadline = Clock::now() + impl.options.drain_timeout;
  auto next_sweep = Clock::now();
  while (impl.open_sessions > 0 && Clock::now() < deadline) {
    if (Clock::now() >= next_sweep) {
      // Repeated: a connection may go idle (or be accepted) after an earlier sweep.
      for (auto& session : impl.LiveSessions()) session->Drain();
      next_sweep = Clock::now() + std::chrono::milliseconds(50);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (impl.open_sessions > 0) {
    for (auto& session : impl.LiveSessions()) session->ForceClose();
    auto grace = Clock::now() + std::chrono::milliseconds(200);
    while (impl.open_sessions > 0 && Clock::now() < grace) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // Queued requests are dropped; handlers still running finish on their own (the destructor
  // waits for them).
  impl.pool.Stop();
  work.reset();
  impl.ioc.stop();
  for (auto& thread : threads) thread.join();
  return OkStatus();
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stop_requested = true;
    impl_->serving = false;
  }
  impl_->stop_cv.notify_all();
}

bool HttpServer::serving() const { return impl_->serving; }

void HttpServer::AddGauge(std::string name, std::string help, std::function<double()> value) {
  impl_->metrics.AddGauge(std::move(name), std::move(help), std::move(value));
}

std::string HttpServer::MetricsText() const { return impl_->metrics.Text(); }

}  // namespace cairn::server
