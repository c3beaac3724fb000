// The MCP tools: one fixed catalogue (descriptions never hold data), arguments checked against
// each tool's inputSchema before the Api sees them, every result in the untrusted-data envelope.

#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/common.h"
#include "server/mcp_internal.h"
#include "service/workflow_api.h"

namespace cairn::server::mcp {

namespace {

using Run = std::function<Result<Json>(const Json& args, const service::Caller& caller,
                                       service::Api& api, std::string* label)>;

struct Tool {
  std::string name;
  std::string title;
  std::string description;
  Json input_schema;
  Json data_schema;  // the schema of the envelope's "data"
  bool read_only = true;
  bool idempotent = true;
  Run run;
};

Json Str(int min_length, int max_length, std::string description) {
  return Json{{"type", "string"},
              {"minLength", min_length},
              {"maxLength", max_length},
              {"description", std::move(description)}};
}

Json Int(int minimum, int maximum, int fallback, std::string description) {
  return Json{{"type", "integer"},
              {"minimum", minimum},
              {"maximum", maximum},
              {"default", fallback},
              {"description", std::move(description)}};
}

Json Input(Json properties, std::vector<std::string> required) {
  Json schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = required;
  schema["additionalProperties"] = false;
  return schema;
}

// An object schema that requires `required` and leaves other fields open.
Json Shape(Json properties, std::vector<std::string> required) {
  Json schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

const Json kArrayOfObjects = {{"type", "array"}, {"items", {{"type", "object"}}}};

// The properties of a page of query results (run_query, run_recipe), with `extra` ones.
Json PageProperties(Json extra = Json::object()) {
  Json properties = {{"columns", {{"type", "array"}}},
                     {"rows", {{"type", "array"}, {"items", {{"type", "array"}}}}},
                     {"next_cursor", {{"type", {"string", "null"}}}},
                     {"truncated", {{"type", "boolean"}}},
                     {"label", {{"type", "string"}}}};
  properties.update(extra);
  return properties;
}

// The outputSchema of every tool: the envelope around `data`, or an error.
Json OutputSchema(const Json& data) {
  return Json{
      {"type", "object"},
      {"properties",
       {{"untrusted", {{"type", "boolean"}}},
        {"label",
         {{"type", "string"}, {"enum", {"public", "internal", "confidential", "restricted"}}}},
        {"notice", {{"type", "string"}}},
        {"data", data},
        {"error",
         {{"type", "object"},
          {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}},
          {"required", {"code", "message"}}}}}},
      {"anyOf", Json::array({Json{{"required", {"untrusted", "label", "notice", "data"}}},
                             Json{{"required", Json::array({"error"})}}})}};
}

int64_t IntArg(const Json& args, const char* name, int64_t fallback) {
  if (!args.contains(name)) return fallback;
  const Json& v = args[name];
  return v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(v.get<double>());
}

std::string StrArg(const Json& args, const char* name) {
  return args.contains(name) ? args[name].get<std::string>() : std::string();
}

bool IsLabel(const std::string& label) {
  return label == "public" || label == "internal" || label == "confidential" ||
         label == "restricted";
}

// The label of a page of rows (Api::Query); a page without a known label is treated as the most
// sensitive.
std::string PageLabel(const Json& page) {
  if (!page.contains("label") || !page["label"].is_string()) return "restricted";
  std::string label = page["label"].get<std::string>();
  return IsLabel(label) ? label : "restricted";
}

// A recalled recipe as recall_recipes lists it by default: what an agent needs to choose and
// reuse it (RecipeToJson's fields less the read columns, fingerprints and provenance), its
// tables as "source.table". An empty note or stale reason is left out, and the score (a
// relevance only compared with the other recipes') has three significant digits.
Json BriefRecipe(const Json& recipe) {
  Json brief = Json::object();
  for (const char* key : {"id", "question", "sql", "note", "freshness", "servable", "stale_reason",
                          "reuse_count", "score"}) {
    if (!recipe.contains(key)) continue;
    const Json& value = recipe[key];
    if (value.is_string() && value.get<std::string>().empty()) continue;
    brief[key] = value;
  }
  if (brief.contains("score") && brief["score"].is_number_float()) {
    // Printed and read back in the C locale, whatever the process's.
    const std::string digits = fmt::format("{:.3g}", brief["score"].get<double>());
    double rounded = 0;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), rounded).ec == std::errc()) {
      brief["score"] = rounded;
    }
  }
  Json tables = Json::array();
  for (const Json& table : recipe.value("tables", Json::array())) {
    tables.push_back(table.value("source", "") + "." + table.value("table", ""));
  }
  brief["tables"] = std::move(tables);
  return brief;
}

