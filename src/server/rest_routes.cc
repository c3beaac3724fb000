#include "server/rest_routes.h"

#include <string>
#include <utility>
#include <vector>

namespace cairn::server::rest {
namespace {

constexpr int64_t kDefaultSearchLimit = 10;
constexpr int64_t kMaxSearchLimit = 100;
constexpr int64_t kDefaultRecallLimit = 5;
constexpr int64_t kDefaultTailEntries = 20;
constexpr int64_t kMaxTailEntries = 1000;

// The values of a list parameter: "a,b" and repeated parameters alike.
std::vector<std::string> ListParam(const HttpRequest& request, const std::string& name) {
  std::vector<std::string> values;
  auto [begin, end] = request.query.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      if (!item.empty()) values.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return values;
}

// --- handlers ---------------------------------------------------------------------------------

Result<Json> Sources(RestCall& call) { return call.api.Sources(call.caller); }

Result<Json> Tables(RestCall& call) { return call.api.Tables(call.caller, call.Text("source")); }

Result<Json> Describe(RestCall& call) {
  return call.api.Describe(call.caller, call.Text("source"), call.Text("table"));
}

Result<Json> Search(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Integer("limit", kDefaultSearchLimit));
  return call.api.Search(call.caller, call.Text("q"), static_cast<int>(limit));
}

Result<Json> Joins(RestCall& call) { return call.api.Joins(call.caller); }

Result<Json> ConfirmJoin(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t id, call.Integer("id", 0));
  return call.api.SetJoinVerdict(call.caller, id, "confirmed");
}

Result<Json> RejectJoin(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t id, call.Integer("id", 0));
  return call.api.SetJoinVerdict(call.caller, id, "rejected");
}

Result<Json> PathGet(RestCall& call) {
  std::vector<std::string> tables = ListParam(call.request, "tables");
  if (tables.size() < 2) {
    return InvalidArgumentError("parameter 'tables' needs at least two tables (tables=a,b)");
  }
  return call.api.Path(call.caller, tables, ListParam(call.request, "columns"),
                       ListParam(call.request, "fixed"));
}

Result<Json> PathPost(RestCall& call) {
  std::vector<std::string> columns, fixed;
  if (call.body.contains("columns")) {
    columns = call.body["columns"].get<std::vector<std::string>>();
  }
  if (call.body.contains("fixed")) fixed = call.body["fixed"].get<std::vector<std::string>>();
  return call.api.Path(call.caller, call.body["tables"].get<std::vector<std::string>>(), columns,
                       fixed);
}

Result<Json> Graph(RestCall& call) { return call.api.Graph(call.caller); }

Result<Json> Query(RestCall& call) {
  service::QueryRequest request;
  request.sql = call.body["sql"].get<std::string>();
  request.offset = call.body.value("offset", int64_t{0});
  request.limit = call.body.value("limit", int64_t{0});
  request.cursor = call.body.value("cursor", std::string());
  request.to = call.body.value("to", std::string());
  return call.api.Query(call.caller, request);
}

Result<Json> Recipes(RestCall& call) { return call.api.Recipes(call.caller); }

Result<Json> Recipe(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t id, call.Integer("id", 0));
  return call.api.Recipe(call.caller, id);
}

Result<Json> RunRecipe(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t id, call.Integer("id", 0));
  service::QueryRequest request;
  request.limit = call.body.value("limit", int64_t{0});
  request.cursor = call.body.value("cursor", std::string());
  return call.api.RunRecipe(call.caller, id, request);
}

Result<Json> Remember(RestCall& call) {
  return call.api.Remember(call.caller, call.body["question"].get<std::string>(),
                           call.body["sql"].get<std::string>(),
                           call.body.value("note", std::string()));
}

Result<Json> RecallGet(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Integer("limit", kDefaultRecallLimit));
  return call.api.Recall(call.caller, call.Text("q"), static_cast<int>(limit));
}

