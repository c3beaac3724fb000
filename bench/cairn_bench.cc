// Federation benchmarks: each Cairn figure is a ratio against a baseline measured in the same
// run on the same data. Run through bench/run.sh (see bench/README.md), which starts a
// throw-away PostgreSQL and passes its address in CAIRN_TEST_PG_* variables.
//
// Scans run in child processes (this binary re-executed with --child) so that each one's peak
// RSS is its own. Every figure is the median of --rounds repetitions, baseline and Cairn
// alternating so that machine noise hits both alike.

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"

namespace cairn::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The data's sizes; --small shrinks them for ctest's smoke run (bench_smoke.federation), whose
// figures mean nothing beyond "every case still runs and agrees".
struct Sizes {
  int64_t items = 1'000'000;
  int64_t csv_bytes = 100ll << 20;
  int orders = 20'000;
  int customers = 10'000;
  int lookups = 2'000;
};
Sizes sizes;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) {
    std::cerr << "cairn_bench: " << name << " is not set (run bench/run.sh)\n";
    std::exit(2);
  }
  return value;
}

std::string PgConninfo() {
  return "host=" + Env("CAIRN_TEST_PG_HOST") + " port=" + Env("CAIRN_TEST_PG_PORT") +
         " user=" + Env("CAIRN_TEST_PG_USER") + " dbname=" + Env("CAIRN_TEST_PG_DB") +
         " password=" + Env("CAIRN_TEST_PG_PASSWORD");
}

PGconn* ConnectPg() {
  PGconn* conn = PQconnectdb(PgConninfo().c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::cerr << "cairn_bench: " << PQerrorMessage(conn);
    std::exit(1);
  }
  return conn;
}

