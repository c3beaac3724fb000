#include "context/discovery.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "connectors/source.h"
#include "context/join_bridges.h"
#include "context/join_store.h"

namespace cairn::context {
namespace {

using Clock = std::chrono::steady_clock;

std::string NowIso() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string ColumnType(const connectors::ColumnInfo& c) {
  return c.source_type.empty() ? c.type : c.source_type;
}

std::string Fingerprint(const connectors::TableInfo& table) {
  std::vector<std::pair<std::string, std::string>> columns;
  for (const auto& c : table.columns) columns.emplace_back(c.name, ColumnType(c));
  return SchemaFingerprint(columns);
}

// Runs `sql` to its end whatever the session's row and time limits (discovery reads whole
// tables; its sinks keep bounded state).
Status ReadWhole(engine::Session* session, const std::string& sql, engine::RowSink* sink) {
  Limits saved = session->limits();
  Limits limits = saved;
  limits.max_rows = std::numeric_limits<int64_t>::max();
  limits.timeout_ms = 24ll * 3600 * 1000;
  session->set_limits(limits);
  Status status = session->Query(sql, sink);
  session->set_limits(saved);
  return status;
}

// The WHERE clause that has PostgreSQL's TABLESAMPLE SYSTEM read about `rows` of `estimate`.
std::string SampleClause(int64_t rows, int64_t estimate) {
  // Ask for a little more than needed: SYSTEM sampling picks whole pages.
  double percent = 100.0 * 1.2 * static_cast<double>(rows) / static_cast<double>(estimate);
  percent = std::clamp(percent, 0.0001, 100.0);
  return fmt::format(" WHERE _cairn_sample_percent = {}", percent);
}

// Feeds rows to a TupleProfiler, at most `limit` of them.
class TupleSink : public engine::RowSink {
 public:
  explicit TupleSink(int64_t limit) : limit_(limit) {}
  Status Columns(const std::vector<std::string>&) override { return OkStatus(); }
  Status Row(const std::vector<engine::Value>& values) override {
    ++rows_;
    profiler_.Add(values);
    return OkStatus();
  }
  bool Done() const override { return rows_ >= limit_; }
  TupleSketch Finish() const { return profiler_.Finish(); }

 private:
  int64_t limit_;
  int64_t rows_ = 0;
  TupleProfiler profiler_;
};

// Keeps a uniform sample of at most `capacity` rows (reservoir sampling, deterministic seed).
class SampleSink : public engine::RowSink {
 public:
  SampleSink(int64_t capacity, uint64_t seed) : capacity_(capacity), rng_(seed) {}

  Status Columns(const std::vector<std::string>&) override { return OkStatus(); }
  Status Row(const std::vector<engine::Value>& values) override {
    ++seen_;
    if (static_cast<int64_t>(rows_.size()) < capacity_) {
      rows_.push_back(values);
    } else {
      std::uniform_int_distribution<int64_t> pick(0, seen_ - 1);
      int64_t slot = pick(rng_);
      if (slot < capacity_) rows_[static_cast<size_t>(slot)] = values;
    }
    return OkStatus();
  }

  int64_t seen() const { return seen_; }
  const std::vector<std::vector<engine::Value>>& rows() const { return rows_; }

