// The workflow module's state tables, its ledger helper and the readers of stored records.

#include "workflow/internal/store.h"

#include <openssl/evp.h>

#include <ctime>
#include <memory>

namespace cairn::workflow::internal {

const std::vector<store::Migration>& Migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "workflows, versions, level events, cases, case steps and actions", R"sql(
CREATE TABLE workflow_versions (
  workflow TEXT NOT NULL,
  version TEXT NOT NULL,         -- SHA-256 of the definition's canonical JSON
  text TEXT NOT NULL,            -- the YAML as written
  file TEXT NOT NULL,            -- where it was read from (resolves outbox paths)
  added_at TEXT NOT NULL,
  added_by TEXT NOT NULL,
  PRIMARY KEY (workflow, version)
);
CREATE TABLE workflows (
  name TEXT PRIMARY KEY,
  version TEXT NOT NULL,         -- the current version
  level TEXT NOT NULL,           -- observe | suggest | auto_with_exceptions | autonomous
  level_since TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE workflow_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow TEXT NOT NULL,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,            -- created | promote | demote | auto_demote | version
  version TEXT NOT NULL,
  from_level TEXT,
  to_level TEXT,
  figures TEXT,                  -- JSON: what justified it
  actor TEXT NOT NULL,
  forced INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  ledger_seq INTEGER
);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow TEXT NOT NULL,
  version TEXT NOT NULL,
  level TEXT NOT NULL,           -- the level when the case started
  inputs TEXT NOT NULL,          -- JSON object
  as_of TEXT NOT NULL,           -- :now of every step
  status TEXT NOT NULL,          -- running | waiting | actioning | done
  started_by TEXT NOT NULL,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  evidence_digest TEXT,
  recommendation TEXT,           -- approve | reject | none
  recommendation_reason TEXT,
  suggestion TEXT,
  waiting_role TEXT,
  decision TEXT,                 -- approve | reject
  decision_kind TEXT,            -- human | auto
  decided_by TEXT,
  decision_reason TEXT,
  decided_at TEXT,
  decision_level TEXT,
  decision_seq INTEGER,          -- its ledger entry; NULL until appended
  review_required INTEGER NOT NULL DEFAULT 0,
  review_verdict TEXT,
  reviewed_by TEXT,
  review_reason TEXT,
  reviewed_at TEXT,
  review_seq INTEGER,
  error TEXT
);
CREATE INDEX cases_by_workflow ON cases (workflow, status);
CREATE TABLE case_steps (
  case_id INTEGER NOT NULL REFERENCES cases (id),
  step TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,          -- done | skipped | failed
  result TEXT NOT NULL,          -- JSON
  ledger_seq INTEGER,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (case_id, step)
);
CREATE TABLE case_actions (
  case_id INTEGER NOT NULL REFERENCES cases (id),
  step TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,          -- pending | delivered | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  delivered_at TEXT,
  ledger_seq INTEGER,
  PRIMARY KEY (case_id, step)
);
)sql"},
      // Resume() looks for unfinished cases and counts pending actions every few seconds
      // while `cairn serve` runs: both read a small partial index, not every case and action.
      {2, "indexes of open cases and pending actions", R"sql(
CREATE INDEX cases_open ON cases (id)
  WHERE status IN ('running', 'actioning') OR (decision IS NOT NULL AND decision_seq IS NULL);
CREATE INDEX case_actions_pending ON case_actions (case_id) WHERE status = 'pending';
)sql"},
  };
  return kMigrations;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Result<int64_t> Record(Host* host, const Actor& actor, const std::string& action,
                       const std::string& subject, const std::string& decision,
                       const std::string& result) {
  ASSIGN_OR_RETURN(ledger::Recorder * recorder, host->Recorder());
  ledger::Entry entry;
  entry.principal = actor.principal.id;
  entry.action = action;
  entry.subject = subject;
  entry.input_digest = Sha256Hex(subject);
  if (!result.empty()) entry.result_digest = Sha256Hex(result);
  entry.decision = decision;
  entry.ingress = actor.ingress;
  return recorder->Append(std::move(entry));
}

Status LevelEvent(Host* host, store::StateDb* db, const Actor& actor, const std::string& kind,
                  const WorkflowRow& row, const std::string& version, Level from, Level to,
                  const Json& figures, bool forced, const std::string& reason) {
  const std::string now = host->Now();
  const std::string subject = fmt::format("workflow {} {}: {} -> {} (version {})", row.name, kind,
                                          LevelName(from), LevelName(to), version.substr(0, 12));
  std::string decision = forced ? "allow: forced" : "allow";
  if (!reason.empty()) decision += ": " + reason;
  ASSIGN_OR_RETURN(int64_t seq,
                   Record(host, actor, "workflow:" + kind, subject, decision, figures.dump()));
  RETURN_IF_ERROR(db->Exec("INSERT INTO workflow_events (workflow, at, kind, version, from_level, "
                           "to_level, figures, actor, forced, reason, ledger_seq) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           {row.name, now, kind, version, std::string(LevelName(from)),
                            std::string(LevelName(to)), figures.dump(), actor.principal.id,
                            int64_t{forced ? 1 : 0}, reason, seq})
                      .status());
  return OkStatus();
}

