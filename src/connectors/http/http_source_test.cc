#include "connectors/http/http_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/common/sql_test_util.h"
#include "connectors/source.h"
#include "core/config.h"
#include "net/test_http_server.h"

namespace cairn::connectors::http {
namespace {

using connectors::testing::OpenMemoryDb;
using connectors::testing::Query;
using connectors::testing::QueryResult;
using net::testing::ClosedPort;
using net::testing::RecordedRequest;
using net::testing::Reply;
using net::testing::TestHttpServer;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// The query parameters of a request target ("/x?a=1&b=2"), not decoded.
std::map<std::string, std::string> QueryOf(const std::string& target) {
  std::map<std::string, std::string> out;
  const size_t question = target.find('?');
  if (question == std::string::npos) return out;
  std::string rest = target.substr(question + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t amp = rest.find('&', pos);
    if (amp == std::string::npos) amp = rest.size();
    const std::string pair = rest.substr(pos, amp - pos);
    const size_t eq = pair.find('=');
    if (eq != std::string::npos) out[pair.substr(0, eq)] = pair.substr(eq + 1);
    pos = amp + 1;
  }
  return out;
}

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

int64_t IntParam(const std::map<std::string, std::string>& query, const std::string& name,
                 int64_t fallback) {
  auto it = query.find(name);
  return it == query.end() ? fallback : std::stoll(it->second);
}

// Five delivery orders, the data every paginated endpoint below serves.
Json Orders() {
  Json rows = Json::array();
  const char* containers[] = {"MSCU1234565", "TGHU7654321", "MSCU1234565", "CAIU2222220",
                              "TGHU7654321"};
  for (int i = 0; i < 5; ++i) {
    rows.push_back({{"number", "DO-" + std::to_string(i + 1)},
                    {"container", {{"number", containers[i]}, {"size", 40}}},
                    {"weight_kg", 1000.5 * (i + 1)},
                    {"released", i % 2 == 0},
                    {"pieces", i + 10}});
  }
  return rows;
}

Json Slice(const Json& rows, int64_t from, int64_t count) {
  Json out = Json::array();
  for (int64_t i = from; i < from + count && i < static_cast<int64_t>(rows.size()); ++i) {
    out.push_back(rows[static_cast<size_t>(i)]);
  }
  return out;
}

// A fake shipping-line API: /page, /offset, /cursor and /link serve Orders() two at a time in
// each pagination style; /all serves them in one response; `container` filters when `honour`.
Reply FakeApi(const RecordedRequest& request, bool honour_filter = true) {
  const Json all = Orders();
  Json rows = Json::array();
  auto query = QueryOf(request.target);
  for (const Json& row : all) {
    if (honour_filter && query.count("container") != 0 &&
        row["container"]["number"] != query["container"]) {
      continue;
    }
    rows.push_back(row);
  }
  const std::string path = PathOf(request.target);
  const int64_t size = IntParam(query, "limit", 2);
  if (path == "/all") return Reply{200, Json{{"data", {{"items", rows}}}}.dump()};
  if (path == "/page") {
    const int64_t page = IntParam(query, "page", 1);
    return Reply{200, Json{{"data", {{"items", Slice(rows, (page - 1) * size, size)}}}}.dump()};
  }
  if (path == "/offset") {
    return Reply{200, Slice(rows, IntParam(query, "offset", 0), size).dump()};
  }
  if (path == "/cursor") {
    const int64_t from = IntParam(query, "cursor", 0);
    Json body = {{"items", Slice(rows, from, size)}, {"meta", Json::object()}};
    if (from + size < static_cast<int64_t>(rows.size())) {
      body["meta"]["next"] = std::to_string(from + size);
    }
    return Reply{200, body.dump()};
  }
  if (path == "/link") {
    const int64_t page = IntParam(query, "p", 1);
    Reply reply{200, Slice(rows, (page - 1) * 2, 2).dump()};
    if (page * 2 < static_cast<int64_t>(rows.size())) {
      reply.headers = {
          {"Link", fmt::format(R"(</link?p={}>; rel="next", </link?p=3>; rel="last")", page + 1)}};
    }
    return reply;
  }
  return Reply{404, R"({"error":"no such endpoint"})"};
}

std::string OrdersColumns() {
  return "        columns:\n"
         "          number: text\n"
         "          container_no: {at: container.number, type: text}\n"
         "          weight_kg: real\n"
         "          released: boolean\n"
         "          pieces: integer\n";
}

// The `orders` table at /page, `size` rows a page.
std::string PagedOrders(int size) {
  return fmt::format(
             "      orders:\n        path: /page\n        rows_at: data.items\n"
             "        paginate: {{style: page, size_param: limit, size: {}}}\n",
             size) +
         OrdersColumns();
}

// The YAML of a config with one http source `line` at `url` with `extra` source lines and
// `tables` (the text under `tables:`, indented 6).
std::string HttpYaml(const std::string& url, const std::string& tables,
                     const std::string& extra = "") {
  return "sources:\n  line:\n    kind: http\n    url: " + url + "\n    rate_limit: 0\n" + extra +
         "    tables:\n" + tables;
}

Result<std::unique_ptr<Source>> OpenHttp(const std::string& yaml) {
  ASSIGN_OR_RETURN(Config config, ParseConfig(yaml, "/etc/cairn/cairn.yaml"));
  return OpenSource(config.sources.at(0));
}

// Opens the source, attaches it to a fresh connection as schema `line` and runs `sql`.
QueryResult RunSql(const std::string& yaml, const std::string& sql) {
  Result<std::unique_ptr<Source>> source = OpenHttp(yaml);
  if (!source.ok()) return QueryResult{SQLITE_ERROR, source.status().ToString(), {}};
  auto db = OpenMemoryDb();
  Status attached = AttachSource(db.get(), source->get(), "line", "cairn_src_test");
  if (!attached.ok()) return QueryResult{SQLITE_ERROR, attached.ToString(), {}};
  return Query(db.get(), sql);
}

std::vector<std::string> Targets(const TestHttpServer& server) {
  std::vector<std::string> out;
  for (const RecordedRequest& request : server.requests()) out.push_back(request.target);
  return out;
}

const std::vector<std::vector<std::string>> kAllNumbers = {
    {"t:DO-1"}, {"t:DO-2"}, {"t:DO-3"}, {"t:DO-4"}, {"t:DO-5"}};

TEST(HttpSourceTest, PageStyleReadsEveryPageUntilAnEmptyOne) {
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r); });
  QueryResult result =
      RunSql(HttpYaml(server.Url(""), PagedOrders(2)), "SELECT number FROM line.orders");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  EXPECT_EQ(result.rows, kAllNumbers);
  EXPECT_EQ(Targets(server),
            (std::vector<std::string>{"/page?limit=2&page=1", "/page?limit=2&page=2",
                                      "/page?limit=2&page=3", "/page?limit=2&page=4"}));
}

