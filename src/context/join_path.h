#pragma once

// Join paths: the cheapest tree of joins that connects given tables, as ready-to-run SQL.
//
// Search (over a JoinGraph, whose edge costs prefer declared and confirmed joins, then inferred
// ones by score; see join_graph.h):
//   2 tables   Dijkstra's shortest path (exact). Alternatives: the next-cheapest loopless paths
//              by Yen's algorithm (parallel joins between the same tables count as distinct
//              paths).
//   3+ tables  a Steiner tree by the shortest-path heuristic (Takahashi & Matsuyama): start
//              from one table and repeatedly add the cheapest path from the tree built so far
//              to the nearest table not yet in it; then replace the tree by a minimum spanning
//              tree of the graph induced by its tables and prune leaves that are not among the
//              given tables. Run once from each given table; the cheapest result wins. Within
//              2 (1 - 1/k) of the optimum for k tables, usually optimal on schema graphs.
//              These runs do not search from the tree: one Dijkstra search from each given
//              table, shared by all runs, tells which table is nearest to the tree (the one
//              whose search reaches it first; among equal distances the lower node) and the
//              path (that search's parent edges from the tree node it reaches first).
//              Alternatives: the other distinct trees found from the other starts, and the
//              trees found when one edge of the best tree is forbidden.
// Cost of a search: the searches from the given tables grow only as far as some run asks (to
// the nearest tree, or as far as an A* bound needs); the alternatives' searches are A* guided by
// exact distances to the tables still to reach, read off those same searches, and never look
// beyond the alternatives' cost bound; the two-table search stops at its target. A query thus
// costs what its neighbourhood holds, not the graph's size (bench/path_bench.cc --synthetic, a
// 10,000-table graph: p99 3 ms for two tables, 5-6 ms for three or four, the slow ones
// spanning two sources; set max_alternatives = 0 for the best tree alone).
// Among trees of equal cost, the best is the one with more joins over columns the question names
// (PathOptions::named_columns), then the one with fewer joins over columns it compares with a
// constant (PathOptions::fixed_columns), then the one whose joins more remembered recipes read both
// sides of (PathOptions::recipe_reads, summed over its joins), then the one with more joins whose
// referencing table also references another table of the tree (a star through an association
// table, e.g. doctor and department through affiliated_with, rather than a chain through
// department.head), then the one with earlier edges (see the tie rules of join_graph.h).
// Pass-through tables: a table the search added (not a given one) whose joins in the tree all use
// the same one of its columns only passes that value on: orders.customer_id -> customers.id <-
// invoices.customer_id, or attendance.(student_id, course_id) -> registrations.(student_id,
// course_id) -> courses.course_id. It is left out, and its neighbours are joined directly on the
// columns they joined it on (orders.customer_id = invoices.customer_id; attendance.course_id =
// courses.course_id), as joins of kind kImplied whose evidence names the table left out and the
// two joins, whose score is the lower inferred score of the two (1 when neither is inferred), and
// which cost what the two joins cost less 0.01. A neighbour that the left-out table references is
// the referenced side. The rows are those of the longer join as far as the keys hold (every
// passed value exists in the left-out table), and without the duplicates a non-unique middle
// column would add. This is applied to the trees after the search, so it never changes which
// tree is best. Off with PathOptions::drop_pass_through = false.
// Alternatives are the other distinct edge sets whose cost is at most
// best * (1 + alternative_margin), best first, at most max_alternatives of them; none when the
// choice is clear.
//
// SQL: `SELECT *` then `FROM "source"."table" AS alias` for the first given table and one
// `JOIN ... ON` per join, the given tables in the order given as far as the tree allows (a
// connecting table comes just before the given table it leads to); each ON compares the new
// table's columns with the already joined table's columns, ANDed for composite joins.
// Identifiers are always double-quoted; aliases are short, unique, lowercase ASCII, derived from
// the initials of the table name's words ("InvoiceLine" -> il, "Order Details" -> od), numbered on
// collision, never an SQL keyword.
//
// Thread-safety: pure functions over a const JoinGraph.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "context/join_graph.h"
#include "context/model.h"
#include "core/status.h"