// Recall lists servable recipes first. When the recipe that matches the question best (by its
// score) is not servable, the first is a lesser match, or none is servable: running it would
// answer another question in the stale one's place. The answer of a recall with run is then an
// error naming the best match; null when it is servable (or nothing was recalled).
Json StaleBestAnswer(const Json& recipes) {
  if (recipes.empty()) return nullptr;
  const Json* best = &recipes[0];
  for (const Json& recipe : recipes) {
    if (recipe.value("score", 0.0) > best->value("score", 0.0)) best = &recipe;
  }
  if (best->value("servable", false)) return nullptr;
  return {{"recipe_id", (*best)["id"]},
          {"error",
           {{"code", std::string(ErrorCode(StatusCode::kFailedPrecondition))},
            {"message",
             fmt::format("the best match, recipe {}, is {}: {}; no other recipe was "
                         "run in its place",
                         (*best)["id"].get<int64_t>(), best->value("freshness", std::string()),
                         best->value("stale_reason", std::string()))}}}};
}

std::vector<Tool> MakeTools() {
  std::vector<Tool> tools;

  tools.push_back(
      Tool{"search_context", "Search the context",
           "Full-text search over what Cairn knows about the connected sources: tables, columns, "
           "descriptions, glossary terms and joins. Start here to find where a fact lives. Returns "
           "hits best first (kind, source, table, column, detail), only what you may see. Then use "
           "describe_table, find_join_path and run_query.",
           Input({{"query", Str(1, 1000, "What you are looking for, in words")},
                  {"limit", Int(1, 100, 10, "How many hits at most")}},
                 {"query"}),
           Shape({{"hits", kArrayOfObjects}}, {"hits"}), true, true,
           [](const Json& args, const service::Caller& caller, service::Api& api, std::string*) {
             return api.Search(caller, StrArg(args, "query"),
                               static_cast<int>(IntArg(args, "limit", 10)));
           }});

  tools.push_back(
      Tool{"describe_table", "Describe a table",
           "Describe one table as you may see it: its columns with types, keys, descriptions and "
           "classification labels. The table is named \"source.table\" (as search_context returns "
           "it); in SQL it is written source.table too.",
           Input({{"table", Str(3, 512, "The table as \"source.table\", e.g. \"tos.containers\"")}},
                 {"table"}),
           Shape({{"source", {{"type", "string"}}},
                  {"table", {{"type", "string"}}},
                  {"columns", kArrayOfObjects}},
                 {"source", "table", "columns"}),
           true, true,
           [](const Json& args, const service::Caller& caller, service::Api& api,
              std::string*) -> Result<Json> {
             const std::string name = StrArg(args, "table");
             const size_t dot = name.find('.');
             if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
               return InvalidArgumentError("'table' must be \"source.table\", got \"{}\"", name);
             }
             return api.Describe(caller, name.substr(0, dot), name.substr(dot + 1));
           }});

  tools.push_back(Tool{
      "find_join_path", "Find a join path",
      "Find how to join 2 to 8 tables over the joins Cairn knows (declared, confirmed or "
      "inferred) and get ready-to-run SQL with the join conditions. Tables are named "
      "\"source.table\". Use it before writing SQL over several tables, then run_query. Name "
      "in columns the columns your question is about (\"source.table.column\"): when two ways "
      "to join cost the same, the one over those columns wins (e.g. the destination airport "
      "rather than the origin); then the one over fewer of fixed_columns, the columns your "
      "question compares with a constant (WHERE friends.name = 'Alice' joins people on "
      "friends.friend, not on name); then the one remembered recipes joined over; then the "
      "one with stronger evidence (declared joins, then confirmed, then values seen to agree). "
      "The result says how many alternatives cost the same (tied) and what chose the best "
      "(decided_by); "
      "decided_by \"order\" means nothing did: pick the alternative your question is about, or "
      "ask again naming its columns.",
      Input({{"tables",
              {{"type", "array"},
               {"items", Str(1, 512, "A table as \"source.table\"")},
               {"minItems", 2},
               {"maxItems", 8},
               {"description", "The tables to connect, as \"source.table\""}}},
             {"columns",
              {{"type", "array"},
               {"items", Str(3, 1024, "A column as \"source.table.column\"")},
               {"maxItems", 32},
               {"description", "Columns the question names, of the given tables"}}},
             {"fixed_columns",
              {{"type", "array"},
               {"items", Str(3, 1024, "A column as \"source.table.column\"")},
               {"maxItems", 32},
               {"description",
                "Columns the question compares with a constant, of the given tables"}}}},
            {"tables"}),
      Shape(
          {{"sql", {{"type", "string"}}}, {"tables", kArrayOfObjects}, {"joins", kArrayOfObjects}},
          {"sql"}),
      true, true,
      [](const Json& args, const service::Caller& caller, service::Api& api, std::string*) {
        std::vector<std::string> tables;
        for (const Json& t : args["tables"]) tables.push_back(t.get<std::string>());
        std::vector<std::string> columns, fixed;
        if (args.contains("columns")) {
          for (const Json& c : args["columns"]) columns.push_back(c.get<std::string>());
        }
        if (args.contains("fixed_columns")) {
          for (const Json& c : args["fixed_columns"]) fixed.push_back(c.get<std::string>());
        }
        return api.Path(caller, tables, columns, fixed);
      }});

  tools.push_back(
      Tool{"run_query", "Run a read-only SQL query",
           "Run one read-only SQL SELECT over the connected sources; each source is a schema "
           "(SELECT ... FROM source.table). Returns one page of rows (limit 1..1000, default 100) "
           "and next_cursor for the next page (pass it back as cursor with the same sql), the "
           "result's classification label and the policy rules that applied. Your principal's "
           "grants, row filters and masks apply, and every query is recorded in the ledger.",
           Input({{"sql", Str(1, 100000, "One SQL SELECT statement")},
                  {"limit", Int(1, 1000, 100, "Rows per page")},
                  {"cursor", Str(0, 4096, "next_cursor of the previous page of the same sql")}},
                 {"sql"}),
           Shape(PageProperties(), {"columns", "rows"}), true, false,
           [](const Json& args, const service::Caller& caller, service::Api& api,
              std::string* label) -> Result<Json> {
             service::QueryRequest request;
             request.sql = StrArg(args, "sql");
             request.limit = IntArg(args, "limit", service::kDefaultPageRows);
             request.cursor = StrArg(args, "cursor");
             ASSIGN_OR_RETURN(Json page, api.Query(caller, request));
             *label = PageLabel(page);
             return page;
           }});

  tools.push_back(Tool{
      "recall_recipes", "Recall recipes",
      "Find remembered recipes (a question and the SQL that answered it) similar to your "
      "question, best first, each with its freshness (whether the tables it reads changed). "
      "Call this first: reuse a fresh recipe instead of rediscovering. With run: true the first "
      "recipe, when it is servable (fresh), is also run and its first page returned as answer "
      "(as run_query returns it, with recipe_id): check that its question is yours; if another "
      "recipe's is, run that one with run_recipe. When the best match is stale, nothing is run "
      "and answer carries an error naming it. detail: "
      "brief (default) lists each recipe's id, question, sql, freshness, servable, tables, "
      "reuse_count and score, with its note and stale_reason when it has one (with an answer, "
      "the recipes after the first leave out their sql); full adds the "
      "columns it reads, the tables' "
      "schema fingerprints, who stated it and when.",
      Input({{"question", Str(1, 2000, "Your question, in words")},
             {"limit", Int(1, 50, 5, "How many recipes at most")},
             {"run",
              {{"type", "boolean"},
               {"default", false},
               {"description", "Also run the first recipe when it is servable"}}},
             {"detail",
              {{"type", "string"},
               {"enum", {"brief", "full"}},
               {"default", "brief"},
               {"description", "How much of each recipe to return"}}}},
            {"question"}),
      Shape({{"recipes", kArrayOfObjects}, {"answer", {{"type", "object"}}}}, {"recipes"}), true,
      true,
      [](const Json& args, const service::Caller& caller, service::Api& api,
         std::string* label) -> Result<Json> {
        ASSIGN_OR_RETURN(Json out, api.Recall(caller, StrArg(args, "question"),
                                              static_cast<int>(IntArg(args, "limit", 5))));
        out.erase("question");  // the caller's own words
        Json& recipes = out["recipes"];
        Json withheld = StaleBestAnswer(recipes);
        if (StrArg(args, "detail") != "full") {
          for (Json& recipe : recipes) recipe = BriefRecipe(recipe);
        }
        const bool run = args.contains("run") && args["run"].get<bool>();
        if (run && !withheld.is_null()) {
          out["answer"] = std::move(withheld);
          return out;
        }
        if (run && !recipes.empty() && recipes[0].value("servable", false)) {
          service::QueryRequest request;
          request.limit = service::kDefaultPageRows;
          // Run as run_recipe runs it (checked again, counted as a reuse).
          const int64_t id = recipes[0]["id"].get<int64_t>();
          Result<Json> page = api.RunRecipe(caller, id, request);
          if (!page.ok()) {
            // The recipes stay useful when their first one cannot be run now.
            out["answer"] = {{"recipe_id", recipes[0]["id"]},
                             {"error",
                              {{"code", std::string(ErrorCode(page.status().code()))},
                               {"message", page.status().message()}}}};
            return out;
          }
          *label = PageLabel(*page);
          out["answer"] = std::move(*page);
          // The others are there to be chosen by their question and run with run_recipe: their
          // SQL stays out of a result that already carries an answer.
          if (StrArg(args, "detail") != "full") {
            for (size_t i = 1; i < recipes.size(); ++i) recipes[i].erase("sql");
          }
        }
        return out;
      }});

  tools.push_back(Tool{
      "run_recipe", "Run a recipe",
      "Run a remembered recipe by its id (from recall_recipes): its freshness is checked against "
      "the sources as they are now, and a stale recipe is refused with the reason, never run. "
      "Returns the first page as run_query does, with recipe_id; pass its next_cursor with the "
      "same id for the next page.",
      Input({{"id", {{"type", "integer"}, {"minimum", 1}, {"description", "The recipe's id"}}},
             {"limit", Int(1, 1000, 100, "Rows per page")},
             {"cursor", Str(0, 4096, "next_cursor of the previous page of the same recipe")}},
            {"id"}),
      Shape(PageProperties({{"recipe_id", {{"type", "integer"}}}}),
            {"columns", "rows", "recipe_id"}),
      true, false,
      [](const Json& args, const service::Caller& caller, service::Api& api,
         std::string* label) -> Result<Json> {
        service::QueryRequest request;
        request.limit = IntArg(args, "limit", service::kDefaultPageRows);
        request.cursor = StrArg(args, "cursor");
        ASSIGN_OR_RETURN(Json page, api.RunRecipe(caller, IntArg(args, "id", 0), request));
        *label = PageLabel(page);
        return page;
      }});

  tools.push_back(
      Tool{"remember_recipe", "Remember a recipe",
           "Remember a recipe: the question you answered and the SQL that answered it (run it with "
           "run_query first), with an optional note, so that later agents and people find it with "
           "recall_recipes. Recorded in the ledger under your principal. The same question with "
           "the same SQL again is the same recipe, stated again (same id, fresh, a new note "
           "if you give one). Returns the recipe's id, its freshness and the tables it reads "
           "(what makes it stale when they change).",
           Input({{"question", Str(1, 2000, "The question the SQL answers")},
                  {"sql", Str(1, 100000, "The SQL SELECT that answers it")},
                  {"note", Str(0, 4000, "Caveats or how to read the result")}},
                 {"question", "sql"}),
           Shape({{"id", {{"type", "integer"}}},
                  {"freshness", {{"type", "string"}}},
                  {"servable", {{"type", "boolean"}}},
                  {"tables", {{"type", "array"}, {"items", {{"type", "string"}}}}}},
                 {"id"}),
           false, false,
           [](const Json& args, const service::Caller& caller, service::Api& api,
              std::string*) -> Result<Json> {
             ASSIGN_OR_RETURN(Json recipe, api.Remember(caller, StrArg(args, "question"),
                                                        StrArg(args, "sql"), StrArg(args, "note")));
             // Not the caller's own question, SQL and note back, nor fingerprints and provenance
             // (recall_recipes with detail: full has them): what Cairn made of it.
             Json brief = BriefRecipe(recipe);
             for (const char* echoed : {"question", "sql", "note", "score", "reuse_count"}) {
               brief.erase(echoed);
             }
             return brief;
           }});

  tools.push_back(Tool{
      "list_sources", "List sources",
      "List the connected sources you may see (name, kind, whether reachable) with the names "
      "of their tables you may see.",
      Input(Json::object(), {}), Shape({{"sources", kArrayOfObjects}}, {"sources"}), true, true,
      [](const Json&, const service::Caller& caller, service::Api& api,
         std::string*) -> Result<Json> {
        ASSIGN_OR_RETURN(Json sources, api.Sources(caller));
        std::map<std::string, Json> names;
        Result<Json> tables = api.Tables(caller, "");
        if (tables.ok() && tables->is_array()) {
          for (const Json& t : *tables) {
            if (!t.is_object() || !t.contains("source") || !t.contains("table")) continue;
            if (!t["source"].is_string() || !t["table"].is_string()) continue;
            auto [it, unused] = names.try_emplace(t["source"].get<std::string>(), Json::array());
            it->second.push_back(t["table"]);
          }
        }
        Json out = Json::array();
        if (sources.is_array()) {
          for (Json source : sources) {
            if (source.is_object() && source.contains("name") && source["name"].is_string()) {
              auto found = names.find(source["name"].get<std::string>());
              if (tables.ok()) {
                source["table_names"] = found != names.end() ? found->second : Json::array();
              }
            }
            out.push_back(std::move(source));
          }
        }
        return Json{{"sources", std::move(out)}};
      }});

  // Workflows: agents gather evidence and read cases; humans decide (no tool decides).
  const Json case_shape = Shape({{"id", {{"type", "integer"}}},
                                 {"workflow", {{"type", "string"}}},
                                 {"status", {{"type", "string"}}},
                                 {"steps", kArrayOfObjects}},
                                {"id", "workflow", "status", "steps"});
  tools.push_back(Tool{
      "start_case", "Start a workflow case",
      "Start a case of a workflow (a business decision Cairn runs for people, e.g. releasing a "
      "container) on its inputs. Cairn gathers the evidence through the workflow's own "
      "principal, runs the workflow's checks and recommends; the case then waits for a person "
      "holding the workflow's decide role. Agents gather evidence, humans decide: no tool lets "
      "an agent approve, reject or review a case. Returns the case (id, status, each step with "
      "its evidence as you may see it and its check outcome, the decision once a person made "
      "it). Recorded in the ledger under your principal.",
      Input(
          {{"workflow", Str(1, 63, "The workflow's name")},
           {"inputs",
            {{"type", "object"}, {"description", "The workflow's inputs by name, each a string"}}},
           {"as_of", Str(20, 20,
                         "Judge as of this time, ISO-8601 UTC like 2026-03-02T00:00:00Z "
                         "(default now)")}},
          {"workflow"}),
      case_shape, false, false,
      [](const Json& args, const service::Caller& caller, service::Api& api,
         std::string* label) -> Result<Json> {
        std::map<std::string, std::string> inputs;
        if (args.contains("inputs")) {
          for (const auto& [name, value] : args["inputs"].items()) {
            if (!value.is_string()) {
              return InvalidArgumentError("input '{}' must be a string", name);
            }
            inputs[name] = value.get<std::string>();
          }
        }
        ASSIGN_OR_RETURN(Json c, service::WorkflowApi(&api.workspace())
                                     .StartCase(caller, StrArg(args, "workflow"), inputs,
                                                StrArg(args, "as_of")));
        *label = service::WorkflowApi::CaseLabel(c);
        return c;
      }});

  tools.push_back(Tool{
      "get_case", "Read a workflow case",
      "Read one workflow case you may see (one you started, or of a workflow you run): its "
      "status, inputs, each step with its evidence (rows as your policy lets you see them) and "
      "check outcome, the recommendation (hidden while the workflow is at level observe), the "
      "decision and who made it, and the actions it triggered. Agents read cases; only people "
      "decide them, outside this tool set.",
      Input({{"id", {{"type", "integer"}, {"minimum", 1}, {"description", "The case's id"}}}},
            {"id"}),
      case_shape, true, true,
      [](const Json& args, const service::Caller& caller, service::Api& api,
         std::string* label) -> Result<Json> {
        ASSIGN_OR_RETURN(
            Json c, service::WorkflowApi(&api.workspace()).GetCase(caller, IntArg(args, "id", 0)));
        *label = service::WorkflowApi::CaseLabel(c);
        return c;
      }});

  tools.push_back(Tool{
      "list_cases", "List workflow cases",
      "List the workflow cases you may see, newest first (id, workflow, status, inputs, who "
      "started it, the decision and who made it), optionally of one workflow or in one status "
      "(running, waiting, actioning, done). A waiting case waits for a person to decide; agents "
      "never decide.",
      Input({{"workflow", Str(1, 63, "Only cases of this workflow")},
             {"status",
              {{"type", "string"},
               {"enum", {"running", "waiting", "actioning", "done"}},
               {"description", "Only cases in this status"}}},
             {"limit", Int(1, 1000, 100, "How many cases at most")}},
            {}),
      Shape({{"cases", kArrayOfObjects}}, {"cases"}), true, true,
      [](const Json& args, const service::Caller& caller, service::Api& api, std::string*) {
        service::CaseFilter filter;
        filter.workflow = StrArg(args, "workflow");
        filter.status = StrArg(args, "status");
        filter.limit = IntArg(args, "limit", 100);
        return service::WorkflowApi(&api.workspace()).ListCases(caller, filter);
      }});
  return tools;
}

