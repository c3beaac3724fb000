#pragma once

// Declassification approvals and classification label proposals, kept in the state database
// (migration component "policy_state").
//
// A declassification lets one exact query (by the SHA-256 of its SQL) flow to one sink whose
// clearance is below the result's label. Only a principal the policy names as a declassifier
// may approve; the approval names who, when and why, and the caller records it in the ledger.
//
// Label proposals come from discovery's semantic types (an email column is confidential, an
// IBAN restricted); an administrator confirms or rejects each. Confirmed labels apply below the
// labels written in policy.yaml.
//
// Thread-safety: as the StateDb (one thread). The StateDb is borrowed and must outlive this.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/access.h"
#include "store/state_db.h"

namespace cairn::policy {

struct Declassification {
  std::string input_digest;  // hex SHA-256 of the SQL
  std::string sink;
  std::string approved_by;
  std::string reason;
  std::string time;
};

struct LabelProposal {
  std::string source;
  std::string table;
  std::string column;
  engine::Label label = engine::Label::kInternal;
  std::string semantic_type;  // why it was proposed
  std::string status;         // proposed, confirmed, rejected
  std::string decided_by;     // for confirmed / rejected
};

class Declassifications {
 public:
  static Result<std::unique_ptr<Declassifications>> Open(store::StateDb* db);

  // Records an approval. InvalidArgument for a digest that is not 64 hex digits or an empty
  // reason.
  Status Approve(const Declassification& approval);
  Result<bool> Approved(const std::string& input_digest, const std::string& sink) const;

  // Records that the policy file with this digest is in force; true the first time it is seen
  // (the caller then ledgers the change).
  Result<bool> NoteVersion(const std::string& digest);
  Result<std::vector<Declassification>> List() const;

  // Adds proposals; an existing proposal for the same column keeps its status unless it is
  // still only proposed (then its label is updated). Returns how many were new.
  Result<int> Propose(const std::vector<LabelProposal>& proposals);
  // Sets the status of the proposal for source.table.column. NotFound if there is none.
  Status Decide(const std::string& source, const std::string& table, const std::string& column,
                bool confirm, const std::string& by);
  Result<std::vector<LabelProposal>> Proposals() const;
  // Confirmed labels by "source.table.column" (lower case), for Policy::set_confirmed_labels.
  Result<std::map<std::string, engine::Label>> Confirmed() const;

 private:
  explicit Declassifications(store::StateDb* db) : db_(db) {}
  store::StateDb* db_;
};

// The label a column's semantic type (as context names them: "email", "iban", ...) or its name
// (first_name, contact_name, ...) suggests; nullopt when neither suggests one. By type: iban
// restricted; email, phone, person_name and address confidential; money internal. A name that
// suggests a higher label than the type wins (a "salary" typed money is confidential).
std::optional<engine::Label> ProposeLabel(std::string_view semantic_type,
                                          std::string_view column_name);

}  // namespace cairn::policy