void PgExec(PGconn* conn, const std::string& sql) {
  PGresult* result = PQexec(conn, sql.c_str());
  if (PQresultStatus(result) != PGRES_COMMAND_OK && PQresultStatus(result) != PGRES_TUPLES_OK) {
    std::cerr << "cairn_bench: " << sql << ": " << PQerrorMessage(conn);
    std::exit(1);
  }
  PQclear(result);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// ---- data ------------------------------------------------------------------------------

void PreparePostgres() {
  PGconn* conn = ConnectPg();
  PGresult* result = PQexec(conn, "SELECT count(*) FROM bench.items");
  bool ready = PQresultStatus(result) == PGRES_TUPLES_OK &&
               std::atoll(PQgetvalue(result, 0, 0)) == sizes.items;
  PQclear(result);
  if (!ready) {
    PgExec(conn, "DROP SCHEMA IF EXISTS bench CASCADE");
    PgExec(conn, "CREATE SCHEMA bench");
    PgExec(conn,
           "CREATE TABLE bench.items AS SELECT g::bigint AS id, md5(g::text) AS name, "
           "(g % 100)::int AS qty, ((g % 1000) / 10.0)::float8 AS price "
           "FROM generate_series(1, " +
               std::to_string(sizes.items) + ") g");
    PgExec(conn, "ALTER TABLE bench.items ADD PRIMARY KEY (id)");
    PgExec(conn, "VACUUM ANALYZE bench.items");
  }
  PQfinish(conn);
}

uint64_t Next(uint64_t* state) {  // splitmix64: deterministic data
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void WriteCsv(const fs::path& dir) {
  fs::create_directories(dir / "csv");
  const fs::path big = dir / "csv" / "big.csv";
  if (!fs::exists(big) || fs::file_size(big) < static_cast<uintmax_t>(sizes.csv_bytes)) {
    FILE* out = std::fopen(big.c_str(), "w");
    std::fputs("id,name,qty,price,note\n", out);
    uint64_t state = 1;
    for (int64_t id = 1; std::ftell(out) < sizes.csv_bytes; ++id) {
      uint64_t r = Next(&state);
      std::fprintf(
          out, "%lld,item %llu,%llu,%llu.%02llu,\"note, with comma %llu\"\n",
          static_cast<long long>(id), static_cast<unsigned long long>(r % 100000),
          static_cast<unsigned long long>(r % 97), static_cast<unsigned long long>(r % 1000),
          static_cast<unsigned long long>(r % 100), static_cast<unsigned long long>(r >> 40));
    }
    std::fclose(out);
  }
  FILE* customers = std::fopen((dir / "csv" / "customers.csv").c_str(), "w");
  std::fputs("customer_id,name,country\n", customers);
  const char* countries[] = {"NL", "DE", "BE", "FR", "GB", "US", "CN", "SG"};
  for (int id = 1; id <= sizes.customers; ++id) {
    std::fprintf(customers, "%d,Customer %d,%s\n", id, id, countries[id % 8]);
  }
  std::fclose(customers);
}

// Orders in a SQLite file; also a native SQLite copy of all three tables as the join baseline.
void WriteSqlite(const fs::path& dir) {
  fs::remove(dir / "orders.sqlite");
  sqlite3* db = nullptr;
  sqlite3_open((dir / "orders.sqlite").c_str(), &db);
  sqlite3_exec(db,
               "CREATE TABLE orders(order_id INTEGER PRIMARY KEY, item_id INTEGER, "
               "customer_id INTEGER, amount INTEGER); BEGIN",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO orders VALUES (?, ?, ?, ?)", -1, &insert, nullptr);
  uint64_t state = 7;
  for (int id = 1; id <= sizes.orders; ++id) {
    uint64_t r = Next(&state);
    sqlite3_bind_int(insert, 1, id);
    sqlite3_bind_int64(insert, 2, static_cast<int64_t>(r % sizes.items) + 1);
    sqlite3_bind_int(insert, 3, static_cast<int>((r >> 20) % sizes.customers) + 1);
    sqlite3_bind_int(insert, 4, static_cast<int>((r >> 40) % 20) + 1);
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

void WriteConfig(const fs::path& dir) {
  auto postgres = [](const std::string& name, const std::string& extra) {
    return "  " + name +
           ":\n    kind: postgres\n    host: \"${CAIRN_TEST_PG_HOST}\"\n"
           "    port: \"${CAIRN_TEST_PG_PORT}\"\n    dbname: \"${CAIRN_TEST_PG_DB}\"\n"
           "    user: \"${CAIRN_TEST_PG_USER}\"\n    password: \"${CAIRN_TEST_PG_PASSWORD}\"\n"
           "    schemas: [bench]\n" +
           extra;
  };
  std::ofstream out(dir / "cairn.yaml");
  out << "version: 1\nlimits:\n  max_rows: 100000000\n  timeout_ms: 600000\n"
         "  max_memory_mb: 4096\nsources:\n"
      // The same database three times: the defaults (a join's lookups fetched in batches of
      // the keys the engine reads ahead), one round trip per lookup, and the table read once
      // after its lookups have cost about a read of it.
      << postgres("pg", "") << postgres("pgrow", "    batch_lookups_mb: 0\n")
      << postgres("pgcache", "    batch_lookups_mb: 0\n    probe_cache_mb: 64\n")
      << "  files:\n    kind: csv\n    path: csv\n"
         "  shop:\n    kind: sqlite\n    path: orders.sqlite\n";
}

// ---- child processes --------------------------------------------------------------------

struct ChildResult {
  double seconds = 0;
  long max_rss_kib = 0;
  std::string output;
};

// Runs this binary with `args` and returns what it printed, its wall time and peak RSS.
ChildResult RunChild(const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) std::exit(1);
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    std::vector<char*> argv;
    static std::string self = fs::read_symlink("/proc/self/exe").string();
    argv.push_back(self.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  ChildResult result;
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) result.output.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.max_rss_kib = usage.ru_maxrss;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "cairn_bench: child " << args[1] << " failed: " << result.output << "\n";
    std::exit(1);
  }
  return result;
}

// Child: one SQL statement through a Cairn session (`runs` times); prints the first row, then
// "#query_s" and the wall time of each run in this process (the first one opens and attaches
// the sources).
int ChildCairnQuery(const fs::path& dir, const std::string& sql, int runs) {
  auto config = LoadConfig(dir / "cairn.yaml");
  if (!config.ok()) return std::cerr << config.status().ToString() << "\n", 1;
  auto catalog = engine::Catalog::Create(*config);
  if (!catalog.ok()) return std::cerr << catalog.status().ToString() << "\n", 1;
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  std::string times = "#query_s";
  Result<engine::QueryResult> result = engine::QueryResult{};
  for (int run = 0; run < runs; ++run) {
    auto start = Clock::now();
    result = (*session)->QueryAll(sql);
    times += " " + std::to_string(std::chrono::duration<double>(Clock::now() - start).count());
    if (!result.ok()) return std::cout << result.status().ToString() << "\n", 1;
  }
  for (const auto& value : result->rows.at(0)) std::cout << engine::ValueToText(value) << " ";
  std::cout << "\n" << times << "\n";
  return 0;
}

// Splits a ChildCairnQuery output into the row it printed and its per-run times.
std::string SplitQueryTimes(const std::string& output, std::vector<double>* times) {
  const size_t at = output.find("#query_s");
  if (at == std::string::npos) return output;
  std::istringstream in(output.substr(at + 8));
  for (double t; in >> t;) times->push_back(t);
  return output.substr(0, at);
}

// Child: the libpq baseline for the scan; fetches id, name, qty, price and aggregates.
// `cursor` fetches in batches of 10,000 rows (bounded memory, as Cairn does); otherwise the
// whole result is fetched at once.
int ChildLibpqScan(bool cursor) {
  PGconn* conn = ConnectPg();
  int64_t count = 0, qty = 0, name_bytes = 0;
  double price = 0;
  auto consume = [&](PGresult* r) {
    int rows = PQntuples(r);
    for (int i = 0; i < rows; ++i) {
      ++count;
      std::strtoll(PQgetvalue(r, i, 0), nullptr, 10);
      name_bytes += PQgetlength(r, i, 1);
      qty += std::strtoll(PQgetvalue(r, i, 2), nullptr, 10);
      price += std::strtod(PQgetvalue(r, i, 3), nullptr);
    }
    return rows;
  };
  const char* select = "SELECT id, name, qty, price FROM bench.items";
  if (cursor) {
    PgExec(conn, "BEGIN READ ONLY");
    PgExec(conn, std::string("DECLARE c NO SCROLL CURSOR FOR ") + select);
    while (true) {
      PGresult* r = PQexec(conn, "FETCH 10000 FROM c");
      int rows = consume(r);
      PQclear(r);
      if (rows == 0) break;
    }
    PgExec(conn, "COMMIT");
  } else {
    PGresult* r = PQexec(conn, select);
    consume(r);
    PQclear(r);
  }
  std::cout << count << " " << qty << " " << price << " " << name_bytes << "\n";
  PQfinish(conn);
  return 0;
}

// ---- cases -------------------------------------------------------------------------------

struct Row {
  std::string name, baseline, cairn, ratio, goal, note;
};

std::string Fmt(double v, int digits = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

Row PointLookup(const fs::path& dir, int rounds) {
  auto config = LoadConfig(dir / "cairn.yaml");
  auto catalog = engine::Catalog::Create(*config);
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  PGconn* conn = ConnectPg();
  // The baseline is libpq at its best: a statement prepared once on the server.
  PGresult* prepared = PQprepare(
      conn, "lookup", "SELECT id, name, qty, price FROM bench.items WHERE id = $1", 1, nullptr);
  if (PQresultStatus(prepared) != PGRES_COMMAND_OK) std::exit(1);
  PQclear(prepared);
  std::vector<double> base_us, cairn_us;
  uint64_t state = 42;
  // Warm both paths (connection, catalog).
  (void)(*session)->QueryAll("SELECT * FROM pg.items WHERE id = 1");
  for (int round = 0; round < rounds; ++round) {
    auto start = Clock::now();
    for (int i = 0; i < sizes.lookups; ++i) {
      std::string id = std::to_string(Next(&state) % sizes.items + 1);
      const char* params[] = {id.c_str()};
      PGresult* r = PQexecPrepared(conn, "lookup", 1, params, nullptr, nullptr, 0);
      if (PQntuples(r) != 1) std::exit(1);
      PQclear(r);
    }
    base_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
                      sizes.lookups);
    start = Clock::now();
    for (int i = 0; i < sizes.lookups; ++i) {
      std::string sql = "SELECT id, name, qty, price FROM pg.items WHERE id = " +
                        std::to_string(Next(&state) % sizes.items + 1);
      auto result = (*session)->QueryAll(sql);
      if (!result.ok() || result->rows.size() != 1) {
        std::cerr << "lookup failed: " << result.status().ToString() << "\n";
        std::exit(1);
      }
    }
    cairn_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
                       sizes.lookups);
  }
  PQfinish(conn);
  double b = Median(base_us), c = Median(cairn_us);
  return {"Postgres point lookup by primary key (per query)",
          Fmt(b, 1) + " µs (libpq, prepared statement)",
          Fmt(c, 1) + " µs",
          Fmt(c / b) + "×",
          "≤ 1.5×",
          ""};
}

Row FullScan(const fs::path& dir, int rounds, Row* unbounded) {
  const std::string sql = "SELECT count(*), sum(qty), sum(price), sum(length(name)) FROM pg.items";
  std::vector<double> base_s, all_s, cairn_s, base_rss, all_rss, cairn_rss;
  for (int round = 0; round < rounds; ++round) {
    ChildResult base = RunChild({"--child", "libpq-cursor"});
    ChildResult all = RunChild({"--child", "libpq-all"});
    ChildResult cairn = RunChild({"--child", "cairn", dir.string(), sql});
    base_s.push_back(base.seconds);
    base_rss.push_back(base.max_rss_kib / 1024.0);
    all_s.push_back(all.seconds);
    all_rss.push_back(all.max_rss_kib / 1024.0);
    cairn_s.push_back(cairn.seconds);
    cairn_rss.push_back(cairn.max_rss_kib / 1024.0);
    if (round == 0 && base.output.substr(0, base.output.find(' ')) !=
                          cairn.output.substr(0, cairn.output.find(' '))) {
      std::cerr << "row counts differ: " << base.output << " vs " << cairn.output << "\n";
      std::exit(1);
    }
  }
  double b = Median(base_s), a = Median(all_s), c = Median(cairn_s);
  *unbounded = {"… same scan vs libpq fetching the whole result at once",
                Fmt(a) + " s, " + Fmt(Median(all_rss), 0) + " MiB peak",
                Fmt(c) + " s, " + Fmt(Median(cairn_rss), 0) + " MiB peak",
                Fmt(c / a) + "×",
                "(context)",
                "the unbounded baseline holds all 1M rows in memory"};
  return {"Postgres full scan + aggregate, 1M rows (process wall time, peak RSS)",
          Fmt(b) + " s, " + Fmt(Median(base_rss), 0) + " MiB peak (libpq cursor, 10k/batch)",
          Fmt(c) + " s, " + Fmt(Median(cairn_rss), 0) + " MiB peak",
          Fmt(c / b) + "×",
          "≤ 1.3×, ≤ 64 MiB",
          ""};
}

Row CsvScan(const fs::path& dir, int rounds) {
  const fs::path big = dir / "csv" / "big.csv";
  const double mb = fs::file_size(big) / 1e6;
  std::vector<double> import_s, cairn_s, cairn_rss;
  const std::string import = "sqlite3 :memory: -cmd '.import --csv " + big.string() +
                             " t' 'SELECT count(*) FROM t' >/dev/null";
  for (int round = 0; round < rounds; ++round) {
    auto start = Clock::now();
    if (std::system(import.c_str()) != 0) std::exit(1);
    import_s.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    ChildResult cairn = RunChild(
        {"--child", "cairn", dir.string(), "SELECT count(*), sum(qty), sum(price) FROM files.big"});
    cairn_s.push_back(cairn.seconds);
    cairn_rss.push_back(cairn.max_rss_kib / 1024.0);
  }
  double i = mb / Median(import_s), c = mb / Median(cairn_s);
  return {"CSV scan of " + Fmt(mb, 0) + " MB (throughput)",
          Fmt(i, 0) + " MB/s (sqlite3 CLI .import)",
          Fmt(c, 0) + " MB/s, " + Fmt(Median(cairn_rss), 0) + " MiB peak",
          Fmt(c / i) + "× the throughput",
          "(higher is better)",
          "Cairn parses, types and aggregates; .import parses and inserts"};
}

// Statements PostgreSQL logged (log_statement=all, as scripts/pg.sh configures it) since byte
// `offset` of its log: every statement and every execution of a prepared one, the catalog
// queries, BEGIN/DECLARE/FETCH/COMMIT included. -1 when CAIRN_TEST_PG_LOG is unset.
long LogSize() {
  const char* log = std::getenv("CAIRN_TEST_PG_LOG");
  std::error_code ec;
  return log == nullptr ? -1 : static_cast<long>(fs::file_size(log, ec));
}

long StatementsSince(long offset) {
  if (offset < 0) return -1;
  usleep(300000);  // the server writes its log asynchronously
  std::ifstream in(std::getenv("CAIRN_TEST_PG_LOG"));
  in.seekg(offset);
  long count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("LOG:  statement: ") != std::string::npos ||
        line.find("LOG:  execute ") != std::string::npos) {
      ++count;
    }
  }
  return count;
}

