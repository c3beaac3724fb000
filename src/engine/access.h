#pragma once

// What the engine asks about a principal's rights, and the vocabulary it needs for that.
//
// The engine enforces; it does not decide. A Session bound to a restricted principal asks an
// AccessPolicy (implemented by the policy module from policy.yaml) which tables and columns the
// principal may see, which row filter and which column masks apply, how each column is
// classified and whether a labelled result may flow to a sink. The mechanism that makes those
// answers hold for every SQL shape lives in engine/guard.h.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/source.h"
#include "core/status.h"

namespace cairn::engine {

// Who is acting: a person or an agent, with roles and attributes (region: EU, terminal: T2).
// Attributes are what row filters bind as parameters (`terminal = :terminal`).
struct Principal {
  std::string id;
  std::vector<std::string> roles;
  std::map<std::string, std::string> attributes;

  // The local administrator: every row of every source, as a database superuser on its own
  // machine. Still labelled and ledgered.
  static Principal Admin() { return Principal{"admin", {"admin"}, {}}; }
  bool HasRole(std::string_view role) const {
    for (const auto& r : roles) {
      if (r == role) return true;
    }
    return false;
  }
};

// Classification, ordered: a result carries the highest level it read.
enum class Label { kPublic = 0, kInternal = 1, kConfidential = 2, kRestricted = 3 };

std::string_view LabelName(Label label);
// "public", "internal", "confidential", "restricted" (case-insensitive). InvalidArgument else.
Result<Label> ParseLabel(std::string_view name);

// One column as a restricted principal sees it.
struct ColumnAccess {
  std::string name;  // the source's column name
  // Empty: the value in clear. Otherwise an SQL expression over the table's own columns
  // (unqualified) that replaces the value everywhere, filters and joins included.
  std::string mask;
  // Whether the masked value still carries the column's classification (false for masks that
  // reveal nothing, such as redact and null).
  bool mask_reveals = true;
  std::string rule;  // where the mask was defined ("policy.yaml:31"), for the ledger
};

// One table as a restricted principal sees it.
struct TableAccess {
  std::vector<ColumnAccess> columns;  // the visible columns, in source order
  // Empty: every row. Otherwise an SQL predicate over the table's own columns in which
  // `:name` is the principal's attribute `name`, bound as a parameter (NULL when the principal
  // has no such attribute, so the predicate selects nothing).
  std::string row_filter;
  std::vector<std::string> rules;  // the grants and filters that decided, for the ledger
};

class AccessPolicy {
 public:
  virtual ~AccessPolicy() = default;

  // True when `principal` bypasses grants, filters and masks (the administrator).
  virtual bool Unrestricted(const Principal& principal) const = 0;

  // How `principal` sees `table` of `source`; nullopt when it may not see the table at all
  // (default deny). Called only for restricted principals.
  virtual std::optional<TableAccess> Table(const Principal& principal, const std::string& source,
                                           const connectors::TableInfo& table) const = 0;

  // False when Table() would refuse `table` (named in any case) whatever its columns, so that a
  // caller can skip describing it: on a source of 10,000 tables, describing each table a search
  // hit names costs far more than the search. True when unsure.
  virtual bool MayGrant(const Principal& /*principal*/, const std::string& /*source*/,
                        const std::string& /*table*/) const {
    return true;
  }

  // The classification of a source column (the policy's default for unlabelled columns).
  virtual Label ColumnLabel(const std::string& source, const std::string& table,
                            const std::string& column) const = 0;

  // Whether a result labelled `label` may go to the sink named `sink`: OK, NotFound for an
  // unknown sink, PermissionDenied naming the label and the sink's clearance unless an
  // approved declassification covers `input_digest` (hex SHA-256 of the SQL) for that sink.
  virtual Status CheckFlow(const Principal& principal, Label label, const std::string& sink,
                           const std::string& input_digest) const = 0;
};

}  // namespace cairn::engine
