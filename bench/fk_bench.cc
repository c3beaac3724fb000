// cairn_fk_bench: join-inference quality against declared foreign keys.
//
//   cairn_fk_bench chinook|northwind|spider|PATH.sqlite [--threshold X] [--sample-rows N]
//                  [--jobs N] [--per-db] [--show-errors]
//
// For each database: a configuration with the file as one sqlite source, discovery with the
// declared foreign keys NOT imported (DiscoveryOptions::import_declared_keys = false; declared
// primary keys are still read, as a schema's NOT NULL and types are), join inference, and a
// comparison of the inferred joins (score >= threshold) with the gold foreign keys: the
// file's own pragma foreign_key_list for chinook, northwind and a path, Spider's tables.json
// `foreign_keys` for spider (names matched case-insensitively). Counting: every join is expanded
// into its column pairs (a two-column join gives two pairs) and a pair is correct when it links
// the same two columns as a gold pair, in either direction. Precision, recall and F1 per
// database; in aggregate micro (over all pairs) and macro (mean of per-database F1 over the
// databases that declare at least one foreign key). Prints Markdown.

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "context/discovery.h"
#include "context/join_store.h"
#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace {

using Pair = std::pair<std::string, std::string>;  // "table.column", ordered

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Pair MakePair(const std::string& t1, const std::string& c1, const std::string& t2,
              const std::string& c2) {
  std::string a = Lower(t1) + "." + Lower(c1), b = Lower(t2) + "." + Lower(c2);
  return a < b ? Pair{a, b} : Pair{b, a};
}

struct Db {
  std::string name;
  std::filesystem::path path;
  std::set<Pair> gold;
};

struct Outcome {
  std::string name;
  size_t gold = 0, inferred = 0, correct = 0;
  double seconds = 0;
  std::string error;
  std::vector<std::string> false_positives, misses;
};

std::set<Pair> GoldFromPragma(const std::filesystem::path& path, std::string* error) {
  std::set<Pair> gold;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    *error = "cannot open " + path.string();
    sqlite3_close(db);
    return gold;
  }
  const char* sql =
      "SELECT m.name, f.\"from\", f.\"table\", f.\"to\" FROM sqlite_schema m, "
      "pragma_foreign_key_list(m.name) f WHERE m.type = 'table'";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      auto text = [&](int i) {
        const unsigned char* v = sqlite3_column_text(stmt, i);
        return v ? std::string(reinterpret_cast<const char*>(v)) : std::string();
      };
      std::string to = text(3);
      if (to.empty()) {  // the referenced table's primary key (single column here)
        sqlite3_stmt* pk = nullptr;
        sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) WHERE pk = 1", -1, &pk,
                           nullptr);
        sqlite3_bind_text(pk, 1, text(2).c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(pk) == SQLITE_ROW)
          to = reinterpret_cast<const char*>(sqlite3_column_text(pk, 0));
        sqlite3_finalize(pk);
      }
      gold.insert(MakePair(text(0), text(1), text(2), to));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return gold;
}