 private:
  int64_t capacity_;
  std::mt19937_64 rng_;
  int64_t seen_ = 0;
  std::vector<std::vector<engine::Value>> rows_;
};

std::vector<DriftEvent> DiffColumns(const TableProfile& old_table,
                                    const connectors::TableInfo& table, const std::string& source) {
  std::vector<DriftEvent> events;
  std::map<std::string, std::string> before, after;
  for (const auto& c : old_table.columns)
    before[c.name] = c.source_type.empty() ? c.declared_type : c.source_type;
  for (const auto& c : table.columns) after[c.name] = ColumnType(c);
  for (const auto& c : table.columns) {
    auto it = before.find(c.name);
    if (it == before.end()) {
      events.push_back({0, source, table.name, "column_added", c.name, "", ColumnType(c), ""});
    } else if (it->second != ColumnType(c)) {
      events.push_back(
          {0, source, table.name, "column_retyped", c.name, it->second, ColumnType(c), ""});
    }
  }
  for (const auto& c : old_table.columns) {
    if (after.count(c.name) == 0) {
      events.push_back({0, source, table.name, "column_removed", c.name, before[c.name], "", ""});
    }
  }
  return events;
}

// Reads and profiles one table.
Status ProfileTable(engine::Session* session, const std::string& source,
                    const std::string& source_kind, const connectors::TableInfo& info,
                    const DiscoveryOptions& options, TableProfile* out) {
  out->source = source;
  out->table = info.name;
  out->kind = info.kind;
  out->fingerprint = Fingerprint(info);
  out->row_estimate = info.row_estimate;
  out->profiled_at = NowIso();
  out->provenance = Provenance::kDiscovered;
  std::string sql = "SELECT ";
  for (size_t i = 0; i < info.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += connectors::QuoteIdentifier(info.columns[i].name);
  }
  sql +=
      " FROM " + connectors::QuoteIdentifier(source) + "." + connectors::QuoteIdentifier(info.name);
  const bool tablesample = source_kind == "postgres" && info.kind == "table" &&
                           info.row_estimate > options.sample_rows && options.sample_rows > 0;
  if (tablesample) sql += SampleClause(options.sample_rows, info.row_estimate);
  SampleSink sink(std::max<int64_t>(1, options.sample_rows), Hash64(source + "." + info.name));
  RETURN_IF_ERROR(ReadWhole(session, sql, &sink));

  const auto& rows = sink.rows();
  out->sample_size = static_cast<int64_t>(rows.size());
  if (tablesample) {
    out->sampling = "tablesample";
    out->row_count = -1;
  } else {
    out->row_count = sink.seen();
    out->sampling = sink.seen() > static_cast<int64_t>(rows.size()) ? "reservoir" : "full";
  }
  std::vector<std::string> pk;
  for (size_t c = 0; c < info.columns.size(); ++c) {
    const connectors::ColumnInfo& column = info.columns[c];
    ColumnProfiler profiler;
    for (const auto& row : rows) {
      if (c < row.size()) profiler.Add(row[c]);
    }
    ColumnProfile p;
    p.name = column.name;
    p.ordinal = static_cast<int>(c);
    p.declared_type = column.type;
    p.source_type = column.source_type;
    p.not_null = column.not_null;
    p.primary_key = column.primary_key;
    profiler.Finish(&p);
    p.profiled_at = out->profiled_at;
    out->columns.push_back(std::move(p));
    if (column.primary_key) pk.push_back(column.name);
  }
  if (!pk.empty()) out->keys.push_back({DeclaredKey::Type::kPrimary, pk, "", {}});
  if (options.import_declared_keys) {
    for (const auto& fk : info.foreign_keys) {
      out->keys.push_back({DeclaredKey::Type::kForeign, fk.columns, fk.ref_table, fk.ref_columns});
    }
  }
  return OkStatus();
}

}  // namespace

Status DiscoveryReport::status() const {
  std::vector<Status> failures = source_errors;
  for (const auto& t : tables) {
    if (t.state == TableOutcome::State::kFailed) failures.push_back(t.error);
  }
  if (failures.empty()) return OkStatus();
  std::string message = failures[0].message();
  if (failures.size() > 1) message += fmt::format(" (and {} more failures)", failures.size() - 1);
  return Status(failures[0].code(), message);
}

nlohmann::json DiscoveryReport::ToJson() const {
  nlohmann::json out = {{"tables_profiled", profiled},
                        {"tables_skipped", skipped},
                        {"tables_failed", failed},
                        {"seconds", std::round(seconds * 1000) / 1000}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : tables) {
    const char* state = t.state == TableOutcome::State::kProfiled  ? "profiled"
                        : t.state == TableOutcome::State::kSkipped ? "skipped"
                                                                   : "failed";
    nlohmann::json item = {{"source", t.source}, {"table", t.table}, {"state", state}};
    if (t.state == TableOutcome::State::kProfiled) {
      item["row_count"] = t.row_count >= 0 ? nlohmann::json(t.row_count) : nlohmann::json();
      item["sample_size"] = t.sample_size;
      item["sampling"] = t.sampling;
      item["seconds"] = std::round(t.seconds * 1000) / 1000;
    }
    if (t.state == TableOutcome::State::kFailed) item["error"] = t.error.ToString();
    list.push_back(std::move(item));
  }
  out["tables"] = std::move(list);
  nlohmann::json drift_list = nlohmann::json::array();
  for (const auto& d : drift) {
    drift_list.push_back({{"source", d.source},
                          {"table", d.table},
                          {"change", d.change},
                          {"column", d.column},
                          {"old_type", d.old_type},
                          {"new_type", d.new_type}});
  }
  out["drift"] = std::move(drift_list);
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : source_errors) errors.push_back(e.ToString());
  for (const auto& t : tables) {
    if (t.state == TableOutcome::State::kFailed) errors.push_back(t.error.ToString());
  }
  out["errors"] = std::move(errors);
  out["joins"] = {{"declared", declared_joins}, {"inferred", inferred_joins}};
  return out;
}

