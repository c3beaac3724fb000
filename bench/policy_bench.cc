// The cost of enforcement: a point query by primary key through a restricted principal's guard
// (a row filter binding a principal attribute, two column masks) against the same query as the
// administrator with no policy, in one process over one SQLite source of 200,000 rows, and,
// when a test PostgreSQL is configured (eval "$(scripts/pg.sh env)"), over PostgreSQL. Both
// sessions prepare each statement afresh (as every CLI, REST or MCP call does); ids are drawn
// from the rows the principal may see, so both answer one row. The two alternate every 250
// queries; medians per query are reported, the ratio of the medians, and the median of the
// ratios of slices run side by side.
//
//   ninja -C build cairn_policy_bench && build/bench/cairn_policy_bench [--rows N] [--rounds R]

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/config.h"
#include "count_sink.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "policy/policy.h"

namespace cairn {
namespace {

using SteadyClock = std::chrono::steady_clock;

using bench::CountSink;
using bench::Median;

int Main(int argc, char** argv) {
  int rows = 200'000;
  int rounds = 7;
  const int queries = 5'000;
  // --only admin|restricted runs one side alone (for perf and strace), reporting nothing.
  std::string only;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--rows") rows = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--rounds") rounds = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--only") only = argv[i + 1];
  }
  if (!only.empty() && only != "admin" && only != "restricted") {
    std::fprintf(stderr, "--only: expected admin or restricted, got '%s'\n", only.c_str());
    return 2;
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cairn-policy-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "accounts.sqlite";
  {
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_exec(db,
                 "CREATE TABLE accounts (id INTEGER PRIMARY KEY, region TEXT NOT NULL, "
                 "holder TEXT, email TEXT, iban TEXT, balance REAL);"
                 "BEGIN;",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)", -1, &insert, nullptr);
    const char* regions[] = {"EU", "US", "APAC", "LATAM"};
    for (int i = 1; i <= rows; ++i) {
      sqlite3_bind_int(insert, 1, i);
      sqlite3_bind_text(insert, 2, regions[i % 4], -1, SQLITE_STATIC);
      const std::string holder = "holder " + std::to_string(i);
      const std::string email = "user" + std::to_string(i) + "@example.com";
      const std::string iban = "DE89370400440532" + std::to_string(100000 + i);
      sqlite3_bind_text(insert, 3, holder.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 4, email.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 5, iban.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(insert, 6, i * 1.5);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  Result<Config> config = ParseConfig(
      "sources:\n  bank:\n    kind: sqlite\n    path: " + file.string() + "\n", dir / "cairn.yaml");
  auto catalog = std::move(engine::Catalog::Create(*config)).value();
  std::string policy_text = R"(roles: {teller: Tellers}
grants:
  - {roles: [teller], source: bank}
row_filters:
  - {source: bank, table: accounts, where: "region = :region"}
masks:
  - {source: bank, table: accounts, column: email, mask: hash}
  - {source: bank, table: accounts, column: iban, mask: last4}
)";
  auto policy = std::move(policy::Policy::Parse(policy_text, dir / "policy.yaml")).value();
  auto admin = std::move(engine::Session::Open(catalog.get(), engine::Principal::Admin())).value();
  auto teller =
      std::move(engine::Session::Open(catalog.get(),
                                      engine::Principal{"teller", {"teller"}, {{"region", "EU"}}}))
          .value();
  teller->set_policy(policy.get());

  std::printf("| case | baseline | Cairn | ratio | goal |\n|---|---|---|---|---|\n");
  auto measure = [&](const std::string& label, engine::Session* admin_session,
                     engine::Session* restricted, const std::vector<std::string>& sql) {
    // Per-query microseconds of the queries [begin, end) through `session`, the list rotated
    // by `shift`.
    auto run = [&](engine::Session* session, size_t begin, size_t end, size_t shift = 0) {
      CountSink sink;
      const auto start = SteadyClock::now();
      for (size_t i = begin; i < end; ++i) {
        const std::string& q = sql[(i + shift) % sql.size()];
        Status status = session->Query(q, &sink);
        if (!status.ok()) {
          std::fprintf(stderr, "%s: %s\n", q.c_str(), status.ToString().c_str());
          std::exit(1);
        }
      }
      const double micros =
          std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count();
      if (sink.rows != static_cast<int64_t>(end - begin)) {
        std::fprintf(stderr, "%s: expected %zu rows, got %lld\n", label.c_str(), end - begin,
                     static_cast<long long>(sink.rows));
        std::exit(1);
      }
      return micros / static_cast<double>(end - begin);
    };
    if (!only.empty()) {
      engine::Session* session = only == "admin" ? admin_session : restricted;
      for (int r = 0; r <= rounds; ++r) run(session, 0, sql.size());
      return;
    }
    run(admin_session, 0, sql.size());  // warm up both (attach, caches)
    run(restricted, 0, sql.size());
    // The two sides alternate every kSlice queries, so that a burst of load from elsewhere on a
    // shared machine falls on both alike; each slice pair also gives a ratio of its own. The
    // restricted side runs the other half of the list at the same time: the same keys right
    // after the administrator would find their pages in the source's cache.
    constexpr size_t kSlice = 250;
    std::vector<double> base, guarded, paired;
    for (int r = 0; r < rounds; ++r) {
      for (size_t begin = 0; begin < sql.size(); begin += kSlice) {
        const size_t end = std::min(sql.size(), begin + kSlice);
        const double b = run(admin_session, begin, end);
        const double g = run(restricted, begin, end, sql.size() / 2);
        base.push_back(b);
        guarded.push_back(g);
        paired.push_back(g / b);
      }
    }
    const double b = Median(base), g = Median(guarded);
    std::printf(
        "| %s (per query; medians of %zu slices of %zu queries, %d rounds) | %.1f µs | %.1f µs | "
        "%.2f× (median of the slices' ratios %.2f×) | ≤ 1.10× |\n",
        label.c_str(), base.size(), kSlice, rounds, b, g, g / b, Median(paired));
  };

  std::mt19937 rng(6346);
  std::vector<std::string> sql;
  for (int i = 0; i < queries; ++i) {
    const int id = 4 * (1 + static_cast<int>(rng() % (rows / 4 - 1)));  // region EU: id % 4 == 0
    sql.push_back("SELECT id, holder, email, iban, balance FROM bank.accounts WHERE id = " +
                  std::to_string(id));
  }
  measure("SQLite source, " + std::to_string(rows) +
              " rows: point query by key with a row filter + 2 masks vs the administrator "
              "without policy",
          admin.get(), teller.get(), sql);

  // The same on PostgreSQL (Chinook's invoices, as loaded by scripts/test.sh), when a test
  // server is configured: a network round trip per query, as in production.
  if (std::getenv("CAIRN_TEST_PG_HOST") != nullptr) {
    Result<Config> pg_config = ParseConfig(
        "sources:\n  erp:\n    kind: postgres\n    host: ${CAIRN_TEST_PG_HOST}\n    port: "
        "${CAIRN_TEST_PG_PORT}\n    dbname: ${CAIRN_TEST_PG_DB}\n    user: ${CAIRN_TEST_PG_USER}\n"
        "    password: ${CAIRN_TEST_PG_PASSWORD}\n    schemas: [chinook]\n",
        dir / "cairn.yaml");
    auto pg_catalog = std::move(engine::Catalog::Create(*pg_config)).value();
    auto pg_policy = std::move(policy::Policy::Parse(R"(roles: {clerk: Clerks}
grants:
  - {roles: [clerk], source: erp, tables: [Invoice]}
row_filters:
  - {source: erp, table: Invoice, where: "BillingCountry = :country"}
masks:
  - {source: erp, table: Invoice, column: BillingAddress, mask: hash}
  - {source: erp, table: Invoice, column: BillingPostalCode, mask: last4}
)",
                                                     dir / "policy.yaml"))
                         .value();
    auto pg_admin =
        std::move(engine::Session::Open(pg_catalog.get(), engine::Principal::Admin())).value();
    auto clerk = std::move(engine::Session::Open(
                               pg_catalog.get(),
                               engine::Principal{"clerk", {"clerk"}, {{"country", "USA"}}}))
                     .value();
    clerk->set_policy(pg_policy.get());
    // The 91 invoices billed to the USA.
    Result<engine::QueryResult> ids =
        pg_admin->QueryAll("SELECT InvoiceId FROM erp.Invoice WHERE BillingCountry = 'USA'");
    if (!ids.ok() || ids->rows.empty()) {
      std::fprintf(stderr, "PostgreSQL: %s\n", ids.status().ToString().c_str());
      return 1;
    }
    std::vector<std::string> pg_sql;
    for (int i = 0; i < 2'000; ++i) {
      pg_sql.push_back(
          "SELECT InvoiceId, BillingAddress, BillingPostalCode, Total FROM erp.Invoice WHERE "
          "InvoiceId = " +
          std::to_string(ids->rows[rng() % ids->rows.size()][0].integer));
    }
    measure(
        "PostgreSQL source (Chinook invoices): point query by key with a row filter + 2 "
        "masks vs the administrator without policy",
        pg_admin.get(), clerk.get(), pg_sql);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) { return cairn::Main(argc, argv); }