std::string AddMs(const std::string& iso, int64_t ms) {
  std::tm tm{};
  if (strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return iso;
  const time_t t = timegm(&tm) + static_cast<time_t>((ms + 999) / 1000);
  std::tm out{};
  gmtime_r(&t, &out);
  char buffer[32];
  strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &out);
  return buffer;
}

Result<WorkflowRow> LoadWorkflow(store::StateDb* db, const std::string& name) {
  std::optional<WorkflowRow> row;
  Status status =
      db->Query("SELECT name, version, level, level_since FROM workflows WHERE name = ?", {name},
                [&](const store::Row& r) -> Status {
                  WorkflowRow w;
                  w.name = r.Text(0);
                  w.version = r.Text(1);
                  ASSIGN_OR_RETURN(w.level, ParseLevel(r.Text(2)));
                  w.level_since = r.Text(3);
                  row = std::move(w);
                  return OkStatus();
                });
  RETURN_IF_ERROR(status);
  if (!row) return NotFoundError("no workflow '{}'", name);
  return *row;
}

Result<Definition> LoadVersion(store::StateDb* db, const std::string& name,
                               const std::string& version) {
  std::optional<std::pair<std::string, std::string>> stored;
  RETURN_IF_ERROR(
      db->Query("SELECT text, file FROM workflow_versions WHERE workflow = ? AND version = ?",
                {name, version}, [&](const store::Row& r) {
                  stored.emplace(r.Text(0), r.Text(1));
                  return OkStatus();
                }));
  if (!stored) return NotFoundError("workflow '{}' has no version '{}'", name, version);
  Result<Definition> def = ParseDefinition(stored->first, stored->second);
  if (!def.ok()) {
    return DataLossError("stored version {} of workflow '{}' no longer parses: {}", version, name,
                         def.status().message());
  }
  return def;
}

namespace {

std::optional<int64_t> OptInt(const store::Row& r, int column) {
  if (r.IsNull(column)) return std::nullopt;
  return r.Int(column);
}

}  // namespace

Result<CaseRow> LoadCase(store::StateDb* db, int64_t id) {
  std::optional<CaseRow> out;
  Status status = db->Query(
      "SELECT id, workflow, version, level, status, started_by, started_at, updated_at, as_of, "
      "inputs, evidence_digest, recommendation, recommendation_reason, suggestion, decision, "
      "decision_kind, decided_by, decision_reason, decided_at, decision_level, decision_seq, "
      "review_required, review_verdict, reviewed_by, review_reason, reviewed_at, waiting_role, "
      "error FROM cases WHERE id = ?",
      {id}, [&](const store::Row& r) -> Status {
        CaseRow c;
        c.id = r.Int(0);
        c.workflow = r.Text(1);
        c.version = r.Text(2);
        c.level = r.Text(3);
        c.status = r.Text(4);
        c.started_by = r.Text(5);
        c.started_at = r.Text(6);
        c.updated_at = r.Text(7);
        c.as_of = r.Text(8);
        nlohmann::json inputs = nlohmann::json::parse(r.Text(9), nullptr, false);
        if (!inputs.is_object()) return DataLossError("case {}: stored inputs do not parse", c.id);
        for (const auto& [key, value] : inputs.items()) {
          if (!value.is_string())
            return DataLossError("case {}: input '{}' is not text", c.id, key);
          c.inputs[key] = value.get<std::string>();
        }
        c.evidence_digest = r.Text(10);
        c.recommendation = r.Text(11);
        c.recommendation_reason = r.Text(12);
        c.suggestion = r.Text(13);
        c.decision = r.Text(14);
        c.decision_kind = r.Text(15);
        c.decided_by = r.Text(16);
        c.decision_reason = r.Text(17);
        c.decided_at = r.Text(18);
        c.decision_level = r.Text(19);
        c.decision_seq = OptInt(r, 20);
        c.review_required = r.Int(21) != 0;
        c.review_verdict = r.Text(22);
        c.reviewed_by = r.Text(23);
        c.review_reason = r.Text(24);
        c.reviewed_at = r.Text(25);
        c.waiting_role = r.Text(26);
        c.error = r.Text(27);
        out = std::move(c);
        return OkStatus();
      });
  RETURN_IF_ERROR(status);
  if (!out) return NotFoundError("no case {}", id);
  return *out;
}