Result<std::pair<int, int>> RefreshJoins(store::StateDb* db, const InferenceOptions& options,
                                         engine::Session* session, int64_t sample_rows) {
  ASSIGN_OR_RETURN(CatalogStore catalog, CatalogStore::Open(db));
  ASSIGN_OR_RETURN(JoinStore joins, JoinStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<TableProfile> tables,
                   catalog.ListTables(std::nullopt, ColumnDetail::kWithSketches));
  std::vector<Join> declared = DeclaredJoins(tables);
  InferenceOptions inference = options;
  // Composite keys' tuples, read once per table and column list. The key's side is read whole
  // (its tuples are what the others must be found in); the referencing side as profiling reads
  // its table: a sample of about sample_rows rows (TABLESAMPLE on a large PostgreSQL table, the
  // first rows elsewhere; any subset of its tuples must be in the key too). A table that cannot
  // be read leaves its composite joins checked column by column, as without a session.
  std::map<std::string, const TableProfile*> profiles;
  for (const auto& t : tables) profiles[t.source + '\x1f' + t.table] = &t;
  std::map<std::string, Result<TupleSketch>> read;
  if (session != nullptr && !inference.tuples) {
    inference.tuples = [&](const JoinSide& side, bool whole) -> Result<TupleSketch> {
      std::string sql = "SELECT ";
      for (size_t i = 0; i < side.columns.size(); ++i) {
        sql += (i > 0 ? ", " : "") + connectors::QuoteIdentifier(side.columns[i]);
      }
      sql += " FROM " + connectors::QuoteIdentifier(side.source) + "." +
             connectors::QuoteIdentifier(side.table);
      int64_t limit = std::numeric_limits<int64_t>::max();
      if (!whole && sample_rows > 0) {
        limit = sample_rows;
        auto profile = profiles.find(side.source + '\x1f' + side.table);
        if (profile != profiles.end() && profile->second->sampling == "tablesample") {
          sql += SampleClause(sample_rows, profile->second->row_estimate);
        }
      }
      std::string key = sql + (whole ? "" : " -- sample");
      auto it = read.find(key);
      if (it == read.end()) {
        TupleSink sink(limit);
        Status status = ReadWhole(session, sql, &sink);
        it = read.emplace(key, status.ok() ? Result<TupleSketch>(sink.Finish())
                                           : Result<TupleSketch>(status))
                 .first;
      }
      return it->second;
    };
  }
  std::vector<Join> inferred = InferJoins(tables, inference, declared);
  std::vector<Join> all = declared;
  all.insert(all.end(), inferred.begin(), inferred.end());
  if (inference.bridges) {
    // Verdicts count too: a confirmed join connects its tables, a rejected bridge gives way to
    // the next best one.
    ASSIGN_OR_RETURN(std::vector<Join> stored, joins.List());
    std::vector<Join> known = all;
    for (Join& j : stored) {
      if (j.kind == JoinKind::kConfirmed || j.kind == JoinKind::kRejected) {
        known.push_back(std::move(j));
      }
    }
    std::vector<Join> bridges = BridgeJoins(tables, known, inference);
    inferred.insert(inferred.end(), bridges.begin(), bridges.end());
    all.insert(all.end(), bridges.begin(), bridges.end());
  }
  RETURN_IF_ERROR(joins.ReplaceDiscovered(all));
  return std::make_pair(static_cast<int>(declared.size()), static_cast<int>(inferred.size()));
}

