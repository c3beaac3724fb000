// Action sinks: the SQLite outbox (exactly one row per idempotency key) and webhooks against a
// real HTTP server on 127.0.0.1 answering as each test programs it.

#include "workflow/sinks.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "net/test_http_server.h"

namespace cairn::workflow {
namespace {

using net::testing::ClosedPort;
using net::testing::RecordedRequest;
using net::testing::Reply;
using net::testing::TestHttpServer;
using nlohmann::json;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ActionSink Outbox(const std::filesystem::path& path) {
  ActionSink sink;
  sink.kind = ActionSink::Kind::kOutbox;
  sink.target = path.string();
  return sink;
}

ActionSink Webhook(const std::string& url, int64_t timeout_ms = 2000) {
  ActionSink sink;
  sink.kind = ActionSink::Kind::kWebhook;
  sink.target = url;
  sink.timeout_ms = timeout_ms;
  return sink;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("cairn_sinks_test_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::filesystem::path dir_;
};

TEST_F(OutboxTest, RepeatedDeliveryWithOneKeyWritesOneRow) {
  const std::filesystem::path path = dir_ / "nested" / "releases.sqlite";
  const json payload = {{"container_no", "MSCU1234565"}, {"decision", "approve"}};
  for (int attempt = 0; attempt < 5; ++attempt) {
    Status status = Deliver(Outbox(path), "case-1/release", payload);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  // A retry after a crash may carry a rebuilt payload; the first one stays.
  ASSERT_TRUE(Deliver(Outbox(path), "case-1/release", {{"other", 1}}).ok());
  Result<int64_t> count = CountOutbox(path);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 1);
  Result<std::vector<json>> rows = ReadOutbox(path);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0]["idempotency_key"], "case-1/release");
  EXPECT_EQ((*rows)[0]["payload"], payload);
  const std::string created = (*rows)[0]["created_at"];
  ASSERT_EQ(created.size(), 24u) << created;  // 2026-12-04T10:00:00.123Z
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');
}

TEST_F(OutboxTest, DistinctKeysWriteDistinctRowsInOrder) {
  const std::filesystem::path path = dir_ / "releases.sqlite";
  ASSERT_TRUE(Deliver(Outbox(path), "case-1/release", {{"n", 1}}).ok());
  ASSERT_TRUE(Deliver(Outbox(path), "case-2/release", {{"n", 2}}).ok());
  ASSERT_TRUE(Deliver(Outbox(path), "case-1/release", {{"n", 3}}).ok());
  EXPECT_EQ(*CountOutbox(path), 2);
  Result<std::vector<json>> rows = ReadOutbox(path);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0]["idempotency_key"], "case-1/release");
  EXPECT_EQ((*rows)[1]["idempotency_key"], "case-2/release");
  EXPECT_EQ((*rows)[1]["payload"]["n"], 2);
}

TEST_F(OutboxTest, IsWalWithTheDocumentedTable) {
  const std::filesystem::path path = dir_ / "o.sqlite";
  // A key that would break a spliced statement is just a value.
  ASSERT_TRUE(Deliver(Outbox(path), "x'); DROP TABLE outbox; --", {{"n", 1}}).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::string mode;
  std::string columns;
  sqlite3_exec(
      db, "PRAGMA journal_mode",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) = values[0];
        return 0;
      },
      &mode, nullptr);
  sqlite3_exec(
      db, "SELECT name || ':' || type || ':' || pk FROM pragma_table_info('outbox')",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) += std::string(values[0]) + " ";
        return 0;
      },
      &columns, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(columns, "idempotency_key:TEXT:1 created_at:TEXT:0 payload:TEXT:0 ");
  EXPECT_EQ(*CountOutbox(path), 1);
}

TEST_F(OutboxTest, ReadingAMissingOutboxIsNotFound) {
  EXPECT_EQ(CountOutbox(dir_ / "none.sqlite").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadOutbox(dir_ / "none.sqlite").status().code(), StatusCode::kNotFound);
  std::filesystem::create_directories(dir_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "other.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(CountOutbox(dir_ / "other.sqlite").status().code(), StatusCode::kNotFound);
}

TEST_F(OutboxTest, RefusesAnEmptyKeyAndInvalidText) {
  const std::filesystem::path path = dir_ / "o.sqlite";
  EXPECT_EQ(Deliver(Outbox(path), "", {{"n", 1}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Deliver(Outbox(path), "k", {{"n", "\xff\xfe"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(path)) << "nothing was written";
}

TEST_F(OutboxTest, AFileThatIsNotADatabaseIsDataLoss) {
  std::filesystem::create_directories(dir_);
  const std::filesystem::path path = dir_ / "junk.sqlite";
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs("this is not an SQLite database, just some text that is long enough......\n", file);
    std::fclose(file);
  }
  Status status = Deliver(Outbox(path), "k", {{"n", 1}});
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), path.string())) << status.message();
}

TEST(WebhookTest, SuccessSendsTheJsonAndTheIdempotencyKey) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{200, "{}"}; });
  const json payload = {{"container_no", "MSCU1234565"}, {"decision", "approve"}};
  Status status = Deliver(Webhook(server.Url("/releases")), "case-7/release", payload);
  ASSERT_TRUE(status.ok()) << status.ToString();
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/releases");
  EXPECT_EQ(requests[0].headers["idempotency-key"], "case-7/release");
  EXPECT_EQ(requests[0].headers["content-type"], "application/json");
  EXPECT_EQ(json::parse(requests[0].body), payload);
}

