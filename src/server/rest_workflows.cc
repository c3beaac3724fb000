// The workflow and case routes of the REST door (/api/v1/workflows, /api/v1/cases) over
// service/workflow_api.h, and the response schemas they document: agents gather evidence,
// humans decide.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/rest_routes.h"
#include "service/workflow_api.h"

namespace cairn::server::rest {
namespace {

constexpr int64_t kDefaultCases = 100;
constexpr int64_t kMaxCases = 1000;

// --- handlers ---------------------------------------------------------------------------------

service::WorkflowApi Workflows(RestCall& call) {
  return service::WorkflowApi(&call.api.workspace());
}

Result<Json> ListWorkflows(RestCall& call) { return Workflows(call).ListWorkflows(call.caller); }

Result<Json> ShowWorkflow(RestCall& call) {
  return Workflows(call).ShowWorkflow(call.caller, call.Text("name"));
}

Result<Json> PromoteWorkflow(RestCall& call) {
  return Workflows(call).Promote(call.caller, call.Text("name"), call.body.value("force", false),
                                 call.body.value("reason", std::string()));
}

Result<Json> DemoteWorkflow(RestCall& call) {
  return Workflows(call).Demote(call.caller, call.Text("name"),
                                call.body.value("to", std::string()),
                                call.body.value("reason", std::string()));
}

Result<Json> ListCases(RestCall& call) {
  service::CaseFilter filter;
  filter.workflow = call.Text("workflow");
  filter.status = call.Text("status");
  ASSIGN_OR_RETURN(filter.for_review, call.Boolean("for_review", false));
  ASSIGN_OR_RETURN(filter.limit, call.Integer("limit", kDefaultCases));
  return Workflows(call).ListCases(call.caller, filter);
}

Result<Json> StartCase(RestCall& call) {
  std::map<std::string, std::string> inputs;
  if (call.body.contains("inputs")) {
    for (const auto& [name, value] : call.body["inputs"].items()) {
      inputs[name] = value.get<std::string>();
    }
  }
  return Workflows(call).StartCase(call.caller, call.body["workflow"].get<std::string>(), inputs,
                                   call.body.value("as_of", std::string()));
}

Result<Json> GetCase(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t id, call.Integer("id", 0));
  return Workflows(call).GetCase(call.caller, id);
}

Result<Json> DecideCase(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t id, call.Integer("id", 0));
  return Workflows(call).DecideCase(call.caller, id, call.body["verdict"].get<std::string>(),
                                    call.body["reason"].get<std::string>());
}

Result<Json> ReviewCase(RestCall& call) {
  ASSIGN_OR_RETURN(int64_t id, call.Integer("id", 0));
  return Workflows(call).ReviewCase(call.caller, id, call.body["verdict"].get<std::string>(),
                                    call.body["reason"].get<std::string>());
}

// --- route helpers ----------------------------------------------------------------------------

RestRoute Make(std::string method, std::string path, std::string operation_id, std::string summary,
               RestHandler handler, std::string response_schema) {
  RestRoute route;
  route.method = std::move(method);
  route.path = std::move(path);
  route.operation_id = std::move(operation_id);
  route.tag = "workflows";
  route.summary = std::move(summary);
  route.handler = handler;
  route.response_schema = std::move(response_schema);
  return route;
}

RestParam Param(std::string name, ParamIn in, ParamType type, std::string description) {
  RestParam param;
  param.name = std::move(name);
  param.in = in;
  param.type = type;
  param.requirement = in == ParamIn::kPath ? Requirement::kRequired : Requirement::kOptional;
  param.description = std::move(description);
  if (type == ParamType::kInteger) param.minimum = 0;
  return param;
}

Json ClosedObject(Json properties, std::vector<std::string> required) {
  Json schema = {{"type", "object"}};
  if (!required.empty()) schema["required"] = required;
  schema["properties"] = std::move(properties);
  schema["additionalProperties"] = false;
  return schema;
}

Json VerdictBody(const char* what) {
  return ClosedObject(
      {{"verdict", {{"type", "string"}, {"enum", {"approve", "reject"}}}},
       {"reason",
        {{"type", "string"},
         {"minLength", 1},
         {"description", std::string("Why: every ") + what + " is ledgered with its reason"}}}},
      {"verdict", "reason"});
}

const char* const kHumansDecide =
    "A person holding the decide step's role, or an administrator; never an agent (403 "
    "permission_denied). 404 for a case the caller may not see; 409 failed_precondition when the "
    "case is not waiting for this.";

// --- schema helpers ---------------------------------------------------------------------------

