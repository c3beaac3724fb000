#include "context/join_bridges.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>

#include "context/sketch.h"
#include "core/strings.h"

namespace cairn::context {
namespace {

// Union-find over table indexes.
class Components {
 public:
  explicit Components(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t Find(size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // False when they were one component already.
  bool Union(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    parent_[std::max(a, b)] = std::min(a, b);
    return true;
  }

 private:
  std::vector<size_t> parent_;
};

struct Column {
  size_t table;  // index into the tables considered
  const ColumnProfile* profile;
};

struct Candidate {
  Column from;
  Column to;
  double containment = 0;
  std::string method;
};

std::string SideKey(const JoinSide& side) {
  std::string key = side.source + '\x1f' + side.table;
  for (const std::string& column : side.columns) key += '\x1f' + column;
  return key;
}

bool Eligible(const ColumnProfile& c) {
  return c.non_null() > 0 && c.distinct_count >= kMinBridgeDistinct && KeyLikeValues(c) &&
         c.semantic_type != SemanticType::kCategory;
}

}  // namespace

bool IsBridge(const Join& join) {
  return join.evidence.is_object() && join.evidence.value("bridge", false);
}

std::vector<Join> BridgeJoins(const std::vector<TableProfile>& tables,
                              const std::vector<Join>& joins, const InferenceOptions& options) {
  std::vector<const TableProfile*> considered;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const TableProfile& t : tables) {
    if (t.kind == "view" && !options.include_views) continue;
    index.emplace(std::make_pair(t.source, t.table), considered.size());
    considered.push_back(&t);
  }
  Components components(considered.size());
  std::set<std::pair<std::string, std::string>> rejected;  // both directions
  for (const Join& j : joins) {
    if (j.kind == JoinKind::kRejected) {
      rejected.emplace(SideKey(j.from), SideKey(j.to));
      rejected.emplace(SideKey(j.to), SideKey(j.from));
      continue;
    }
    auto a = index.find({j.from.source, j.from.table});
    auto b = index.find({j.to.source, j.to.table});
    if (a != index.end() && b != index.end()) components.Union(a->second, b->second);
  }

  // Columns by source and lower-case name; a name on too many tables is left out.
  std::map<std::pair<std::string, std::string>, std::vector<Column>> by_name;
  for (size_t i = 0; i < considered.size(); ++i) {
    for (const ColumnProfile& c : considered[i]->columns) {
      by_name[{considered[i]->source, AsciiLower(c.name)}].push_back({i, &c});
    }
  }
  std::vector<Candidate> candidates;
  for (const auto& [name, columns] : by_name) {
    if (columns.size() < 2 || columns.size() > static_cast<size_t>(kMaxBridgeNameTables)) {
      continue;
    }
    for (size_t x = 0; x < columns.size(); ++x) {
      for (size_t y = x + 1; y < columns.size(); ++y) {
        Column a = columns[x], b = columns[y];
        if (a.table == b.table || components.Find(a.table) == components.Find(b.table)) continue;
        if (!Eligible(*a.profile) || !Eligible(*b.profile)) continue;
        // `from` has the fewer distinct values; among equals, the more rows per value (the
        // other side may be unique: many to one).
        if (std::make_pair(b.profile->distinct_count, b.profile->uniqueness) <
            std::make_pair(a.profile->distinct_count, a.profile->uniqueness)) {
          std::swap(a, b);
        }
        const TableProfile& ta = *considered[a.table];
        const TableProfile& tb = *considered[b.table];
        if (rejected.count({SideKey({ta.source, ta.table, {a.profile->name}}),
                            SideKey({tb.source, tb.table, {b.profile->name}})})) {
          continue;
        }
        Candidate c{a, b, 0, ""};
        if (a.profile->hashes_exact && b.profile->hashes_exact) {
          c.method = "exact";
          c.containment = ExactContainment(a.profile->value_hashes, b.profile->value_hashes);
        } else {
          c.method = "minhash";
          c.containment = EstimateContainment(
              a.profile->minhash, static_cast<double>(a.profile->distinct_count),
              b.profile->minhash, static_cast<double>(b.profile->distinct_count));
        }
        if (c.containment >= options.min_containment) candidates.push_back(std::move(c));
      }
    }
  }
  auto order = [&](const Candidate& c) {
    const TableProfile& f = *considered[c.from.table];
    const TableProfile& t = *considered[c.to.table];
    return std::make_tuple(-c.containment, -c.to.profile->uniqueness, f.source, f.table,
                           c.from.profile->name, t.table, c.to.profile->name);
  };
  std::sort(candidates.begin(), candidates.end(),
            [&](const Candidate& x, const Candidate& y) { return order(x) < order(y); });

  std::vector<Join> bridges;
  for (const Candidate& c : candidates) {
    if (!components.Union(c.from.table, c.to.table)) continue;
    const TableProfile& f = *considered[c.from.table];
    const TableProfile& t = *considered[c.to.table];
    const double containment = std::round(c.containment * 1000) / 1000;
    const double to_uniqueness = std::round(c.to.profile->uniqueness * 1000) / 1000;
    Join join;
    join.from = {f.source, f.table, {c.from.profile->name}};
    join.to = {t.source, t.table, {c.to.profile->name}};
    join.kind = JoinKind::kInferred;
    join.score = 0.5 * containment;
    join.evidence = {
        {"bridge", true},
        {"shared_attribute", c.from.profile->name},
        {"containment", containment},
        {"containment_method", c.method},
        {"from_distinct", c.from.profile->distinct_count},
        {"to_distinct", c.to.profile->distinct_count},
        {"to_uniqueness", to_uniqueness},
        {"cardinality",
         c.to.profile->uniqueness >= kMinKeyUniqueness ? "many_to_one" : "many_to_many"}};
    bridges.push_back(std::move(join));
  }
  return bridges;
}

}  // namespace cairn::context
