// End-to-end test of `cairn demo serve-api`: the demo port's delivery orders served as a
// shipping line's paginated JSON API, added to the demo's cairn.yaml as an http source and
// joined with the terminal's containers (SQLite), with an equality pushed down to the API.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_harness.h"
#include "serve_harness.h"

namespace cairn {
namespace {

using json = nlohmann::json;

class DemoApiTest : public e2e::CliTest {
 protected:
  // `cairn query --format json SQL` in the demo directory, as its rows.
  json Query(const std::string& sql) {
    e2e::Outcome ran = Cairn({"query", "--format", "json", sql});
    EXPECT_EQ(ran.exit_code, 0) << sql << "\n" << ran.err;
    json rows = json::parse(ran.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(rows.is_array()) << ran.out;
    return rows.is_array() ? rows : json::array();
  }
};

TEST_F(DemoApiTest, DeliveryOrdersFromTheApiJoinTheTerminalsContainers) {
  e2e::Outcome demo = Cairn({"demo", "--containers", "2000"});
  ASSERT_EQ(demo.exit_code, 0) << demo.out << demo.err;
  EXPECT_NE(demo.out.find("cairn demo serve-api"), std::string::npos) << demo.out;

  e2e::ServeProcess api;
  std::string error;
  ASSERT_TRUE(api.StartCommand({"demo", "serve-api", "--dir", dir_.string(), "--port", "0"},
                               "cairn: demo API on http://127.0.0.1:", dir_ / "api.log", &error))
      << error;

  // The API itself: pages, the filter, errors.
  e2e::HttpReply reply;
  ASSERT_TRUE(e2e::HttpSend("GET", api.port(), "/v1/delivery-orders?page=1&per_page=5", {}, "",
                            &reply, &error))
      << error;
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json first = json::parse(reply.body);
  EXPECT_EQ(first["data"].size(), 5u);
  EXPECT_EQ(first["page"], 1);
  EXPECT_GT(first["total"].get<int>(), 5);
  ASSERT_TRUE(
      e2e::HttpSend("GET", api.port(), "/v1/delivery-orders?per_page=0", {}, "", &reply, &error))
      << error;
  EXPECT_EQ(reply.status, 400) << reply.body;
  for (const std::string bad : {"page=0", "page=x", "page=99999999999999999999", "page=9000000000",
                                "per_page=501", "per_page=-1"}) {
    ASSERT_TRUE(
        e2e::HttpSend("GET", api.port(), "/v1/delivery-orders?" + bad, {}, "", &reply, &error))
        << error;
    EXPECT_EQ(reply.status, 400) << bad << ": " << reply.body;
  }
  ASSERT_TRUE(e2e::HttpSend("GET", api.port(), "/v1/nothing", {}, "", &reply, &error)) << error;
  EXPECT_EQ(reply.status, 404) << reply.body;

  // The api source the demo writes commented out at the end of cairn.yaml: uncommented (the
  // '#' after the indent removed from its nine lines) and pointed at this API's port.
  std::string config = e2e::ReadFile(dir_ / "cairn.yaml");
  size_t at = config.find("  #api:\n");
  ASSERT_NE(at, std::string::npos) << config;
  for (int line = 0; line < 9; ++line) {
    ASSERT_EQ(config.compare(at, 3, "  #"), 0) << config.substr(at);
    config.erase(at + 2, 1);
    at = config.find('\n', at) + 1;
  }
  const std::string default_url = "url: http://127.0.0.1:8471\n";
  ASSERT_NE(config.find(default_url), std::string::npos) << config;
  config.replace(config.find(default_url), default_url.size(),
                 "url: http://127.0.0.1:" + std::to_string(api.port()) + "\n");
  e2e::WriteFile(dir_ / "cairn.yaml", config);

  // Every delivery order of the CSV export comes back from the API, page by page, and joins
  // the terminal's containers as the CSV's do.
  const std::string join =
      "SELECT c.container_no, c.status, d.do_number, d.valid_until\n"
      "FROM {} AS d JOIN tos.containers AS c ON c.container_no = d.container_no\n"
      "ORDER BY d.do_number, c.container_no";
  auto with = [&](const std::string& table) {
    std::string sql = join;
    sql.replace(sql.find("{}"), 2, table);
    return sql;
  };
  const json from_api = Query(with("api.delivery_orders"));
  const json from_csv = Query(with("lines.delivery_orders"));
  ASSERT_GT(from_api.size(), 500u) << "more than one page of 500";
  EXPECT_EQ(from_api, from_csv);

  // An equality on container_no reaches the API as ?container_no=X.
  const std::string container = from_csv[0]["container_no"].get<std::string>();
  const json one = Query(
      "SELECT c.container_no, c.status, d.do_number FROM api.delivery_orders AS d JOIN "
      "tos.containers AS c ON c.container_no = d.container_no WHERE d.container_no = '" +
      container + "'");
  ASSERT_GE(one.size(), 1u);
  for (const json& row : one) EXPECT_EQ(row["container_no"], container);
  const std::string log = api.ReadLog();
  EXPECT_NE(log.find("container_no=" + container), std::string::npos) << log;
  EXPECT_NE(log.find("page=2"), std::string::npos) << log;

  // A second API on the same port cannot listen, and says where.
  e2e::Outcome taken =
      Cairn({"demo", "serve-api", "--port", std::to_string(api.port()), "--dir", dir_.string()});
  EXPECT_EQ(taken.exit_code, 6) << taken.out << taken.err;
  EXPECT_NE(taken.err.find("127.0.0.1:" + std::to_string(api.port())), std::string::npos)
      << taken.err;

  EXPECT_EQ(api.Stop(&error), 0) << error;
}

// Without a demo to serve, or with a port out of range, serve-api exits at once, saying why.
TEST_F(DemoApiTest, RefusesAMissingDemoAndABadPort) {
  e2e::Outcome none = Cairn({"demo", "serve-api", "--port", "0"});
  EXPECT_EQ(none.exit_code, 4) << none.out << none.err;
  EXPECT_NE(none.err.find("run 'cairn demo' first"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("lines/delivery_orders.csv"), std::string::npos) << none.err;

  ASSERT_EQ(Cairn({"demo", "--containers", "50"}).exit_code, 0);
  e2e::Outcome port = Cairn({"demo", "serve-api", "--port", "70000"});
  EXPECT_EQ(port.exit_code, 3) << port.out << port.err;
  EXPECT_NE(port.err.find("--port"), std::string::npos) << port.err;
}

}  // namespace
}  // namespace cairn
