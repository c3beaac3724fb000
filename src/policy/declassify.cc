#include "policy/declassify.h"

#include <algorithm>
#include <cctype>

namespace cairn::policy {
namespace {

using engine::Label;

const std::vector<store::Migration> kMigrations = {
    {1, "declassifications and label proposals",
     "CREATE TABLE policy_declassifications ("
     "  id INTEGER PRIMARY KEY,"
     "  input_digest TEXT NOT NULL,"
     "  sink TEXT NOT NULL,"
     "  approved_by TEXT NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  time TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));"
     "CREATE INDEX policy_declassifications_by_digest ON policy_declassifications "
     "  (input_digest, sink);"
     "CREATE TABLE policy_label_proposals ("
     "  source TEXT NOT NULL, table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
     "  label TEXT NOT NULL CHECK (label IN ('public', 'internal', 'confidential', 'restricted')),"
     "  semantic_type TEXT NOT NULL,"
     "  status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'rejected')),"
     "  decided_by TEXT,"
     "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
     "  PRIMARY KEY (source, table_name, column_name));"},
    {2, "policy versions seen",
     "CREATE TABLE policy_versions ("
     "  digest TEXT PRIMARY KEY,"
     "  first_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));"},
};

bool IsHexDigest(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<std::unique_ptr<Declassifications>> Declassifications::Open(store::StateDb* db) {
  RETURN_IF_ERROR(db->Migrate("policy_state", kMigrations).status());
  return std::unique_ptr<Declassifications>(new Declassifications(db));
}

Status Declassifications::Approve(const Declassification& approval) {
  if (!IsHexDigest(approval.input_digest)) {
    return InvalidArgumentError(
        "a declassification names the query by its SHA-256 (64 hex digits)");
  }
  if (approval.reason.empty()) return InvalidArgumentError("a declassification needs a reason");
  if (approval.sink.empty() || approval.approved_by.empty()) {
    return InvalidArgumentError("a declassification needs a sink and an approver");
  }
  return db_
      ->Exec(
          "INSERT INTO policy_declassifications (input_digest, sink, approved_by, reason) "
          "VALUES (?, ?, ?, ?)",
          {approval.input_digest, approval.sink, approval.approved_by, approval.reason})
      .status();
}

Result<bool> Declassifications::NoteVersion(const std::string& digest) {
  ASSIGN_OR_RETURN(
      int64_t added,
      db_->Exec("INSERT INTO policy_versions (digest) VALUES (?) ON CONFLICT DO NOTHING",
                {digest}));
  return added > 0;
}

Result<bool> Declassifications::Approved(const std::string& input_digest,
                                         const std::string& sink) const {
  bool found = false;
  RETURN_IF_ERROR(db_->Query(
      "SELECT 1 FROM policy_declassifications WHERE input_digest = ? AND sink = ? LIMIT 1",
      {input_digest, sink}, [&](const store::Row&) {
        found = true;
        return OkStatus();
      }));
  return found;
}

Result<std::vector<Declassification>> Declassifications::List() const {
  std::vector<Declassification> out;
  RETURN_IF_ERROR(db_->Query(
      "SELECT input_digest, sink, approved_by, reason, time FROM policy_declassifications "
      "ORDER BY id",
      {}, [&](const store::Row& row) {
        out.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)});
        return OkStatus();
      }));
  return out;
}

Result<int> Declassifications::Propose(const std::vector<LabelProposal>& proposals) {
  int added = 0;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    for (const LabelProposal& p : proposals) {
      ASSIGN_OR_RETURN(int64_t changed,
                       db_->Exec("INSERT INTO policy_label_proposals (source, table_name, "
                                 "column_name, label, semantic_type, status) VALUES (?, ?, ?, ?, "
                                 "?, 'proposed') ON CONFLICT DO NOTHING",
                                 {p.source, p.table, p.column,
                                  std::string(engine::LabelName(p.label)), p.semantic_type}));
      if (changed > 0) {
        ++added;
        continue;
      }
      RETURN_IF_ERROR(db_->Exec("UPDATE policy_label_proposals SET label = ?, semantic_type = ?, "
                                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE source = ? AND "
                                "table_name = ? AND column_name = ? AND status = 'proposed'",
                                {std::string(engine::LabelName(p.label)), p.semantic_type, p.source,
                                 p.table, p.column})
                          .status());
    }
    return OkStatus();
  }));
  return added;
}

Status Declassifications::Decide(const std::string& source, const std::string& table,
                                 const std::string& column, bool confirm, const std::string& by) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      db_->Exec("UPDATE policy_label_proposals SET status = ?, decided_by = ?, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE source = ? AND "
                "table_name = ? AND column_name = ?",
                {std::string(confirm ? "confirmed" : "rejected"), by, source, table, column}));
  if (changed == 0) {
    return NotFoundError("no label proposal for {}.{}.{} (run cairn labels propose)", source, table,
                         column);
  }
  return OkStatus();
}

Result<std::vector<LabelProposal>> Declassifications::Proposals() const {
  std::vector<LabelProposal> out;
  RETURN_IF_ERROR(db_->Query(
      "SELECT source, table_name, column_name, label, semantic_type, status, "
      "coalesce(decided_by, '') FROM policy_label_proposals ORDER BY source, table_name, "
      "column_name",
      {}, [&](const store::Row& row) {
        LabelProposal p;
        p.source = row.Text(0);
        p.table = row.Text(1);
        p.column = row.Text(2);
        ASSIGN_OR_RETURN(p.label, engine::ParseLabel(row.Text(3)));
        p.semantic_type = row.Text(4);
        p.status = row.Text(5);
        p.decided_by = row.Text(6);
        out.push_back(std::move(p));
        return OkStatus();
      }));
  return out;
}

Result<std::map<std::string, Label>> Declassifications::Confirmed() const {
  ASSIGN_OR_RETURN(std::vector<LabelProposal> all, Proposals());
  std::map<std::string, Label> out;
  for (const LabelProposal& p : all) {
    if (p.status == "confirmed") out[Lower(p.source + "." + p.table + "." + p.column)] = p.label;
  }
  return out;
}

std::optional<engine::Label> ProposeLabel(std::string_view semantic_type,
                                          std::string_view column_name) {
  if (semantic_type == "iban") return Label::kRestricted;
  if (semantic_type == "email" || semantic_type == "phone") return Label::kConfidential;
  const std::string name = Lower(column_name);
  auto has = [&](std::string_view part) { return name.find(part) != std::string::npos; };
  if (has("iban") || has("password") || has("secret") || has("ssn") || has("passport") ||
      has("card_number") || has("account_number")) {
    return Label::kRestricted;
  }
  if (has("email") || has("phone") || has("mobile") || has("fax") || has("first_name") ||
      has("firstname") || has("last_name") || has("lastname") || has("full_name") ||
      has("contact_name") || has("birth") || has("address") || has("salary")) {
    return Label::kConfidential;
  }
  if (semantic_type == "money") return Label::kInternal;
  return std::nullopt;
}

}  // namespace cairn::policy