std::vector<Row> CrossSourceJoin(const fs::path& dir, int rounds) {
  const std::string sql =
      "SELECT c.country, count(*), sum(o.amount * i.price) FROM shop.orders o "
      "JOIN files.customers c ON c.customer_id = o.customer_id "
      "JOIN pg.items i ON i.id = o.item_id GROUP BY c.country ORDER BY c.country";
  // pg.items read by three sources, each the same database with other options (WriteConfig).
  struct Variant {
    std::string source, label, goal, note;
    std::vector<double> seconds = {};
    std::vector<double> rss_mib = {};
    long statements = -1;
    std::string output = {};
    std::vector<double> first_query_s = {};  // in the process: sources opened and attached
    std::vector<double> again_s = {};        // the same query again in that session
  };
  std::vector<Variant> variants = {
      {"pg", ", batched lookups (the default)", "≤ 5×",
       "the orders' distinct item ids read ahead from the SQLite source, then fetched "
       "10,000 to a statement with = ANY($1)"},
      {"pgrow", ", one lookup per order (batch_lookups_mb: 0)", "(report)",
       "one round trip per order"},
      {"pgcache", ", table read at break-even (batch_lookups_mb: 0, probe_cache_mb: 64)",
       "(report)",
       "lookups until their round trips would have read the table (1M / 200), then one cursor "
       "reading id and price, the rest answered from memory"},
  };
  // Baseline: the same three tables copied into one native SQLite database with indexes.
  const fs::path native = dir / "native.sqlite";
  if (!fs::exists(native)) {
    ChildResult copy = RunChild({"--child", "copy-native", dir.string()});
    (void)copy;
  }
  const std::string native_sql =
      "SELECT c.country, count(*), sum(o.amount * i.price) FROM orders o "
      "JOIN customers c ON c.customer_id = o.customer_id "
      "JOIN items i ON i.id = o.item_id GROUP BY c.country ORDER BY c.country";
  std::vector<double> native_s;
  for (int round = 0; round < rounds; ++round) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(native.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    auto start = Clock::now();
    sqlite3_exec(db, native_sql.c_str(), nullptr, nullptr, nullptr);
    native_s.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    sqlite3_close(db);
    for (Variant& variant : variants) {
      std::string query = sql;
      query.replace(query.find("pg.items"), 8, variant.source + ".items");
      long offset = LogSize();
      ChildResult cairn = RunChild({"--child", "cairn", dir.string(), query});
      variant.statements = StatementsSince(offset);
      variant.seconds.push_back(cairn.seconds);
      variant.rss_mib.push_back(static_cast<double>(cairn.max_rss_kib) / 1024);
      std::vector<double> times;
      variant.output = SplitQueryTimes(cairn.output, &times);
      if (!times.empty()) variant.first_query_s.push_back(times[0]);
      if (&variant == &variants[0]) {
        // The query twice in one process: what a long-running server pays for it.
        std::vector<double> again;
        SplitQueryTimes(RunChild({"--child", "cairn-again", dir.string(), query}).output, &again);
        if (again.size() == 2) variant.again_s.push_back(again[1]);
      }
      if (variant.output != variants[0].output) {
        std::cerr << "cairn_bench: the join's results differ:\n"
                  << variants[0].output << variant.output;
        std::exit(1);
      }
    }
  }
  const double n = Median(native_s);
  std::vector<Row> rows;
  for (Variant& variant : variants) {
    const double c = Median(variant.seconds);
    rows.push_back(
        {"Cross-source join SQLite × CSV × Postgres (20k orders, 10k customers, 1M items)" +
             variant.label,
         Fmt(n * 1000, 1) + " ms (one native SQLite file)",
         Fmt(c * 1000, 0) + " ms, " + Fmt(Median(variant.rss_mib), 0) + " MiB peak",
         Fmt(c / n, 1) + "×", variant.goal,
         std::to_string(variant.statements) + " PostgreSQL statements: " + variant.note});
    if (!variant.first_query_s.empty() && &variant == &variants[0]) {
      const double first = Median(variant.first_query_s);
      rows.push_back(
          {"… the same, the query alone in the process (sources opened and attached "
           "by it)",
           Fmt(n * 1000, 1) + " ms", Fmt(first * 1000, 0) + " ms", Fmt(first / n, 1) + "×",
           "(context)", "process start, configuration and catalog left out"});
    }
    if (!variant.again_s.empty()) {
      const double again = Median(variant.again_s);
      rows.push_back({"… the same query again in that session (sources open, tables created)",
                      Fmt(n * 1000, 1) + " ms", Fmt(again * 1000, 0) + " ms",
                      Fmt(again / n, 1) + "×", "(context)", "what a running server pays"});
    }
  }
  return rows;
}

