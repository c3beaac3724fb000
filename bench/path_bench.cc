// cairn_path_bench: join-path quality on the Spider questions (bench/README.md, "Join paths").
//
// For every gold query whose top-level FROM joins two or more tables with `JOIN ... ON a = b`,
// the path finder (context/join_path.h) gets the tables in FROM order and its join conditions
// are compared with the gold ones as sets of unordered (table.column, table.column) pairs,
// case-insensitively. The joins it may use are each database's declared foreign keys (pragma
// foreign_key_list), stored as kDeclared in an in-memory JoinStore ("declared FKs": measures the
// path search), and the joins discovery infers with those keys ignored ("inferred by discovery":
// measures discovery and path search together).
//
//   cairn_path_bench [--data DIR] [--joins declared|inferred|combined|both|all] [--per-db]
//                    [--show-misses N] [--split dev|held-out|all] [--hints [--no-fixed]]
//                    [--recipes|--recipes-strict] [--lexicon FORWARD BACKWARD] [--unseen]
//   --joins combined: declared keys imported and the rest inferred, as `cairn discover` does
//   --hints: the columns each query names outside its FROM clauses (select list, WHERE...) are
//            given to the path finder (PathOptions::named_columns), which prefers, among trees
//            of equal cost, the one joining over them; those compared with a literal
//            (T2.name = 'Alice') are given as fixed columns (PathOptions::fixed_columns), which
//            it prefers not to join over, or with --no-fixed as named ones, as before
//   --recipes: the database's other questions as remembered recipes (PathOptions::recipe_reads:
//            the columns each reads, its join conditions and named columns), leaving out the
//            same SQL asked again (up to case and spacing); --recipes-strict also leaves out the
//            same SQL with other literals
//   --lexicon: inference matches names through a translation lexicon read from two dictd
//            dictionaries (context/lexicon.h; cairn.yaml's context.lexicon), as cairn_fk_bench
//   cairn_path_bench --synthetic 10000 [--alternatives N]   path search latency on a generated
//                                                           catalog
//   --unseen: Spider's own development set (bench/spider_unseen.h; --data names another folder
//            of the same shape): 20 databases neither split holds, built from their schemas,
//            with their gold questions (dev_gold.sql); all of them reported as one held-out set
//   --dump FILE   also writes every query's tables and answer (the plan's JSON or the error), one
//                 line each, to compare the answers of two builds
//
// Every fifth database by name is held out (spider_split.h): the tables report it apart from the
// development split, and --show-misses and --per-db show only the misses and databases of --split
// (default dev), so that tuning looks at the development split alone.
//
// Prints a Markdown table for bench/RESULTS.md. Exit code 0 unless the data cannot be read.

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "context/discovery.h"
#include "context/join_graph.h"
#include "context/join_path.h"
#include "context/join_store.h"
#include "context/lexicon.h"
#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "gold_sql.h"
#include "miss_causes.h"
#include "spider_split.h"
#include "spider_unseen.h"
#include "sqlite_file.h"
#include "store/state_db.h"

