#pragma once

// Why a Spider question's join path missed its gold joins (cairn_path_bench, "misses by cause"):
// told from the graph the path finder had and from the database's own values, never from the
// question's words, so the held-out split's causes can be counted without reading its misses.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "sqlite_file.h"

namespace cairn::bench {

enum class MissCause {
  // Every gold join is a join of the graph, and the path finder chose another tree:
  kCheaper,      // a cheaper one (the gold uses more joins, or costlier ones)
  kTieEvidence,  // one of equal cost that named or fixed columns, recipes or evidence preferred
  kTieOrder,     // one of equal cost nothing told apart (decided_by "order")
  kCostlier,     // a costlier one (the search's heuristic missed)
  // Every gold column pair is in the graph, but inside a join of another shape (a composite
  // join over more columns than the gold compares):
  kOtherShape,
  // A gold join is not in the graph; the first of these that holds for one of them:
  kEmpty,           // a side's table is empty or the column all NULL: names alone could tell
  kNoKey,           // neither column is unique: a join over shared values, not a reference
  kValuesDisagree,  // the referencing column has values the key lacks
  kNotInferred,     // the values agree and inference did not propose it (or scored it low)
  kNoGraph,         // discovery failed for the database
  kUnreadable,      // the database could not be read to tell
};

inline const char* MissCauseName(MissCause cause) {
  switch (cause) {
    case MissCause::kCheaper:
      return "gold joins in the graph; a cheaper tree won (the gold uses more or costlier joins)";
    case MissCause::kTieEvidence:
      return "gold joins in the graph; a tie, decided by named or fixed columns, recipes or "
             "evidence, the other way";
    case MissCause::kTieOrder:
      return "gold joins in the graph; a tie nothing decided (decided_by \"order\")";
    case MissCause::kCostlier:
      return "gold joins in the graph; a costlier tree won (the search missed)";
    case MissCause::kOtherShape:
      return "gold column pairs in the graph, inside a join over more columns";
    case MissCause::kEmpty:
      return "a gold join is not in the graph: a table empty or a column all NULL";
    case MissCause::kNoKey:
      return "a gold join is not in the graph: neither column unique (shared values, not a "
             "reference)";
    case MissCause::kValuesDisagree:
      return "a gold join is not in the graph: the referencing column has values the key lacks";
    case MissCause::kNotInferred:
      return "a gold join is not in the graph: values agree, not inferred";
    case MissCause::kNoGraph:
      return "discovery failed";
    case MissCause::kUnreadable:
      return "a gold join is not in the graph: its columns could not be read";
  }
  return "?";
}

// Facts about the columns of one SQLite file, each counted once.
class ColumnFacts {
 public:
  explicit ColumnFacts(const std::filesystem::path& file) : file_(file) {}

  // Whether the column holds a value (in a row of its table); false when it cannot be read.
  bool HasValues(const std::string& table, const std::string& column) {
    return Of(table, column).non_null > 0;
  }
  // Whether the column could be read at all (its table and column exist in the file).
  bool Readable(const std::string& table, const std::string& column) {
    return Of(table, column).non_null >= 0;
  }

  // Why the gold join between (table_a, column_a) and (table_b, column_b), which is not in the
  // graph, is not: one of kEmpty, kNoKey, kValuesDisagree, kNotInferred (kUnreadable on a read
  // error). Values compare as text, as Spider's columns mix INTEGER and TEXT affinities.
  MissCause WhyMissing(const std::string& table_a, const std::string& column_a,
                       const std::string& table_b, const std::string& column_b) {
    const Stats& a = Of(table_a, column_a);
    const Stats& b = Of(table_b, column_b);
    if (a.non_null < 0 || a.distinct < 0 || b.non_null < 0 || b.distinct < 0) {
      return MissCause::kUnreadable;
    }
    if (a.non_null == 0 || b.non_null == 0) return MissCause::kEmpty;
    const bool a_unique = a.distinct == a.non_null, b_unique = b.distinct == b.non_null;
    if (!a_unique && !b_unique) return MissCause::kNoKey;
    // The referencing side is the one not unique; between two unique columns either may be.
    bool contained = false;
    for (bool a_references : {true, false}) {
      if (!(a_references ? b_unique : a_unique)) continue;
      const long long missing = a_references ? Missing(table_a, column_a, table_b, column_b)
                                             : Missing(table_b, column_b, table_a, column_a);
      if (missing < 0) return MissCause::kUnreadable;
      contained = contained || missing == 0;
    }
    return contained ? MissCause::kNotInferred : MissCause::kValuesDisagree;
  }

 private:
  struct Stats {
    long long non_null = 0;
    long long distinct = 0;
  };

  static std::string Quote(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  }

  // The first column of the first row of `sql` as a number; -1 when it cannot be read.
  long long Count(const std::string& sql) {
    if (!file_.ok()) return -1;
    auto rows = file_.Query(sql);
    if (rows.empty() || rows[0].empty() || !rows[0][0]) return -1;
    return std::stoll(*rows[0][0]);
  }

  const Stats& Of(const std::string& table, const std::string& column) {
    auto [it, inserted] = stats_.try_emplace({table, column});
    if (inserted) {
      const std::string c = "CAST(" + Quote(column) + " AS TEXT)";
      it->second.non_null = Count("SELECT count(" + Quote(column) + ") FROM " + Quote(table));
      it->second.distinct = Count("SELECT count(DISTINCT " + c + ") FROM " + Quote(table));
    }
    return it->second;
  }

  // How many distinct values of `from` are not among `to`'s.
  long long Missing(const std::string& from_table, const std::string& from_column,
                    const std::string& to_table, const std::string& to_column) {
    const std::string f = "CAST(" + Quote(from_column) + " AS TEXT)";
    const std::string t = "CAST(" + Quote(to_column) + " AS TEXT)";
    return Count("SELECT count(DISTINCT " + f + ") FROM " + Quote(from_table) + " WHERE " + f +
                 " IS NOT NULL AND " + f + " NOT IN (SELECT " + t + " FROM " + Quote(to_table) +
                 " WHERE " + t + " IS NOT NULL)");
  }

  SqliteFile file_;
  std::map<std::pair<std::string, std::string>, Stats> stats_;
};

}  // namespace cairn::bench