const std::vector<Tool>& Tools() {
  static const std::vector<Tool>* const kTools = new std::vector<Tool>(MakeTools());
  return *kTools;
}

void RecordRefusal(const service::Caller& caller, service::Api& api, const std::string& subject,
                   const std::string& decision) {
  Status recorded =
      api.workspace().Record(caller.principal, caller.ingress, "mcp:tools/call", subject, decision);
  (void)recorded;  // the caller gets the refusal either way
}

}  // namespace

const Json& ToolList() {
  static const Json* const kList = [] {
    Json tools = Json::array();
    for (const Tool& tool : Tools()) {
      tools.push_back(Json{{"name", tool.name},
                           {"title", tool.title},
                           {"description", tool.description},
                           {"inputSchema", tool.input_schema},
                           {"outputSchema", OutputSchema(tool.data_schema)},
                           {"annotations",
                            {{"title", tool.title},
                             {"readOnlyHint", tool.read_only},
                             {"destructiveHint", false},
                             {"idempotentHint", tool.idempotent},
                             {"openWorldHint", false}}}});
    }
    return new Json{{"tools", std::move(tools)}};
  }();
  return *kList;
}

std::optional<Json> CallTool(const std::string& name, const Json& arguments,
                             const service::Caller& caller, service::Api& api) {
  const Tool* tool = nullptr;
  for (const Tool& t : Tools()) {
    if (t.name == name) tool = &t;
  }
  if (tool == nullptr) {
    RecordRefusal(caller, api, name, "error: unknown tool");
    return std::nullopt;
  }
  const std::string invalid = Validate(tool->input_schema, arguments);
  if (!invalid.empty()) {
    Status status = InvalidArgumentError("invalid arguments for {}: {}", name, invalid);
    RecordRefusal(caller, api, name + ": " + invalid, "error: invalid arguments");
    return ErrorResult(status);
  }
  std::string label = "internal";
  Result<Json> data = tool->run(arguments, caller, api, &label);
  if (!data.ok()) return ErrorResult(data.status());
  return EnvelopeResult(label, std::move(data).value());
}

}  // namespace cairn::server::mcp