Result<Json> RecallPost(RestCall& call) {
  return call.api.Recall(call.caller, call.body["question"].get<std::string>(),
                         static_cast<int>(call.body.value("limit", kDefaultRecallLimit)));
}

Result<Json> LedgerTail(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t n, call.Integer("n", kDefaultTailEntries));
  return call.api.LedgerTail(call.caller, n);
}

Result<Json> LedgerEntry(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t seq, call.Integer("seq", 0));
  return call.api.LedgerEntry(call.caller, seq);
}

Result<Json> LedgerProof(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t seq, call.Integer("seq", 0));
  ASSIGN_OR_RETURN(int64_t tree_size, call.Integer("tree_size", 0));
  return call.api.LedgerProof(call.caller, seq, tree_size);
}

Result<Json> LedgerVerify(RestCall& call) { return call.api.LedgerVerify(call.caller); }

Result<Json> Principals(RestCall& call) { return call.api.Principals(call.caller); }

Result<Json> AddPrincipal(RestCall& call) { return call.api.AddPrincipal(call.caller, call.body); }

Result<Json> DisablePrincipal(RestCall& call) {
  return call.api.SetPrincipalDisabled(call.caller, call.Text("id"), true);
}

Result<Json> EnablePrincipal(RestCall& call) {
  return call.api.SetPrincipalDisabled(call.caller, call.Text("id"), false);
}

Result<Json> Tokens(RestCall& call) { return call.api.Tokens(call.caller, call.Text("id")); }

Result<Json> IssueToken(RestCall& call) {
  return call.api.IssueToken(call.caller, call.Text("id"),
                             call.body.value("ttl_seconds", int64_t{0}));
}

Result<Json> RevokeToken(RestCall& call) {
  return call.api.RevokeToken(call.caller, call.Text("token_id"));
}

Result<Json> OpenApi(RestCall&) { return Json(); }  // served by the dispatcher itself

// --- the table --------------------------------------------------------------------------------

RestRoute Make(std::string method, std::string path, std::string operation_id, std::string tag,
               std::string summary, RestHandler handler, std::string response_schema) {
  RestRoute route;
  route.method = std::move(method);
  route.path = std::move(path);
  route.operation_id = std::move(operation_id);
  route.tag = std::move(tag);
  route.summary = std::move(summary);
  route.handler = handler;
  route.response_schema = std::move(response_schema);
  return route;
}

RestParam PathParam(std::string name, ParamType type, std::string description) {
  RestParam param;
  param.name = std::move(name);
  param.in = ParamIn::kPath;
  param.type = type;
  param.requirement = Requirement::kRequired;
  param.description = std::move(description);
  if (type == ParamType::kInteger) param.minimum = 0;
  return param;
}

RestParam QueryParam(std::string name, ParamType type, Requirement requirement,
                     std::string description) {
  RestParam param;
  param.name = std::move(name);
  param.in = ParamIn::kQuery;
  param.type = type;
  param.requirement = requirement;
  param.description = std::move(description);
  return param;
}

RestParam Bounded(RestParam param, int64_t minimum, int64_t maximum) {
  param.minimum = minimum;
  param.maximum = maximum;
  return param;
}

Json StringSchema() { return {{"type", "string"}, {"minLength", 1}}; }

// The rows a page returns, for the routes that answer with a QueryPage.
Json PageLimitSchema() {
  return {{"type", "integer"},
          {"minimum", 1},
          {"maximum", service::kMaxPageRows},
          {"description", fmt::format("Rows to return (default {})", service::kDefaultPageRows)}};
}

Json ObjectSchema(Json properties, std::vector<std::string> required) {
  Json schema = {{"type", "object"}};
  if (!required.empty()) schema["required"] = required;
  schema["properties"] = std::move(properties);
  schema["additionalProperties"] = false;
  return schema;
}