// Child: copy the three tables into native.sqlite (through Cairn, so the copy is the same data).
int ChildCopyNative(const fs::path& dir) {
  auto config = LoadConfig(dir / "cairn.yaml");
  auto catalog = engine::Catalog::Create(*config);
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  sqlite3* db = nullptr;
  sqlite3_open((dir / "native.sqlite").c_str(), &db);
  sqlite3_exec(db,
               "CREATE TABLE orders(order_id INTEGER PRIMARY KEY, item_id, customer_id, amount);"
               "CREATE TABLE customers(customer_id INTEGER PRIMARY KEY, name, country);"
               "CREATE TABLE items(id INTEGER PRIMARY KEY, name, qty, price); BEGIN",
               nullptr, nullptr, nullptr);
  struct Copy {
    const char* from;
    const char* insert;
  } copies[] = {
      {"SELECT order_id, item_id, customer_id, amount FROM shop.orders",
       "INSERT INTO orders VALUES (?, ?, ?, ?)"},
      {"SELECT customer_id, name, country FROM files.customers",
       "INSERT INTO customers VALUES (?, ?, ?)"},
      {"SELECT id, name, qty, price FROM pg.items", "INSERT INTO items VALUES (?, ?, ?, ?)"},
  };
  for (const Copy& copy : copies) {
    auto result = (*session)->QueryAll(copy.from);
    if (!result.ok()) return std::cerr << result.status().ToString() << "\n", 1;
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, copy.insert, -1, &insert, nullptr);
    for (const auto& row : result->rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        const auto& v = row[i];
        int p = static_cast<int>(i) + 1;
        if (v.type == engine::Value::Type::kInteger)
          sqlite3_bind_int64(insert, p, v.integer);
        else if (v.type == engine::Value::Type::kReal)
          sqlite3_bind_double(insert, p, v.real);
        else if (v.type == engine::Value::Type::kText)
          sqlite3_bind_text(insert, p, v.bytes.c_str(), static_cast<int>(v.bytes.size()),
                            SQLITE_TRANSIENT);
        else
          sqlite3_bind_null(insert, p);
      }
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return 0;
}

