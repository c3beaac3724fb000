// An http source through the engine Session: joined with a SQLite source in one statement, and
// failing alone, clearly, when its API is down while the other sources keep answering.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/session.h"
#include "net/test_http_server.h"

namespace cairn::engine {
namespace {

using net::testing::ClosedPort;
using net::testing::RecordedRequest;
using net::testing::Reply;
using net::testing::TestHttpServer;
using ::testing::HasSubstr;

struct Collect : RowSink {
  Status Columns(const std::vector<std::string>&) override { return OkStatus(); }
  Status Row(const std::vector<Value>& values) override {
    std::string row;
    for (const Value& value : values) {
      row += (row.empty() ? "" : "|") +
             (value.type == Value::Type::kInteger ? std::to_string(value.integer) : value.bytes);
    }
    rows.push_back(row);
    return OkStatus();
  }
  std::vector<std::string> rows;
};

// A SQLite terminal database: which vessel each container is on.
class HttpSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = std::filesystem::temp_directory_path() /
               fmt::format("cairn_http_session_{}_{}.sqlite", ::getpid(),
                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove(db_path_);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE containers (container_no TEXT PRIMARY KEY, vessel TEXT);"
                           "INSERT INTO containers VALUES ('MSCU1234565', 'MSC ANNA'), "
                           "('TGHU7654321', 'EVER GIVEN'), ('CAIU2222220', 'MSC ANNA');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  void TearDown() override { std::filesystem::remove(db_path_); }

  std::unique_ptr<Catalog> MakeCatalog(const std::string& api_url) {
    const std::string yaml =
        "sources:\n"
        "  tos:\n    kind: sqlite\n    path: " +
        db_path_.string() +
        "\n"
        "  line:\n    kind: http\n    url: " +
        api_url +
        "\n    timeout_ms: 2000\n    tables:\n"
        "      delivery_orders:\n        path: /orders\n        rows_at: items\n"
        "        filters: {container_no: container}\n"
        "        columns: {do_number: text, container_no: text, released: boolean}\n";
    Result<Config> config = ParseConfig(yaml, "/tmp/cairn.yaml");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    Result<std::unique_ptr<Catalog>> catalog = Catalog::Create(*config);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return std::move(catalog).value();
  }

  std::filesystem::path db_path_;
};

Reply Orders(const RecordedRequest& request) {
  nlohmann::json items = nlohmann::json::array();
  const std::vector<std::pair<std::string, std::string>> orders = {{"DO-1", "MSCU1234565"},
                                                                   {"DO-2", "TGHU7654321"},
                                                                   {"DO-3", "CAIU2222220"},
                                                                   {"DO-4", "MSCU1234565"}};
  for (const auto& [number, container] : orders) {
    const size_t filter = request.target.find("container=");
    if (filter != std::string::npos && request.target.substr(filter + 10) != container) continue;
    items.push_back({{"do_number", number}, {"container_no", container}, {"released", true}});
  }
  return Reply{200, nlohmann::json{{"items", items}}.dump()};
}

TEST_F(HttpSessionTest, JoinsAnHttpTableWithASqliteTable) {
  TestHttpServer server(Orders);
  auto catalog = MakeCatalog(server.Url(""));
  auto session = Session::Open(catalog.get(), Principal::Admin());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  Collect sink;
  Status status = (*session)->Query(
      "SELECT c.vessel, d.do_number, d.released FROM tos.containers c "
      "JOIN line.delivery_orders d ON d.container_no = c.container_no "
      "WHERE c.vessel = 'MSC ANNA' ORDER BY d.do_number",
      &sink);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sink.rows,
            (std::vector<std::string>{"MSC ANNA|DO-1|1", "MSC ANNA|DO-3|1", "MSC ANNA|DO-4|1"}));

  // An equality on the filter column reaches the API as its query parameter.
  Collect one;
  ASSERT_TRUE((*session)
                  ->Query("SELECT do_number FROM line.delivery_orders "
                          "WHERE container_no = 'TGHU7654321'",
                          &one)
                  .ok());
  EXPECT_EQ(one.rows, (std::vector<std::string>{"DO-2"}));
  EXPECT_EQ(server.requests().back().target, "/orders?container=TGHU7654321");
}

TEST_F(HttpSessionTest, ADownApiFailsItsQueriesAloneAndClearly) {
  auto catalog = MakeCatalog(fmt::format("http://127.0.0.1:{}", ClosedPort()));
  auto session = Session::Open(catalog.get(), Principal::Admin());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  Collect before;
  ASSERT_TRUE((*session)->Query("SELECT count(*) FROM tos.containers", &before).ok());
  Collect sink;
  Status down = (*session)->Query(
      "SELECT c.vessel, d.do_number FROM tos.containers c "
      "JOIN line.delivery_orders d ON d.container_no = c.container_no",
      &sink);
  EXPECT_EQ(down.code(), StatusCode::kUnavailable) << down.ToString();
  EXPECT_THAT(down.message(), HasSubstr("line.delivery_orders: GET http://127.0.0.1:"));
  Collect after;
  ASSERT_TRUE((*session)
                  ->Query("SELECT vessel FROM tos.containers WHERE container_no = "
                          "'TGHU7654321'",
                          &after)
                  .ok());
  EXPECT_EQ(after.rows, (std::vector<std::string>{"EVER GIVEN"}));
}

}  // namespace
}  // namespace cairn::engine
