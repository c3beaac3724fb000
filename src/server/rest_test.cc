#include "server/rest.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/rest_routes.h"

namespace cairn::server {
namespace {

using Json = nlohmann::ordered_json;

// The routing checks below all answer before the Api is asked anything (authentication
// included), so an Api over no workspace is enough.
class RestRoutingTest : public ::testing::Test {
 protected:
  RestRoutingTest() : api_(nullptr) {}

  HttpResponse Send(std::string method, std::string target, std::string body = "",
                    std::string content_type = "", std::string authorization = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.target = target;
    request.path = target.substr(0, target.find('?'));
    request.body = std::move(body);
    if (!content_type.empty()) request.headers.emplace("content-type", content_type);
    if (!authorization.empty()) request.headers.emplace("authorization", authorization);
    request.remote = "127.0.0.1:1";
    return rest_.Handle(request, api_);
  }

  static std::string Code(const HttpResponse& response) {
    Json body = Json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("error"))
      return "(no error body: " + response.body + ")";
    EXPECT_TRUE(body["error"]["message"].is_string());
    return body["error"]["code"].get<std::string>();
  }

  static std::string HeaderOf(const HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  service::Api api_;
  RestApi rest_;
};

TEST_F(RestRoutingTest, UnknownRouteIsNotFoundJson) {
  HttpResponse response = Send("GET", "/api/v1/nope");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(Code(response), "not_found");
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store");

  EXPECT_EQ(Send("GET", "/api/v1/tables/tos/containers/extra").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/sources/").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/tables/tos/").status, 404);
  EXPECT_EQ(Send("GET", "/api/v2/sources").status, 404);
}

TEST_F(RestRoutingTest, WrongMethodIsMethodNotAllowedWithAllow) {
  HttpResponse response = Send("GET", "/api/v1/query");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(Code(response), "method_not_allowed");
  EXPECT_EQ(HeaderOf(response, "Allow"), "POST");
  EXPECT_EQ(response.route, "/api/v1/query");

  // The literal segment wins over {id}: recall's methods, not the recipe's.
  response = Send("DELETE", "/api/v1/recipes/recall");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, POST");
  EXPECT_EQ(response.route, "/api/v1/recipes/recall");

  response = Send("POST", "/api/v1/recipes/7");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET");
  EXPECT_EQ(response.route, "/api/v1/recipes/{id}");

  response = Send("PUT", "/openapi.json");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET");

  response = Send("PATCH", "/api/v1/principals/ada/tokens");
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, POST");
}

TEST_F(RestRoutingTest, BodyThatIsNotJsonIsUnsupportedMediaType) {
  HttpResponse response = Send("POST", "/api/v1/query", R"({"sql":"select 1"})", "text/plain");
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(Code(response), "unsupported_media_type");

  response = Send("POST", "/api/v1/query", R"({"sql":"select 1"})");
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(Code(response), "unsupported_media_type");

  response = Send("POST", "/api/v1/query", R"({"sql":"select 1"})", "application/jsonx");
  EXPECT_EQ(response.status, 415);
}

TEST_F(RestRoutingTest, MalformedBodyIsInvalidJson) {
  // Media-type parameters are fine; the body is what is wrong.
  HttpResponse response =
      Send("POST", "/api/v1/query", R"({"sql": )", "Application/JSON; charset=utf-8");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Code(response), "invalid_json");

  response = Send("POST", "/api/v1/query", "{\"sql\": \"select '\xff\xfe'\"}", "application/json");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Code(response), "invalid_json");

  response = Send("POST", "/api/v1/query", R"(["select 1"])", "application/json");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Code(response), "invalid_json");

  response = Send("POST", "/api/v1/query", "\"select 1\"", "application/json");
  EXPECT_EQ(Code(response), "invalid_json");
}

TEST_F(RestRoutingTest, MissingOrForeignTokenIsUnauthenticated) {
  HttpResponse response = Send("GET", "/api/v1/sources");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(Code(response), "unauthenticated");
  EXPECT_NE(HeaderOf(response, "WWW-Authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(response.route, "/api/v1/sources");
  EXPECT_EQ(response.principal, "");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store");

  response = Send("GET", "/api/v1/tables/tos/containers", "", "", "Basic YWRtaW46YWRtaW4=");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.route, "/api/v1/tables/{source}/{table}");

  response = Send("POST", "/api/v1/joins/3/confirm");
  EXPECT_EQ(response.status, 401);
  response = Send("POST", "/api/v1/query", R"({"sql":"select 1"})", "application/json");
  EXPECT_EQ(response.status, 401);
}

TEST_F(RestRoutingTest, OpenApiIsServedWithoutToken) {
  HttpResponse response = Send("GET", "/openapi.json");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.route, "/openapi.json");
  Json served = Json::parse(response.body);
  EXPECT_EQ(served, RestApi::OpenApiDocument());
}

