#pragma once

// Tests only: a tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that records every
// request and answers as a test programs it: a status and body, a delay, raw bytes (for
// malformed responses), optionally over TLS with a given certificate. One thread; one
// connection at a time; each connection answers one request and is closed.
//
// Bounds: a connection that sends nothing is dropped after 5 s (socket receive timeout); a
// delayed reply is cut short by the destructor; the accept loop ends on destruction.
//
// Thread-safety: requests() may be called from any thread while the server runs.

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cairn::net::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::chrono::steady_clock::time_point received;  // when the request was read
};

struct Reply {
  Reply() = default;
  Reply(int status_in, std::string body_in) : status(status_in), body(std::move(body_in)) {}

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  int delay_ms = 0;  // wait this long before answering (cut short by the destructor)
  std::string raw;   // when not empty: written as is instead of a response
  std::vector<std::pair<std::string, std::string>> headers;  // added to the response
};

struct TlsFiles {
  std::string cert;  // PEM
  std::string key;   // PEM
};

class TestHttpServer {
 public:
  using Handler = std::function<Reply(const RecordedRequest&)>;

  explicit TestHttpServer(Handler handler, std::optional<TlsFiles> tls = std::nullopt)
      : handler_(std::move(handler)), acceptor_(ioc_) {
    namespace asio = boost::asio;
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    if (tls) {
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(tls->cert);
      tls_->use_private_key_file(tls->key, asio::ssl::context::pem);
    }
    thread_ = std::thread([this] { Run(); });
  }

  ~TestHttpServer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    // Unblocks accept(): a connection to ourselves.
    boost::system::error_code ignored;
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ignored);
    thread_.join();
  }

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  uint16_t port() const { return port_; }
  std::string Url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return (tls_ ? "https://" : "http://") + host + ":" + std::to_string(port_) + path;
  }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  bool Stopping() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopping_;
  }

  void Run() {
    namespace asio = boost::asio;
    for (int connections = 0; connections < 10000; ++connections) {
      asio::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (Stopping()) return;
      if (ec) continue;
      timeval timeout{5, 0};
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      if (tls_) {
        asio::ssl::stream<asio::ip::tcp::socket&> stream(socket, *tls_);
        stream.handshake(asio::ssl::stream_base::server, ec);
        if (!ec) Serve(stream);
      } else {
        Serve(socket);
      }
      socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }
  }

  template <typename Stream>
  void Serve(Stream& stream) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    boost::system::error_code ec;
    http::read(stream, buffer, request, ec);
    if (ec) return;
    RecordedRequest recorded;
    auto text = [](beast::string_view view) { return std::string(view.data(), view.size()); };
    recorded.method = text(request.method_string());
    recorded.target = text(request.target());
    for (const auto& field : request) {
      std::string name = text(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      recorded.headers[name] = text(field.value());
    }
    recorded.body = request.body();
    recorded.received = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(recorded);
    }
    Reply reply = handler_(recorded);
    if (reply.delay_ms > 0) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(reply.delay_ms), [&] { return stopping_; });
    }
    if (!reply.raw.empty()) {
      boost::asio::write(stream, boost::asio::buffer(reply.raw), ec);
      return;
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
    response.set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) response.insert(name, value);
    response.keep_alive(false);
    response.body() = reply.body;
    response.prepare_payload();
    http::write(stream, response, ec);
  }

  Handler handler_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
inline uint16_t ClosedPort() {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

}  // namespace cairn::net::testing