TEST(HttpSourceTest, LimitAndOffsetStopFetchingEarly) {
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r); });
  QueryResult result = RunSql(HttpYaml(server.Url(""), PagedOrders(2)),
                              "SELECT number FROM line.orders LIMIT 2 OFFSET 1");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  EXPECT_EQ(result.rows, (std::vector<std::vector<std::string>>{{"t:DO-2"}, {"t:DO-3"}}));
  EXPECT_EQ(Targets(server),
            (std::vector<std::string>{"/page?limit=2&page=1", "/page?limit=2&page=2"}));
}

TEST(HttpSourceTest, OffsetStyleAdvancesByTheRowsReceived) {
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r); });
  QueryResult result = RunSql(HttpYaml(server.Url("/"),
                                       "      orders:\n        path: offset\n"
                                       "        paginate: {style: offset, size: 2}\n" +
                                           OrdersColumns()),
                              "SELECT number FROM line.orders");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  EXPECT_EQ(result.rows, kAllNumbers);
  EXPECT_EQ(Targets(server),
            (std::vector<std::string>{"/offset?limit=2&offset=0", "/offset?limit=2&offset=2",
                                      "/offset?limit=2&offset=4", "/offset?limit=2&offset=5"}));
}

TEST(HttpSourceTest, CursorStyleFollowsTheBodyCursorUntilItIsMissing) {
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r); });
  QueryResult result =
      RunSql(HttpYaml(server.Url(""),
                      "      orders:\n        path: /cursor\n        rows_at: items\n"
                      "        paginate: {style: cursor, cursor_at: meta.next}\n" +
                          OrdersColumns()),
             "SELECT number FROM line.orders");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  EXPECT_EQ(result.rows, kAllNumbers);
  EXPECT_EQ(Targets(server),
            (std::vector<std::string>{"/cursor", "/cursor?cursor=2", "/cursor?cursor=4"}));
}

