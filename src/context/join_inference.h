#pragma once

// Join inference: proposes key -> foreign-key joins between profiled tables, within and across
// sources, each with a score in [0, 1] and the evidence behind it.
//
// A candidate pairs a referencing column F with a referenced column K when:
//   * K is a key: declared primary key of its table, the target of a declared single-column
//     foreign key (the schema names it the entity's identifier, unique or not:
//     auftritte.team_id -> mannschaft.team_id makes mannschaft.team_id a key for gehalt.team_id;
//     as strong as a declared key), or uniqueness >= kMinKeyUniqueness over a non-empty sample
//     (an empty table's key needs a declared key or a key-like name);
//   * both hold key-like values (identifiers, integers, codes, short text; never free text,
//     reals, money, dates, booleans or blobs) of compatible types;
//   * F's values are contained in K's: exactly when both columns kept their exact value hashes
//     (<= 10,000 distinct), else estimated from MinHash signatures and distinct counts (when F
//     is much smaller than K, where MinHash cannot see it, a numeric range check stands in).
//     An empty F, or an empty K with a declared key, is matched by a fitting name alone
//     (containment "none", 0.5);
//   * the names relate (customer_id ~ customers.id, CustomerId ~ Customer.CustomerId, plural and
//     singular, German plurals by shared stems, _id/Id/_fk/_code/_nr suffixes and German
//     compounds ending in a key word (vereinskennung), numbered roles (team_id_2), snake/camel
//     case, role words such as ReportsTo/SupportRepId ~ employee). A name without a key word
//     must name the entity with its head, its last words or those before of/der/via
//     ("produktmenge" is a quantity, "adresse_der_mitarbeiter" an address). An agent noun is
//     another thing (spiel/spieler, custom/customer) unless via/by says who acts (ShipVia);
//   * F, when it is its own table's declared key, names the other table or its key with its head
//     or has K's very name (a subtype, one to one; two surrogate keys 1..n always look
//     contained), or the values say so (below).
// score = 0.5 name + 0.3 containment + 0.1 type compatibility + 0.1 key strength. Only the best
// referenced target per referencing column is kept (ties kept), one direction per column pair,
// and only candidates with score >= threshold.
//
// Values alone: a column that no name relates to anything, whose values are all (exactly) in
// one other table's key and in no other key, references that key ("stimme_des_praesidenten" ->
// students.student_id); its name counts 0.4 and the evidence says "values_alone": true. Not for
// fewer than 3 distinct values, small numbers (< 100) under a name without a key word or unique
// in their table (counts, ranks, row numbers), under a name that says year (built_year,
// baujahr: dates), nor when the name names another table. The table's own key only as a
// subtype: at least 2 integers, fewer than K's, all among K's, where as many integers drawn at
// random between K's smallest and largest would all be among them with a chance of at most 1e-5
// ((K distinct / span)^(F distinct): museums 2113, 2701, 5076 among 15 attraction ids between
// 2113 and 9919; never for dense ids 1..n). Dates reference nothing but a date dimension: a
// table whose declared key is a date, found by values alone. Siblings: columns of one table
// named alike but for their last word (stimme_des_präsidenten, stimme_des_sekretärs, ...); when
// two or more reference one key by values alone and none references anything else, another
// sibling whose values are all in that key references it too, however few its values
// (evidence "siblings": the columns that showed the way).
//
// Composite keys: when a table's declared primary key has 2..4 columns and another table has
// columns matching each (by name and containment), a composite join is proposed, unless those
// columns match another table's key as well (tables keyed alike are facts at one grain, and the
// referencing table is one more of them). Its tuples are then read (InferenceOptions::tuples):
// it is kept only when the referencing tuples are contained in the key's (>= min_containment).
// Evidence of a composite join:
//   {"composite": true, "columns": [per-column evidence...], "tuple_containment": 1.0,
//    "tuple_method": "exact"|"minhash", "from_tuples": 120, "from_rows": 300}
// or, unchecked, {..., "containment_note": "per column; tuples not checked"} (no reader, or no
// referencing rows), or {..., "containment_note": "per column; tuples not read: <why>"}.
//
// Columns on the referencing side of a declared join get no inferred joins. Views are ignored
// unless InferenceOptions::include_views. Evidence is a JSON object:
//   {"name": 0.9, "containment": 1.0, "containment_method": "exact"|"minhash"|"range"|"none",
//    "type": 1.0, "key": "declared_pk"|"declared_reference"|"unique", "key_uniqueness": 1.0,
//    "from_distinct": 12, "to_distinct": 347, "cardinality": "many_to_one"|"one_to_one"}
//
// Cost: a column is scored only against the keys its name can relate to, found through an index
// of the keys' names (tokens, their prefixes, joined names), plus its own table's keys; values
// alone look up the keys holding a value; a composite key's parts look up the columns that may
// name them. About linear in the catalog (10,000 tables in seconds, `cairn_fk_bench
// --synthetic`), with the same joins as scoring every pair (InferenceOptions::block_by_name).
//
// Thread-safety: pure functions (given a thread-safe InferenceOptions::tuples).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "context/lexicon.h"
#include "context/model.h"
#include "context/profile.h"
#include "core/status.h"

