#pragma once

// The context model: what Cairn knows about the sources, shared by discovery, join inference,
// join paths, search, recipes and export. Plain values; no I/O.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::context {

// Where a fact came from.
enum class Provenance {
  kDiscovered,  // computed by discovery (from data or schema), with when and from what sample
  kDeclared,    // declared by the source itself (a primary or foreign key constraint)
  kStated,      // stated by a principal (a confirmation, a description, a recipe)
};
std::string_view ProvenanceName(Provenance provenance);  // "discovered", "declared", "stated"
bool ProvenanceFromName(std::string_view name, Provenance* provenance);

struct TableRef {
  std::string source;
  std::string table;

  bool operator==(const TableRef&) const = default;
  auto operator<=>(const TableRef&) const = default;
  std::string ToString() const { return source + "." + table; }
};

// One side of a join: a table and the columns (one or more, in key order) it joins on.
struct JoinSide {
  std::string source;
  std::string table;
  std::vector<std::string> columns;

  bool operator==(const JoinSide&) const = default;
  TableRef table_ref() const { return {source, table}; }
  // {"source": ..., "table": ..., "columns": [...]}
  nlohmann::json ToJson() const;
  static JoinSide FromJson(const nlohmann::json& json);
};

enum class JoinKind {
  kDeclared,   // a foreign key declared by the source
  kInferred,   // proposed by join inference, with a score and evidence
  kConfirmed,  // stated true by a principal; survives re-discovery
  kRejected,   // stated false by a principal; survives re-discovery and is never used for paths
  kImplied,    // derived by the join graph from a chain of joins on one column; never stored
};
// "declared", "inferred", "confirmed", "rejected", "implied"
std::string_view JoinKindName(JoinKind kind);
bool JoinKindFromName(std::string_view name, JoinKind* kind);

// A join between two tables: `from` is the referencing side (the foreign key), `to` the
// referenced side (usually a key). Score in [0, 1]: 1 for declared and confirmed joins.
struct Join {
  int64_t id = 0;  // in the context store; 0 when not stored yet
  JoinSide from;
  JoinSide to;
  JoinKind kind = JoinKind::kInferred;
  double score = 0;
  nlohmann::json evidence = nlohmann::json::object();  // why: containment, names, types, ...
  std::string stated_by;                               // principal, for confirmed/rejected
  std::string updated_at;                              // ISO-8601 UTC

  // {"id", "from", "to", "kind", "score", "evidence"} (+ "stated_by" when set), the shape of
  // `cairn joins --format json`.
  nlohmann::json ToJson() const;
};

}  // namespace cairn::context
