#pragma once

// Bridges: joins over a shared attribute, between tables that no key join connects.
//
// Join inference (join_inference.h) proposes references to keys. Some tables share only an
// attribute: a class list and the teachers by classroom, a post-season table and the teams by a
// team code that the teams table repeats once per season. Where the declared and inferred joins
// leave two tables of one source in different components, `cairn path` would answer "no join
// path"; a bridge joins them instead:
//   * two columns of one source, in tables of different components, with the same name
//     (case-insensitive) that at most kMaxBridgeNameTables tables of the source share (a name
//     on more tables, such as id, name or created_at, says nothing about a relationship);
//   * key-like values in both (no free text, reals, money, dates, booleans or blobs; not a
//     category either: a status shared by two tables is a property, not a relationship), at
//     least kMinBridgeDistinct distinct values in each;
//   * the values of the one with fewer distinct values (`from`) contained in the other's
//     (>= InferenceOptions::min_containment): exactly when both kept their value hashes, else
//     estimated from MinHash.
// Candidates are taken best first (containment, then the uniqueness of `to`, then by name for
// determinism), and one is kept only while its two tables are still in different components (a
// spanning forest over the components): at most one bridge between two components, never a
// second way between tables already connected.
//
// A bridge is a join of kind kInferred whose score is 0.5 x containment: below the default
// threshold, because it claims no reference. Its evidence:
//   {"bridge": true, "shared_attribute": "klassenzimmer", "containment": 1.0,
//    "containment_method": "exact"|"minhash", "from_distinct": 12, "to_distinct": 12,
//    "to_uniqueness": 1.0, "cardinality": "many_to_one"|"many_to_many"}
// The join graph gives a bridge a cost of its own (EdgeWeights::bridge, ten key joins' worth),
// so a path takes one only where no chain of key joins connects the tables, and says so in the
// evidence of the join it shows.
//
// Thread-safety: a pure function.

#include <vector>

#include "context/join_inference.h"
#include "context/model.h"
#include "context/profile.h"

namespace cairn::context {

constexpr int kMaxBridgeNameTables = 8;
constexpr int64_t kMinBridgeDistinct = 3;

// The bridges for `tables` (with sketches: CatalogStore ColumnDetail::kWithSketches), given the
// joins that already connect them (declared, inferred and confirmed). A rejected join connects
// nothing, and a bridge over the same two columns is never proposed again: the next best is.
// Views take part only with options.include_views.
std::vector<Join> BridgeJoins(const std::vector<TableProfile>& tables,
                              const std::vector<Join>& joins, const InferenceOptions& options = {});

// Whether `join` is a bridge (its evidence says "bridge": true), whatever its kind now.
bool IsBridge(const Join& join);

}  // namespace cairn::context