TEST(HttpSourceTest, LinkStyleFollowsRelNextUntilThereIsNone) {
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r); });
  QueryResult result = RunSql(HttpYaml(server.Url(""),
                                       "      orders:\n        path: /link\n"
                                       "        paginate: {style: link}\n" +
                                           OrdersColumns()),
                              "SELECT number FROM line.orders");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  EXPECT_EQ(result.rows, kAllNumbers);
  EXPECT_EQ(Targets(server), (std::vector<std::string>{"/link", "/link?p=2", "/link?p=3"}));
}

TEST(HttpSourceTest, RepeatedCursorIsAnErrorNamingTheSource) {
  TestHttpServer server([](const RecordedRequest&) {
    return Reply{200, R"({"items":[{"n":1}],"next":"abc"})"};
  });
  QueryResult result = RunSql(HttpYaml(server.Url(""),
                                       "      t:\n        path: /x\n        rows_at: items\n"
                                       "        paginate: {style: cursor, cursor_at: next}\n"),
                              "SELECT count(*) FROM line.t");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("[InvalidArgument] line.t: GET "));
  EXPECT_THAT(result.error, HasSubstr("/x?cursor=abc (page 2): the server sent the cursor at "
                                      "'next' again"));
}

TEST(HttpSourceTest, RepeatedOrForeignLinkIsAnError) {
  setenv("CAIRN_TEST_LINE_TOKEN", "s3cr3t-t0ken", 1);
  TestHttpServer loop([](const RecordedRequest&) {
    Reply reply{200, R"([{"n":1}])"};
    reply.headers = {{"Link", R"(</x?p=2>; rel="next")"}};
    return reply;
  });
  QueryResult repeated = RunSql(HttpYaml(loop.Url(""),
                                         "      t:\n        path: /x\n"
                                         "        paginate: {style: link}\n"),
                                "SELECT count(*) FROM line.t");
  EXPECT_THAT(repeated.error, HasSubstr("line.t: GET "));
  EXPECT_THAT(repeated.error, HasSubstr("the Link rel=\"next\" repeats"));

  TestHttpServer foreign([](const RecordedRequest&) {
    Reply reply{200, R"([{"n":1}])"};
    reply.headers = {{"Link", R"(<https://elsewhere.example/x?p=2>; rel="next")"}};
    return reply;
  });
  QueryResult result = RunSql(HttpYaml(foreign.Url(""),
                                       "      t:\n        path: /x\n"
                                       "        paginate: {style: link}\n",
                                       "    auth_token: ${CAIRN_TEST_LINE_TOKEN}\n"),
                              "SELECT count(*) FROM line.t");
  EXPECT_THAT(result.error, HasSubstr("points to another origin (https://elsewhere.example:443)"));
  EXPECT_EQ(foreign.requests().size(), 1u);
}