TEST(RestOpenApiTest, DocumentDescribesEveryRoute) {
  const Json& doc = RestApi::OpenApiDocument();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["title"], "Cairn");
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  EXPECT_EQ(doc["security"][0].count("bearer"), 1u);

  const std::set<std::string> expected = {
      "GET /openapi.json",
      "GET /api/v1/sources",
      "GET /api/v1/tables",
      "GET /api/v1/tables/{source}/{table}",
      "GET /api/v1/search",
      "GET /api/v1/joins",
      "POST /api/v1/joins/{id}/confirm",
      "POST /api/v1/joins/{id}/reject",
      "GET /api/v1/path",
      "POST /api/v1/path",
      "GET /api/v1/graph",
      "POST /api/v1/query",
      "GET /api/v1/recipes",
      "POST /api/v1/recipes",
      "GET /api/v1/recipes/{id}",
      "POST /api/v1/recipes/{id}/run",
      "GET /api/v1/recipes/recall",
      "POST /api/v1/recipes/recall",
      "GET /api/v1/ledger/tail",
      "GET /api/v1/ledger/entries/{seq}",
      "GET /api/v1/ledger/entries/{seq}/proof",
      "GET /api/v1/ledger/verify",
      "GET /api/v1/principals",
      "POST /api/v1/principals",
      "POST /api/v1/principals/{id}/disable",
      "POST /api/v1/principals/{id}/enable",
      "GET /api/v1/principals/{id}/tokens",
      "POST /api/v1/principals/{id}/tokens",
      "DELETE /api/v1/tokens/{token_id}",
      "GET /api/v1/workflows",
      "GET /api/v1/workflows/{name}",
      "POST /api/v1/workflows/{name}/promote",
      "POST /api/v1/workflows/{name}/demote",
      "GET /api/v1/cases",
      "POST /api/v1/cases",
      "GET /api/v1/cases/{id}",
      "POST /api/v1/cases/{id}/decision",
      "POST /api/v1/cases/{id}/review",
  };
  std::set<std::string> documented;
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
      ASSERT_TRUE(op.contains("operationId")) << path;
      EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second)
          << "duplicate operationId " << op["operationId"];
      ASSERT_TRUE(op.contains("responses")) << path;
      if (path != "/openapi.json") {
        EXPECT_TRUE(op["responses"].contains("401")) << method << " " << path;
        EXPECT_FALSE(op.contains("security")) << path;
      } else {
        EXPECT_EQ(op["security"], Json::array());
      }
      // Every {param} of the path is a documented path parameter.
      size_t open = 0;
      while ((open = path.find('{', open)) != std::string::npos) {
        const std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
        bool found = false;
        for (const auto& param : op.value("parameters", Json::array())) {
          found = found ||
                  (param["name"] == name && param["in"] == "path" && param["required"] == true);
        }
        EXPECT_TRUE(found) << method << " " << path << " lacks path parameter " << name;
        ++open;
      }
      if (op.contains("requestBody")) {
        const Json& schema = op["requestBody"]["content"]["application/json"]["schema"];
        EXPECT_EQ(schema["type"], "object") << path;
        EXPECT_EQ(schema["additionalProperties"], false) << path;
      }
    }
  }
  EXPECT_EQ(documented, expected);
  EXPECT_EQ(doc["paths"]["/api/v1/recipes"]["post"]["responses"].count("201"), 1u);
  EXPECT_EQ(doc["paths"]["/api/v1/principals/{id}/tokens"]["post"]["responses"].count("201"), 1u);
}

// Every "$ref" points at something in the document.
void CheckRefs(const Json& doc, const Json& node, int* count) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref") {
        ++*count;
        const std::string ref = value.get<std::string>();
        ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
        EXPECT_TRUE(doc.contains(Json::json_pointer(ref.substr(1)))) << "dangling " << ref;
      } else {
        CheckRefs(doc, value, count);
      }
    }
  } else if (node.is_array()) {
    for (const auto& value : node) CheckRefs(doc, value, count);
  }
}

TEST(RestOpenApiTest, EveryReferenceResolvesAndTheDocumentIsStable) {
  const Json& doc = RestApi::OpenApiDocument();
  int refs = 0;
  CheckRefs(doc, doc, &refs);
  EXPECT_GT(refs, 100);
  const std::string once = doc.dump();
  EXPECT_EQ(Json::parse(once).dump(), once);
  EXPECT_EQ(&RestApi::OpenApiDocument(), &doc);
  for (const char* name : {"Error", "QueryPage", "Recipe", "LedgerEntry", "IssuedToken"}) {
    EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
  }
  for (const char* status : {"400", "401", "403", "404", "409", "413", "415", "429", "503"}) {
    EXPECT_TRUE(doc["paths"]["/api/v1/query"]["post"]["responses"].contains(status)) << status;
  }
}

TEST(RestBodyTest, ValidationNamesTheField) {
  const rest::RestRoute* query = nullptr;
  const rest::RestRoute* add = nullptr;
  for (const auto& route : rest::Routes()) {
    if (route.operation_id == "query") query = &route;
    if (route.operation_id == "addPrincipal") add = &route;
  }
  ASSERT_NE(query, nullptr);
  ASSERT_NE(add, nullptr);
  EXPECT_TRUE(rest::ValidateBody(query->body_schema, {{"sql", "select 1"}, {"limit", 5}}).ok());

  Status status = rest::ValidateBody(query->body_schema, {{"sql", "select 1"}, {"limt", 5}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'limt'"), std::string::npos) << status.message();

  status = rest::ValidateBody(query->body_schema, {{"limit", 5}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'sql'"), std::string::npos) << status.message();

  status = rest::ValidateBody(query->body_schema, {{"sql", "select 1"}, {"limit", "5"}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'limit'"), std::string::npos) << status.message();

  status = rest::ValidateBody(query->body_schema, {{"sql", "select 1"}, {"limit", 1001}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("at most 1000"), std::string::npos) << status.message();

  status = rest::ValidateBody(query->body_schema, {{"sql", "select 1"}, {"offset", 1.5}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);

  status = rest::ValidateBody(add->body_schema, {{"id", "bot"}, {"attributes", {{"region", 7}}}});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'attributes.region'"), std::string::npos) << status.message();

  status = rest::ValidateBody(add->body_schema, {{"id", "bot"}, {"roles", {"a", 1}}});
  EXPECT_NE(status.message().find("'roles[1]'"), std::string::npos) << status.message();

  status = rest::ValidateBody(add->body_schema, {{"id", "bot"}, {"kind", "robot"}});
  EXPECT_NE(status.message().find("'kind'"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace cairn::server