Result<CaseResults> LoadResults(store::StateDb* db, int64_t id) {
  CaseResults out;
  RETURN_IF_ERROR(db->Query(
      "SELECT step, kind, status, result, ledger_seq, finished_at FROM case_steps "
      "WHERE case_id = ? ORDER BY rowid",
      {id}, [&](const store::Row& r) -> Status {
        const std::string step = r.Text(0), kind = r.Text(1), status = r.Text(2);
        nlohmann::json result = nlohmann::json::parse(r.Text(3), nullptr, false);
        if (result.is_discarded()) {
          return DataLossError("case {} step '{}': stored result does not parse", id, step);
        }
        Json entry = {{"step", step}, {"kind", kind}, {"status", status}};
        entry["ledger_seq"] = r.IsNull(4) ? Json(nullptr) : Json(r.Int(4));
        entry["finished_at"] = r.Text(5);
        if (status == "done" && kind == "query") {
          Result<Evidence> evidence = Evidence::FromJson(result);
          if (!evidence.ok()) {
            return DataLossError("case {} step '{}': {}", id, step, evidence.status().message());
          }
          out.evidence[step] = std::move(*evidence);
        } else if (status == "done" && kind == "check") {
          Result<CheckResult> check = CheckResult::FromJson(result);
          if (!check.ok()) {
            return DataLossError("case {} step '{}': {}", id, step, check.status().message());
          }
          out.checks[step] = std::move(*check);
        }
        entry["result"] = Json::parse(result.dump());
        out.steps[step] = std::move(entry);
        return OkStatus();
      }));
  return out;
}

Result<Json> ComputeFigures(store::StateDb* db, const WorkflowRow& row, const Definition& def) {
  int64_t cases = 0, agree = 0, rejected_disagree = 0;
  const std::string level(LevelName(row.level));
  RETURN_IF_ERROR(db->Query(
      "SELECT count(*), coalesce(sum(recommendation = decision), 0), "
      "coalesce(sum(decision = 'reject' AND recommendation = 'approve'), 0) FROM cases "
      "WHERE workflow = ? AND version = ? AND decision_kind = 'human' AND decision_level = ?",
      {row.name, row.version, level}, [&](const store::Row& r) {
        cases = r.Int(0);
        agree = r.Int(1);
        rejected_disagree = r.Int(2);
        return OkStatus();
      }));
  const LadderCriteria& c = def.ladder;
  const double agreement = cases == 0 ? 0.0 : static_cast<double>(agree) / cases;
  Json why = Json::array();
  if (row.level == Level::kAutonomous) why.push_back("already at the highest level");
  if (cases < c.min_cases) {
    why.push_back(
        fmt::format("{} human-decided cases at level {}, {} needed", cases, level, c.min_cases));
  }
  if (agreement < c.min_agreement) {
    why.push_back(
        fmt::format("agreement {:.1f}% below {:.1f}%", agreement * 100, c.min_agreement * 100));
  }
  if (c.forbid_rejected_disagreement && rejected_disagree > 0) {
    why.push_back(fmt::format("{} case(s) the human rejected were recommended for approval",
                              rejected_disagree));
  }
  Json figures = {{"level", level},
                  {"version", row.version},
                  {"cases", cases},
                  {"agree", agree},
                  {"agreement", agreement},
                  {"rejected_disagree", rejected_disagree},
                  {"criteria",
                   {{"min_cases", c.min_cases},
                    {"min_agreement", c.min_agreement},
                    {"forbid_rejected_disagreement", c.forbid_rejected_disagreement}}},
                  {"eligible", why.empty()},
                  {"why", why}};
  // Sampled reviews of automatic decisions (the demotion signal).
  int64_t reviews = 0, review_disagree = 0;
  RETURN_IF_ERROR(db->Query(
      "SELECT count(*), coalesce(sum(review_verdict <> decision), 0) FROM (SELECT review_verdict, "
      "decision FROM cases WHERE workflow = ? AND version = ? AND review_verdict IS NOT NULL "
      "ORDER BY reviewed_at DESC, id DESC LIMIT ?)",
      {row.name, row.version, c.review_window}, [&](const store::Row& r) {
        reviews = r.Int(0);
        review_disagree = r.Int(1);
        return OkStatus();
      }));
  figures["reviews"] = {{"window", c.review_window},
                        {"reviewed", reviews},
                        {"disagree", review_disagree},
                        {"max_disagreement", c.max_review_disagreement},
                        {"sample_rate", c.review_sample_rate}};
  return figures;
}

}  // namespace cairn::workflow::internal
