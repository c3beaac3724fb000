#pragma once

// For the context tests: profiled columns and tables built from values, as discovery would
// profile them (ColumnProfiler), without a source.

#include <cstdint>
#include <string>
#include <vector>

#include "context/profile.h"
#include "engine/session.h"

namespace cairn::context {

// A profiled column with the given integer values.
inline ColumnProfile IntColumn(const std::string& name, const std::vector<int64_t>& values,
                               bool pk) {
  ColumnProfiler profiler;
  for (int64_t v : values) profiler.Add(engine::Value::Integer(v));
  ColumnProfile p;
  p.name = name;
  p.declared_type = "INTEGER";
  p.primary_key = pk;
  profiler.Finish(&p);
  return p;
}

// A profiled column with the given text values.
inline ColumnProfile TextColumn(const std::string& name, const std::vector<std::string>& values,
                                bool pk) {
  ColumnProfiler profiler;
  for (const auto& v : values) profiler.Add(engine::Value::Text(v));
  ColumnProfile p;
  p.name = name;
  p.declared_type = "TEXT";
  p.primary_key = pk;
  profiler.Finish(&p);
  return p;
}

// A table of source "s" whose declared primary key is its columns marked pk.
inline TableProfile Table(const std::string& name, std::vector<ColumnProfile> columns) {
  TableProfile t;
  t.source = "s";
  t.table = name;
  std::vector<std::string> pk;
  for (auto& c : columns) {
    if (c.primary_key) pk.push_back(c.name);
  }
  if (!pk.empty()) t.keys.push_back({DeclaredKey::Type::kPrimary, pk, "", {}});
  t.columns = std::move(columns);
  return t;
}

// from, from + 1, ..., to - 1.
inline std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

}  // namespace cairn::context
