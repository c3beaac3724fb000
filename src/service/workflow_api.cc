#include "service/workflow_api.h"

#include <fmt/format.h>

#include <utility>

#include "workflow/definition.h"
#include "workflow/evidence.h"

namespace cairn::service {
namespace {

constexpr int64_t kMaxCases = 1000;

workflow::Actor ActorOf(const Caller& caller) {
  return workflow::Actor{caller.principal, caller.ingress};
}

// "approve" or "reject"; InvalidArgument naming `what` otherwise.
Result<workflow::Verdict> HumanVerdict(const std::string& text, const char* what) {
  Result<workflow::Verdict> verdict = workflow::ParseVerdict(text);
  if (!verdict.ok() || *verdict == workflow::Verdict::kNone) {
    return InvalidArgumentError("a {} is approve or reject, not '{}'", what, text);
  }
  return *verdict;
}

}  // namespace

Result<workflow::Workflows*> WorkflowApi::Open() { return ws_->Workflows(); }

Status WorkflowApi::RecordRead(const Caller& caller, const std::string& action,
                               const std::string& subject, const Status& result) {
  const std::string decision =
      result.ok() ? "allow" : fmt::format("error: {}", StatusCodeName(result.code()));
  return ws_->Record(caller.principal, caller.ingress, "api:" + action, subject, decision);
}

Result<Json> WorkflowApi::ListWorkflows(const Caller& caller) {
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  Result<Json> list = wf->List(ActorOf(caller));
  RETURN_IF_ERROR(RecordRead(caller, "workflows", "workflows", list.status()));
  if (!list.ok()) return list.status();
  return Json{{"workflows", std::move(list).value()}};
}

Result<Json> WorkflowApi::ShowWorkflow(const Caller& caller, const std::string& name) {
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  Result<Json> shown = wf->Show(ActorOf(caller), name);
  RETURN_IF_ERROR(RecordRead(caller, "workflow", name, shown.status()));
  return shown;
}

Result<Json> WorkflowApi::Promote(const Caller& caller, const std::string& name, bool force,
                                  const std::string& reason) {
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  return wf->Promote(ActorOf(caller), name, force, reason);
}

Result<Json> WorkflowApi::Demote(const Caller& caller, const std::string& name,
                                 const std::string& to, const std::string& reason) {
  std::optional<workflow::Level> level;
  if (!to.empty()) {
    Result<workflow::Level> parsed = workflow::ParseLevel(to);
    if (!parsed.ok()) return InvalidArgumentError("to: {}", parsed.status().message());
    level = *parsed;
  }
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  return wf->Demote(ActorOf(caller), name, level, reason);
}

Result<Json> WorkflowApi::StartCase(const Caller& caller, const std::string& workflow,
                                    const std::map<std::string, std::string>& inputs,
                                    const std::string& as_of) {
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  return wf->Start(ActorOf(caller), workflow, inputs, as_of);
}

Result<Json> WorkflowApi::GetCase(const Caller& caller, int64_t id) {
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  Result<Json> got = wf->Get(ActorOf(caller), id);
  RETURN_IF_ERROR(RecordRead(caller, "case", fmt::format("case {}", id), got.status()));
  return got;
}

Result<Json> WorkflowApi::ListCases(const Caller& caller, const CaseFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxCases) {
    return InvalidArgumentError("limit must be between 1 and {}", kMaxCases);
  }
  if (!filter.status.empty() && filter.status != "running" && filter.status != "waiting" &&
      filter.status != "actioning" && filter.status != "done") {
    return InvalidArgumentError("status must be running, waiting, actioning or done, not '{}'",
                                filter.status);
  }
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  Result<Json> cases = wf->ListCases(ActorOf(caller), filter.workflow, filter.status,
                                     filter.for_review, filter.limit);
  RETURN_IF_ERROR(RecordRead(caller, "cases",
                             fmt::format("cases workflow={} status={} for_review={}",
                                         filter.workflow, filter.status, filter.for_review),
                             cases.status()));
  if (!cases.ok()) return cases.status();
  return Json{{"cases", std::move(cases).value()}};
}

Result<Json> WorkflowApi::DecideCase(const Caller& caller, int64_t id, const std::string& verdict,
                                     const std::string& reason) {
  ASSIGN_OR_RETURN(workflow::Verdict v, HumanVerdict(verdict, "decision"));
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  return wf->Decide(ActorOf(caller), id, v, reason);
}

Result<Json> WorkflowApi::ReviewCase(const Caller& caller, int64_t id, const std::string& verdict,
                                     const std::string& reason) {
  ASSIGN_OR_RETURN(workflow::Verdict v, HumanVerdict(verdict, "review"));
  ASSIGN_OR_RETURN(workflow::Workflows * wf, Open());
  return wf->Review(ActorOf(caller), id, v, reason);
}

std::string WorkflowApi::CaseLabel(const Json& case_json) {
  engine::Label highest = engine::Label::kInternal;
  if (!case_json.is_object() || !case_json.contains("steps") || !case_json["steps"].is_array()) {
    return std::string(engine::LabelName(highest));
  }
  for (const Json& step : case_json["steps"]) {
    if (!step.is_object() || !step.contains("evidence") || !step["evidence"].is_object()) continue;
    const Json& evidence = step["evidence"];
    if (!evidence.contains("label") || !evidence["label"].is_string()) continue;
    const std::string text = evidence["label"].get<std::string>();
    if (text.empty()) continue;
    // An evidence label that does not parse is treated as the most sensitive.
    Result<engine::Label> label = engine::ParseLabel(text);
    const engine::Label level = label.ok() ? *label : engine::Label::kRestricted;
    if (static_cast<int>(level) > static_cast<int>(highest)) highest = level;
  }
  return std::string(engine::LabelName(highest));
}

}  // namespace cairn::service
