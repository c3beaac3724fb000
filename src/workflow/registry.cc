// Workflows, versions and the trust ladder: AddVersion, List, Show, Figures, Promote, Demote,
// PromoteVersion.

#include <fmt/format.h>

#include "workflow/internal/store.h"
#include "workflow/workflows.h"

namespace cairn::workflow {

using internal::LevelEvent;
using internal::LoadVersion;
using internal::LoadWorkflow;
using internal::Record;
using internal::WorkflowRow;

namespace {

// PermissionDenied (ledgered as a refusal) unless the actor administers workflows.
Status RequireAdmin(Host* host, const Actor& actor, const std::string& what) {
  if (actor.principal.HasRole("admin")) return OkStatus();
  Status refused =
      PermissionDeniedError("{} needs an administrator; '{}' is not one", what, actor.principal.id);
  RETURN_IF_ERROR(
      Record(host, actor, "workflow:" + what, what, "deny: not an administrator").status());
  return refused;
}

}  // namespace

Result<std::unique_ptr<Workflows>> Workflows::Open(Host* host) {
  ASSIGN_OR_RETURN(store::StateDb * db, host->State());
  RETURN_IF_ERROR(db->Migrate("workflow", internal::Migrations()).status());
  return std::unique_ptr<Workflows>(new Workflows(host));
}

Result<Json> Workflows::AddVersion(const Actor& actor, const Definition& definition) {
  RETURN_IF_ERROR(RequireAdmin(host_, actor, "add"));
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  // The workflow's principal must exist: its session gathers the evidence.
  RETURN_IF_ERROR(host_->PrincipalById(definition.principal)
                      .status()
                      .WithContext(fmt::format("{}: principal", definition.file)));
  Result<WorkflowRow> existing = LoadWorkflow(db, definition.name);
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  const std::string now = host_->Now();
  Json out = {{"workflow", definition.name}, {"version", definition.version}};
  bool inserted = false;
  Status status = db->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(int64_t changed,
                     db->Exec("INSERT INTO workflow_versions (workflow, version, text, "
                              "file, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (workflow, version) DO NOTHING",
                              {definition.name, definition.version, definition.text,
                               definition.file, now, actor.principal.id}));
    inserted = changed > 0;
    if (existing.ok()) return OkStatus();
    return db
        ->Exec(
            "INSERT INTO workflows (name, version, level, level_since, updated_at) "
            "VALUES (?, ?, 'observe', ?, ?)",
            {definition.name, definition.version, now, now})
        .status();
  });
  RETURN_IF_ERROR(status);
  if (!existing.ok()) {
    out["status"] = "current";
    out["level"] = "observe";
  } else {
    // A changed definition never replaces the current version in place: it waits as a
    // candidate for PromoteVersion() and its evaluation gate.
    out["status"] = existing->version == definition.version ? "unchanged" : "candidate";
    out["level"] = std::string(LevelName(existing->level));
  }
  if (inserted) {
    WorkflowRow row{definition.name, definition.version, Level::kObserve, now};
    if (existing.ok()) row = *existing;
    RETURN_IF_ERROR(LevelEvent(host_, db, actor, existing.ok() ? "candidate" : "created", row,
                               definition.version, row.level, row.level, Json::object(), false,
                               ""));
  }
  return out;
}

Result<Definition> Workflows::Current(const std::string& name) {
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  ASSIGN_OR_RETURN(WorkflowRow row, LoadWorkflow(db, name));
  return LoadVersion(db, name, row.version);
}

Result<Json> Workflows::Figures(const std::string& name) {
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  ASSIGN_OR_RETURN(WorkflowRow row, LoadWorkflow(db, name));
  ASSIGN_OR_RETURN(Definition def, LoadVersion(db, name, row.version));
  return internal::ComputeFigures(db, row, def);
}