std::vector<RestRoute> BuildRoutes() {
  std::vector<RestRoute> r;
  const Requirement kRequired = Requirement::kRequired;
  const Requirement kOptional = Requirement::kOptional;

  r.push_back(Make("GET", "/openapi.json", "getOpenApiDocument", "meta",
                   "This OpenAPI 3.1 document (no token needed)", &OpenApi, "OpenApiDocument"));
  r.back().access = Access::kPublic;

  // Catalog.
  r.push_back(Make("GET", "/api/v1/sources", "listSources", "catalog",
                   "The sources the caller may see, with their health", &Sources, "SourceList"));
  r.push_back(Make("GET", "/api/v1/tables", "listTables", "catalog",
                   "The tables the caller may see, of one source or of all", &Tables, "TableList"));
  r.back().params = {
      QueryParam("source", ParamType::kString, kOptional, "Only the tables of this source")};
  r.push_back(Make("GET", "/api/v1/tables/{source}/{table}", "describeTable", "catalog",
                   "One table's columns, descriptions and labels as the caller sees them",
                   &Describe, "TableDescription"));
  r.back().params = {PathParam("source", ParamType::kString, "The source's name"),
                     PathParam("table", ParamType::kString,
                               "The table's name (percent-encoded; may hold spaces or dots)")};

  // Context.
  r.push_back(Make("GET", "/api/v1/search", "search", "context",
                   "Full-text search over tables, columns, descriptions, joins and recipes",
                   &Search, "SearchResult"));
  r.back().params = {
      QueryParam("q", ParamType::kString, kRequired, "What to look for"),
      Bounded(QueryParam("limit", ParamType::kInteger, kOptional, "At most this many hits"), 1,
              kMaxSearchLimit)};
  r.push_back(Make("GET", "/api/v1/joins", "listJoins", "context",
                   "Declared, inferred, confirmed and rejected joins between visible tables",
                   &Joins, "JoinList"));
  r.push_back(Make("POST", "/api/v1/joins/{id}/confirm", "confirmJoin", "context",
                   "Confirms a join (administrators only)", &ConfirmJoin, "Join"));
  r.back().params = {PathParam("id", ParamType::kInteger, "The join's id")};
  r.back().access = Access::kAdministrators;
  r.push_back(Make("POST", "/api/v1/joins/{id}/reject", "rejectJoin", "context",
                   "Rejects a join (administrators only); it is never used for paths again",
                   &RejectJoin, "Join"));
  r.back().params = {PathParam("id", ParamType::kInteger, "The join's id")};
  r.back().access = Access::kAdministrators;
  r.push_back(Make("GET", "/api/v1/path", "findJoinPathGet", "context",
                   "The cheapest join tree connecting tables, written as SQL", &PathGet,
                   "JoinPlan"));
  {
    RestParam tables = QueryParam("tables", ParamType::kStringList, kRequired,
                                  "Two or more tables, \"source.table\" or an unambiguous "
                                  "\"table\", comma-separated");
    RestParam columns = QueryParam("columns", ParamType::kStringList, kOptional,
                                   "Columns the question names, \"table.column\", "
                                   "comma-separated: among equally cheap trees the one joining "
                                   "over them wins");
    RestParam fixed = QueryParam("fixed", ParamType::kStringList, kOptional,
                                 "Columns the question compares with a constant, \"table.column\", "
                                 "comma-separated: among equally cheap trees the one joining "
                                 "over fewer of them wins");
    r.back().params = {tables, columns, fixed};
  }
  r.push_back(Make("POST", "/api/v1/path", "findJoinPath", "context",
                   "The cheapest join tree connecting tables, written as SQL", &PathPost,
                   "JoinPlan"));
  r.back().body_schema =
      ObjectSchema({{"tables",
                     {{"type", "array"},
                      {"minItems", 2},
                      {"items", StringSchema()},
                      {"description", "\"source.table\" or an unambiguous \"table\""}}},
                    {"columns",
                     {{"type", "array"},
                      {"items", StringSchema()},
                      {"description",
                       "Columns the question names, \"table.column\": among equally cheap "
                       "trees the one joining over them wins"}}},
                    {"fixed",
                     {{"type", "array"},
                      {"items", StringSchema()},
                      {"description",
                       "Columns the question compares with a constant (WHERE "
                       "friends.name = 'Alice'), \"table.column\": among equally cheap trees "
                       "the one joining over fewer of them wins"}}}},
                   {"tables"});
  r.push_back(Make("GET", "/api/v1/graph", "getJoinGraph", "context",
                   "The join graph over the tables the caller may see", &Graph, "JoinGraph"));

  // Queries.
  r.push_back(Make("POST", "/api/v1/query", "query", "query",
                   "Runs read-only SQL through the caller's policy; one page of the result", &Query,
                   "QueryPage"));
  r.back().body_schema = ObjectSchema(
      {{"sql", {{"type", "string"}, {"minLength", 1}, {"description", "One SELECT statement"}}},
       {"offset",
        {{"type", "integer"}, {"minimum", 0}, {"description", "Rows to skip (default 0)"}}},
       {"limit", PageLimitSchema()},
       {"cursor",
        {{"type", "string"},
         {"description", "The next_cursor of an earlier page of the same SQL (overrides offset)"}}},
       {"to", {{"type", "string"}, {"description", "The policy sink the result is for"}}}},
      {"sql"});

  // Recipes.
  r.push_back(Make("GET", "/api/v1/recipes", "listRecipes", "recipes",
                   "Every recipe the caller may see", &Recipes, "RecipeList"));
  r.push_back(Make("POST", "/api/v1/recipes", "rememberRecipe", "recipes",
                   "Remembers a question and the SQL that answers it", &Remember, "Recipe"));
  r.back().success_status = 201;
  r.back().body_schema = ObjectSchema(
      {{"question", StringSchema()}, {"sql", StringSchema()}, {"note", {{"type", "string"}}}},
      {"question", "sql"});
  r.push_back(Make("GET", "/api/v1/recipes/recall", "recallRecipesGet", "recipes",
                   "Recipes answering a question, best first, checked for freshness", &RecallGet,
                   "RecallResult"));
  r.back().params = {
      QueryParam("q", ParamType::kString, kRequired, "The question"),
      Bounded(QueryParam("limit", ParamType::kInteger, kOptional, "At most this many recipes"), 1,
              kMaxSearchLimit)};
  r.push_back(Make("POST", "/api/v1/recipes/recall", "recallRecipes", "recipes",
                   "Recipes answering a question, best first, checked for freshness", &RecallPost,
                   "RecallResult"));
  r.back().body_schema =
      ObjectSchema({{"question", StringSchema()},
                    {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxSearchLimit}}}},
                   {"question"});
  r.push_back(
      Make("GET", "/api/v1/recipes/{id}", "getRecipe", "recipes", "One recipe", &Recipe, "Recipe"));
  r.back().params = {PathParam("id", ParamType::kInteger, "The recipe's id")};
  r.push_back(Make("POST", "/api/v1/recipes/{id}/run", "runRecipe", "recipes",
                   "Runs a recipe, checked for freshness first (refused with 409 when stale); "
                   "one page of the result, with recipe_id",
                   &RunRecipe, "QueryPage"));
  r.back().params = {PathParam("id", ParamType::kInteger, "The recipe's id")};
  r.back().body_schema =
      ObjectSchema({{"limit", PageLimitSchema()},
                    {"cursor",
                     {{"type", "string"},
                      {"description", "The next_cursor of an earlier page of this recipe"}}}},
                   {});

  // Ledger (administrators and the policy's ledger_readers).
  r.push_back(Make("GET", "/api/v1/ledger/tail", "ledgerTail", "ledger",
                   "The last entries of the ledger, oldest first", &LedgerTail, "LedgerEntries"));
  r.back().params = {
      Bounded(QueryParam("n", ParamType::kInteger, kOptional, "How many entries (default 20)"), 1,
              kMaxTailEntries)};
  r.back().access = Access::kLedgerReaders;
  r.push_back(Make("GET", "/api/v1/ledger/entries/{seq}", "ledgerEntry", "ledger",
                   "One ledger entry", &LedgerEntry, "LedgerEntry"));
  r.back().params = {PathParam("seq", ParamType::kInteger, "The entry's sequence number")};
  r.back().access = Access::kLedgerReaders;
  r.push_back(Make("GET", "/api/v1/ledger/entries/{seq}/proof", "ledgerProof", "ledger",
                   "An RFC 6962 inclusion proof of one entry", &LedgerProof, "InclusionProof"));
  r.back().params = {
      PathParam("seq", ParamType::kInteger, "The entry's sequence number"),
      Bounded(QueryParam("tree_size", ParamType::kInteger, kOptional,
                         "Prove against the tree of this many entries (default: the current)"),
              0, std::numeric_limits<int64_t>::max())};
  r.back().access = Access::kLedgerReaders;
  r.push_back(Make("GET", "/api/v1/ledger/verify", "ledgerVerify", "ledger",
                   "Verifies every entry, hash and signed tree head", &LedgerVerify,
                   "LedgerVerification"));
  r.back().access = Access::kLedgerReaders;

  // Principals and tokens (administrators).
  r.push_back(Make("GET", "/api/v1/principals", "listPrincipals", "admin",
                   "Every principal (administrators only)", &Principals, "PrincipalList"));
  r.back().access = Access::kAdministrators;
  r.push_back(Make("POST", "/api/v1/principals", "addPrincipal", "admin",
                   "Adds a person or an agent (administrators only)", &AddPrincipal, "Principal"));
  r.back().success_status = 201;
  r.back().access = Access::kAdministrators;
  r.back().body_schema = ObjectSchema(
      {{"id", StringSchema()},
       {"kind", {{"type", "string"}, {"enum", {"person", "agent"}}}},
       {"roles", {{"type", "array"}, {"items", StringSchema()}}},
       {"attributes", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}},
      {"id"});
  r.push_back(Make("POST", "/api/v1/principals/{id}/disable", "disablePrincipal", "admin",
                   "Disables a principal: its tokens stop working (administrators only)",
                   &DisablePrincipal, "Principal"));
  r.back().params = {PathParam("id", ParamType::kString, "The principal's id")};
  r.back().access = Access::kAdministrators;
  r.push_back(Make("POST", "/api/v1/principals/{id}/enable", "enablePrincipal", "admin",
                   "Enables a disabled principal (administrators only)", &EnablePrincipal,
                   "Principal"));
  r.back().params = {PathParam("id", ParamType::kString, "The principal's id")};
  r.back().access = Access::kAdministrators;
  r.push_back(Make("GET", "/api/v1/principals/{id}/tokens", "listTokens", "admin",
                   "A principal's tokens, without their secrets (administrators only)", &Tokens,
                   "TokenList"));
  r.back().params = {PathParam("id", ParamType::kString, "The principal's id")};
  r.back().access = Access::kAdministrators;
  r.push_back(Make("POST", "/api/v1/principals/{id}/tokens", "issueToken", "admin",
                   "Issues a bearer token; the secret is shown once (administrators only)",
                   &IssueToken, "IssuedToken"));
  r.back().params = {PathParam("id", ParamType::kString, "The principal's id")};
  r.back().success_status = 201;
  r.back().access = Access::kAdministrators;
  r.back().body_schema =
      ObjectSchema({{"ttl_seconds",
                     {{"type", "integer"},
                      {"minimum", 0},
                      {"description", "Lifetime in seconds; 0 or absent: no expiry"}}}},
                   {});
  r.push_back(Make("DELETE", "/api/v1/tokens/{token_id}", "revokeToken", "admin",
                   "Revokes a token (administrators only)", &RevokeToken, "Token"));
  r.back().params = {PathParam("token_id", ParamType::kString, "The token's public id")};
  r.back().access = Access::kAdministrators;
  AddWorkflowRoutes(&r);
  return r;
}

}  // namespace

const std::vector<RestRoute>& Routes() {
  static const std::vector<RestRoute> kRoutes = BuildRoutes();
  return kRoutes;
}

}  // namespace cairn::server::rest