TEST(HttpSourceTest, PageThatRepeatsAndMaxPagesAreErrors) {
  TestHttpServer server([](const RecordedRequest&) { return Reply{200, R"([{"n":1}])"}; });
  QueryResult ignored = RunSql(HttpYaml(server.Url(""),
                                        "      t:\n        path: /x\n"
                                        "        paginate: {style: page}\n"),
                               "SELECT count(*) FROM line.t");
  EXPECT_THAT(ignored.error, HasSubstr("line.t: GET "));
  EXPECT_THAT(ignored.error,
              HasSubstr("/x?page=2 (page 2): the page repeats the previous one: the server seems "
                        "to ignore the 'page' parameter"));

  int n = 0;
  TestHttpServer endless([&n](const RecordedRequest&) {
    return Reply{200, fmt::format(R"({{"items":[{{"n":{}}}],"next":"c{}"}})", n, n++)};
  });
  QueryResult capped = RunSql(HttpYaml(endless.Url(""),
                                       "      t:\n        path: /x\n        rows_at: items\n"
                                       "        paginate: {style: cursor, cursor_at: next}\n",
                                       "    max_pages: 3\n"),
                              "SELECT count(*) FROM line.t");
  EXPECT_THAT(capped.error, HasSubstr("[ResourceExhausted] line.t: more than max_pages (3) pages"));
  // One request inferred the columns (Tables()); the scan then stopped after three pages.
  EXPECT_EQ(endless.requests().size(), 4u);
}

TEST(HttpSourceTest, EqualityOnAFilterColumnIsSentEncodedAndRechecked) {
  // The server ignores the parameter: the engine's re-check keeps the answer right.
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r, /*honour=*/false); });
  const std::string yaml = HttpYaml(server.Url(""),
                                    "      orders:\n        path: /all\n"
                                    "        rows_at: data.items\n"
                                    "        filters: {container_no: container}\n" +
                                        OrdersColumns());
  QueryResult result = RunSql(yaml,
                              "SELECT number FROM line.orders WHERE container_no = 'MSCU1234565' "
                              "ORDER BY number");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  EXPECT_EQ(result.rows, (std::vector<std::vector<std::string>>{{"t:DO-1"}, {"t:DO-3"}}));
  EXPECT_EQ(Targets(server), (std::vector<std::string>{"/all?container=MSCU1234565"}));

  TestHttpServer encoded([](const RecordedRequest& r) { return FakeApi(r); });
  QueryResult special = RunSql(HttpYaml(encoded.Url(""),
                                        "      orders:\n        path: /all\n"
                                        "        rows_at: data.items\n"
                                        "        filters: [container_no]\n" +
                                            OrdersColumns()),
                               "SELECT number FROM line.orders WHERE container_no = 'A B&c=d/é' "
                               "AND weight_kg > 0");
  ASSERT_EQ(special.rc, SQLITE_OK) << special.error;
  EXPECT_EQ(Targets(encoded),
            (std::vector<std::string>{"/all?container_no=A%20B%26c%3Dd%2F%C3%A9"}));
  // Not on a column without a filter parameter, nor for `= NULL` (no request at all).
  QueryResult other = RunSql(yaml, "SELECT number FROM line.orders WHERE number = 'DO-2'");
  EXPECT_EQ(other.rows, (std::vector<std::vector<std::string>>{{"t:DO-2"}}));
  EXPECT_EQ(Targets(server).back(), "/all");
  const size_t before = server.requests().size();
  QueryResult none = RunSql(yaml, "SELECT number FROM line.orders WHERE container_no = NULL");
  EXPECT_TRUE(none.rows.empty());
  EXPECT_EQ(server.requests().size(), before);
}