Result<Json> Workflows::List(const Actor& actor) {
  (void)actor;  // every authenticated principal may list workflows (not their cases)
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  Json out = Json::array();
  // The names first: one connection runs one statement at a time (PostgreSQL streams a
  // query's rows, so no other statement may run inside its callback).
  std::vector<std::string> names;
  RETURN_IF_ERROR(
      db->Query("SELECT name FROM workflows ORDER BY name", {}, [&](const store::Row& r) -> Status {
        names.push_back(r.Text(0));
        return OkStatus();
      }));
  std::vector<WorkflowRow> rows;
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(WorkflowRow row, LoadWorkflow(db, name));
    rows.push_back(std::move(row));
  }
  for (const WorkflowRow& row : rows) {
    ASSIGN_OR_RETURN(Definition def, LoadVersion(db, row.name, row.version));
    int64_t cases = 0, waiting = 0;
    RETURN_IF_ERROR(
        db->Query("SELECT count(*), coalesce(sum(CASE WHEN status = 'waiting' OR "
                  "(review_required = 1 AND review_verdict IS NULL) THEN 1 ELSE 0 END), 0) "
                  "FROM cases WHERE workflow = ?",
                  {row.name}, [&](const store::Row& r) {
                    cases = r.Int(0);
                    waiting = r.Int(1);
                    return OkStatus();
                  }));
    const Step* decide = def.DecideStep();
    out.push_back({{"name", row.name},
                   {"version", row.version},
                   {"level", std::string(LevelName(row.level))},
                   {"level_since", row.level_since},
                   {"description", def.description},
                   {"principal", def.principal},
                   {"decide_role", decide ? decide->role : ""},
                   {"cases", cases},
                   {"waiting", waiting}});
  }
  return out;
}

Result<Json> Workflows::Show(const Actor& actor, const std::string& name) {
  (void)actor;
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  ASSIGN_OR_RETURN(WorkflowRow row, LoadWorkflow(db, name));
  ASSIGN_OR_RETURN(Definition def, LoadVersion(db, name, row.version));
  Json versions = Json::array();
  RETURN_IF_ERROR(db->Query(
      "SELECT version, added_at, added_by, file FROM workflow_versions WHERE workflow = ? "
      "ORDER BY added_at, rowid",
      {name}, [&](const store::Row& r) {
        versions.push_back({{"version", r.Text(0)},
                            {"added_at", r.Text(1)},
                            {"added_by", r.Text(2)},
                            {"file", r.Text(3)},
                            {"current", r.Text(0) == row.version}});
        return OkStatus();
      }));
  Json events = Json::array();
  RETURN_IF_ERROR(
      db->Query("SELECT at, kind, version, from_level, to_level, figures, actor, forced, reason, "
                "ledger_seq FROM workflow_events WHERE workflow = ? ORDER BY id",
                {name}, [&](const store::Row& r) {
                  Json figures = Json::parse(r.Text(5).empty() ? "{}" : r.Text(5), nullptr, false);
                  events.push_back({{"at", r.Text(0)},
                                    {"kind", r.Text(1)},
                                    {"version", r.Text(2)},
                                    {"from", r.Text(3)},
                                    {"to", r.Text(4)},
                                    {"figures", figures.is_discarded() ? Json(nullptr) : figures},
                                    {"actor", r.Text(6)},
                                    {"forced", r.Int(7) != 0},
                                    {"reason", r.Text(8)},
                                    {"ledger_seq", r.IsNull(9) ? Json(nullptr) : Json(r.Int(9))}});
                  return OkStatus();
                }));
  ASSIGN_OR_RETURN(Json figures, internal::ComputeFigures(db, row, def));
  return Json{{"name", name},
              {"version", row.version},
              {"level", std::string(LevelName(row.level))},
              {"level_since", row.level_since},
              {"description", def.description},
              {"principal", def.principal},
              {"definition", def.ToJson()},
              {"text", def.text},
              {"figures", figures},
              {"versions", versions},
              {"events", events}};
}

Result<Json> Workflows::Promote(const Actor& actor, const std::string& name, bool force,
                                const std::string& reason) {
  RETURN_IF_ERROR(RequireAdmin(host_, actor, "promote"));
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  ASSIGN_OR_RETURN(WorkflowRow row, LoadWorkflow(db, name));
  ASSIGN_OR_RETURN(Definition def, LoadVersion(db, name, row.version));
  ASSIGN_OR_RETURN(Json figures, internal::ComputeFigures(db, row, def));
  if (row.level == Level::kAutonomous) {
    return FailedPreconditionError("workflow '{}' is already autonomous", name);
  }
  if (!figures["eligible"].get<bool>() && !force) {
    std::vector<std::string> why;
    for (const auto& w : figures["why"]) why.push_back(w.get<std::string>());
    RETURN_IF_ERROR(Record(host_, actor, "workflow:promote",
                           fmt::format("workflow {} promote from {}", name, LevelName(row.level)),
                           "deny: " + fmt::format("{}", fmt::join(why, "; ")), figures.dump())
                        .status());
    return PermissionDeniedError("promotion of '{}' from {} refused: {}", name,
                                 LevelName(row.level), fmt::join(why, "; "));
  }
  if (force && reason.empty()) {
    return InvalidArgumentError("a forced promotion needs a reason");
  }
  const Level to = static_cast<Level>(static_cast<int>(row.level) + 1);
  const std::string now = host_->Now();
  RETURN_IF_ERROR(db->Exec("UPDATE workflows SET level = ?, level_since = ?, updated_at = ? "
                           "WHERE name = ?",
                           {std::string(LevelName(to)), now, now, name})
                      .status());
  RETURN_IF_ERROR(LevelEvent(host_, db, actor, "promote", row, row.version, row.level, to, figures,
                             force && !figures["eligible"].get<bool>(), reason));
  return Show(actor, name);
}

