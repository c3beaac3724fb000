#pragma once

// What the parts of Workflows (registry.cc, cases.cc, eval.cc) share: the state tables, the
// ledger helper and the stored-record readers. Module-private.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/state_db.h"
#include "workflow/definition.h"
#include "workflow/evidence.h"
#include "workflow/workflows.h"

namespace cairn::workflow::internal {

// The "workflow" component's migrations.
const std::vector<store::Migration>& Migrations();

// Appends a ledger entry for `actor`: `action` ("case:check", "workflow:promote", ...),
// `subject` (hashed as the input digest), `decision`, and the digest of `result` when given.
Result<int64_t> Record(Host* host, const Actor& actor, const std::string& action,
                       const std::string& subject, const std::string& decision,
                       const std::string& result = "");

std::string Sha256Hex(std::string_view data);

// The workflows row.
struct WorkflowRow {
  std::string name;
  std::string version;
  Level level = Level::kObserve;
  std::string level_since;
};
// NotFound "no workflow 'x'".
Result<WorkflowRow> LoadWorkflow(store::StateDb* db, const std::string& name);
// A stored version, parsed. NotFound; DataLoss if the stored text no longer parses.
Result<Definition> LoadVersion(store::StateDb* db, const std::string& name,
                               const std::string& version);

// A case's stored record (the columns of `cases`).
struct CaseRow {
  int64_t id = 0;
  std::string workflow, version, level, status, started_by, started_at, updated_at, as_of;
  std::map<std::string, std::string> inputs;
  std::string evidence_digest, recommendation, recommendation_reason, suggestion;
  std::string decision, decision_kind, decided_by, decision_reason, decided_at, decision_level;
  std::optional<int64_t> decision_seq;
  bool review_required = false;
  std::string review_verdict, reviewed_by, review_reason, reviewed_at, waiting_role, error;
};
Result<CaseRow> LoadCase(store::StateDb* db, int64_t id);

// The stored result of each done step of a case: evidence (query), check results (check),
// suggestion text (llm), by step id.
struct CaseResults {
  std::map<std::string, Evidence> evidence;
  std::map<std::string, CheckResult> checks;
  std::map<std::string, Json> steps;  // step id -> {"kind","status","result","ledger_seq",...}
};
Result<CaseResults> LoadResults(store::StateDb* db, int64_t id);

// Appends a level or version event (workflow_events) and its ledger entry ("workflow:<kind>").
Status LevelEvent(Host* host, store::StateDb* db, const Actor& actor, const std::string& kind,
                  const WorkflowRow& row, const std::string& version, Level from, Level to,
                  const Json& figures, bool forced, const std::string& reason);

// `iso` (ISO-8601 UTC, seconds) plus `ms` milliseconds, in the same format.
std::string AddMs(const std::string& iso, int64_t ms);

// The figures of the current version at the current level (Workflows::Figures()).
Result<Json> ComputeFigures(store::StateDb* db, const WorkflowRow& row, const Definition& def);

}  // namespace cairn::workflow::internal
