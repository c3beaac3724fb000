// Evaluate(): the recorded evidence of past human-decided cases replayed through the current
// version and a candidate, side by side.

#include <fmt/format.h>

#include <set>

#include "workflow/internal/store.h"
#include "workflow/workflows.h"

namespace cairn::workflow {

namespace {

struct Replay {
  bool ok = false;
  std::string why;  // when !ok
  Recommendation rec;
  std::map<std::string, CheckResult> checks;
};

// The checks and recommendation of `def` over the evidence recorded for a case. A query step
// of `def` whose SQL was not recorded as such (new, or changed) cannot be replayed: its
// evidence would have to be gathered again.
Replay ReplayCase(const Definition& def, const internal::CaseResults& recorded,
                  const CaseParams& params) {
  Replay out;
  std::map<std::string, Evidence> evidence;
  for (const Step& step : def.steps) {
    if (step.kind != StepKind::kQuery) continue;
    auto it = recorded.evidence.find(step.id);
    if (it == recorded.evidence.end()) {
      out.why = fmt::format("no recorded evidence for step '{}'", step.id);
      return out;
    }
    if (it->second.sql != step.sql) {
      out.why = fmt::format("step '{}' reads with other SQL than the recorded evidence", step.id);
      return out;
    }
    evidence[step.id] = it->second;
  }
  for (const std::string& id : def.order) {
    const Step* step = def.FindStep(id);
    if (step->kind == StepKind::kCheck) out.checks[id] = EvaluateCheck(*step, evidence, params);
  }
  out.rec = Recommend(def, out.checks);
  out.ok = true;
  return out;
}

struct Tally {
  int64_t cases = 0, agree = 0, rejected_approved = 0;
  Json ToJson(const std::string& version) const {
    return {{"version", version},
            {"cases", cases},
            {"agree", agree},
            {"agreement", cases == 0 ? 0.0 : static_cast<double>(agree) / cases},
            {"rejected_approved", rejected_approved}};
  }
  double agreement() const { return cases == 0 ? 0.0 : static_cast<double>(agree) / cases; }
};

}  // namespace

Result<Json> Workflows::Evaluate(const Actor& actor, const std::string& name,
                                 const Definition& candidate) {
  if (!actor.principal.HasRole("admin")) {
    return PermissionDeniedError("eval needs an administrator; '{}' is not one",
                                 actor.principal.id);
  }
  if (candidate.name != name) {
    return InvalidArgumentError("the candidate defines workflow '{}', not '{}'", candidate.name,
                                name);
  }
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  ASSIGN_OR_RETURN(internal::WorkflowRow row, internal::LoadWorkflow(db, name));
  ASSIGN_OR_RETURN(Definition current, internal::LoadVersion(db, name, row.version));
  // Every case a human judged: decided by a person, or an automatic decision a person reviewed.
  struct Judged {
    int64_t id;
    std::string human;
  };
  std::vector<Judged> judged;
  RETURN_IF_ERROR(db->Query(
      "SELECT id, CASE WHEN decision_kind = 'human' THEN decision ELSE review_verdict END FROM "
      "cases WHERE workflow = ? AND ((decision_kind = 'human' AND decision IS NOT NULL) OR "
      "review_verdict IS NOT NULL) ORDER BY id",
      {name}, [&](const store::Row& r) {
        judged.push_back({r.Int(0), r.Text(1)});
        return OkStatus();
      }));
  Tally cur, cand;
  Json changed = Json::array(), not_replayable = Json::array();
  int64_t flips_rejected = 0;
  for (const Judged& j : judged) {
    ASSIGN_OR_RETURN(internal::CaseRow c, internal::LoadCase(db, j.id));
    ASSIGN_OR_RETURN(internal::CaseResults recorded, internal::LoadResults(db, j.id));
    CaseParams params{c.inputs, c.as_of};
    Replay a = ReplayCase(current, recorded, params);
    Replay b = ReplayCase(candidate, recorded, params);
    if (!a.ok || !b.ok) {
      not_replayable.push_back(
          {{"case", j.id}, {"why", !b.ok ? "candidate: " + b.why : "current: " + a.why}});
      continue;
    }
    const std::string va(VerdictName(a.rec.verdict)), vb(VerdictName(b.rec.verdict));
    ++cur.cases;
    ++cand.cases;
    cur.agree += va == j.human;
    cand.agree += vb == j.human;
    cur.rejected_approved += j.human == "reject" && va == "approve";
    cand.rejected_approved += j.human == "reject" && vb == "approve";
    if (j.human == "reject" && vb == "approve" && va != "approve") ++flips_rejected;
    if (va == vb) continue;
    Json checks = Json::array();
    std::set<std::string> ids;
    for (const auto& [id, r] : a.checks) ids.insert(id);
    for (const auto& [id, r] : b.checks) ids.insert(id);
    for (const std::string& id : ids) {
      auto ia = a.checks.find(id);
      auto ib = b.checks.find(id);
      const std::string oa =
          ia == a.checks.end() ? "absent" : std::string(OutcomeName(ia->second.outcome));
      const std::string ob =
          ib == b.checks.end() ? "absent" : std::string(OutcomeName(ib->second.outcome));
      if (oa == ob) continue;
      checks.push_back({{"check", id},
                        {"current", oa},
                        {"candidate", ob},
                        {"reason", ib == b.checks.end() ? "" : ib->second.reason}});
    }
    changed.push_back({{"case", j.id},
                       {"inputs", c.inputs},
                       {"human", j.human},
                       {"current", va},
                       {"candidate", vb},
                       {"candidate_reason", b.rec.reason},
                       {"checks", checks}});
  }
  Json why = Json::array();
  // Judged cases exist but none could be replayed: there is no evidence to pass the gate on.
  if (cur.cases == 0 && !not_replayable.empty()) {
    why.push_back(fmt::format(
        "none of the {} human-judged case(s) could be replayed (their evidence would have to "
        "be gathered again)",
        not_replayable.size()));
  }
  if (cand.agreement() < cur.agreement()) {
    why.push_back(fmt::format("agreement {:.1f}% is below the current version's {:.1f}%",
                              cand.agreement() * 100, cur.agreement() * 100));
  }
  if (flips_rejected > 0) {
    why.push_back(
        fmt::format("it would approve {} case(s) a human rejected that the current version did not",
                    flips_rejected));
  }
  Json report = {{"workflow", name},
                 {"current", cur.ToJson(row.version)},
                 {"candidate", cand.ToJson(candidate.version)},
                 {"changed", changed},
                 {"not_replayable", not_replayable},
                 {"gate", {{"pass", why.empty()}, {"why", why}}}};
  RETURN_IF_ERROR(internal::Record(host_, actor, "workflow:eval",
                                   fmt::format("workflow {} candidate {} over {} cases", name,
                                               candidate.version.substr(0, 12), cur.cases),
                                   why.empty() ? "allow: gate passes" : "allow: gate fails",
                                   report.dump())
                      .status());
  return report;
}

}  // namespace cairn::workflow