TEST(HttpSourceTest, AuthHeaderIsSentButNeverShown) {
  setenv("CAIRN_TEST_LINE_TOKEN", "s3cr3t-t0ken", 1);
  setenv("CAIRN_TEST_LINE_KEY", "k3y&v@l", 1);
  // A careless server that echoes the request's credentials in its error body.
  TestHttpServer server([](const RecordedRequest& request) {
    return Reply{
        500, "boom; you sent " + request.headers.at("authorization") + " and " + request.target};
  });
  const std::string yaml = HttpYaml(server.Url(""),
                                    "      t:\n        path: /x\n"
                                    "        params: {api_key: \"${CAIRN_TEST_LINE_KEY}\"}\n",
                                    "    auth_token: ${CAIRN_TEST_LINE_TOKEN}\n");
  Result<std::unique_ptr<Source>> source = OpenHttp(yaml);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ((*source)->Location(), "http:" + server.Url(""));
  Status check = (*source)->Check();
  EXPECT_EQ(check.code(), StatusCode::kUnavailable);
  EXPECT_THAT(check.message(), HasSubstr("line.t: GET " + server.Url("/x?api_key=***") +
                                         ": HTTP 500: boom; you sent *** and /x?api_key=***"));
  for (const char* secret : {"s3cr3t", "k3y", "k3y%26v%40l"}) {
    EXPECT_THAT(check.message(), Not(HasSubstr(secret)));
  }
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer s3cr3t-t0ken");
  EXPECT_EQ(requests[0].target, "/x?api_key=k3y%26v%40l");

  // Clear text in cairn.yaml is refused before anything is sent, without echoing it.
  Result<std::unique_ptr<Source>> clear =
      OpenHttp(HttpYaml(server.Url(""), "      t: /x\n", "    auth_token: s3cr3t-t0ken\n"));
  ASSERT_FALSE(clear.ok());
  EXPECT_THAT(clear.status().message(),
              HasSubstr("/etc/cairn/cairn.yaml:6:17: sources.line.auth_token: secrets must be "
                        "written as an ${ENV_VAR} reference"));
  EXPECT_THAT(clear.status().message(), Not(HasSubstr("s3cr3t")));
}

TEST(HttpSourceTest, ServerErrorNamesSourceStatusAndUrl) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (PathOf(r.target) == "/gone") return Reply{404, "not here"};
    return Reply{503, R"({"error":"maintenance"})"};
  });
  QueryResult down =
      RunSql(HttpYaml(server.Url(""), "      t:\n        path: /x\n" + OrdersColumns()),
             "SELECT * FROM line.t");
  EXPECT_EQ(down.error, "[Unavailable] line.t: GET " + server.Url("/x") +
                            ": HTTP 503: {\"error\":\"maintenance\"}");
  QueryResult gone =
      RunSql(HttpYaml(server.Url(""), "      t:\n        path: /gone\n" + OrdersColumns()),
             "SELECT * FROM line.t");
  EXPECT_THAT(gone.error, HasSubstr("[FailedPrecondition] line.t: GET "));
  EXPECT_THAT(gone.error, HasSubstr(": HTTP 404: not here"));
}

TEST(HttpSourceTest, SlowServerTimesOut) {
  TestHttpServer server([](const RecordedRequest&) {
    Reply reply{200, "[]"};
    reply.delay_ms = 3000;
    return reply;
  });
  const auto start = std::chrono::steady_clock::now();
  QueryResult result =
      RunSql(HttpYaml(server.Url(""), "      t:\n        path: /x\n" + OrdersColumns(),
                      "    timeout_ms: 200\n"),
             "SELECT * FROM line.t");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_THAT(result.error, HasSubstr("[Unavailable] line.t: GET "));
  EXPECT_THAT(result.error, HasSubstr("timed out after 200 ms"));
}