Json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
Json ArrayOf(Json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
Json Type(const std::string& type) { return {{"type", type}}; }
Json Nullable(const std::string& type) { return {{"type", {type, "null"}}}; }
Json Strings() { return ArrayOf(Type("string")); }
Json Described(Json schema, std::string description) {
  schema["description"] = std::move(description);
  return schema;
}

// An object schema requiring `required`; other properties allowed (shapes vary per step kind
// and may grow).
Json Object(Json properties, std::vector<std::string> required, std::string description = "") {
  Json schema = {{"type", "object"}};
  if (!description.empty()) schema["description"] = std::move(description);
  if (!required.empty()) schema["required"] = std::move(required);
  schema["properties"] = std::move(properties);
  return schema;
}

// The same, or null.
Json NullableObject(Json properties, std::vector<std::string> required, std::string description) {
  Json schema = Object(std::move(properties), std::move(required), std::move(description));
  schema["type"] = Json::array({"object", "null"});
  return schema;
}

Json LevelSchema() {
  return {{"type", "string"},
          {"enum", {"observe", "suggest", "auto_with_exceptions", "autonomous"}}};
}

}  // namespace

void AddWorkflowRoutes(std::vector<RestRoute>* routes) {
  std::vector<RestRoute>& r = *routes;

  r.push_back(Make("GET", "/api/v1/workflows", "listWorkflows",
                   "Registered workflows with their level on the trust ladder", &ListWorkflows,
                   "WorkflowList"));
  r.back().description = "Any authenticated principal.";
  r.push_back(Make("GET", "/api/v1/workflows/{name}", "getWorkflow",
                   "One workflow: definition, level, promotion figures, versions, level changes",
                   &ShowWorkflow, "Workflow"));
  r.back().params = {Param("name", ParamIn::kPath, ParamType::kString, "The workflow's name")};
  r.back().description = "Any authenticated principal.";
  r.push_back(Make("POST", "/api/v1/workflows/{name}/promote", "promoteWorkflow",
                   "Moves the workflow up one level of the trust ladder (administrators only)",
                   &PromoteWorkflow, "Workflow"));
  r.back().params = {Param("name", ParamIn::kPath, ParamType::kString, "The workflow's name")};
  r.back().access = Access::kAdministrators;
  r.back().description =
      "Administrators only (403 permission_denied otherwise). Refused (403, naming the figures) "
      "unless the promotion criteria hold, or `force` is given with a `reason` (ledgered as "
      "forced); 409 when already autonomous.";
  r.back().body_schema =
      ClosedObject({{"force",
                     {{"type", "boolean"},
                      {"description", "Skip the criteria (needs a reason; ledgered as forced)"}}},
                    {"reason", {{"type", "string"}, {"description", "Why"}}}},
                   {});
  r.push_back(Make("POST", "/api/v1/workflows/{name}/demote", "demoteWorkflow",
                   "Moves the workflow down the trust ladder (administrators only)",
                   &DemoteWorkflow, "Workflow"));
  r.back().params = {Param("name", ParamIn::kPath, ParamType::kString, "The workflow's name")};
  r.back().access = Access::kAdministrators;
  r.back().body_schema =
      ClosedObject({{"to",
                     {{"type", "string"},
                      {"enum", {"observe", "suggest", "auto_with_exceptions"}},
                      {"description", "The level to move to (default: one down)"}}},
                    {"reason", {{"type", "string"}, {"description", "Why"}}}},
                   {});

  r.push_back(Make("GET", "/api/v1/cases", "listCases", "Cases the caller may see, newest first",
                   &ListCases, "CaseList"));
  r.back().description =
      "Any authenticated principal: the cases it started, of workflows whose decide role it "
      "holds, of its own workflows, or every case for administrators.";
  r.back().params = {
      Param("workflow", ParamIn::kQuery, ParamType::kString, "Only cases of this workflow"),
      Param("status", ParamIn::kQuery, ParamType::kString,
            "Only cases in this status: running, waiting, actioning or done"),
      Param("for_review", ParamIn::kQuery, ParamType::kBoolean,
            "Only cases waiting for one of the caller's roles (decisions, sampled reviews)"),
      Param("limit", ParamIn::kQuery, ParamType::kInteger, "At most this many (default 100)")};
  r.back().params.back().minimum = 1;
  r.back().params.back().maximum = kMaxCases;
  r.push_back(Make("POST", "/api/v1/cases", "startCase",
                   "Starts a case of a workflow and gathers its evidence", &StartCase, "Case"));
  r.back().success_status = 201;
  r.back().description =
      "Any authenticated principal, agents included: the evidence is gathered by the workflow's "
      "own principal, then the case waits for a human of the decide step's role (or is decided "
      "automatically at the higher levels of the trust ladder).";
  r.back().body_schema = ClosedObject(
      {{"workflow", {{"type", "string"}, {"minLength", 1}, {"description", "The workflow's name"}}},
       {"inputs",
        {{"type", "object"},
         {"additionalProperties", {{"type", "string"}}},
         {"description", "The workflow's inputs by name"}}},
       {"as_of",
        {{"type", "string"},
         {"description",
          "Judge as of this time (ISO-8601 UTC like 2026-03-02T00:00:00Z, not in the future; "
          "default now): the checks' :now"}}}},
      {"workflow"});
  r.push_back(Make("GET", "/api/v1/cases/{id}", "getCase",
                   "One case: its evidence, checks, recommendation, decision and actions", &GetCase,
                   "Case"));
  r.back().params = {Param("id", ParamIn::kPath, ParamType::kInteger, "The case's id")};
  r.back().description =
      "The starter, the workflow's principal, holders of the decide step's role and "
      "administrators (404 for anyone else). Evidence rows are shown as the caller's own policy "
      "lets it see them; at level observe the recommendation is hidden from non-administrators.";
  r.push_back(Make("POST", "/api/v1/cases/{id}/decision", "decideCase",
                   "A human's decision on a waiting case, with a reason", &DecideCase, "Case"));
  r.back().params = {Param("id", ParamIn::kPath, ParamType::kInteger, "The case's id")};
  r.back().description = kHumansDecide;
  r.back().body_schema = VerdictBody("decision");
  r.push_back(Make("POST", "/api/v1/cases/{id}/review", "reviewCase",
                   "A human's review of an automatically decided case sampled for review",
                   &ReviewCase, "Case"));
  r.back().params = {Param("id", ParamIn::kPath, ParamType::kInteger, "The case's id")};
  r.back().description = kHumansDecide;
  r.back().body_schema = VerdictBody("review");
}