std::string Machine() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return model + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores, " +
         std::to_string(sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGE_SIZE) >> 30) + " GiB";
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "--child") {
    if (args[1] == "cairn" && args.size() == 4) return ChildCairnQuery(args[2], args[3], 1);
    if (args[1] == "cairn-again" && args.size() == 4) return ChildCairnQuery(args[2], args[3], 2);
    if (args[1] == "libpq-cursor") return ChildLibpqScan(true);
    if (args[1] == "libpq-all") return ChildLibpqScan(false);
    if (args[1] == "copy-native" && args.size() == 3) return ChildCopyNative(args[2]);
    return 2;
  }
  fs::path dir = fs::temp_directory_path() / "cairn-bench";
  int rounds = 5;
  std::string only;  // "join": only the cross-source join
  bool small = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--small") small = true;
    if (i + 1 == args.size()) continue;
    if (args[i] == "--dir") dir = args[i + 1];
    if (args[i] == "--rounds") rounds = std::atoi(args[i + 1].c_str());
    if (args[i] == "--only") only = args[i + 1];
  }
  const char* pg_host = std::getenv("CAIRN_TEST_PG_HOST");
  if (pg_host == nullptr || *pg_host == '\0') {
    std::cerr << "cairn_bench: needs a PostgreSQL: run bench/run.sh, or eval \"$(scripts/pg.sh "
                 "env)\"\n";
    // 77: skipped (ctest's smoke run), unless the caller requires PostgreSQL (scripts/test.sh).
    const char* require = std::getenv("CAIRN_REQUIRE_PG");
    return require == nullptr || *require == '\0' ? 77 : 2;
  }
  std::string small_db;
  const std::string test_db = Env("CAIRN_TEST_PG_DB");
  if (small) {
    sizes = Sizes{20'000, 2ll << 20, 2'000, 1'000, 200};
    // A database of its own, dropped at the end: the smoke run shares the test server with
    // tests that list its schemas, and must not replace a full-size bench.items.
    small_db = "cairn_bench_small_" + std::to_string(getpid());
    PGconn* conn = ConnectPg();
    PgExec(conn, "CREATE DATABASE " + small_db);
    PQfinish(conn);
    ::setenv("CAIRN_TEST_PG_DB", small_db.c_str(), 1);
  }
  fs::create_directories(dir);
  std::cerr << "preparing data in " << dir << " ...\n";
  PreparePostgres();
  WriteCsv(dir);
  WriteSqlite(dir);
  WriteConfig(dir);
  fs::remove(dir / "native.sqlite");

  std::vector<Row> rows;
  if (only.empty()) {
    std::cerr << "point lookups ...\n";
    rows.push_back(PointLookup(dir, rounds));
    std::cerr << "full scans ...\n";
    Row unbounded;
    rows.push_back(FullScan(dir, rounds, &unbounded));
    rows.push_back(unbounded);
    std::cerr << "CSV scans ...\n";
    rows.push_back(CsvScan(dir, rounds));
  }
  std::cerr << "cross-source join ...\n";
  for (Row& row : CrossSourceJoin(dir, rounds)) rows.push_back(std::move(row));

  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::cout << "Run " << date << " on " << Machine() << "; medians of " << rounds
            << " rounds; PostgreSQL 15 on loopback.\n\n";
  if (small) {
    std::cout << "--small: every size shrunk (" << sizes.items << " items, " << sizes.orders
              << " orders, a " << (sizes.csv_bytes >> 20)
              << " MiB CSV file); the labels below give the full sizes and the figures mean "
                 "nothing.\n\n";
  }
  std::cout << "| case | baseline | Cairn | ratio | goal | note |\n|---|---|---|---|---|---|\n";
  for (const Row& row : rows) {
    std::cout << "| " << row.name << " | " << row.baseline << " | " << row.cairn << " | "
              << row.ratio << " | " << row.goal << " | " << row.note << " |\n";
  }
  if (!small_db.empty()) {
    ::setenv("CAIRN_TEST_PG_DB", test_db.c_str(), 1);
    PGconn* conn = ConnectPg();
    PgExec(conn, "DROP DATABASE " + small_db + " WITH (FORCE)");
    PQfinish(conn);
  }
  return 0;
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) { return cairn::bench::Main(argc, argv); }