TEST(HttpSourceTest, ResponseOverTheCapIsResourceExhausted) {
  TestHttpServer server([](const RecordedRequest&) {
    return Reply{200, "[" + std::string(1536 * 1024, ' ') + "]"};
  });
  QueryResult result =
      RunSql(HttpYaml(server.Url(""), "      t:\n        path: /x\n" + OrdersColumns(),
                      "    max_response_mb: 1\n"),
             "SELECT * FROM line.t");
  EXPECT_THAT(result.error, HasSubstr("[ResourceExhausted] line.t: GET "));
  EXPECT_THAT(result.error, HasSubstr("the response body is over 1048576 bytes"));
}

TEST(HttpSourceTest, MalformedJsonNamesSourcePageAndByte) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (QueryOf(r.target)["page"] == "2") return Reply{200, R"([{"number": "DO-9",}])"};
    return Reply{200, R"([{"number": "DO-8"}])"};
  });
  QueryResult result = RunSql(
      HttpYaml(server.Url(""),
               "      t:\n        path: /x\n        paginate: {style: page}\n" + OrdersColumns()),
      "SELECT number FROM line.t");
  EXPECT_THAT(result.error, HasSubstr("[InvalidArgument] line.t: GET " + server.Url("/x?page=2") +
                                      " (page 2): malformed JSON at byte 20:"));
}

TEST(HttpSourceTest, WrongTypedValueNamesSourceTableRowAndColumn) {
  TestHttpServer server([](const RecordedRequest&) {
    return Reply{200, R"([{"number":"DO-1","pieces":3},{"number":"DO-2","pieces":"n/a"}])"};
  });
  const std::string yaml =
      HttpYaml(server.Url(""), "      t:\n        path: /x\n" + OrdersColumns());
  QueryResult result = RunSql(yaml, "SELECT number, pieces FROM line.t");
  EXPECT_THAT(result.error, HasSubstr("[InvalidArgument] line.t: row 2 (page 1): column pieces: "
                                      "expected integer, got string \"n/a\""));
  // A column the statement does not read is not checked; missing fields are NULL.
  QueryResult numbers = RunSql(yaml, "SELECT number, released FROM line.t");
  ASSERT_EQ(numbers.rc, SQLITE_OK) << numbers.error;
  EXPECT_EQ(numbers.rows,
            (std::vector<std::vector<std::string>>{{"t:DO-1", "NULL"}, {"t:DO-2", "NULL"}}));
}

TEST(HttpSourceTest, InfersColumnsFromTheFirstPage) {
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r); });
  Result<std::unique_ptr<Source>> source = OpenHttp(
      HttpYaml(server.Url(""), "      orders:\n        path: /all\n        rows_at: data.items\n"));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  Result<std::vector<TableInfo>> tables = (*source)->Tables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 1u);
  std::vector<std::string> columns;
  for (const ColumnInfo& column : (*tables)[0].columns) {
    columns.push_back(column.name + " " + column.type);
  }
  EXPECT_EQ(columns, (std::vector<std::string>{"container_number TEXT", "container_size INTEGER",
                                               "number TEXT", "pieces INTEGER", "released INTEGER",
                                               "weight_kg REAL"}));
  EXPECT_EQ((*tables)[0].columns[0].source_type, "http: inferred text from 5 rows");
  auto db = OpenMemoryDb();
  ASSERT_TRUE(AttachSource(db.get(), source->get(), "line", "m").ok());
  QueryResult result =
      Query(db.get(), "SELECT number, container_number, released FROM line.orders LIMIT 2");
  EXPECT_EQ(result.rows,
            (std::vector<std::vector<std::string>>{{"t:DO-1", "t:MSCU1234565", "i:1"},
                                                   {"t:DO-2", "t:TGHU7654321", "i:0"}}));
}

TEST(HttpSourceTest, RateLimitSpacesRequests) {
  TestHttpServer server([](const RecordedRequest& r) { return FakeApi(r); });
  QueryResult result = RunSql(HttpYaml(server.Url(""), PagedOrders(1), "    rate_limit: 20\n"),
                              "SELECT count(*) FROM line.orders");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 6u);  // five pages of one row and the empty one
  // 20 per second with a burst of 1: request i is sent at least i x 50 ms after the first.
  // Measured where the server read them, so allow the first one's read to have been late.
  for (size_t i = 1; i < requests.size(); ++i) {
    EXPECT_GE(requests[i].received - requests[0].received,
              std::chrono::milliseconds(50 * static_cast<int>(i) - 15))
        << "request " << i;
  }
}

