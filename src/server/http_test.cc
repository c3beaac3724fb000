#include "server/http.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "server/http_limits.h"

namespace cairn::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// A minimal blocking HTTP/1.1 client over a POSIX socket, with timeouts on every read so a
// broken server fails a test instead of hanging it.

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;

  json Json() const { return json::parse(body, nullptr, /*allow_exceptions=*/false); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // The next response, or nullopt on timeout or a closed connection.
  std::optional<Response> Read(std::chrono::milliseconds timeout = 10s) {
    auto deadline = Clock::now() + timeout;
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    Response response;
    std::istringstream head(buffer_.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    if (line.size() < 12) return std::nullopt;
    response.status = std::stoi(line.substr(9, 3));
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t start = line.find_first_not_of(' ', colon + 1);
      response.headers[name] = start == std::string::npos ? "" : line.substr(start);
    }
    size_t length = std::stoul(
        response.Header("content-length").empty() ? "0" : response.Header("content-length"));
    while (buffer_.size() < head_end + 4 + length) {
      if (!Fill(deadline)) return std::nullopt;
    }
    response.body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return response;
  }

  // Whether the server closes the connection within `timeout` (data before the close is
  // discarded).
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0) return false;
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return true;
    }
  }

 private:
  bool Fill(Clock::time_point deadline) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return false;
    char chunk[8192];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return fmt::format("GET {} HTTP/1.1\r\nHost: localhost\r\n{}\r\n", target, extra_headers);
}

std::string Post(std::string_view target, std::string_view body) {
  return fmt::format(
      "POST {} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
      "{}\r\n\r\n{}",
      target, body.size(), body);
}

std::string Bearer(std::string_view token) {
  return fmt::format("Authorization: Bearer {}\r\n", token);
}

// Echoes the request as JSON, with route "/echo" and principal "tester".
HttpResponse Echo(const HttpRequest& request) {
  json query = json::object();
  for (const auto& [name, value] : request.query) query[name].push_back(value);
  json body = {{"method", request.method},
               {"target", request.target},
               {"path", request.path},
               {"query", query},
               {"body", request.body},
               {"remote", request.remote},
               {"worker", request.worker},
               {"token", request.BearerToken()},
               {"content_type", request.Header("content-type")}};
  HttpResponse response;
  response.body = body.dump();
  response.route = "/echo";
  response.principal = "tester";
  return response;
}

ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.io_threads = 2;
  options.workers = 2;
  options.header_timeout = 5s;
  options.request_timeout = 5s;
  options.idle_timeout = 5s;
  options.drain_timeout = 5s;
  options.rate_per_second = 0;
  return options;
}

