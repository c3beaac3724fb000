// The HTTP client against real servers on 127.0.0.1: plain HTTP, limits, malformed answers,
// deadlines, and TLS verification with a throwaway certificate (made with the openssl
// command; the TLS tests are skipped when it is missing).

#include "net/http_client.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "net/test_http_server.h"

namespace cairn::net {
namespace {

using testing::ClosedPort;
using testing::RecordedRequest;
using testing::Reply;
using testing::TestHttpServer;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ParseUrlTest, AcceptsWellFormedUrls) {
  Result<Url> url = ParseUrl("http://127.0.0.1:8080/v1/chat?x=1&y=2#part");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/v1/chat?x=1&y=2");
  EXPECT_FALSE(url->tls());
  EXPECT_EQ(url->HostPort(), "127.0.0.1:8080");

  url = ParseUrl("HTTPS://llm.example.com");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/");

  url = ParseUrl("http://[::1]:9000?q");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->target, "/?q");
  EXPECT_EQ(url->HostPort(), "[::1]:9000");

  url = ParseUrl("http://hooks.local");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->port, 80);
}

TEST(ParseUrlTest, RefusesMalformedUrlsNamingThem) {
  for (const char* bad :
       {"", "127.0.0.1:80/x", "ftp://h/x", "http://", "http:///x", "http://user:pw@h/x",
        "http://h:0/", "http://h:65536/", "http://h:/", "http://h:8o/", "http://h x/",
        "http://h/a b", "http://[::1/", "http://[zz]/", "http://a:b:c/", "http://h\n/",
        "http://h\xc3\xa9/", "http://h%41/"}) {
    Result<Url> url = ParseUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(Contains(url.status().message(), fmt::format("invalid URL '{}'", bad)))
        << url.status().message();
  }
}

TEST(HttpPostTest, PostsAndReturnsStatusBodyAndHeaders) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{201, R"({"ok":true})"}; });
  Result<HttpResponse> response = HttpPost(
      server.Url("/hook?x=1"), "hello", {{"X-Test", "yes"}, {"User-Agent", "probe"}}, 2000, 1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(response->headers["content-type"], "application/json");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hook?x=1");
  EXPECT_EQ(requests[0].body, "hello");
  EXPECT_EQ(requests[0].headers["x-test"], "yes");
  EXPECT_EQ(requests[0].headers["user-agent"], "probe");
  EXPECT_EQ(requests[0].headers["host"], fmt::format("127.0.0.1:{}", server.port()));
  EXPECT_EQ(requests[0].headers["content-length"], "5");
  EXPECT_EQ(requests[0].headers["connection"], "close");
}

TEST(HttpGetTest, GetsWithHeadersAndReturnsResponseHeaders) {
  TestHttpServer server([](const RecordedRequest&) {
    Reply reply{200, "[1,2]"};
    reply.headers = {{"Link", R"(</items?page=2>; rel="next")"}, {"X-Total", "2"}};
    return reply;
  });
  Result<HttpResponse> response =
      HttpGet(server.Url("/items?page=1"), {{"Authorization", "Bearer t0k"}}, 2000, 1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "[1,2]");
  EXPECT_EQ(response->headers["link"], R"(</items?page=2>; rel="next")");
  EXPECT_EQ(response->headers["x-total"], "2");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/items?page=1");
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer t0k");
  EXPECT_EQ(requests[0].headers.count("content-length"), 0u);
  EXPECT_EQ(requests[0].body, "");
}

TEST(HttpGetTest, RefusesBadHeadersWithoutEchoingValues) {
  Result<HttpResponse> response =
      HttpGet("http://127.0.0.1:1/", {{"Authorization", "Bearer s3cret\r\nX: y"}}, 2000, 1024);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(response.status().message(), "GET http://127.0.0.1:1/: header "))
      << response.status().message();
  EXPECT_FALSE(Contains(response.status().message(), "s3cret")) << response.status().message();
}

TEST(HttpPostTest, ErrorStatusesAreResponses) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{503, "busy"}; });
  Result<HttpResponse> response = HttpPost(server.Url("/"), "", {}, 2000, 1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
}

TEST(HttpPostTest, ResponseOverTheCapIsResourceExhausted) {
  TestHttpServer server([](const RecordedRequest&) {
    return Reply{200, std::string(64 << 10, 'x')};
  });
  Result<HttpResponse> response = HttpPost(server.Url("/"), "", {}, 2000, 1000);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(response.status().message(), "over 1000 bytes"))
      << response.status().message();
  // Bodies without a Content-Length: chunked, and read until the server closes.
  for (const std::string& raw :
       {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
            fmt::format("{:x}\r\n{}\r\n", 600, std::string(600, 'a')) +
            fmt::format("{:x}\r\n{}\r\n0\r\n\r\n", 600, std::string(600, 'b')),
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(4000, 'c')}) {
    TestHttpServer unframed([&](const RecordedRequest&) {
      Reply reply;
      reply.raw = raw;
      return reply;
    });
    response = HttpPost(unframed.Url("/"), "", {}, 2000, 1000);
    ASSERT_FALSE(response.ok()) << raw.substr(0, 40);
    EXPECT_EQ(response.status().code(), StatusCode::kResourceExhausted)
        << response.status().ToString();
  }
  // Exactly at the cap is fine.
  TestHttpServer exact([](const RecordedRequest&) { return Reply{200, std::string(1000, 'x')}; });
  response = HttpPost(exact.Url("/"), "", {}, 2000, 1000);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body.size(), 1000u);
}

