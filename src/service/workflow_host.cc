#include "service/workflow_host.h"

#include "ledger/clock.h"
#include "workflow/llm.h"

namespace cairn::service {

Result<engine::Principal> WorkflowHost::PrincipalById(const std::string& id) {
  ASSIGN_OR_RETURN(policy::PrincipalStore * principals, ws_->Principals());
  Result<policy::PrincipalRecord> record = principals->Get(id);
  if (!record.ok()) {
    return NotFoundError("no principal '{}' (create it with `cairn principal add`)", id);
  }
  if (record->disabled) return FailedPreconditionError("principal '{}' is disabled", id);
  return engine::Principal{record->id, record->roles, record->attributes};
}

Result<std::string> WorkflowHost::PrincipalKind(const std::string& id) {
  ASSIGN_OR_RETURN(policy::PrincipalStore * principals, ws_->Principals());
  ASSIGN_OR_RETURN(policy::PrincipalRecord record, principals->Get(id));
  return record.kind;
}

Result<std::optional<workflow::LlmConfig>> WorkflowHost::Llm() {
  if (!ws_->config().llm) return std::optional<workflow::LlmConfig>();
  ASSIGN_OR_RETURN(workflow::LlmConfig config, workflow::ResolveLlm(*ws_->config().llm));
  return std::optional<workflow::LlmConfig>(std::move(config));
}

std::string WorkflowHost::Now() {
  ledger::SystemClock clock;
  // Seconds are enough for as-of times and retry schedules: "2026-12-04T10:00:00Z".
  return clock.NowUtc().substr(0, 19) + "Z";
}

}  // namespace cairn::service