TEST(HttpSourceTest, SourceThatIsDownIsUnavailable) {
  const std::string url = fmt::format("http://127.0.0.1:{}", ClosedPort());
  QueryResult result = RunSql(HttpYaml(url, "      t:\n        path: /x\n" + OrdersColumns()),
                              "SELECT * FROM line.t");
  EXPECT_THAT(result.error, HasSubstr("[Unavailable] line.t: GET " + url + "/x: "));
  Result<std::unique_ptr<Source>> inferred = OpenHttp(HttpYaml(url, "      t: /x\n"));
  ASSERT_TRUE(inferred.ok());
  EXPECT_EQ((*inferred)->Tables().status().code(), StatusCode::kUnavailable);
}

struct BadConfig {
  std::string tables;
  std::string extra;
  std::string expected;
};

class HttpBadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(HttpBadConfigTest, NamesFileLineColumnAndKey) {
  Result<std::unique_ptr<Source>> source =
      OpenHttp(HttpYaml("http://127.0.0.1:9/api", GetParam().tables, GetParam().extra));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(source.status().message(), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpBadConfigTest,
    ::testing::Values(
        BadConfig{"      t: {path: /x, pages: 3}\n", "",
                  "/etc/cairn/cairn.yaml:7:21: sources.line.tables.t.pages: unknown key "
                  "(expected: path, params, rows_at, paginate, columns, filters)"},
        BadConfig{"      t:\n        path: /x\n        paginate: {style: pages}\n", "",
                  "cairn.yaml:9:27: sources.line.tables.t.paginate.style: unknown pagination "
                  "style 'pages'"},
        BadConfig{"      t:\n        paginate: {style: cursor}\n", "",
                  "cairn.yaml:8:19: sources.line.tables.t.paginate: style cursor needs "
                  "'cursor_at'"},
        BadConfig{"      t:\n        paginate: {style: page, size: 10}\n", "",
                  "sources.line.tables.t.paginate.size: 'size' needs 'size_param'"},
        BadConfig{"      t:\n        columns: {id: integer, n: {at: a.b, type: number}}\n", "",
                  "cairn.yaml:8:51: sources.line.tables.t.columns.n.type: unknown column type "
                  "'number'"},
        BadConfig{"      t:\n        columns: {id: integer}\n        filters: {idd: id}\n", "",
                  "cairn.yaml:9:18: sources.line.tables.t.filters: no column 'idd'"},
        BadConfig{"      t: /x\n", "    timeout_ms: 0\n",
                  "cairn.yaml:6:17: sources.line.timeout_ms: must be between 1 and 3600000"},
        BadConfig{"      t: /x\n", "    rate_limit: fast\n",
                  "cairn.yaml:6:17: sources.line.rate_limit: expected requests per second"},
        BadConfig{"      t: /x\n", "    auth_scheme: Token\n",
                  "sources.line.auth_scheme: has no effect without auth_token"},
        BadConfig{"      t:\n        path: /x?key=${CAIRN_TEST_LINE_KEY}\n", "",
                  "cairn.yaml:8:15: sources.line.tables.t.path: only auth_token and params "
                  "values may use ${ENV} references"},
        BadConfig{"      t: /x\n      T: /y\n", "",
                  "cairn.yaml:8:7: sources.line.tables.T: duplicate table name"},
        BadConfig{"      t: /x\n", "    max_response: 3\n",
                  "cairn.yaml:6:19: sources.line.max_response: unknown option for kind "
                  "'http'"}));

}  // namespace
}  // namespace cairn::connectors::http