TEST(HttpPostTest, MalformedResponseIsUnavailable) {
  TestHttpServer server([](const RecordedRequest&) {
    Reply reply;
    reply.raw = "HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n";
    return reply;
  });
  Result<HttpResponse> response = HttpPost(server.Url("/"), "", {}, 2000, 1024);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(response.status().message(), "malformed or incomplete HTTP response"))
      << response.status().message();

  TestHttpServer truncated([](const RecordedRequest&) {
    Reply reply;
    reply.raw = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
    return reply;
  });
  response = HttpPost(truncated.Url("/"), "", {}, 2000, 1024);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
}

TEST(HttpPostTest, ConnectionRefusedIsUnavailableNamingHostAndPort) {
  const uint16_t port = ClosedPort();
  Result<HttpResponse> response =
      HttpPost(fmt::format("http://127.0.0.1:{}/x", port), "", {}, 2000, 1024);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(response.status().message(),
                       fmt::format("127.0.0.1:{}: cannot connect: Connection refused", port)))
      << response.status().message();
}

TEST(HttpPostTest, WholeRequestDeadlineIsUnavailable) {
  TestHttpServer server([](const RecordedRequest&) {
    Reply reply{200, "late"};
    reply.delay_ms = 5000;
    return reply;
  });
  const auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> response = HttpPost(server.Url("/"), "", {}, 300, 1024);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(
      response.status().message(),
      fmt::format("127.0.0.1:{}: timed out after 300 ms waiting for the response", server.port())))
      << response.status().message();
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
}

TEST(HttpPostTest, RefusesBadArgumentsBeforeConnecting) {
  const std::string url = "http://127.0.0.1:9/";
  EXPECT_EQ(HttpPost(url, "", {{"X", "a\r\nInjected: 1"}}, 1000, 10).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpPost(url, "", {{"Bad Name", "v"}}, 1000, 10).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpPost(url, "", {{"content-length", "3"}}, 1000, 10).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpPost(url, "", {{"Host", "elsewhere"}}, 1000, 10).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpPost(url, "", {}, 0, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpPost(url, "", {}, 1000, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpPost("http//nope", "", {}, 1000, 10).status().code(), StatusCode::kInvalidArgument);
}

TEST(BodySnippetTest, KeepsWholeCharactersOnOneLine) {
  EXPECT_EQ(BodySnippet("short"), "short");
  EXPECT_EQ(BodySnippet(std::string(300, 'x')), std::string(200, 'x'));
  EXPECT_EQ(BodySnippet("line one\r\nline two"), "line one  line two");
  // "ab" then U+00E9 (2 bytes): a cut at 3 bytes would split it.
  EXPECT_EQ(BodySnippet("ab\xc3\xa9z", 3), "ab");
  EXPECT_EQ(BodySnippet("ab\xc3\xa9z", 4), "ab\xc3\xa9");
}

// A self-signed certificate for "localhost" (not for 127.0.0.1), and SSL_CERT_FILE set or
// unset around each test, restored afterwards.
class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("cairn_http_client_test_{}", ::getpid());
    std::filesystem::create_directories(dir_);
    files_.cert = (dir_ / "cert.pem").string();
    files_.key = (dir_ / "key.pem").string();
    int rc = std::system(
        fmt::format("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 "
                    "-addext subjectAltName=DNS:localhost -keyout '{}' -out '{}' >/dev/null 2>&1",
                    files_.key, files_.cert)
            .c_str());
    if (rc != 0) GTEST_SKIP() << "the openssl command is not available";
    if (const char* saved = std::getenv("SSL_CERT_FILE")) saved_ = saved;
  }
  void TearDown() override {
    if (saved_) {
      setenv("SSL_CERT_FILE", saved_->c_str(), 1);
    } else {
      unsetenv("SSL_CERT_FILE");
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path dir_;
  testing::TlsFiles files_;
  std::optional<std::string> saved_;
};

TEST_F(HttpsTest, VerifiesTheCertificateAndTheHostName) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{200, "secret"}; }, files_);

  // Trusted (SSL_CERT_FILE names it) and the name matches: the request goes through.
  setenv("SSL_CERT_FILE", files_.cert.c_str(), 1);
  Result<HttpResponse> response = HttpPost(server.Url("/t", "localhost"), "x", {}, 5000, 1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "secret");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers["host"], fmt::format("localhost:{}", server.port()));

  // Trusted, but the certificate does not name 127.0.0.1.
  response = HttpPost(server.Url("/t", "127.0.0.1"), "x", {}, 5000, 1024);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(response.status().message(), "TLS certificate verification failed"))
      << response.status().message();

  // Not trusted: the system's trust store does not hold a self-signed certificate.
  unsetenv("SSL_CERT_FILE");
  response = HttpPost(server.Url("/t", "localhost"), "x", {}, 5000, 1024);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(
      response.status().message(),
      fmt::format("localhost:{}: TLS certificate verification failed: self", server.port())))
      << response.status().message();
  EXPECT_EQ(server.requests().size(), 1u) << "no request is sent over an unverified connection";
}

}  // namespace
}  // namespace cairn::net
