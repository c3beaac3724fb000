#pragma once

// The access policy: policy.yaml, loaded, validated, and answering the engine's questions.
//
//   roles:                               # every role a grant, filter or mask may name
//     port_operator: Terminal staff
//     auditor: Reads the ledger; approves declassification
//   grants:                              # default deny: nothing is visible that no grant gives
//     - roles: [port_operator]
//       source: tos
//       tables: [containers, moves]      # optional: every table of the source when absent
//       columns: [container_no, status]  # optional, with exactly one table: only these
//   row_filters:                         # all filters that apply to a principal are ANDed
//     - source: tos
//       table: containers
//       roles: [port_operator]           # optional: every restricted principal when absent
//       where: "terminal = :terminal"    # :name is the principal's attribute, bound
//   masks:
//     - source: finance
//       table: invoices
//       column: iban
//       mask: last4          # redact | null | hash | last4 | last:N | year | {sql: "expr"}
//       unless_roles: [finance_clerk]    # who sees the clear value
//   labels:
//     default: internal                  # for columns without a label
//     columns:
//       finance.invoices.iban: restricted
//       finance.invoices: confidential   # every column of the table without its own label
//   sinks:
//     public_channel: {clearance: public, description: "#port-status on the chat"}
//   declassifiers: [auditor]             # roles that may approve a flow to a lower sink
//   ledger_readers: [auditor]            # roles that may read the ledger (and admin)
//
// Semantics (what a reviewer used to Snowflake policies should expect):
//   * A principal holding the role `admin` is unrestricted (the local superuser); everyone else
//     sees only granted tables and columns. Grants add up across a principal's roles.
//   * Row filters are SQL predicates over the table's own columns; `:name` binds the
//     principal's attribute `name` (NULL when it has none, which selects no row). Several
//     applicable filters all apply. A filter or mask that does not compile, or that reads
//     another table, makes the table unusable (the query fails naming the rule), never open.
//   * A mask replaces the value everywhere (projection, WHERE, JOIN, GROUP BY, ORDER BY), so
//     predicates cannot guess the clear value. At most one mask per column.
//   * A result's label is the highest label among the columns it reads; a column whose mask
//     reveals nothing (redact, null) contributes none. Labels confirmed in the state database
//     (`cairn labels confirm`) apply below the ones written here.
//   * Every error names file:line:column and the dotted key.
//
// Thread-safety: immutable after Load; safe to share between sessions.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/access.h"

namespace cairn::policy {

class Declassifications;

struct Grant {
  std::vector<std::string> roles;
  std::string source;
  std::vector<std::string> tables;   // empty: every table
  std::vector<std::string> columns;  // empty: every column
  std::string where;                 // "policy.yaml:12"
};

struct RowFilter {
  std::string source;
  std::string table;
  std::vector<std::string> roles;  // empty: every restricted principal
  std::string sql;
  std::string where;
};

struct Mask {
  std::string source;
  std::string table;
  std::string column;
  std::string kind;  // redact, null, hash, last, year, sql
  int keep = 0;      // for last
  std::string sql;   // for sql
  std::vector<std::string> unless_roles;
  std::string where;
};

struct Sink {
  std::string name;
  engine::Label clearance = engine::Label::kPublic;
  std::string description;
  std::string where;
};

class Policy : public engine::AccessPolicy {
 public:
  // Parses `text` as the contents of `file` (named in errors). InvalidArgument with
  // file:line:column and the dotted key.
  static Result<std::unique_ptr<Policy>> Parse(const std::string& text,
                                               const std::filesystem::path& file);
  // Reads and parses `file`; a missing file is the empty policy (default deny).
  static Result<std::unique_ptr<Policy>> Load(const std::filesystem::path& file);

  // Labels confirmed outside the file ("source.table.column" -> label); the file wins.
  void set_confirmed_labels(std::map<std::string, engine::Label> labels) {
    confirmed_labels_ = std::move(labels);
  }
  const std::map<std::string, engine::Label>& confirmed_labels() const { return confirmed_labels_; }
  // Where approved declassifications are looked up (not owned); none when null.
  void set_declassifications(const Declassifications* store) { declassifications_ = store; }

  // engine::AccessPolicy
  bool Unrestricted(const engine::Principal& principal) const override;
  std::optional<engine::TableAccess> Table(const engine::Principal& principal,
                                           const std::string& source,
                                           const connectors::TableInfo& table) const override;
  bool MayGrant(const engine::Principal& principal, const std::string& source,
                const std::string& table) const override;
  engine::Label ColumnLabel(const std::string& source, const std::string& table,
                            const std::string& column) const override;
  Status CheckFlow(const engine::Principal& principal, engine::Label label, const std::string& sink,
                   const std::string& input_digest) const override;

  // Whether `principal` may approve a flow to a sink of lower clearance.
  bool CanDeclassify(const engine::Principal& principal) const;
  // Whether `principal` may read the ledger (administrators and ledger_readers).
  bool CanReadLedger(const engine::Principal& principal) const;

  const std::map<std::string, std::string>& roles() const { return roles_; }
  const std::vector<Grant>& grants() const { return grants_; }
  const std::vector<RowFilter>& row_filters() const { return row_filters_; }
  const std::vector<Mask>& masks() const { return masks_; }
  const std::vector<Sink>& sinks() const { return sinks_; }
  const Sink* FindSink(const std::string& name) const;
  engine::Label default_label() const { return default_label_; }
  // Labels written in the file, by "source.table.column" or "source.table" (lower case).
  const std::map<std::string, engine::Label>& labels() const { return labels_; }
  // Hex SHA-256 of the file's bytes ("" for the empty policy), for the ledger.
  const std::string& digest() const { return digest_; }
  const std::string& file_name() const { return file_name_; }

 private:
  Policy() = default;

  std::string file_name_;
  std::string digest_;
  std::map<std::string, std::string> roles_;
  std::vector<Grant> grants_;
  std::vector<RowFilter> row_filters_;
  std::vector<Mask> masks_;
  std::vector<Sink> sinks_;
  std::vector<std::string> declassifiers_;
  std::vector<std::string> ledger_readers_;
  engine::Label default_label_ = engine::Label::kInternal;
  std::map<std::string, engine::Label> labels_;
  std::map<std::string, engine::Label> confirmed_labels_;
  const Declassifications* declassifications_ = nullptr;
};

// The SQL expression a mask stands for, over the quoted column.
std::string MaskSql(const Mask& mask);

// Checks a policy SQL fragment (filter or mask expression) without compiling it: balanced
// parentheses, no statement separator, no positional parameters, attribute names valid and
// not reserved (`:_…`). Returns the attribute names it uses. InvalidArgument naming the
// problem.
Result<std::vector<std::string>> CheckPolicySql(const std::string& sql);

}  // namespace cairn::policy