void AddWorkflowSchemas(Json* schemas) {
  Json& s = *schemas;
  s["WorkflowSummary"] = Object({{"name", Type("string")},
                                 {"version", Type("string")},
                                 {"level", LevelSchema()},
                                 {"level_since", Type("string")},
                                 {"description", Type("string")},
                                 {"principal", Type("string")},
                                 {"decide_role", Type("string")},
                                 {"cases", Type("integer")},
                                 {"waiting", Type("integer")}},
                                {"name", "version", "level"});
  s["WorkflowList"] = Object({{"workflows", ArrayOf(Ref("WorkflowSummary"))}}, {"workflows"});
  s["WorkflowFigures"] = Object(
      {{"level", LevelSchema()},
       {"version", Type("string")},
       {"cases", Described(Type("integer"), "Human-decided cases at this level and version")},
       {"agree", Type("integer")},
       {"agreement", Type("number")},
       {"rejected_disagree", Type("integer")},
       {"criteria", Type("object")},
       {"eligible", Type("boolean")},
       {"why", Strings()},
       {"reviews", Type("object")}},
      {"level", "cases", "agreement", "eligible", "why"},
      "Agreement of the recommendation with the humans at the current level");
  s["Workflow"] =
      Object({{"name", Type("string")},
              {"version", Type("string")},
              {"level", LevelSchema()},
              {"level_since", Type("string")},
              {"description", Type("string")},
              {"principal", Type("string")},
              {"definition", Described(Type("object"), "The canonical definition")},
              {"text", Described(Type("string"), "The definition's YAML as written")},
              {"figures", Ref("WorkflowFigures")},
              {"versions", ArrayOf(Object({{"version", Type("string")},
                                           {"added_at", Type("string")},
                                           {"added_by", Type("string")},
                                           {"file", Type("string")},
                                           {"current", Type("boolean")}},
                                          {"version"}))},
              {"events", ArrayOf(Object({{"at", Type("string")},
                                         {"kind", Type("string")},
                                         {"version", Type("string")},
                                         {"from", Type("string")},
                                         {"to", Type("string")},
                                         {"figures", Nullable("object")},
                                         {"actor", Type("string")},
                                         {"forced", Type("boolean")},
                                         {"reason", Type("string")},
                                         {"ledger_seq", Nullable("integer")}},
                                        {"at", "kind"}))}},
             {"name", "version", "level", "definition", "figures", "versions", "events"});
  s["CaseStep"] = Object(
      {{"step", Type("string")},
       {"kind", {{"type", "string"}, {"enum", {"query", "check", "llm", "decide", "action"}}}},
       {"title", Type("string")},
       {"status",
        Described(Type("string"), "done, skipped, failed, pending, waiting (decide steps)")},
       {"ledger_seq", Nullable("integer")},
       {"finished_at", Type("string")},
       {"sql", Type("string")},
       {"uses", Strings()},
       {"role", Described(Type("string"), "Decide steps: who decides")},
       {"evidence",
        Object(
            {{"columns", Strings()},
             {"rows", Described(ArrayOf(Type("array")),
                                "Cells: null, number, text, {\"blob\": hex} or "
                                "{\"real\": \"inf\" | \"-inf\" | \"nan\"}")},
             {"label", Type("string")},
             {"reads", Strings()},
             {"view", Described(Type("string"), "\"recorded\", or \"as <principal> sees it now\"")},
             {"hidden", Described(Type("string"), "Why the caller's policy hides the rows")},
             {"truncated", Type("boolean")}},
            {"columns", "rows"}, "Query steps: the rows gathered")},
       {"check", Object({{"outcome", Type("string")}, {"reason", Type("string")}}, {"outcome"},
                        "Check steps: the outcome and its reason")},
       {"result", Described(Type("object"), "Other steps: their result (llm suggestion, error)")}},
      {"step", "kind", "title", "status"}, "One step; its fields depend on its kind");
  s["CaseAction"] = Object({{"step", Type("string")},
                            {"sink", Type("string")},
                            {"target", Type("string")},
                            {"status", Type("string")},
                            {"attempts", Type("integer")},
                            {"next_attempt_at", Type("string")},
                            {"last_error", Nullable("string")},
                            {"delivered_at", Nullable("string")},
                            {"idempotency_key", Type("string")},
                            {"ledger_seq", Nullable("integer")}},
                           {"step", "status", "idempotency_key"});
  s["Case"] = Object(
      {{"id", Type("integer")},
       {"workflow", Type("string")},
       {"version", Type("string")},
       {"level", LevelSchema()},
       {"status", {{"type", "string"}, {"enum", {"running", "waiting", "actioning", "done"}}}},
       {"inputs", {{"type", "object"}, {"additionalProperties", Type("string")}}},
       {"as_of", Type("string")},
       {"started_by", Type("string")},
       {"started_at", Type("string")},
       {"updated_at", Type("string")},
       {"evidence_digest", Type("string")},
       {"waiting_role", Nullable("string")},
       {"steps", ArrayOf(Ref("CaseStep"))},
       {"recommendation",
        NullableObject({{"verdict", Type("string")}, {"reason", Type("string")}}, {"verdict"},
                       "null until recommended, and at level observe for non-administrators")},
       {"suggestion", Nullable("string")},
       {"decision",
        NullableObject({{"verdict", {{"type", "string"}, {"enum", {"approve", "reject"}}}},
                        {"kind", {{"type", "string"}, {"enum", {"human", "auto"}}}},
                        {"by", Type("string")},
                        {"reason", Type("string")},
                        {"at", Type("string")},
                        {"level", Type("string")},
                        {"ledger_seq", Nullable("integer")}},
                       {"verdict", "kind", "by"}, "null until decided")},
       {"review", Object({{"required", Type("boolean")},
                          {"verdict", Nullable("string")},
                          {"by", Type("string")},
                          {"reason", Type("string")},
                          {"at", Type("string")}},
                         {"required"})},
       {"actions", ArrayOf(Ref("CaseAction"))}},
      {"id", "workflow", "version", "level", "status", "inputs", "as_of", "steps", "recommendation",
       "decision", "review", "actions"},
      "A case: one run of a workflow on one input. Its evidence is data from the sources.");
  s["CaseSummary"] = Object({{"id", Type("integer")},
                             {"workflow", Type("string")},
                             {"version", Type("string")},
                             {"status", Type("string")},
                             {"started_by", Type("string")},
                             {"started_at", Type("string")},
                             {"inputs", {{"type", {"object", "null"}}}},
                             {"recommendation", Nullable("string")},
                             {"decision", Nullable("string")},
                             {"decided_by", Nullable("string")},
                             {"waiting_role", Nullable("string")},
                             {"review_pending", Type("boolean")},
                             {"checks", Described(Object({{"pass", Type("integer")},
                                                          {"fail", Type("integer")},
                                                          {"unknown", Type("integer")}},
                                                         {"pass", "fail", "unknown"}),
                                                  "How many checks had each outcome so far")}},
                            {"id", "workflow", "status"});
  s["CaseList"] = Object({{"cases", ArrayOf(Ref("CaseSummary"))}}, {"cases"}, "Newest first");
}

}  // namespace cairn::server::rest
