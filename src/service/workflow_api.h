#pragma once

// The workflow and case operations of the network doors (REST under /api/v1/workflows and
// /api/v1/cases, the MCP tools start_case, get_case and list_cases), as JSON in and JSON out
// over one Workspace. Every call goes through Workspace::Workflows() acting as
// workflow::Actor{caller.principal, caller.ingress}, so the rules of workflow/workflows.h hold
// for every door alike: any principal may start a case and read the cases it may see; only a
// person of the decide step's role (or an administrator) decides or reviews, never an agent;
// only administrators move a workflow on the trust ladder.
//
// Errors are the Status codes of workflows.h, which the doors map (server/common.h):
// InvalidArgument (bad input, naming it) -> 400, PermissionDenied (wrong role, an agent
// deciding, a non-administrator, promotion criteria not met) -> 403, NotFound (unknown
// workflow or case, or a case the caller may not see) -> 404, FailedPrecondition (a case not
// waiting, a second decision) -> 409.
//
// Ledger: state changes are ledgered by the workflows themselves ("case:<what>",
// "workflow:<what>"); reads are ledgered here as "api:workflows", "api:workflow", "api:cases"
// and "api:case" (as service::Api records its reads), refusals with their decision.
//
// Thread-safety: as the Workspace (one thread at a time). Holds no state of its own: a door
// may make one per call.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/status.h"
#include "service/api.h"
#include "service/workspace.h"

namespace cairn::service {

struct CaseFilter {
  std::string workflow;     // "" for every workflow
  std::string status;       // "" for any: running, waiting, actioning, done
  bool for_review = false;  // only cases waiting for one of the caller's roles
  int64_t limit = 100;      // 1..1000
};

class WorkflowApi {
 public:
  explicit WorkflowApi(Workspace* workspace) : ws_(workspace) {}

  // {"workflows":[{"name","version","level","level_since","description","principal",
  //  "decide_role","cases","waiting"}]} (Workflows::List()).
  Result<Json> ListWorkflows(const Caller& caller);
  // Workflows::Show(): {"name","version","level","level_since","description","principal",
  //  "definition","text","figures","versions","events"}.
  Result<Json> ShowWorkflow(const Caller& caller, const std::string& name);
  // Administrators: up one level (criteria, or `force` with a reason); down one level or to
  // `to` ("observe", "suggest", "auto_with_exceptions"). Both return ShowWorkflow().
  Result<Json> Promote(const Caller& caller, const std::string& name, bool force,
                       const std::string& reason);
  Result<Json> Demote(const Caller& caller, const std::string& name, const std::string& to,
                      const std::string& reason);

  // Starts a case of `workflow` on `inputs` (as of `as_of`, ISO-8601 UTC, "" for now) and
  // gathers its evidence; returns GetCase().
  Result<Json> StartCase(const Caller& caller, const std::string& workflow,
                         const std::map<std::string, std::string>& inputs,
                         const std::string& as_of);
  // Workflows::Get(): {"id","workflow","version","level","status","inputs","as_of",
  //  "started_by","started_at","updated_at","evidence_digest","waiting_role","steps":[...],
  //  "recommendation","suggestion","decision","review","actions":[...]}.
  Result<Json> GetCase(const Caller& caller, int64_t id);
  // {"cases":[...]} newest first (Workflows::ListCases()).
  Result<Json> ListCases(const Caller& caller, const CaseFilter& filter);
  // A human's verdict ("approve" or "reject") with a reason; returns GetCase().
  Result<Json> DecideCase(const Caller& caller, int64_t id, const std::string& verdict,
                          const std::string& reason);
  // A human's review of an automatically decided case sampled for review; returns GetCase().
  Result<Json> ReviewCase(const Caller& caller, int64_t id, const std::string& verdict,
                          const std::string& reason);

  // The highest classification label of a case's evidence ("internal" when it holds none
  // higher): the label of the untrusted-data envelope around a case.
  static std::string CaseLabel(const Json& case_json);

 private:
  Result<workflow::Workflows*> Open();
  // Appends an "api:<action>" read entry; when `result` failed, its code as the decision.
  Status RecordRead(const Caller& caller, const std::string& action, const std::string& subject,
                    const Status& result);

  Workspace* ws_;
};

}  // namespace cairn::service