namespace cairn::context {

struct PathOptions {
  // 0 searches no alternatives (and the best among equal-cost trees is chosen from fewer
  // candidates): the fastest.
  int max_alternatives = 3;
  // Alternatives cost at most best * (1 + alternative_margin).
  double alternative_margin = 0.25;
  // Leave pass-through tables out (see "Pass-through tables" above).
  bool drop_pass_through = true;
  // Columns the question or its recipe names (e.g. a selected or filtered column): among trees
  // of equal cost, the one with more joins over these columns wins (a role column such as
  // destination_airport_id over origin_airport_id when the question names the destination).
  // Matched case-insensitively; never makes a costlier tree win.
  struct NamedColumn {
    TableRef table;
    std::string column;
  };
  std::vector<NamedColumn> named_columns;
  // Columns the question compares with a constant (WHERE person_freund.name = 'Alice'): their
  // value is given, so they are what the question starts from, not what it joins on. Among
  // trees of equal cost and as many joins over named columns, the one with fewer joins over
  // these wins (Alice's friends join person on person_freund.freund, not on name). Matched
  // case-insensitively; never makes a costlier tree win.
  std::vector<NamedColumn> fixed_columns;
  // The columns each remembered recipe reads (Recipe::columns), one list per recipe: among trees
  // of equal cost and as many joins over named columns, the one whose joins more recipes read
  // both sides of wins (a join earlier answers made: destination_airport_id when the recipes
  // over routes and airports read it). Matched case-insensitively; never makes a costlier tree
  // win. Not owned: the lists must outlive the FindJoinPlan call.
  std::span<const std::vector<NamedColumn>> recipe_reads;
};

// One connecting tree of joins.
struct JoinTree {
  std::vector<TableRef> tables;      // in join order; tables[0] is the FROM table
  std::vector<Join> joins;           // joins[i] brings in tables[i + 1]
  std::vector<std::string> aliases;  // aliases[i] of tables[i]
  double cost = 0;
  std::string sql;

  // {"sql", "tables": [{"source", "table", "alias"}], "joins": [Join::ToJson()...], "cost"}.
  nlohmann::json ToJson() const;
};

struct JoinPlan {
  JoinTree best;
  std::vector<JoinTree> alternatives;
  // The first `tied` alternatives cost what the best costs: the choice between them was made by
  // the tie rules, and `decided_by` says by which one against the first of them:
  //   "named columns"      the best joins over more of PathOptions::named_columns;
  //   "fixed columns"      the best joins over fewer of PathOptions::fixed_columns;
  //   "recipes"            more remembered recipes made its joins;
  //   "association table"  it is a star through an association table;
  //   "evidence"           it has more declared joins, then more confirmed ones, then more
  //                        containment among its inferred joins (evidence "containment");
  //   "order"              nothing told them apart (edge order): the question must decide, e.g.
  //                        by naming the role column it is about.
  // "cost" when no listed alternative costs the same; empty when no alternative was searched
  // (PathOptions::max_alternatives = 0).
  int tied = 0;
  std::string decided_by;

  // best.ToJson() plus "alternatives": [{"sql", "joins", "cost", "same_cost"}], "tied" and
  // "decided_by" (when not empty).
  nlohmann::json ToJson() const;
};

// The best tree connecting `tables` (in the order given; the first is the FROM table).
//   InvalidArgument  fewer than two tables, or a table given twice;
//   NotFound         a table that is not a node of `graph` ("unknown table 'x.y'"), or tables
//                    in different components ("no join path between X and Y (they are in
//                    different components)").
Result<JoinPlan> FindJoinPlan(const JoinGraph& graph, const std::vector<TableRef>& tables,
                              const PathOptions& options = {});

// "\"a\"\"b\"" for a"b: an SQL identifier, always quoted.
std::string QuoteIdentifier(const std::string& name);

}  // namespace cairn::context