Result<DiscoveryReport> Discover(engine::Session* session, store::StateDb* db,
                                 const DiscoveryOptions& options) {
  const auto start = Clock::now();
  if (options.sample_rows <= 0) {
    return InvalidArgumentError("sample_rows must be positive, got {}", options.sample_rows);
  }
  ASSIGN_OR_RETURN(CatalogStore catalog, CatalogStore::Open(db));
  std::vector<engine::SourceStatus> statuses = session->Sources();
  std::vector<const engine::SourceStatus*> chosen;
  if (options.sources.empty()) {
    for (const auto& s : statuses) chosen.push_back(&s);
  } else {
    for (const auto& name : options.sources) {
      auto it = std::find_if(statuses.begin(), statuses.end(),
                             [&](const engine::SourceStatus& s) { return s.name == name; });
      if (it == statuses.end()) return NotFoundError("no source named '{}'", name);
      if (std::find(chosen.begin(), chosen.end(), &*it) == chosen.end()) chosen.push_back(&*it);
    }
  }
  DiscoveryReport report;
  DiscoveryProgress progress;
  auto notify = [&] {
    if (options.progress) options.progress(progress);
  };
  for (const engine::SourceStatus* source : chosen) {
    if (!source->status.ok()) {
      report.source_errors.push_back(source->status.WithContext("source '" + source->name + "'"));
      continue;
    }
    Result<std::vector<connectors::TableInfo>> tables = session->Tables(source->name);
    if (!tables.ok()) {
      report.source_errors.push_back(tables.status().WithContext("source '" + source->name + "'"));
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<TableProfile> stored,
                     catalog.ListTables(source->name, ColumnDetail::kProfiles));
    std::map<std::string, const TableProfile*> stored_by_name;
    for (const auto& t : stored) stored_by_name[t.table] = &t;
    progress.total += static_cast<int>(tables->size());
    std::set<std::string> present;
    for (const connectors::TableInfo& info : *tables) {
      present.insert(info.name);
      TableOutcome outcome;
      outcome.source = source->name;
      outcome.table = info.name;
      auto found = stored_by_name.find(info.name);
      const TableProfile* old = found == stored_by_name.end() ? nullptr : found->second;
      const std::string fingerprint = Fingerprint(info);
      if (old != nullptr && !options.full && old->fingerprint == fingerprint &&
          old->row_estimate == info.row_estimate) {
        outcome.state = TableOutcome::State::kSkipped;
        outcome.row_count = old->row_count;
        outcome.sample_size = old->sample_size;
        outcome.sampling = old->sampling;
        ++report.skipped;
        report.tables.push_back(std::move(outcome));
        ++progress.done;
        notify();
        continue;
      }
      std::vector<DriftEvent> drift;
      if (old != nullptr && old->fingerprint != fingerprint) {
        drift = DiffColumns(*old, info, source->name);
      } else if (old == nullptr && !stored.empty()) {
        drift.push_back({0, source->name, info.name, "table_added", "", "", "", ""});
      }
      progress.current = source->name + "." + info.name;
      notify();
      const auto table_start = Clock::now();
      TableProfile profile;
      Status status = ProfileTable(session, source->name, source->kind, info, options, &profile);
      if (status.ok()) status = catalog.PutTable(profile);
      outcome.seconds = Seconds(table_start);
      if (!status.ok()) {
        outcome.state = TableOutcome::State::kFailed;
        outcome.error = status.WithContext(source->name + "." + info.name);
        ++report.failed;
      } else {
        outcome.state = TableOutcome::State::kProfiled;
        outcome.row_count = profile.row_count;
        outcome.sample_size = profile.sample_size;
        outcome.sampling = profile.sampling;
        ++report.profiled;
        if (!drift.empty()) {
          RETURN_IF_ERROR(catalog.AddDrift(drift));
          report.drift.insert(report.drift.end(), drift.begin(), drift.end());
        }
      }
      report.tables.push_back(std::move(outcome));
      ++progress.done;
      progress.current.clear();
      notify();
    }
    std::vector<DriftEvent> removed;
    for (const auto& t : stored) {
      if (present.count(t.table) > 0) continue;
      removed.push_back({0, source->name, t.table, "table_removed", "", "", "", ""});
      RETURN_IF_ERROR(catalog.RemoveTable(source->name, t.table));
    }
    if (!removed.empty()) {
      RETURN_IF_ERROR(catalog.AddDrift(removed));
      report.drift.insert(report.drift.end(), removed.begin(), removed.end());
    }
  }
  // The names' words with their translations, which search indexes beside the names; none
  // without a lexicon, so that one taken out of cairn.yaml takes its translations with it.
  NameTranslations translations;
  if (options.inference.lexicon != nullptr) {
    ASSIGN_OR_RETURN(std::vector<TableProfile> profiled,
                     catalog.ListTables(std::nullopt, ColumnDetail::kProfiles));
    std::vector<std::string> names;
    for (const TableProfile& table : profiled) {
      names.push_back(table.table);
      for (const ColumnProfile& column : table.columns) names.push_back(column.name);
    }
    translations = TranslateNameWords(*options.inference.lexicon, names);
  }
  RETURN_IF_ERROR(catalog.PutNameTranslations(translations));
  report.translated_words = static_cast<int>(translations.size());
  if (options.infer_joins) {
    ASSIGN_OR_RETURN(auto counts,
                     RefreshJoins(db, options.inference, session, options.sample_rows));
    report.declared_joins = counts.first;
    report.inferred_joins = counts.second;
  }
  report.seconds = Seconds(start);
  return report;
}

}  // namespace cairn::context