namespace cairn::context {

constexpr double kMinKeyUniqueness = 0.98;

// Reads the distinct tuples of `side.columns` in `side`'s table: of every row when `whole` (the
// key's side), else of a sample (the referencing side); an error says why it cannot.
using TupleReader = std::function<Result<TupleSketch>(const JoinSide& side, bool whole)>;

struct InferenceOptions {
  double threshold = 0.6;
  double min_containment = 0.8;
  bool include_views = false;
  bool composite = true;
  bool values_alone = true;  // the values-alone rule above (off: names must relate)
  // Scores a column only against the keys its name can relate to (found through an index of
  // the keys' names, a superset of those that can pass), and looks up the keys holding a value
  // instead of searching each: the same joins, without scoring every column against every key.
  // Off: every pair is scored (the reference the index is tested against).
  bool block_by_name = true;
  // Discovery adds bridges over shared attributes between tables no key join connects
  // (join_bridges.h; InferJoins itself never does).
  bool bridges = true;
  // Translations between the languages names are written in (lexicon.h): `lehrer_id` then
  // names `instructors`. Empty: names match in their own language only.
  std::shared_ptr<const Lexicon> lexicon;
  // Checks composite keys as tuples (Discover reads them through its session). Empty: they are
  // checked column by column only, and their evidence says so.
  TupleReader tuples;
};

// Joins of kind kDeclared (score 1) from the tables' declared foreign keys.
std::vector<Join> DeclaredJoins(const std::vector<TableProfile>& tables);

// Inferred joins (kind kInferred), best first. `tables` need their columns with sketches
// (CatalogStore ColumnDetail::kWithSketches). Pairs already covered by `declared` (either
// direction) are left out.
std::vector<Join> InferJoins(const std::vector<TableProfile>& tables,
                             const InferenceOptions& options = {},
                             const std::vector<Join>& declared = {});

// Values a join can compare: not free text, blobs, booleans, money, reals or dates, and at most
// 100 bytes long on average.
bool KeyLikeValues(const ColumnProfile& column);

// The name matcher, exposed for tests: lower-case tokens split on non-alphanumerics and camel
// case ("CustomerID" -> customer, id; "sänger_id" -> sänger, id).
std::vector<std::string> NameTokens(std::string_view name);
// English/German singular heuristics ("categories" -> "category", "adressen" stays for the stem
// matcher).
std::string Singular(const std::string& word);
// How much the referencing column's name suggests it references `to_table.to_column`, in [0, 1].
// With a lexicon, a word and its translation count as similar words.
double NameScore(std::string_view from_column, std::string_view to_table,
                 std::string_view to_column, const Lexicon* lexicon = nullptr);

}  // namespace cairn::context
