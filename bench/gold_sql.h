#pragma once

// The gold SQL of the Spider questions, read as the path bench needs it (path_bench.cc): a small
// tokenizer, the top-level FROM clause with its JOIN ... ON conditions, and the columns a query
// names outside its FROM clauses.

#include <cctype>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "context/join_path.h"

namespace cairn::bench {

using context::TableRef;

inline std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// ---- A small SQL tokenizer and FROM-clause extractor. ----

enum class TokenKind { kWord, kString, kNumber, kSymbol };

struct Token {
  TokenKind kind;
  std::string text;  // words lowercased in `lower`
  std::string lower;
};

inline bool IsWordByte(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

inline std::vector<Token> Tokenize(const std::string& sql) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < sql.size()) {
    unsigned char c = static_cast<unsigned char>(sql[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (c == '\'' || c == '"') {
      size_t end = i + 1;
      while (end < sql.size() && sql[end] != sql[i]) ++end;
      tokens.push_back({TokenKind::kString, sql.substr(i, end + 1 - i), ""});
      i = std::min(end + 1, sql.size());
    } else if (c == '`') {  // a quoted identifier
      size_t end = sql.find('`', i + 1);
      if (end == std::string::npos) end = sql.size();
      std::string word = sql.substr(i + 1, end - i - 1);
      tokens.push_back({TokenKind::kWord, word, Lower(word)});
      i = std::min(end + 1, sql.size());
    } else if (std::isdigit(c)) {
      size_t end = i;
      while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) ||
                                  sql[end] == '.' || sql[end] == '_')) {
        ++end;
      }
      tokens.push_back({TokenKind::kNumber, sql.substr(i, end - i), ""});
      i = end;
    } else if (IsWordByte(c)) {
      size_t end = i;
      while (end < sql.size() && IsWordByte(static_cast<unsigned char>(sql[end]))) ++end;
      std::string word = sql.substr(i, end - i);
      tokens.push_back({TokenKind::kWord, word, Lower(word)});
      i = end;
    } else {
      size_t length = 1;
      if (i + 1 < sql.size() && std::strchr("<>!=|", sql[i]) && std::strchr("=>|", sql[i + 1])) {
        length = 2;
      }
      tokens.push_back({TokenKind::kSymbol, sql.substr(i, length), ""});
      i += length;
    }
  }
  return tokens;
}

// A column reference of an ON condition: qualifier (alias or table, may be empty) and column.
struct ColumnRef {
  std::string qualifier;
  std::string column;
};

struct GoldFrom {
  std::vector<std::string> tables;   // as written, in FROM order
  std::vector<std::string> aliases;  // lowercased; the table name when no alias
  std::vector<std::pair<ColumnRef, ColumnRef>> conditions;
};

// Why a query is not evaluated.
enum class Skip {
  kNone,
  kNoJoin,          // fewer than two tables in the top-level FROM (not a join question)
  kSubquery,        // a subquery in FROM
  kCommaJoin,       // FROM a, b (join condition in WHERE)
  kJoinWithoutOn,   // JOIN without ON
  kOtherCondition,  // an ON that is not col = col [AND col = col ...]
  kSelfJoin,        // the same table twice
  kUnknownTable,    // a table the database does not have
  kUnresolved,      // a column qualifier that names no table of the FROM
  kSelfComparison,  // an ON that compares a table's columns with its own (a typo in the gold)
  kNoDatabase,      // the database file is not in the data set
};

inline const char* SkipName(Skip skip) {
  switch (skip) {
    case Skip::kNone:
      return "evaluated";
    case Skip::kNoJoin:
      return "no join";
    case Skip::kSubquery:
      return "subquery in FROM";
    case Skip::kCommaJoin:
      return "comma join";
    case Skip::kJoinWithoutOn:
      return "JOIN without ON";
    case Skip::kOtherCondition:
      return "ON other than col = col";
    case Skip::kSelfJoin:
      return "self-join";
    case Skip::kUnknownTable:
      return "unknown table";
    case Skip::kUnresolved:
      return "unresolved qualifier";
    case Skip::kSelfComparison:
      return "ON comparing a table with itself";
    case Skip::kNoDatabase:
      return "database file missing";
  }
  return "?";
}

inline bool IsClauseEnd(const Token& token) {
  static const std::set<std::string> kEnds = {"where",  "group",     "order", "limit",
                                              "having", "intersect", "union", "except",
                                              "window", "natural",   "cross"};
  return (token.kind == TokenKind::kSymbol && (token.text == ")" || token.text == ";")) ||
         (token.kind == TokenKind::kWord && kEnds.count(token.lower) > 0);
}