Outcome Run(const Db& db, double threshold, int64_t sample_rows) {
  using namespace cairn;
  Outcome out;
  out.name = db.name;
  out.gold = db.gold.size();
  auto start = std::chrono::steady_clock::now();
  std::string yaml = "version: 1\nsources:\n  db: {kind: sqlite, path: \"" +
                     std::filesystem::absolute(db.path).string() + "\"}\n";
  Result<Config> config = ParseConfig(yaml, "/tmp/cairn_fk_bench/cairn.yaml");
  if (!config.ok()) {
    out.error = config.status().ToString();
    return out;
  }
  auto catalog = engine::Catalog::Create(std::move(*config));
  if (!catalog.ok()) {
    out.error = catalog.status().ToString();
    return out;
  }
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  auto state = store::StateDb::Open(":memory:");
  if (!session.ok() || !state.ok()) {
    out.error = "cannot open a session or the state database";
    return out;
  }
  context::DiscoveryOptions options;
  options.import_declared_keys = false;
  options.sample_rows = sample_rows;
  options.inference.threshold = threshold;
  auto report = context::Discover(session->get(), state->get(), options);
  if (!report.ok()) {
    out.error = report.status().ToString();
    return out;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto joins = context::JoinStore::Open(state->get());
  auto list = joins->List();
  if (!list.ok()) {
    out.error = list.status().ToString();
    return out;
  }
  std::set<Pair> inferred;
  for (const auto& j : *list) {
    if (j.kind != context::JoinKind::kInferred || j.score < threshold) continue;
    for (size_t i = 0; i < j.from.columns.size() && i < j.to.columns.size(); ++i) {
      inferred.insert(MakePair(j.from.table, j.from.columns[i], j.to.table, j.to.columns[i]));
    }
  }
  out.inferred = inferred.size();
  for (const auto& p : inferred) {
    if (db.gold.count(p)) {
      ++out.correct;
    } else {
      out.false_positives.push_back(p.first + " ~ " + p.second);
    }
  }
  for (const auto& p : db.gold) {
    if (!inferred.count(p)) out.misses.push_back(p.first + " ~ " + p.second);
  }
  return out;
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }
double F1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: cairn_fk_bench chinook|northwind|spider|PATH.sqlite [--threshold X] "
                 "[--sample-rows N] [--jobs N] [--per-db] [--show-errors]\n";
    return 2;
  }
  std::string dataset = argv[1];
  double threshold = cairn::context::InferenceOptions().threshold;
  int64_t sample_rows = 100'000;
  int jobs = 2;
  bool per_db = false, show_errors = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threshold" && i + 1 < argc) {
      threshold = std::atof(argv[++i]);
    } else if (arg == "--sample-rows" && i + 1 < argc) {
      sample_rows = std::atoll(argv[++i]);
    } else if (arg == "--jobs" && i + 1 < argc) {
      jobs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--per-db") {
      per_db = true;
    } else if (arg == "--show-errors") {
      show_errors = true;
    } else {
      std::cerr << "cairn_fk_bench: unknown argument " << arg << "\n";
      return 2;
    }
  }
  const std::filesystem::path data = CAIRN_TEST_DATA;
  const std::filesystem::path spider = std::filesystem::path(CAIRN_BENCH_DATA) / "spider-de";
  std::vector<Db> dbs;
  std::string error;
  if (dataset == "spider") {
    std::ifstream in(spider / "tables.json");
    nlohmann::json tables;
    try {
      in >> tables;
    } catch (const nlohmann::json::exception& e) {
      std::cerr << "cairn_fk_bench: tables.json: " << e.what() << "\n";
      return 3;
    }
    for (const auto& entry : tables) {
      Db db;
      db.name = entry.value("db_id", "");
      db.path = spider / "database" / db.name / (db.name + ".sqlite");
      if (!std::filesystem::exists(db.path)) continue;
      const auto& names = entry["table_names_original"];
      const auto& columns = entry["column_names_original"];
      for (const auto& fk : entry["foreign_keys"]) {
        int a = fk[0].get<int>(), b = fk[1].get<int>();
        const auto& ca = columns[a];
        const auto& cb = columns[b];
        db.gold.insert(
            MakePair(names[ca[0].get<int>()].get<std::string>(), ca[1].get<std::string>(),
                     names[cb[0].get<int>()].get<std::string>(), cb[1].get<std::string>()));
      }
      dbs.push_back(std::move(db));
    }
  } else {
    Db db;
    db.name = dataset;
    db.path = dataset == "chinook" || dataset == "northwind" ? data / (dataset + ".sqlite")
                                                             : std::filesystem::path(dataset);
    if (!std::filesystem::exists(db.path)) {
      std::cerr << "cairn_fk_bench: no such file " << db.path << "\n";
      return 4;
    }
    db.gold = GoldFromPragma(db.path, &error);
    if (!error.empty()) {
      std::cerr << "cairn_fk_bench: " << error << "\n";
      return 4;
    }
    dbs.push_back(std::move(db));
  }

  auto wall_start = std::chrono::steady_clock::now();
  std::vector<Outcome> outcomes(dbs.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < jobs; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < dbs.size(); i = next++) {
        outcomes[i] = Run(dbs[i], threshold, sample_rows);
      }
    });
  }
  for (auto& t : threads) t.join();
  double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  size_t gold = 0, inferred = 0, correct = 0, failed = 0, macro_n = 0;
  double macro_f1 = 0, macro_p = 0, macro_r = 0, discovery = 0;
  for (const auto& o : outcomes) {
    if (!o.error.empty()) {
      ++failed;
      std::cerr << o.name << ": " << o.error << "\n";
      continue;
    }
    gold += o.gold;
    inferred += o.inferred;
    correct += o.correct;
    discovery += o.seconds;
    if (o.gold > 0) {
      double p = Ratio(o.correct, o.inferred), r = Ratio(o.correct, o.gold);
      macro_p += p;
      macro_r += r;
      macro_f1 += F1(p, r);
      ++macro_n;
    }
  }
  if (per_db) {
    std::cout << "| database | gold FKs | inferred | correct | precision | recall | F1 | "
                 "discovery s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& o : outcomes) {
      if (!o.error.empty()) continue;
      double p = Ratio(o.correct, o.inferred), r = Ratio(o.correct, o.gold);
      std::printf("| %s | %zu | %zu | %zu | %.3f | %.3f | %.3f | %.3f |\n", o.name.c_str(), o.gold,
                  o.inferred, o.correct, p, r, F1(p, r), o.seconds);
    }
    std::cout << "\n";
  }
  if (show_errors) {
    for (const auto& o : outcomes) {
      for (const auto& fp : o.false_positives) std::cout << "FP " << o.name << ": " << fp << "\n";
      for (const auto& m : o.misses) std::cout << "FN " << o.name << ": " << m << "\n";
    }
    std::cout << "\n";
  }
  double p = Ratio(correct, inferred), r = Ratio(correct, gold);
  std::cout << "| dataset | dbs | gold FKs | inferred | correct | precision | recall | F1 (micro) "
               "| F1 (macro) | discovery s (sum) | wall s |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::printf("| %s | %zu | %zu | %zu | %zu | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f |\n",
              dataset.c_str(), outcomes.size() - failed, gold, inferred, correct, p, r, F1(p, r),
              macro_n ? macro_f1 / static_cast<double>(macro_n) : 0.0, discovery, wall);
  std::printf(
      "\nthreshold %.2f; macro over %zu databases with declared FKs (mean precision %.3f, "
      "mean recall %.3f); %zu failed; pairs counted direction-insensitively.\n",
      threshold, macro_n, macro_n ? macro_p / static_cast<double>(macro_n) : 0.0,
      macro_n ? macro_r / static_cast<double>(macro_n) : 0.0, failed);
  return failed > 0 ? 1 : 0;
}