namespace cairn::bench {
namespace {

namespace fs = std::filesystem;
using context::Join;
using context::TableRef;

// ---- Databases and their declared foreign keys. ----

struct Database {
  std::vector<TableRef> tables;
  std::map<std::string, std::string> by_lower;  // lowercased table name -> table name
  context::JoinGraph graph;
  int foreign_keys = 0;
  int dropped_foreign_keys = 0;  // referencing a table the database does not have
};

std::string SqlString(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// Loads one Spider database: its tables and declared foreign keys, through an in-memory
// JoinStore (the way `cairn path` reads them).
std::optional<Database> LoadDatabase(const fs::path& dir, const std::string& db_id) {
  SqliteFile file(dir / db_id / (db_id + ".sqlite"));
  if (!file.ok()) return std::nullopt;
  Database db;
  for (const auto& row : file.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                    "name NOT LIKE 'sqlite_%' ORDER BY name")) {
    db.tables.push_back({db_id, *row[0]});
    db.by_lower[Lower(*row[0])] = *row[0];
  }
  std::vector<Join> joins;
  for (const TableRef& table : db.tables) {
    std::map<int, Join> by_id;
    for (const auto& row : file.Query("SELECT id, \"table\", \"from\", \"to\" FROM "
                                      "pragma_foreign_key_list(" +
                                      SqlString(table.table) + ") ORDER BY id, seq")) {
      Join& join = by_id[std::stoi(*row[0])];
      join.kind = context::JoinKind::kDeclared;
      join.score = 1;
      join.from = {db_id, table.table, {}};
      join.to = {db_id, row[1].value_or(""), {}};
      join.from.columns.push_back(row[2].value_or(""));
      join.to.columns.push_back(row[3].value_or(""));
    }
    for (auto& [id, join] : by_id) {
      ++db.foreign_keys;
      auto target = db.by_lower.find(Lower(join.to.table));
      if (target == db.by_lower.end()) {
        ++db.dropped_foreign_keys;
        continue;
      }
      join.to.table = target->second;
      // A key without referenced columns references the primary key.
      if (std::any_of(join.to.columns.begin(), join.to.columns.end(),
                      [](const std::string& c) { return c.empty(); })) {
        join.to.columns.clear();
        for (const auto& row :
             file.Query("SELECT name FROM pragma_table_info(" + SqlString(join.to.table) +
                        ") WHERE pk > 0 ORDER BY pk")) {
          join.to.columns.push_back(*row[0]);
        }
        if (join.to.columns.size() != join.from.columns.size()) {
          ++db.dropped_foreign_keys;
          continue;
        }
      }
      joins.push_back(std::move(join));
    }
  }
  auto state = store::StateDb::Open(":memory:");
  if (!state.ok()) return std::nullopt;
  auto store = context::JoinStore::Open(state->get());
  if (!store.ok() || !store->ReplaceDiscovered(joins).ok()) return std::nullopt;
  auto listed = store->List();
  if (!listed.ok()) return std::nullopt;
  db.graph = context::JoinGraph::Build(*listed, {}, db.tables);
  return db;
}

// The joins discovery finds for one database: a source named `db_id`, profiled through a
// Session into an in-memory state database; its JoinStore's joins become the graph. Without
// `declared`, its declared foreign keys are ignored (as cairn_fk_bench does) and the joins are
// inferred only; with it, they are imported as `cairn discover` does and inference adds the
// rest.
Result<context::JoinGraph> InferredGraph(const fs::path& dir, const std::string& db_id,
                                         const std::vector<TableRef>& tables, bool declared,
                                         const std::shared_ptr<const context::Lexicon>& lexicon) {
  std::string yaml = "version: 1\nsources:\n  " + db_id + ": {kind: sqlite, path: \"" +
                     fs::absolute(dir / db_id / (db_id + ".sqlite")).string() + "\"}\n";
  ASSIGN_OR_RETURN(Config config, ParseConfig(yaml, "/tmp/cairn_path_bench/cairn.yaml"));
  ASSIGN_OR_RETURN(auto catalog, engine::Catalog::Create(std::move(config)));
  ASSIGN_OR_RETURN(auto session, engine::Session::Open(catalog.get(), engine::Principal::Admin()));
  ASSIGN_OR_RETURN(auto state, store::StateDb::Open(":memory:"));
  context::DiscoveryOptions options;
  options.import_declared_keys = declared;
  options.inference.lexicon = lexicon;
  ASSIGN_OR_RETURN(context::DiscoveryReport report,
                   context::Discover(session.get(), state.get(), options));
  (void)report;
  ASSIGN_OR_RETURN(context::JoinStore store, context::JoinStore::Open(state.get()));
  ASSIGN_OR_RETURN(std::vector<Join> joins, store.List());
  return context::JoinGraph::Build(joins, {}, tables);
}

// ---- Comparison. ----

using ColumnKey = std::pair<std::string, std::string>;  // lowercased table, column
using Pair = std::pair<ColumnKey, ColumnKey>;           // ordered: first <= second

Pair MakePair(ColumnKey a, ColumnKey b) {
  if (b < a) std::swap(a, b);
  return {std::move(a), std::move(b)};
}

std::set<Pair> PlanPairs(const context::JoinTree& tree) {
  std::set<Pair> pairs;
  for (const Join& join : tree.joins) {
    for (size_t c = 0; c < join.from.columns.size(); ++c) {
      pairs.insert(MakePair({Lower(join.from.table), Lower(join.from.columns[c])},
                            {Lower(join.to.table), Lower(join.to.columns[c])}));
    }
  }
  return pairs;
}

// The columns a set of join pairs makes equal, as classes: the transitive closure of the pairs.
// Two inner-join trees over the same tables with the same classes return the same rows, whichever
// pair of each class they write (`s.papier_id = ass.papier_id` with `s.papier_id = p.papier_id`,
// or `ass.papier_id = p.papier_id` with `s.papier_id = p.papier_id`).
std::set<std::set<ColumnKey>> EqualityClasses(const std::set<Pair>& pairs) {
  std::map<ColumnKey, ColumnKey> parent;
  auto find = [&](ColumnKey key) {
    while (true) {
      auto it = parent.try_emplace(key, key).first;
      if (it->second == key) return key;
      key = it->second;
    }
  };
  for (const auto& [a, b] : pairs) {
    ColumnKey ra = find(a), rb = find(b);
    if (ra != rb) parent[ra] = rb;
  }
  std::map<ColumnKey, std::set<ColumnKey>> classes;
  for (const auto& [key, unused] : parent) classes[find(key)].insert(key);
  std::set<std::set<ColumnKey>> result;
  for (auto& [root, members] : classes) result.insert(std::move(members));
  return result;
}

struct Tally {
  int evaluated = 0;
  int exact = 0;
  int equivalent = 0;  // exact, or the same equality classes as the gold (EqualityClasses)
  int exact_any = 0;   // the best or one of the alternatives
  int no_path = 0;
};

// Whether the gold joins are exactly joins of the graph (each graph join between two of the
// query's tables whose column pairs are all gold; together they cover the gold pairs), and then
// their total cost: the tree the path finder should find.
std::optional<double> GoldCost(const context::JoinGraph& graph, const std::vector<TableRef>& tables,
                               const std::set<Pair>& gold) {
  std::set<Pair> covered;
  double cost = 0;
  for (const context::JoinEdge& edge : graph.edges()) {
    if (std::find(tables.begin(), tables.end(), edge.join.from.table_ref()) == tables.end() ||
        std::find(tables.begin(), tables.end(), edge.join.to.table_ref()) == tables.end()) {
      continue;
    }
    context::JoinTree single;
    single.joins = {edge.join};
    std::set<Pair> pairs = PlanPairs(single);
    if (!std::includes(gold.begin(), gold.end(), pairs.begin(), pairs.end())) continue;
    covered.insert(pairs.begin(), pairs.end());
    cost += edge.cost;
  }
  if (covered != gold) return std::nullopt;
  return cost;
}

enum class JoinSet { kDeclared, kInferred, kCombined };

const char* JoinSetName(JoinSet set) {
  switch (set) {
    case JoinSet::kDeclared:
      return "declared FKs";
    case JoinSet::kInferred:
      return "inferred by discovery";
    case JoinSet::kCombined:
      return "declared + inferred";
  }
  return "";
}

struct Options {
  fs::path data;
  bool per_db = false;
  int show_misses = 0;
  std::vector<JoinSet> sets = {JoinSet::kDeclared, JoinSet::kInferred};
  int synthetic_tables = 0;  // > 0: the generated-catalog latency run instead
  int max_alternatives = 3;
  fs::path dump;                   // non-empty: every query's answer, one line each
  std::string split = "dev";       // whose misses --show-misses shows: dev, held-out or all
  bool hints = false;              // give the path finder the columns the query names
  bool fixed = true;               // ... those compared with a literal as fixed columns
  bool recipes = false;            // and the columns the other questions' queries read
  bool recipes_strict = false;     // ... only those of other templates (literals aside)
  std::set<std::string> held_out;  // the held-out databases (spider_split.h)
  // The files of gold questions under `data`, one "SQL<TAB>db_id" a line.
  std::vector<std::string> question_files = {"train_spider.sql", "train_others.sql"};
  // --unseen: every database is of Spider's own development set (spider_unseen.h), reported as
  // the held-out split under this name.
  std::string held_out_name = "held out (every 5th by name)";
  std::shared_ptr<const context::Lexicon> lexicon;  // --lexicon
};

// One line of --dump: the query's tables, then the plan as JSON or the error.
void DumpAnswer(std::ostream* out, const std::vector<TableRef>& tables,
                const Result<context::JoinPlan>& plan) {
  if (out == nullptr) return;
  for (const TableRef& table : tables) *out << table.ToString() << " ";
  *out << "-> " << (plan.ok() ? plan->ToJson().dump() : plan.status().ToString()) << "\n";
}

// One gold join question that can be evaluated.
struct Question {
  std::string db_id;
  std::string sql;
  std::vector<TableRef> tables;
  std::set<Pair> gold;
  std::set<std::set<ColumnKey>> gold_classes;  // EqualityClasses(gold)
  // Columns the query names outside every FROM clause (select list, WHERE, GROUP BY...), given
  // to the path finder with --hints.
  std::vector<context::PathOptions::NamedColumn> named;
  // The columns it compares with a literal (T2.name = 'Alice'): given as fixed columns with
  // --hints, or as named ones with --no-fixed.
  std::vector<context::PathOptions::NamedColumn> fixed;
  // Every column the query reads that the bench resolves: `named` and both sides of each join
  // condition, what the engine's authorizer would record for a recipe of this query (--recipes).
  std::vector<context::PathOptions::NamedColumn> reads;
  // The query's tokens, words lower-cased (`query`), and the same with every string and number
  // a '?' (`shape`): questions asked twice, or with other values, compare equal.
  std::string query;
  std::string shape;
};

struct Evaluation {
  Tally total;
  std::map<std::string, Tally> per_db;
  std::map<std::string, Tally> per_size;   // "2", "3", "4+"
  std::map<std::string, Tally> per_split;  // "dev", "held-out"
  // The same, apart by whether every gold join is over columns with values.
  std::map<std::pair<std::string, bool>, Tally> per_split_values;
  std::vector<double> latencies_us;
  double seconds = 0;  // building the graphs (discovery for the inferred set)
  int graph_failures = 0;
  int joins = 0;
  // Queries whose gold joins are all joins of the graph, how many of them the path finder
  // matched, and how many of the others it answered with a cheaper or a costlier tree.
  int gold_in_graph = 0;
  int gold_in_graph_exact = 0;
  int gold_in_graph_cheaper = 0;
  int gold_in_graph_costlier = 0;
  // Best trees that left a pass-through table out (a join of kind kImplied), and how many of
  // them match exactly.
  int implied = 0;
  int implied_exact = 0;
  // Plans whose best tree won a tie that nothing decided (JoinPlan::decided_by "order": the
  // plan tells the agent to choose), how many of them were right anyway, and how many of the
  // misses that had a path were told so.
  int by_order = 0;
  int by_order_exact = 0;
  int missed_with_path = 0;
  int missed_by_order = 0;
  // Every miss (no path, or not exact) by its cause, by split ("dev", "held-out").
  std::map<std::string, std::map<MissCause, int>> causes;
};

std::string Rate(int part, int whole) {
  return whole == 0 ? std::string("-") : fmt::format("{:.1f} %", 100.0 * part / whole);
}

Evaluation Evaluate(const Options& options, JoinSet set, const std::vector<Question>& questions,
                    std::map<std::string, std::optional<Database>>& databases, std::ostream* dump) {
  Evaluation result;
  std::map<std::string, std::optional<context::JoinGraph>> graphs;
  int misses_shown = 0;
  std::map<std::string, std::set<Pair>> graph_pairs;  // every column pair of the graph's joins
  std::map<std::string, std::unique_ptr<ColumnFacts>> column_facts;
  std::map<std::string, std::vector<const Question*>> by_db;
  for (const Question& question : questions) by_db[question.db_id].push_back(&question);
  for (const Question& question : questions) {
    auto [it, inserted] = graphs.try_emplace(question.db_id);
    if (inserted) {
      const Database& db = *databases[question.db_id];
      auto t0 = std::chrono::steady_clock::now();
      if (set == JoinSet::kDeclared) {
        it->second = db.graph;
      } else {
        Result<context::JoinGraph> graph =
            InferredGraph(options.data / "database", question.db_id, db.tables,
                          set == JoinSet::kCombined, options.lexicon);
        if (graph.ok()) {
          it->second = std::move(*graph);
        } else {
          ++result.graph_failures;
          std::cerr << "[" << question.db_id << "] discovery: " << graph.status().ToString()
                    << "\n";
        }
      }
      if (it->second) result.joins += static_cast<int>(it->second->edges().size());
      result.seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    std::string size = question.tables.size() >= 4 ? "4+" : std::to_string(question.tables.size());
    const bool held_out = options.held_out.count(question.db_id) > 0;
    auto [facts, new_facts] = column_facts.try_emplace(question.db_id);
    if (new_facts) {
      facts->second = std::make_unique<ColumnFacts>(options.data / "database" / question.db_id /
                                                    (question.db_id + ".sqlite"));
    }
    const Database& db = *databases[question.db_id];
    auto table = [&](const std::string& lower) {
      auto found = db.by_lower.find(lower);
      return found == db.by_lower.end() ? lower : found->second;
    };
    // Whether every gold join is over columns with values: else only names could tell it.
    bool with_values = true;
    for (const Pair& pair : question.gold) {
      for (const ColumnKey& side : {pair.first, pair.second}) {
        with_values = with_values && facts->second->HasValues(table(side.first), side.second);
      }
    }
    Tally* tallies[] = {&result.total, &result.per_db[question.db_id], &result.per_size[size],
                        &result.per_split[held_out ? "held-out" : "dev"],
                        &result.per_split_values[{held_out ? "held-out" : "dev", with_values}]};
    const bool show = options.split == "all" || (options.split == "held-out") == held_out;
    for (Tally* tally : tallies) ++tally->evaluated;
    if (!it->second) {
      for (Tally* tally : tallies) ++tally->no_path;
      ++result.causes[held_out ? "held-out" : "dev"][MissCause::kNoGraph];
      continue;
    }
    // Why a miss missed, when its gold joins are not all joins of the graph.
    auto why_missing = [&]() -> std::optional<MissCause> {
      auto [pairs, new_db] = graph_pairs.try_emplace(question.db_id);
      if (new_db) {
        for (const context::JoinEdge& edge : it->second->edges()) {
          context::JoinTree single;
          single.joins = {edge.join};
          for (const Pair& pair : PlanPairs(single)) pairs->second.insert(pair);
        }
      }
      std::optional<MissCause> worst;
      for (const Pair& pair : question.gold) {
        if (pairs->second.count(pair) > 0) continue;
        MissCause cause = facts->second->WhyMissing(table(pair.first.first), pair.first.second,
                                                    table(pair.second.first), pair.second.second);
        if (!worst || cause < *worst) worst = cause;
      }
      return worst;
    };
    std::optional<MissCause> cause_shown;  // this question's, for --show-misses
    auto count_cause = [&](MissCause cause) {
      cause_shown = cause;
      ++result.causes[held_out ? "held-out" : "dev"][cause];
    };
    context::PathOptions path_options;
    if (options.hints) {
      path_options.named_columns = question.named;
      auto& fixed = options.fixed ? path_options.fixed_columns : path_options.named_columns;
      fixed.insert(fixed.end(), question.fixed.begin(), question.fixed.end());
    }
    std::vector<std::vector<context::PathOptions::NamedColumn>> recipe_reads;
    if (options.recipes) {
      // The other questions of the database as remembered recipes: not this one, nor one that
      // asks with the very same SQL (recalling that would answer the question outright).
      for (const Question* other : by_db[question.db_id]) {
        const bool same = options.recipes_strict ? other->shape == question.shape
                                                 : other->query == question.query;
        if (!same) recipe_reads.push_back(other->reads);
      }
      path_options.recipe_reads = recipe_reads;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto plan = context::FindJoinPlan(*it->second, question.tables, path_options);
    result.latencies_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    DumpAnswer(dump, question.tables, plan);
    if (!plan.ok()) {
      for (Tally* tally : tallies) ++tally->no_path;
      count_cause(why_missing().value_or(MissCause::kOtherShape));
      if (show && misses_shown < options.show_misses) {
        ++misses_shown;
        std::cerr << "[" << question.db_id << "] " << plan.status().ToString()
                  << "\n  cause: " << MissCauseName(*cause_shown) << "\n  " << question.sql << "\n";
      }
      continue;
    }
    const std::set<Pair> best_pairs = PlanPairs(plan->best);
    const bool exact = best_pairs == question.gold;
    const bool equivalent = exact || EqualityClasses(best_pairs) == question.gold_classes;
    if (std::any_of(plan->best.joins.begin(), plan->best.joins.end(),
                    [](const Join& j) { return j.kind == context::JoinKind::kImplied; })) {
      ++result.implied;
      if (exact) ++result.implied_exact;
    }
    const bool by_order = plan->decided_by == "order";
    if (std::optional<double> gold_cost = GoldCost(*it->second, question.tables, question.gold)) {
      ++result.gold_in_graph;
      if (exact) {
        ++result.gold_in_graph_exact;
      } else if (plan->best.cost < *gold_cost - 1e-9) {
        ++result.gold_in_graph_cheaper;
        count_cause(MissCause::kCheaper);
      } else if (plan->best.cost > *gold_cost + 1e-9) {
        ++result.gold_in_graph_costlier;
        count_cause(MissCause::kCostlier);
      } else {
        count_cause(by_order ? MissCause::kTieOrder : MissCause::kTieEvidence);
      }
    } else if (!exact) {
      // The gold joins cover the query's tables with joins the graph lacks (or with parts of a
      // composite join): a missing pair says why, else the graph's join is another shape.
      count_cause(why_missing().value_or(MissCause::kOtherShape));
    }
    result.by_order += by_order;
    result.by_order_exact += by_order && exact;
    result.missed_with_path += !exact;
    result.missed_by_order += !exact && by_order;
    bool any = exact;
    for (const auto& alternative : plan->alternatives) {
      any = any || PlanPairs(alternative) == question.gold;
    }
    for (Tally* tally : tallies) {
      tally->exact += exact;
      tally->equivalent += equivalent;
      tally->exact_any += any;
    }
    if (!exact && show && misses_shown < options.show_misses) {
      ++misses_shown;
      std::cerr << "[" << question.db_id << "] "
                << (equivalent ? "equivalent"
                    : any      ? "alternative"
                               : "miss")
                << "\n  cause: " << MissCauseName(cause_shown.value_or(MissCause::kNotInferred))
                << "\n  gold: " << question.sql << "\n  path: " << plan->best.sql << "\n";
    }
  }
  std::sort(result.latencies_us.begin(), result.latencies_us.end());
  return result;
}

// Path search latency on a generated catalog: `tables` tables in sources of 100, each table
// referencing 1 to 3 earlier tables of its source (half declared, half inferred with scores in
// [0.6, 1], one in 50 composite), plus one cross-source inferred join per 30 tables. Queries
// draw 2 to 4 tables from one source (one in 5 from two sources). Fixed seed.
int RunSynthetic(int table_count, int queries, int max_alternatives, std::ostream* dump) {
  std::mt19937_64 random(6346);
  auto uniform = [&](int n) { return static_cast<int>(random() % static_cast<uint64_t>(n)); };
  const int kPerSource = 100;
  auto table_ref = [&](int i) {
    return TableRef{fmt::format("src{:03}", i / kPerSource), fmt::format("table_{:05}", i)};
  };
  std::vector<Join> joins;
  for (int i = 0; i < table_count; ++i) {
    int first = i / kPerSource * kPerSource;
    int references = i == first ? 0 : 1 + uniform(3);
    std::set<int> targets;
    for (int r = 0; r < references; ++r) targets.insert(first + uniform(i - first));
    for (int target : targets) {
      Join join;
      TableRef from = table_ref(i), to = table_ref(target);
      std::string column = to.table + "_id";
      join.from = {from.source, from.table, {column}};
      join.to = {to.source, to.table, {"id"}};
      if (uniform(50) == 0) {
        join.from.columns.push_back(column + "_year");
        join.to.columns.push_back("year");
      }
      join.kind = uniform(2) == 0 ? context::JoinKind::kDeclared : context::JoinKind::kInferred;
      join.score =
          join.kind == context::JoinKind::kDeclared ? 1.0 : 0.6 + 0.4 * uniform(1000) / 1000;
      joins.push_back(std::move(join));
    }
  }
  for (int k = 0; k < table_count / 30; ++k) {
    TableRef from = table_ref(uniform(table_count)), to = table_ref(uniform(table_count));
    if (from.source == to.source) continue;
    Join join;
    join.from = {from.source, from.table, {"code"}};
    join.to = {to.source, to.table, {"code"}};
    join.kind = context::JoinKind::kInferred;
    join.score = 0.6 + 0.4 * uniform(1000) / 1000;
    joins.push_back(std::move(join));
  }
  auto state = store::StateDb::Open(":memory:");
  if (!state.ok()) return 1;
  auto store = context::JoinStore::Open(state->get());
  if (!store.ok() || !store->ReplaceDiscovered(joins).ok()) return 1;
  auto t0 = std::chrono::steady_clock::now();
  auto listed = store->List();
  if (!listed.ok()) return 1;
  context::JoinGraph graph = context::JoinGraph::Build(*listed);
  double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  std::map<size_t, std::vector<double>> latencies;  // by number of tables
  int failed = 0;
  for (int q = 0; q < queries; ++q) {
    size_t count = 2 + static_cast<size_t>(uniform(3));
    int source = uniform(table_count / kPerSource);
    int other = uniform(5) == 0 ? uniform(table_count / kPerSource) : source;
    std::vector<TableRef> tables;
    while (tables.size() < count) {
      int s = tables.empty() ? source : (uniform(2) == 0 ? source : other);
      TableRef table = table_ref(s * kPerSource + uniform(kPerSource));
      if (std::find(tables.begin(), tables.end(), table) == tables.end()) tables.push_back(table);
    }
    auto started = std::chrono::steady_clock::now();
    context::PathOptions path_options;
    path_options.max_alternatives = max_alternatives;
    auto plan = context::FindJoinPlan(graph, tables, path_options);
    latencies[count].push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
    if (!plan.ok()) ++failed;
    DumpAnswer(dump, tables, plan);
  }
  std::cout << fmt::format(
      "Path search on a generated catalog: {} tables in {} sources, {} joins; JoinStore::List() "
      "+ JoinGraph::Build {:.0f} ms; {} queries ({} without a path), at most {} alternatives.\n\n",
      table_count, table_count / kPerSource, graph.edges().size(), load_ms, queries, failed,
      max_alternatives);
  std::cout << "| tables per query | queries | median | p99 | max |\n|---:|---:|---:|---:|---:|\n";
  for (auto& [count, values] : latencies) {
    std::sort(values.begin(), values.end());
    auto at = [&](double p) {
      return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
    };
    std::cout << fmt::format("| {} | {} | {:.2f} ms | {:.2f} ms | {:.2f} ms |\n", count,
                             values.size(), at(0.5) / 1000, at(0.99) / 1000, values.back() / 1000);
  }
  return 0;
}

int Run(const Options& options) {
  std::map<std::string, std::optional<Database>> databases;
  std::map<Skip, int> skipped;
  std::vector<Question> questions;
  int lines = 0;
  for (const std::string& name : options.question_files) {
    std::ifstream in(options.data / name);
    if (!in) {
      std::cerr << "cannot read " << (options.data / name).string() << "\n";
      return 1;
    }
    std::string line;
    while (std::getline(in, line)) {
      size_t tab = line.rfind('\t');
      if (tab == std::string::npos) continue;
      ++lines;
      Question question;
      question.sql = line.substr(0, tab);
      question.db_id = line.substr(tab + 1);
      std::string& db_id = question.db_id;
      while (!db_id.empty() && std::isspace(static_cast<unsigned char>(db_id.back()))) {
        db_id.pop_back();
      }
      GoldFrom from;
      Skip skip = ParseFrom(Tokenize(question.sql), &from);
      if (skip == Skip::kNoJoin) continue;  // not a join question: not counted as skipped
      auto [it, inserted] = databases.try_emplace(db_id);
      if (inserted) it->second = LoadDatabase(options.data / "database", db_id);
      if (!it->second) {
        ++skipped[Skip::kNoDatabase];
        continue;
      }
      const Database& db = *it->second;
      std::map<std::string, std::string> table_of;  // alias or table (lowercased) -> table
      std::map<std::string, TableRef> ref_of;       // the same, to the table itself
      for (size_t t = 0; skip == Skip::kNone && t < from.tables.size(); ++t) {
        auto found = db.by_lower.find(Lower(from.tables[t]));
        if (found == db.by_lower.end()) {
          skip = Skip::kUnknownTable;
          break;
        }
        TableRef ref{db_id, found->second};
        if (std::find(question.tables.begin(), question.tables.end(), ref) !=
            question.tables.end()) {
          skip = Skip::kSelfJoin;
        }
        question.tables.push_back(ref);
        table_of[from.aliases[t]] = Lower(found->second);
        table_of[Lower(found->second)] = Lower(found->second);
        ref_of[from.aliases[t]] = ref;
        ref_of[Lower(found->second)] = ref;
      }
      for (const auto& [left, right] : from.conditions) {
        if (skip != Skip::kNone) break;
        auto l = table_of.find(left.qualifier), r = table_of.find(right.qualifier);
        if (left.qualifier.empty() || right.qualifier.empty() || l == table_of.end() ||
            r == table_of.end()) {
          skip = Skip::kUnresolved;
          break;
        }
        // "JOIN t3 ON t2.a = t2.a" joins t3 to nothing: the gold has no path to compare with.
        if (l->second == r->second) {
          skip = Skip::kSelfComparison;
          break;
        }
        question.gold.insert(MakePair({l->second, left.column}, {r->second, right.column}));
        question.reads.push_back({ref_of[left.qualifier], left.column});
        question.reads.push_back({ref_of[right.qualifier], right.column});
      }
      if (skip != Skip::kNone) {
        ++skipped[skip];
        continue;
      }
      question.gold_classes = EqualityClasses(question.gold);
      question.named = NamedColumns(Tokenize(question.sql), ref_of, &question.fixed);
      for (const Token& token : Tokenize(question.sql)) {
        const bool literal = token.kind == TokenKind::kString || token.kind == TokenKind::kNumber;
        const std::string& text = token.kind == TokenKind::kWord ? token.lower : token.text;
        question.query += text + ' ';
        question.shape += (literal ? std::string("?") : text) + ' ';
      }
      question.reads.insert(question.reads.end(), question.named.begin(), question.named.end());
      question.reads.insert(question.reads.end(), question.fixed.begin(), question.fixed.end());
      questions.push_back(std::move(question));
    }
  }
  int foreign_keys = 0, dropped = 0;
  for (const auto& [db_id, db] : databases) {
    if (db) {
      foreign_keys += db->foreign_keys;
      dropped += db->dropped_foreign_keys;
    }
  }
  int skipped_total = 0;
  for (const auto& [skip, count] : skipped) skipped_total += count;
  std::vector<std::pair<JoinSet, Evaluation>> evaluations;
  std::ofstream dump;
  if (!options.dump.empty()) dump.open(options.dump);
  for (JoinSet set : options.sets) {
    evaluations.emplace_back(
        set, Evaluate(options, set, questions, databases, dump.is_open() ? &dump : nullptr));
  }

  std::set<std::string> db_ids;
  for (const Question& question : questions) db_ids.insert(question.db_id);
  std::cout << fmt::format(
      "Join paths on Spider (German MachineSpider): {} gold queries read; {} whose top-level "
      "FROM joins two or more tables with JOIN ... ON col = col are evaluated, over {} "
      "databases ({} declared foreign keys); {} such join queries skipped (below).\n\n",
      lines, questions.size(), db_ids.size(), foreign_keys - dropped, skipped_total);
  std::cout << "| joins used | tables in FROM | evaluated | exact match | same equalities as "
               "the gold | exact in best or an alternative | no path "
               "|\n|---|---|---:|---:|---:|---:|---:|\n";
  for (const auto& [set, evaluation] : evaluations) {
    for (const auto& [size, tally] : evaluation.per_size) {
      std::cout << fmt::format("| {} | {} | {} | {} ({}) | {} ({}) | {} ({}) | {} |\n",
                               JoinSetName(set), size, tally.evaluated, tally.exact,
                               Rate(tally.exact, tally.evaluated), tally.equivalent,
                               Rate(tally.equivalent, tally.evaluated), tally.exact_any,
                               Rate(tally.exact_any, tally.evaluated), tally.no_path);
    }
    const Tally& total = evaluation.total;
    std::cout << fmt::format(
        "| **{}** | **all** | **{}** | **{} ({})** | **{} ({})** | **{} ({})** | **{}** |\n",
        JoinSetName(set), total.evaluated, total.exact, Rate(total.exact, total.evaluated),
        total.equivalent, Rate(total.equivalent, total.evaluated), total.exact_any,
        Rate(total.exact_any, total.evaluated), total.no_path);
  }
  std::cout << "\n| joins used | databases | evaluated | exact match | same equalities as the "
               "gold | exact in best or an alternative | no path "
               "|\n|---|---|---:|---:|---:|---:|---:|\n";
  for (const auto& [set, evaluation] : evaluations) {
    for (const auto& [split, tally] : evaluation.per_split) {
      std::cout << fmt::format(
          "| {} | {} | {} | {} ({}) | {} ({}) | {} ({}) | {} |\n", JoinSetName(set),
          split == "dev" ? "development (4 of 5 by name)" : options.held_out_name, tally.evaluated,
          tally.exact, Rate(tally.exact, tally.evaluated), tally.equivalent,
          Rate(tally.equivalent, tally.evaluated), tally.exact_any,
          Rate(tally.exact_any, tally.evaluated), tally.no_path);
    }
  }
  std::cout << "\n| joins used | databases | gold joins over | evaluated | exact match | exact in "
               "best or an alternative | no path |\n|---|---|---|---:|---:|---:|---:|\n";
  for (const auto& [set, evaluation] : evaluations) {
    for (const auto& [key, tally] : evaluation.per_split_values) {
      std::cout << fmt::format(
          "| {} | {} | {} | {} | {} ({}) | {} ({}) | {} |\n", JoinSetName(set),
          key.first == "dev" ? "development" : options.held_out_name,
          key.second ? "columns with values" : "a table without rows or a column all NULL",
          tally.evaluated, tally.exact, Rate(tally.exact, tally.evaluated), tally.exact_any,
          Rate(tally.exact_any, tally.evaluated), tally.no_path);
    }
  }
  std::cout << "\n";
  for (const auto& [set, evaluation] : evaluations) {
    double macro = 0;
    for (const auto& [db_id, tally] : evaluation.per_db) {
      macro += static_cast<double>(tally.exact) / tally.evaluated;
    }
    if (!evaluation.per_db.empty()) macro /= static_cast<double>(evaluation.per_db.size());
    const std::vector<double>& latencies = evaluation.latencies_us;
    auto percentile = [&](double p) {
      if (latencies.empty()) return 0.0;
      return latencies[std::min(latencies.size() - 1,
                                static_cast<size_t>(p * static_cast<double>(latencies.size())))];
    };
    std::cout << fmt::format(
        "- {}: {} joins in the graphs, built in {:.1f} s{}; mean of the per-database "
        "exact-match rates {:.1f} % over {} databases; path search per query median {:.0f} µs, "
        "p99 {:.0f} µs. Gold joins all in the graph: {} queries, {} exact ({}); of the others "
        "{} got a cheaper tree (gold uses more or costlier joins), {} a costlier one (the "
        "heuristic missed), the rest an equal-cost one. Best trees that left a pass-through "
        "table out: {}, {} of them exact. Best trees that won a tie nothing decided "
        "(decided_by \"order\"): {}, {} of them exact; of the {} misses with a path, {} were "
        "so flagged.\n",
        JoinSetName(set), evaluation.joins, evaluation.seconds,
        evaluation.graph_failures > 0
            ? fmt::format(" ({} databases failed discovery)", evaluation.graph_failures)
            : std::string(),
        100 * macro, evaluation.per_db.size(), percentile(0.5), percentile(0.99),
        evaluation.gold_in_graph, evaluation.gold_in_graph_exact,
        Rate(evaluation.gold_in_graph_exact, evaluation.gold_in_graph),
        evaluation.gold_in_graph_cheaper, evaluation.gold_in_graph_costlier, evaluation.implied,
        evaluation.implied_exact, evaluation.by_order, evaluation.by_order_exact,
        evaluation.missed_with_path, evaluation.missed_by_order);
  }
  std::cout << "\n| misses by cause (told from the graph and the data, not from the question) "
               "| joins used | development | "
            << options.held_out_name << " |\n|---|---|---:|---:|\n";
  for (const auto& [set, evaluation] : evaluations) {
    std::set<MissCause> seen;
    for (const auto& [split, counts] : evaluation.causes) {
      for (const auto& [cause, count] : counts) seen.insert(cause);
    }
    auto count_of = [&](const std::string& split, MissCause cause) {
      auto s = evaluation.causes.find(split);
      if (s == evaluation.causes.end()) return 0;
      auto c = s->second.find(cause);
      return c == s->second.end() ? 0 : c->second;
    };
    for (MissCause cause : seen) {
      std::cout << fmt::format("| {} | {} | {} | {} |\n", MissCauseName(cause), JoinSetName(set),
                               count_of("dev", cause), count_of("held-out", cause));
    }
  }
  std::cout << "\n| skipped because | queries |\n|---|---:|\n";
  for (const auto& [skip, count] : skipped) {
    std::cout << fmt::format("| {} | {} |\n", SkipName(skip), count);
  }
  if (options.per_db) {
    for (const auto& [set, evaluation] : evaluations) {
      std::cout << "\n| database (" << JoinSetName(set)
                << ") | evaluated | exact match | exact in best or an alternative | no path "
                   "|\n|---|---:|---:|---:|---:|\n";
      for (const auto& [db_id, tally] : evaluation.per_db) {
        // Only the databases of --split, as --show-misses: a held-out database's rate is read
        // only when asked for.
        const bool db_held_out = options.held_out.count(db_id) > 0;
        if (options.split != "all" && (options.split == "held-out") != db_held_out) continue;
        std::cout << fmt::format("| {} | {} | {} ({}) | {} | {} |\n", db_id, tally.evaluated,
                                 tally.exact, Rate(tally.exact, tally.evaluated), tally.exact_any,
                                 tally.no_path);
      }
    }
  }
  return 0;
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) {
  cairn::bench::Options options;
  options.data = std::filesystem::path(CAIRN_BENCH_DATA) / "spider-de";
  bool unseen = false, data_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      options.data = argv[++i];
      data_given = true;
    } else if (arg == "--unseen") {
      unseen = true;
    } else if (arg == "--synthetic" && i + 1 < argc) {
      options.synthetic_tables = std::atoi(argv[++i]);
    } else if (arg == "--alternatives" && i + 1 < argc) {
      options.max_alternatives = std::atoi(argv[++i]);
    } else if (arg == "--dump" && i + 1 < argc) {
      options.dump = argv[++i];
    } else if (arg == "--per-db") {
      options.per_db = true;
    } else if (arg == "--hints") {
      options.hints = true;
    } else if (arg == "--no-fixed") {
      options.fixed = false;
    } else if (arg == "--recipes") {
      options.recipes = true;
    } else if (arg == "--recipes-strict") {
      options.recipes = options.recipes_strict = true;
    } else if (arg == "--lexicon" && i + 2 < argc) {
      auto lexicon = cairn::context::Lexicon::Load(argv[i + 1], argv[i + 2]);
      i += 2;
      if (!lexicon.ok()) {
        std::cerr << "--lexicon: " << lexicon.status().ToString() << "\n";
        return 2;
      }
      options.lexicon = std::make_shared<const cairn::context::Lexicon>(std::move(*lexicon));
    } else if (arg == "--show-misses" && i + 1 < argc) {
      options.show_misses = std::atoi(argv[++i]);
    } else if (arg == "--split" && i + 1 < argc) {
      options.split = argv[++i];
      if (options.split != "dev" && options.split != "held-out" && options.split != "all") {
        std::cerr << "--split: dev, held-out or all\n";
        return 2;
      }
    } else if (arg == "--joins" && i + 1 < argc) {
      std::string sets = argv[++i];
      options.sets.clear();
      if (sets == "declared" || sets == "both" || sets == "all")
        options.sets.push_back(cairn::bench::JoinSet::kDeclared);
      if (sets == "inferred" || sets == "both" || sets == "all")
        options.sets.push_back(cairn::bench::JoinSet::kInferred);
      if (sets == "combined" || sets == "all")
        options.sets.push_back(cairn::bench::JoinSet::kCombined);
      if (options.sets.empty()) {
        std::cerr << "--joins: declared, inferred or both\n";
        return 2;
      }
    } else {
      std::cerr
          << "usage: cairn_path_bench [--data DIR] [--joins declared|inferred|combined|both|all] "
             "[--per-db] [--show-misses N] [--split dev|held-out|all] [--hints [--no-fixed]] "
             "[--recipes|--recipes-strict] [--lexicon FORWARD BACKWARD] "
             "[--synthetic TABLES [--alternatives N]] [--dump FILE] [--unseen]\n";
      return 2;
    }
  }
  if (!options.fixed && !options.hints) {
    std::cerr << "--no-fixed: only with --hints (it says how the hints are given)\n";
    return 2;
  }
  if (options.synthetic_tables > 0) {
    std::ofstream dump;
    if (!options.dump.empty()) dump.open(options.dump);
    return cairn::bench::RunSynthetic(options.synthetic_tables, 1000, options.max_alternatives,
                                      dump.is_open() ? &dump : nullptr);
  }
  if (!unseen) {
    options.held_out = cairn::bench::SpiderHeldOut(options.data / "database");
    return cairn::bench::Run(options);
  }
  // The unseen set: its databases built from their schemas, its questions from dev_gold.sql,
  // every one reported as held out; --show-misses shows its misses only with --split held-out
  // or all.
  cairn::bench::TempFolder built("cairn-spider-unseen-paths");
  const std::filesystem::path source =
      data_given ? options.data : cairn::bench::SpiderUnseenData(CAIRN_BENCH_DATA);
  std::string error;
  for (const std::string& name : cairn::bench::BuildSpiderUnseen(source, built.path(), &error)) {
    options.held_out.insert(name);
  }
  if (!error.empty()) {
    std::cerr << error << "\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::copy_file(source / "dev_gold.sql", built.path() / "dev_gold.sql", ec);
  if (ec) {
    std::cerr << (source / "dev_gold.sql").string() << ": " << ec.message() << "\n";
    return 1;
  }
  options.data = built.path();
  options.question_files = {"dev_gold.sql"};
  options.held_out_name = "unseen (Spider's development set)";
  return cairn::bench::Run(options);
}