// Parses the top-level FROM clause of the first SELECT.
inline Skip ParseFrom(const std::vector<Token>& tokens, GoldFrom* from) {
  size_t i = 0;
  int depth = 0;
  for (; i < tokens.size(); ++i) {
    if (tokens[i].kind == TokenKind::kSymbol && tokens[i].text == "(") ++depth;
    if (tokens[i].kind == TokenKind::kSymbol && tokens[i].text == ")") --depth;
    if (depth == 0 && tokens[i].kind == TokenKind::kWord && tokens[i].lower == "from") break;
  }
  if (i == tokens.size()) return Skip::kNoJoin;
  ++i;
  auto at = [&](size_t k) -> const Token* { return k < tokens.size() ? &tokens[k] : nullptr; };
  auto word = [&](size_t k, const char* w) {
    return at(k) != nullptr && at(k)->kind == TokenKind::kWord && at(k)->lower == w;
  };
  auto symbol = [&](size_t k, const char* s) {
    return at(k) != nullptr && at(k)->kind == TokenKind::kSymbol && at(k)->text == s;
  };
  // table [AS alias | alias]
  auto table = [&]() -> Skip {
    if (symbol(i, "(")) return Skip::kSubquery;
    if (at(i) == nullptr || at(i)->kind != TokenKind::kWord) return Skip::kOtherCondition;
    from->tables.push_back(at(i)->text);
    std::string alias = at(i)->lower;
    ++i;
    if (word(i, "as")) ++i;
    if (at(i) != nullptr && at(i)->kind == TokenKind::kWord && !IsClauseEnd(*at(i)) &&
        !word(i, "join") && !word(i, "on") && !word(i, "inner") && !word(i, "left") &&
        !word(i, "outer")) {
      alias = at(i)->lower;
      ++i;
    }
    from->aliases.push_back(alias);
    return Skip::kNone;
  };
  // [qualifier .] column
  auto column = [&](ColumnRef* ref) {
    if (at(i) == nullptr || at(i)->kind != TokenKind::kWord) return false;
    if (symbol(i + 1, ".")) {
      if (at(i + 2) == nullptr || at(i + 2)->kind != TokenKind::kWord) return false;
      *ref = {at(i)->lower, at(i + 2)->lower};
      i += 3;
    } else {
      *ref = {"", at(i)->lower};
      i += 1;
    }
    return true;
  };
  if (Skip skip = table(); skip != Skip::kNone) return skip;
  while (at(i) != nullptr && !IsClauseEnd(*at(i))) {
    if (symbol(i, ",")) return Skip::kCommaJoin;
    if (word(i, "inner")) ++i;
    if (word(i, "left")) {
      ++i;
      if (word(i, "outer")) ++i;
    }
    if (!word(i, "join")) return Skip::kOtherCondition;
    ++i;
    if (Skip skip = table(); skip != Skip::kNone) return skip;
    if (!word(i, "on")) return Skip::kJoinWithoutOn;
    ++i;
    while (true) {
      ColumnRef left, right;
      if (!column(&left) || !symbol(i, "=")) return Skip::kOtherCondition;
      ++i;
      if (!column(&right)) return Skip::kOtherCondition;
      from->conditions.push_back({left, right});
      if (!word(i, "and")) break;
      ++i;
    }
  }
  return from->tables.size() < 2 ? Skip::kNoJoin : Skip::kNone;
}

inline bool IsComparison(const Token& token) {
  static const std::set<std::string> kComparisons = {"=", "<>", "!=", "<", ">", "<=", ">=", "like"};
  return kComparisons.count(token.kind == TokenKind::kWord ? token.lower : token.text) > 0;
}

inline bool IsLiteral(const Token& token) {
  return token.kind == TokenKind::kString || token.kind == TokenKind::kNumber;
}

// The qualified column references (alias.column) of `tokens` outside every FROM clause, at any
// depth (a FROM clause runs from FROM to the next WHERE, GROUP, ORDER, HAVING, LIMIT, UNION,
// INTERSECT, EXCEPT or the parenthesis closing its level), whose qualifier names a table of the
// top-level FROM: the columns the question asks for or filters on, never its join conditions.
// Those compared with a literal (T2.name = 'Alice', 'Alice' = T2.name) go to `fixed` instead:
// the values the question starts from (PathOptions::fixed_columns).
inline std::vector<context::PathOptions::NamedColumn> NamedColumns(
    const std::vector<Token>& tokens, const std::map<std::string, TableRef>& ref_of,
    std::vector<context::PathOptions::NamedColumn>* fixed) {
  static const std::set<std::string> kEnds = {"where", "group", "order",  "having",
                                              "limit", "union", "except", "intersect"};
  std::vector<context::PathOptions::NamedColumn> named;
  std::vector<int> from_depths;  // depths at which a FROM clause is open
  int depth = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.kind == TokenKind::kSymbol && token.text == "(") {
      ++depth;
      continue;
    }
    if (token.kind == TokenKind::kSymbol && token.text == ")") {
      while (!from_depths.empty() && from_depths.back() >= depth) from_depths.pop_back();
      --depth;
      continue;
    }
    if (token.kind == TokenKind::kWord && token.lower == "from") {
      from_depths.push_back(depth);
      continue;
    }
    if (token.kind == TokenKind::kWord && kEnds.count(token.lower) > 0) {
      while (!from_depths.empty() && from_depths.back() >= depth) from_depths.pop_back();
      continue;
    }
    const bool in_from = !from_depths.empty() && from_depths.back() == depth;
    if (in_from || token.kind != TokenKind::kWord || i + 2 >= tokens.size()) continue;
    if (tokens[i + 1].text != "." || tokens[i + 2].kind != TokenKind::kWord) continue;
    auto ref = ref_of.find(token.lower);
    if (ref == ref_of.end()) continue;
    // alias.column = 'x' (a number may have its minus sign apart), or 'x' = alias.column.
    const bool before =
        i + 4 < tokens.size() && IsComparison(tokens[i + 3]) &&
        (IsLiteral(tokens[i + 4]) ||
         (tokens[i + 4].text == "-" && i + 5 < tokens.size() && IsLiteral(tokens[i + 5])));
    const bool after = i >= 2 && IsLiteral(tokens[i - 2]) && IsComparison(tokens[i - 1]);
    const bool literal = before || after;
    (literal ? *fixed : named).push_back({ref->second, tokens[i + 2].text});
    i += 2;
  }
  return named;
}

}  // namespace cairn::bench