// A server running on its own thread for the length of a test.
class Running {
 public:
  Running(ServerOptions options, Handler handler)
      : server_(std::make_unique<HttpServer>(std::move(options), std::move(handler))) {
    Status status = server_->Listen();
    EXPECT_TRUE(status.ok()) << status.ToString();
    thread_ = std::thread([this] { run_status_ = server_->Run(); });
    auto deadline = Clock::now() + 5s;
    while (!server_->serving() && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
  }
  ~Running() { Stop(); }

  void Stop() {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  HttpServer& server() { return *server_; }
  uint16_t port() const { return server_->port(); }
  const Status& run_status() const { return run_status_; }

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  Status run_status_;
};

// A gate a handler waits on until the test opens it.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 10s, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

bool WaitFor(const std::atomic<int>& counter, int value, std::chrono::milliseconds timeout = 5s) {
  auto deadline = Clock::now() + timeout;
  while (counter.load() < value) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Request/response helpers without a network.

TEST(HttpRequestTest, HeaderParamAndBearerToken) {
  HttpRequest request;
  request.headers.emplace("authorization", "bEaReR  abc.def ");
  request.headers.emplace("x-multi", "first");
  request.headers.emplace("x-multi", "second");
  request.query.emplace("k", "1");
  request.query.emplace("k", "2");
  EXPECT_EQ(request.BearerToken(), "abc.def");
  EXPECT_EQ(request.Header("x-multi"), "first");
  EXPECT_EQ(request.Header("x-missing"), "");
  EXPECT_EQ(request.Param("k"), "1");
  EXPECT_EQ(request.Param("missing"), "");

  HttpRequest basic;
  basic.headers.emplace("authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(basic.BearerToken(), "");
  HttpRequest glued;
  glued.headers.emplace("authorization", "Bearerabc");
  EXPECT_EQ(glued.BearerToken(), "");
}

TEST(HttpResponseTest, ErrorBuildsJsonAndSurvivesInvalidUtf8) {
  HttpResponse response = HttpResponse::Error(404, "not_found", "no \"such\" table");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  json body = json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["message"], "no \"such\" table");

  HttpResponse invalid = HttpResponse::Error(400, "bad_request", "bad \xff\xfe bytes");
  json parsed = json::parse(invalid.body, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["error"]["code"], "bad_request");
}

TEST(RateLimiterTest, TokenBucketRefillsAndEvicts) {
  internal::RateLimiter limiter(/*rate=*/1, /*burst=*/2, /*max_keys=*/2);
  auto t0 = Clock::now();
  EXPECT_TRUE(limiter.Take("a", t0).allowed);
  EXPECT_TRUE(limiter.Take("a", t0).allowed);
  internal::RateLimiter::Decision refused = limiter.Take("a", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  EXPECT_TRUE(limiter.Take("b", t0).allowed);  // another key has its own bucket
  EXPECT_TRUE(limiter.Take("a", t0 + 1s).allowed);
  EXPECT_FALSE(limiter.Take("a", t0 + 1s).allowed);

  EXPECT_TRUE(limiter.Take("c", t0).allowed);  // evicts "b", the least recently used
  EXPECT_EQ(limiter.size(), 2u);

  internal::RateLimiter disabled(0, 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(disabled.Take("a", t0).allowed);
}

TEST(WorkerPoolTest, FixedIndicesAndBoundedQueue) {
  internal::WorkerPool pool(/*workers=*/1, /*queue_limit=*/1);
  pool.Start();
  Gate gate;
  std::atomic<int> started{0};
  std::atomic<int> seen_worker{-1};
  ASSERT_TRUE(pool.TrySubmit([&](int worker) {
    seen_worker = worker;
    ++started;
    gate.Wait();
  }));
  ASSERT_TRUE(WaitFor(started, 1));
  EXPECT_TRUE(pool.TrySubmit([&](int) { ++started; }));   // waits in the queue
  EXPECT_FALSE(pool.TrySubmit([&](int) { ++started; }));  // queue full
  gate.Open();
  ASSERT_TRUE(WaitFor(started, 2));
  EXPECT_EQ(seen_worker.load(), 0);
  pool.Stop();
  pool.Join();
  EXPECT_FALSE(pool.TrySubmit([](int) {}));
}

// ---------------------------------------------------------------------------------------------
// A real server on 127.0.0.1.

TEST(HttpServerTest, RoundTripAndKeepAlive) {
  ServerOptions options = TestOptions();
  Running running(options, [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  ASSERT_TRUE(client.connected());

  ASSERT_TRUE(client.Send(Get("/hello", Bearer("tok1"))));
  auto first = client.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->Header("server"), "cairn");
  EXPECT_EQ(first->Header("content-type"), "application/json");
  EXPECT_EQ(first->Header("content-length"), std::to_string(first->body.size()));
  json echo = first->Json();
  EXPECT_EQ(echo["method"], "GET");
  EXPECT_EQ(echo["path"], "/hello");
  EXPECT_EQ(echo["token"], "tok1");
  EXPECT_TRUE(echo["remote"].get<std::string>().rfind("127.0.0.1:", 0) == 0) << echo["remote"];
  int worker = echo["worker"];
  EXPECT_GE(worker, 0);
  EXPECT_LT(worker, options.workers);

  // Same connection: a POST with a body.
  ASSERT_TRUE(client.Send(Post("/items", "payload body")));
  auto second = client.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  json posted = second->Json();
  EXPECT_EQ(posted["method"], "POST");
  EXPECT_EQ(posted["body"], "payload body");
  EXPECT_EQ(posted["content_type"], "text/plain");

  // Two pipelined requests in one write.
  ASSERT_TRUE(client.Send(Get("/p1") + Get("/p2")));
  auto p1 = client.Read();
  auto p2 = client.Read();
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(p1->Json()["path"], "/p1");
  EXPECT_EQ(p2->Json()["path"], "/p2");
}

TEST(HttpServerTest, DecodesPathAndQuery) {
  Running running(TestOptions(), [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  ASSERT_TRUE(client.Send(Get("/a%20b/c%2Bd?q=hello+world&k=%41%42&k=2&flag&bad=%zz")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  json echo = response->Json();
  EXPECT_EQ(echo["target"], "/a%20b/c%2Bd?q=hello+world&k=%41%42&k=2&flag&bad=%zz");
  EXPECT_EQ(echo["path"], "/a b/c+d");
  EXPECT_EQ(echo["query"]["q"], json::array({"hello world"}));
  EXPECT_EQ(echo["query"]["k"], json::array({"AB", "2"}));
  EXPECT_EQ(echo["query"]["flag"], json::array({""}));
  EXPECT_EQ(echo["query"]["bad"], json::array({"%zz"}));
}

TEST(HttpServerTest, ContentLengthOverLimitIsRefusedWithoutReadingTheBody) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1000;
  std::atomic<int> handled{0};
  Running running(options, [&](HttpRequest& request) {
    ++handled;
    return Echo(request);
  });
  Client client(running.port());
  // Only the header: the server must answer without waiting for the 100000 bytes.
  ASSERT_TRUE(
      client.Send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"));
  auto response = client.Read(3s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Json()["error"]["code"], "payload_too_large");
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(client.ClosedWithin(5s));
  EXPECT_EQ(handled.load(), 0);
}

TEST(HttpServerTest, ChunkedBodyOverLimitIsRefused) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1000;
  Running running(options, [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  std::string chunk(600, 'x');
  ASSERT_TRUE(client.Send(
      fmt::format("POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "258\r\n{}\r\n258\r\n{}\r\n0\r\n\r\n",
                  chunk, chunk)));
  auto response = client.Read(3s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Json()["error"]["code"], "payload_too_large");

  // A chunked body under the limit passes.
  Client small(running.port());
  ASSERT_TRUE(
      small.Send("POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n0\r\n\r\n"));
  auto ok = small.Read();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->Json()["body"], "hello");
}

TEST(HttpServerTest, HugeHeaderIs431) {
  ServerOptions options = TestOptions();
  options.max_header_bytes = 1024;
  Running running(options, [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  ASSERT_TRUE(client.Send(Get("/", fmt::format("X-Big: {}\r\n", std::string(20000, 'a')))));
  auto response = client.Read(3s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(response->Json()["error"]["code"], "header_too_large");
  EXPECT_TRUE(client.ClosedWithin(5s));
}

TEST(HttpServerTest, SlowHeaderGets408AndIsClosed) {
  ServerOptions options = TestOptions();
  options.header_timeout = 300ms;
  Running running(options, [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  auto start = Clock::now();
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: local"));
  auto response = client.Read(5s);
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 408);
  EXPECT_EQ(response->Json()["error"]["code"], "request_timeout");
  EXPECT_GE(elapsed, 250ms);
  EXPECT_TRUE(client.ClosedWithin(5s));
  EXPECT_NE(running.server().MetricsText().find(
                "cairn_http_rejected_total{reason=\"request_timeout\"} 1"),
            std::string::npos);
}

TEST(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options = TestOptions();
  options.idle_timeout = 300ms;
  Running running(options, [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  ASSERT_TRUE(client.Send(Get("/")));
  ASSERT_TRUE(client.Read());
  auto start = Clock::now();
  EXPECT_TRUE(client.ClosedWithin(5s));
  EXPECT_GE(Clock::now() - start, 250ms);
}

TEST(HttpServerTest, SlowHandlerGets503Timeout) {
  ServerOptions options = TestOptions();
  options.request_timeout = 200ms;
  Running running(options, [](HttpRequest& request) {
    if (request.path == "/slow") std::this_thread::sleep_for(700ms);
    return Echo(request);
  });
  Client client(running.port());
  ASSERT_TRUE(client.Send(Get("/slow")));
  auto response = client.Read(5s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->Json()["error"]["code"], "timeout");
  // The connection stays usable; the late result is dropped.
  ASSERT_TRUE(client.Send(Get("/fast")));
  auto next = client.Read(5s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->Json()["path"], "/fast");
}

TEST(HttpServerTest, FullQueueGets503Overloaded) {
  ServerOptions options = TestOptions();
  options.workers = 1;
  options.queue_limit = 1;
  Gate gate;
  std::atomic<int> started{0};
  Running running(options, [&](HttpRequest& request) {
    ++started;
    if (request.path == "/block") gate.Wait();
    return Echo(request);
  });
  Client busy(running.port());
  ASSERT_TRUE(busy.Send(Get("/block")));
  ASSERT_TRUE(WaitFor(started, 1));
  Client queued(running.port());
  ASSERT_TRUE(queued.Send(Get("/block")));
  std::this_thread::sleep_for(300ms);  // let it reach the queue
  Client refused(running.port());
  ASSERT_TRUE(refused.Send(Get("/more")));
  auto response = refused.Read(5s);
  gate.Open();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->Json()["error"]["code"], "overloaded");
  auto first = busy.Read(5s);
  auto second = queued.Read(5s);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 200);
}

TEST(HttpServerTest, RateLimitPerToken) {
  ServerOptions options = TestOptions();
  options.rate_per_second = 0.5;
  options.rate_burst = 2;
  Running running(options, [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.Send(Get("/q", Bearer("alpha"))));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
  }
  ASSERT_TRUE(client.Send(Get("/q", Bearer("alpha"))));
  auto limited = client.Read();
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->Json()["error"]["code"], "rate_limited");
  EXPECT_GE(std::stoi(limited->Header("retry-after")), 1);

  // Health checks are exempt; another token has its own bucket.
  ASSERT_TRUE(client.Send(Get("/healthz", Bearer("alpha"))));
  auto health = client.Read();
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  ASSERT_TRUE(client.Send(Get("/q", Bearer("beta"))));
  auto other = client.Read();
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_NE(running.server().MetricsText().find("cairn_http_rate_limited_total 1"),
            std::string::npos);
}

TEST(HttpServerTest, StopDrainsInFlightRequestsAndRefusesNewConnections) {
  ServerOptions options = TestOptions();
  std::atomic<int> started{0};
  Running running(options, [&](HttpRequest& request) {
    ++started;
    std::this_thread::sleep_for(300ms);
    return Echo(request);
  });
  uint16_t port = running.port();
  Client client(port);
  Client idle(port);
  ASSERT_TRUE(client.Send(Get("/work")));
  ASSERT_TRUE(WaitFor(started, 1));
  EXPECT_TRUE(running.server().serving());
  running.server().Stop();
  EXPECT_FALSE(running.server().serving());

  auto response = client.Read(5s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(idle.ClosedWithin(5s));

  bool refused = false;
  for (auto deadline = Clock::now() + 3s; !refused && Clock::now() < deadline;) {
    Client late(port);
    refused = !late.connected();
    if (!refused) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(refused);
  running.Stop();
  EXPECT_TRUE(running.run_status().ok()) << running.run_status().ToString();
}

TEST(HttpServerTest, AccessLogLineIsJsonWithoutQuery) {
  ServerOptions options = TestOptions();
  std::ostringstream log;
  options.access_log = &log;
  Running running(options, [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  ASSERT_TRUE(client.Send(Get("/logged/x%20y?token=s3cret&q=1", Bearer("t0ken-value"))));
  auto response = client.Read();
  ASSERT_TRUE(response);
  running.Stop();

  std::string text = log.str();
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  EXPECT_EQ(text.find("t0ken-value"), std::string::npos);
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  json line = json::parse(text.substr(0, text.find('\n')), nullptr, false);
  ASSERT_FALSE(line.is_discarded()) << text;
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["path"], "/logged/x y");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["bytes"], response->body.size());
  EXPECT_EQ(line["principal"], "tester");
  EXPECT_EQ(line["route"], "/echo");
  EXPECT_TRUE(line["ms"].is_number());
  EXPECT_TRUE(line["remote"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
  std::string time = line["time"];
  // 2024-01-02T03:04:05.678Z
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
}

TEST(HttpServerTest, MetricsCountRequestsByRoute) {
  Running running(TestOptions(), [](HttpRequest& request) {
    if (request.path == "/missing") return HttpResponse::Error(404, "not_found", "no such thing");
    return Echo(request);
  });
  running.server().AddGauge("cairn_test_gauge", "A test gauge.", [] { return 42.5; });
  Client client(running.port());
  for (const char* target : {"/a", "/b", "/missing"}) {
    ASSERT_TRUE(client.Send(Get(target)));
    ASSERT_TRUE(client.Read());
  }
  std::string text = running.server().MetricsText();
  EXPECT_NE(text.find("# TYPE cairn_http_requests_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("cairn_http_requests_total{route=\"/echo\",code=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cairn_http_requests_total{route=\"other\",code=\"404\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE cairn_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("cairn_http_request_duration_seconds_bucket{route=\"/echo\",le=\"+Inf\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cairn_http_request_duration_seconds_count{route=\"/echo\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("le=\"0.001\""), std::string::npos);
  EXPECT_NE(text.find("le=\"10\""), std::string::npos);
  EXPECT_NE(text.find("# TYPE cairn_http_in_flight gauge\ncairn_http_in_flight 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cairn_http_rejected_total{reason=\"overloaded\"} 0"), std::string::npos);
  EXPECT_NE(text.find("# HELP cairn_test_gauge A test gauge.\n# TYPE cairn_test_gauge gauge\n"
                      "cairn_test_gauge 42.5\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("/a\""), std::string::npos);  // raw paths never become labels
}

TEST(HttpServerTest, HandlerExceptionIs500) {
  Running running(TestOptions(), [](HttpRequest& request) -> HttpResponse {
    if (request.path == "/throw") throw std::runtime_error("boom");
    return Echo(request);
  });
  Client client(running.port());
  ASSERT_TRUE(client.Send(Get("/throw")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->Json()["error"]["code"], "internal");
  ASSERT_TRUE(client.Send(Get("/after")));
  auto after = client.Read();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST(HttpServerTest, GarbageIs400AndClosed) {
  Running running(TestOptions(), [](HttpRequest& request) { return Echo(request); });
  Client client(running.port());
  const char kGarbage[] = "\x16\x03\x01\x02\x00garbage \x01\x02\r\n\r\n";
  ASSERT_TRUE(client.Send(std::string(kGarbage, sizeof(kGarbage) - 1)));
  auto response = client.Read(3s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->Json()["error"]["code"], "bad_request");
  EXPECT_TRUE(client.ClosedWithin(5s));
}

TEST(HttpServerTest, PortInUseIsUnavailable) {
  Running running(TestOptions(), [](HttpRequest& request) { return Echo(request); });
  ServerOptions options = TestOptions();
  options.port = running.port();
  HttpServer second(options, [](HttpRequest& request) { return Echo(request); });
  Status status = second.Listen();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_NE(status.message().find("127.0.0.1"), std::string::npos) << status.ToString();
}

TEST(HttpServerTest, BadAddressIsInvalidArgument) {
  ServerOptions options = TestOptions();
  options.address = "no such host.invalid";
  HttpServer server(options, [](HttpRequest& request) { return Echo(request); });
  Status status = server.Listen();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
}

TEST(HttpServerTest, MissingCertificateIsInvalidArgument) {
  ServerOptions options = TestOptions();
  options.tls_cert_file = "/nonexistent/cairn-cert.pem";
  options.tls_key_file = "/nonexistent/cairn-key.pem";
  HttpServer server(options, [](HttpRequest& request) { return Echo(request); });
  Status status = server.Listen();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find("/nonexistent/cairn-cert.pem"), std::string::npos)
      << status.ToString();
}

TEST(HttpServerTest, ServesHttpsWithACertificate) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace ssl = asio::ssl;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("cairn_http_test_{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::string cert = (dir / "cert.pem").string();
  std::string key = (dir / "key.pem").string();
  int rc = std::system(
      fmt::format("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 "
                  "-keyout '{}' -out '{}' >/dev/null 2>&1",
                  key, cert)
          .c_str());
  if (rc != 0) {
    std::filesystem::remove_all(dir);
    GTEST_SKIP() << "openssl is not available";
  }
  ServerOptions options = TestOptions();
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  {
    Running running(options, [](HttpRequest& request) { return Echo(request); });

    asio::io_context ioc;
    ssl::context context(ssl::context::tls_client);
    context.set_verify_mode(ssl::verify_none);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, context);
    beast::get_lowest_layer(stream).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), running.port()));
    stream.handshake(ssl::stream_base::client);
    EXPECT_GE(SSL_version(stream.native_handle()), TLS1_2_VERSION);
    http::request<http::string_body> request{http::verb::get, "/secure?x=1", 11};
    request.set(http::field::host, "localhost");
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    EXPECT_EQ(response.result_int(), 200u);
    json echo = json::parse(response.body(), nullptr, false);
    EXPECT_EQ(echo["path"], "/secure");
    EXPECT_EQ(echo["query"]["x"], json::array({"1"}));
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                      ignored);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::server