TEST(WebhookTest, AnyTwoHundredIsDelivered) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{204, ""}; });
  EXPECT_TRUE(Deliver(Webhook(server.Url("/")), "k", {{"n", 1}}).ok());
}

TEST(WebhookTest, ConflictMeansAlreadyDelivered) {
  TestHttpServer server([](const RecordedRequest&) {
    return Reply{409, R"({"error":"duplicate key"})"};
  });
  Status status = Deliver(Webhook(server.Url("/")), "case-7/release", {{"n", 1}});
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(WebhookTest, ClientErrorIsARefusalNotRetried) {
  const std::string long_body = "missing field container_no" + std::string(500, '.');
  TestHttpServer server([&](const RecordedRequest&) { return Reply{400, long_body}; });
  const std::string url = server.Url("/hook");
  Status status = Deliver(Webhook(url), "k", {{"n", 1}});
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
  EXPECT_EQ(status.message(), fmt::format("webhook {} refused the action: HTTP 400: {}", url,
                                          long_body.substr(0, 200)));
}

TEST(WebhookTest, ServerErrorIsUnavailable) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{500, "db down"}; });
  const std::string url = server.Url("/hook");
  Status status = Deliver(Webhook(url), "k", {{"n", 1}});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(status.message(), fmt::format("webhook {}: HTTP 500: db down", url));
}

TEST(WebhookTest, TooManyRequestsIsRetried) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{429, "slow down"}; });
  EXPECT_EQ(Deliver(Webhook(server.Url("/")), "k", {{"n", 1}}).code(), StatusCode::kUnavailable);
}

TEST(WebhookTest, ConnectionRefusedIsUnavailable) {
  const std::string url = fmt::format("http://127.0.0.1:{}/hook", ClosedPort());
  Status status = Deliver(Webhook(url), "k", {{"n", 1}});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "webhook " + url + ": 127.0.0.1:")) << status.message();
  EXPECT_TRUE(Contains(status.message(), "cannot connect")) << status.message();
}

// A timeout is kUnavailable (retried with the same key), not kDeadlineExceeded: the receiver
// may have acted, and only a retry the receiver de-duplicates settles it.
TEST(WebhookTest, TimeoutIsUnavailable) {
  TestHttpServer server([](const RecordedRequest&) {
    Reply reply{200, "{}"};
    reply.delay_ms = 5000;
    return reply;
  });
  const auto start = std::chrono::steady_clock::now();
  Status status = Deliver(Webhook(server.Url("/slow"), /*timeout_ms=*/300), "k", {{"n", 1}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "timed out after 300 ms")) << status.message();
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
}

TEST(WebhookTest, OversizedAnswerIsUnavailable) {
  TestHttpServer server([](const RecordedRequest&) {
    return Reply{200, std::string((1 << 20) + 10, 'x')};
  });
  Status status = Deliver(Webhook(server.Url("/")), "k", {{"n", 1}});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
}

TEST(WebhookTest, MalformedUrlIsInvalidArgument) {
  Status status = Deliver(Webhook("http://127.0.0.1:99999/"), "k", {{"n", 1}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), "http://127.0.0.1:99999/")) << status.message();
}

TEST(BackoffTest, DoublesFromOneSecondUpToFiveMinutes) {
  EXPECT_EQ(BackoffMs(0), 1000);
  EXPECT_EQ(BackoffMs(1), 1000);
  EXPECT_EQ(BackoffMs(2), 2000);
  EXPECT_EQ(BackoffMs(3), 4000);
  EXPECT_EQ(BackoffMs(4), 8000);
  EXPECT_EQ(BackoffMs(8), 128000);
  EXPECT_EQ(BackoffMs(9), 256000);
  EXPECT_EQ(BackoffMs(10), kMaxBackoffMs);
  EXPECT_EQ(kMaxBackoffMs, 300000);
  EXPECT_EQ(BackoffMs(64), kMaxBackoffMs);
  EXPECT_EQ(BackoffMs(1 << 30), kMaxBackoffMs);
  for (int attempts = 1; attempts < 40; ++attempts) {
    EXPECT_LE(BackoffMs(attempts), BackoffMs(attempts + 1));
  }
}

}  // namespace
}  // namespace cairn::workflow