Result<Json> Workflows::Demote(const Actor& actor, const std::string& name, std::optional<Level> to,
                               const std::string& reason) {
  RETURN_IF_ERROR(RequireAdmin(host_, actor, "demote"));
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  ASSIGN_OR_RETURN(WorkflowRow row, LoadWorkflow(db, name));
  if (row.level == Level::kObserve) {
    return FailedPreconditionError("workflow '{}' is already at observe", name);
  }
  const Level target = to.value_or(static_cast<Level>(static_cast<int>(row.level) - 1));
  if (static_cast<int>(target) >= static_cast<int>(row.level)) {
    return InvalidArgumentError("demotion of '{}' from {} must go down, not to {}", name,
                                LevelName(row.level), LevelName(target));
  }
  ASSIGN_OR_RETURN(Definition def, LoadVersion(db, name, row.version));
  ASSIGN_OR_RETURN(Json figures, internal::ComputeFigures(db, row, def));
  const std::string now = host_->Now();
  RETURN_IF_ERROR(db->Exec("UPDATE workflows SET level = ?, level_since = ?, updated_at = ? "
                           "WHERE name = ?",
                           {std::string(LevelName(target)), now, now, name})
                      .status());
  RETURN_IF_ERROR(LevelEvent(host_, db, actor, "demote", row, row.version, row.level, target,
                             figures, false, reason));
  return Show(actor, name);
}

Result<Json> Workflows::PromoteVersion(const Actor& actor, const std::string& name,
                                       const Definition& candidate, bool force,
                                       const std::string& reason) {
  RETURN_IF_ERROR(RequireAdmin(host_, actor, "promote"));
  if (candidate.name != name) {
    return InvalidArgumentError("the candidate defines workflow '{}', not '{}'", candidate.name,
                                name);
  }
  ASSIGN_OR_RETURN(store::StateDb * db, host_->State());
  ASSIGN_OR_RETURN(WorkflowRow row, LoadWorkflow(db, name));
  if (row.version == candidate.version) {
    return FailedPreconditionError("version {} is already the current version of '{}'",
                                   candidate.version.substr(0, 12), name);
  }
  ASSIGN_OR_RETURN(Json report, Evaluate(actor, name, candidate));
  const bool pass = report["gate"]["pass"].get<bool>();
  if (!pass && !force) {
    std::vector<std::string> why;
    for (const auto& w : report["gate"]["why"]) why.push_back(w.get<std::string>());
    RETURN_IF_ERROR(Record(host_, actor, "workflow:version",
                           fmt::format("workflow {} version {}", name, candidate.version),
                           "deny: " + fmt::format("{}", fmt::join(why, "; ")), report.dump())
                        .status());
    return PermissionDeniedError("version {} of '{}' refused by the evaluation gate: {}",
                                 candidate.version.substr(0, 12), name, fmt::join(why, "; "));
  }
  if (!pass && reason.empty()) return InvalidArgumentError("a forced promotion needs a reason");
  RETURN_IF_ERROR(AddVersion(actor, candidate).status());
  const std::string now = host_->Now();
  RETURN_IF_ERROR(db->Exec("UPDATE workflows SET version = ?, updated_at = ? WHERE name = ?",
                           {candidate.version, now, name})
                      .status());
  Json figures = {{"current", report["current"]}, {"candidate", report["candidate"]}};
  RETURN_IF_ERROR(LevelEvent(host_, db, actor, "version", row, candidate.version, row.level,
                             row.level, figures, !pass, reason));
  return Show(actor, name);
}

}  // namespace cairn::workflow
