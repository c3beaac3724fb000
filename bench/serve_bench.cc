// What the network doors cost: `cairn serve` (REST and MCP Streamable HTTP) under 200 concurrent
// keep-alive clients, against the same work done in this process through the library.
//
// Set-up, in a fresh temporary directory: `cairn init`, a SQLite source with 10,000 tables x 20
// columns (names drawn from the words of search_bench.cc; one table holds 50 rows), a policy
// granting the role `analyst` ten tables, an admin token and an analyst token, and the search
// index built through the library (context::Reindex as the administrator, what the server does
// when the index is stale; `--discover` runs `cairn discover` instead and times it).
//
// Measured:
//   in-process   context::SearchIndex::Search on the same state database (and
//                service::VisibleSearch for the analyst); engine::Session::QueryAll of a
//                10-row SELECT, with and without the ledger
//   cairn query  the same SELECT as a process (`cairn query SQL --format json`), as an agent
//                shelling out pays it
//   server       `cairn serve --workers N` as a child process; --clients threads, each with its
//                own keep-alive HTTP/1.1 connection (and MCP session), looping searches for
//                --seconds (REST GET /api/v1/search and MCP tools/call search_context, as the
//                administrator and as the analyst), then one client for --baseline-seconds;
//                MCP tools/call run_query on a warm session, --reps times.
// Every latency is recorded; an error is any non-200, a JSON-RPC error or isError.
//
//   ninja -C build cairn cairn_serve_bench && build/bench/cairn_serve_bench
//       [--clients 200] [--seconds 30] [--baseline-seconds 5] [--workers 4] [--reps 200]
//       [--think-ms 0] [--tables 10000] [--discover] [--keep] [--cairn build/cairn]

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <latch>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog_words.h"
#include "context/recipes.h"
#include "context/search.h"
#include "engine/session.h"
#include "serve_clients.h"
#include "service/context_ops.h"
#include "service/workspace.h"
#include "store/state_db.h"

extern char** environ;

namespace cairn::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "cairn_serve_bench: %s\n", what.c_str());
  std::exit(1);
}

// ---------------------------------------------------------------------------------------------
// Statistics.

struct Summary {
  size_t n = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // milliseconds
};

Summary Summarize(std::vector<double> micros) {
  Summary s;
  s.n = micros.size();
  if (micros.empty()) return s;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(micros.size()));
    return micros[std::min(i, micros.size() - 1)] / 1000;
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.max = micros.back() / 1000;
  return s;
}

double LoadAverage() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

// ---------------------------------------------------------------------------------------------
// Child processes.

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// The environment of this process plus `extra` ("NAME=value").
struct Environment {
  std::vector<std::string> storage;
  std::vector<char*> pointers;
  explicit Environment(const std::vector<std::string>& extra) {
    for (char** e = environ; *e != nullptr; ++e) storage.emplace_back(*e);
    for (const auto& x : extra) storage.push_back(x);
    for (auto& s : storage) pointers.push_back(s.data());
    pointers.push_back(nullptr);
  }
};

// Runs `args` to completion with stdout captured and stderr appended to `stderr_file`.
// Returns the exit status (-1 when it did not exit normally).
int Run(std::vector<std::string> args, const std::vector<std::string>& env_extra,
        const fs::path& stderr_file, std::string* out) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) Die("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  Environment env(env_extra);
  auto argv = Argv(args);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) Die("cannot start " + args[0] + ": " + std::strerror(rc));
  out->clear();
  char buffer[65536];
  for (;;) {
    ssize_t got = read(pipe_fds[0], buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    out->append(buffer, static_cast<size_t>(got));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string RunOrDie(const std::vector<std::string>& args, const fs::path& log,
                     const std::vector<std::string>& env_extra = {}) {
  std::string out;
  if (Run(args, env_extra, log, &out) != 0) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    Die("failed: " + joined + "(see " + log.string() + ")");
  }
  return out;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// `cairn serve` as a child; stdout read until it names its URL.
class Server {
 public:
  Server(const std::string& cairn, const fs::path& config, int workers, const fs::path& log) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) Die("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::vector<std::string> args = {
        cairn,          "--config", config.string(), "serve", "--port",    "0",
        "--access-log", "off",      "--rate",        "0",     "--workers", std::to_string(workers)};
    Environment env(std::vector<std::string>{});
    auto argv = Argv(args);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), env.pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (rc != 0) Die("cannot start cairn serve: " + std::string(std::strerror(rc)));
    stdout_fd_ = pipe_fds[0];
    std::string seen;
    const std::string marker = "serving on http://";
    auto listening = [&] {
      const size_t at = seen.find(marker);
      return at != std::string::npos && seen.find('\n', at) != std::string::npos;
    };
    while (!listening()) {
      char c[256];
      ssize_t got = read(stdout_fd_, c, sizeof(c));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) Die("cairn serve exited before listening (see " + log.string() + "): " + seen);
      seen.append(c, static_cast<size_t>(got));
    }
    const size_t at = seen.find(marker) + marker.size();
    const std::string host_port = seen.substr(at, seen.find('\n', at) - at);
    port_ = std::atoi(host_port.substr(host_port.rfind(':') + 1).c_str());
    if (port_ <= 0) Die("cannot read the port from: " + seen);
  }

  // SIGTERM, then waits; returns the exit status.
  int Stop() {
    if (pid_ <= 0) return 0;
    kill(pid_, SIGTERM);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
    close(stdout_fd_);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~Server() { Stop(); }

  int port() const { return port_; }

 private:
  pid_t pid_ = 0;
  int stdout_fd_ = -1;
  int port_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Load phases.

enum class Door { kRest, kMcp };

struct PhaseResult {
  std::string name;
  int clients = 0, reconnects = 0;
  uint64_t requests = 0, errors = 0, hits = 0;
  Summary latency;
  std::vector<std::string> error_samples;
  double seconds = 0, load_before = 0, load_after = 0;
  double rps() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

PhaseResult RunPhase(const std::string& name, Door door, int port, const std::string& token,
                     const std::vector<std::string>& queries, int clients, double seconds,
                     double think_ms, uint32_t seed) {
  PhaseResult result;
  result.name = name;
  result.clients = clients;
  result.load_before = LoadAverage();
  std::mutex mu;  // guards result
  std::vector<std::vector<double>> latencies(clients);
  std::latch ready(clients + 1);
  std::latch go(1);
  std::atomic<bool> setup_failed{false};
  Clock::time_point deadline;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937 rng(seed + static_cast<uint32_t>(c) * 7919u);
      McpClient mcp(port, token);
      HttpClient& http = mcp.http();
      auto next_request = [&] {
        const std::string& q = queries[rng() % queries.size()];
        if (door == Door::kRest) {
          return Get(port, "/api/v1/search?q=" + UrlEncode(q) + "&limit=10", token);
        }
        return mcp.CallRequest("search_context", Json{{"query", q}, {"limit", 10}});
      };
      auto ok = [&](const Response& r) {
        return door == Door::kRest ? r.status == 200 : ToolCallOk(r);
      };
      // Set-up and one warm-up request, untimed; the first response is parsed in full.
      std::string error;
      Response response;
      bool fine = door == Door::kRest || mcp.Initialize(&error);
      if (fine) fine = http.RoundTrip(next_request(), &response, &error);
      if (fine && !ok(response)) {
        fine = false;
        error = "HTTP " + std::to_string(response.status) + " " + response.body.substr(0, 300);
      }
      if (fine) {
        Json parsed = Json::parse(response.body, nullptr, false);
        const bool shaped =
            door == Door::kRest
                ? parsed.is_object() && parsed.contains("hits") && parsed["hits"].is_array()
                : parsed.is_object() && parsed.contains("result") &&
                      parsed["result"].value("isError", true) == false;
        if (!shaped) fine = false, error = "unexpected response: " + response.body.substr(0, 300);
      }
      if (!fine) {
        setup_failed = true;
        std::lock_guard lock(mu);
        if (result.error_samples.size() < 5) result.error_samples.push_back("set-up: " + error);
      }
      ready.count_down();
      go.wait();
      if (setup_failed) return;
      std::vector<double>& mine = latencies[c];
      mine.reserve(static_cast<size_t>(seconds * 2000 / clients + 1000));
      uint64_t errors = 0, hits = 0;
      std::vector<std::string> samples;
      // An agent that thinks pauses an exponential time (mean think_ms) before each call, the first
      // too: the clients start as in the steady state, not as one burst of `clients` requests.
      std::exponential_distribution<double> pause(think_ms > 0 ? 1.0 / think_ms : 1.0);
      auto think = [&] {
        if (think_ms > 0)
          std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(pause(rng)));
      };
      think();
      while (Clock::now() < deadline) {
        const std::string request = next_request();
        const auto start = Clock::now();
        const bool io = http.RoundTrip(request, &response, &error);
        mine.push_back(MicrosSince(start));
        if (!io || !ok(response)) {
          ++errors;
          if (samples.size() < 2) {
            samples.push_back(io ? "HTTP " + std::to_string(response.status) + " " +
                                       response.body.substr(0, 300)
                                 : error);
          }
        } else {
          hits += Count(response.body, "\"ref\":");
        }
        think();
      }
      std::lock_guard lock(mu);
      result.errors += errors;
      result.hits += hits;
      result.reconnects += http.closes();
      for (auto& s : samples) {
        if (result.error_samples.size() < 5) result.error_samples.push_back(std::move(s));
      }
    });
  }
  ready.arrive_and_wait();
  const auto start = Clock::now();
  deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  go.count_down();
  for (auto& t : threads) t.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.load_after = LoadAverage();
  if (setup_failed) {
    for (const auto& e : result.error_samples) std::fprintf(stderr, "%s\n", e.c_str());
    Die(name + ": a client could not start");
  }
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  result.requests = all.size();
  result.latency = Summarize(std::move(all));
  return result;
}

// ---------------------------------------------------------------------------------------------
// Set-up.

const std::vector<std::string>& Words() { return bench::CatalogWords(); }

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

void Exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "?";
    sqlite3_free(message);
    Die("sqlite: " + text + " in " + sql.substr(0, 200));
  }
}

// Writes `file`: `tables` tables of 20 columns with names drawn from Words() (fixed seed); the
// first table gets 50 rows. Returns the table names.
std::vector<std::string> WriteSource(const fs::path& file, int tables) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) Die("cannot create " + file.string());
  Exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN");
  std::mt19937 rng(6346);
  const auto& words = Words();
  auto word = [&] { return words[rng() % words.size()]; };
  std::vector<std::string> names;
  std::vector<std::string> first_columns;
  for (int t = 0; t < tables; ++t) {
    std::string name = word() + "_" + word() + std::to_string(t);
    std::string sql = "CREATE TABLE " + Quote(name) + " (";
    std::set<std::string> seen;
    for (int c = 0; c < 20; ++c) {
      std::string column = word() + "_" + word();
      if (!seen.insert(column).second) column += "_" + std::to_string(c);
      seen.insert(column);
      if (t == 0) first_columns.push_back(column);
      sql += (c ? ", " : "") + Quote(column) + (c % 3 == 0 ? " INTEGER" : " TEXT");
    }
    Exec(db, sql + ")");
    names.push_back(name);
  }
  for (int r = 0; r < 50; ++r) {
    std::string values;
    for (int c = 0; c < 20; ++c) {
      values += c ? ", " : "";
      values += c % 3 == 0 ? std::to_string(r * 20 + c)
                           : "'" + first_columns[c] + " " + std::to_string(r) + "'";
    }
    Exec(db, "INSERT INTO " + Quote(names[0]) + " VALUES (" + values + ")");
  }
  Exec(db, "COMMIT");
  sqlite3_close(db);
  return names;
}

struct Options {
  int clients = 200;
  double seconds = 30;
  double baseline_seconds = 5;
  int workers = 4;
  int reps = 200;
  double think_ms = 0;
  int tables = 10'000;
  bool discover = false;
  bool keep = false;
  bool no_query = false;
  bool analyst_load = true;
  std::string cairn;
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--clients") {
      o.clients = std::atoi(value().c_str());
    } else if (arg == "--seconds") {
      o.seconds = std::atof(value().c_str());
    } else if (arg == "--baseline-seconds") {
      o.baseline_seconds = std::atof(value().c_str());
    } else if (arg == "--workers") {
      o.workers = std::atoi(value().c_str());
    } else if (arg == "--reps") {
      o.reps = std::atoi(value().c_str());
    } else if (arg == "--think-ms") {
      o.think_ms = std::atof(value().c_str());
    } else if (arg == "--tables") {
      o.tables = std::atoi(value().c_str());
    } else if (arg == "--cairn") {
      o.cairn = value();
    } else if (arg == "--discover") {
      o.discover = true;
    } else if (arg == "--no-analyst-load") {
      o.analyst_load = false;
    } else if (arg == "--no-query") {
      o.no_query = true;
    } else if (arg == "--keep") {
      o.keep = true;
    } else {
      Die("unknown argument " + arg +
          " (--clients N --seconds S --baseline-seconds S --workers N --reps N --tables N "
          "--think-ms MS --discover --no-query --no-analyst-load --keep --cairn PATH)");
    }
  }
  if (o.clients < 1 || o.seconds <= 0 || o.workers < 1 || o.reps < 1 || o.tables < 10) {
    Die("bad arguments");
  }
  if (o.cairn.empty()) {
    // build/bench/cairn_serve_bench -> build/cairn
    o.cairn = (fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "cairn").string();
  }
  if (!fs::exists(o.cairn)) Die(o.cairn + ": no cairn binary (use --cairn PATH)");
  return o;
}

template <typename T>
T Check(Result<T> result, const std::string& what) {
  if (!result.ok()) Die(what + ": " + result.status().ToString());
  return std::move(*result);
}

struct Timed {
  Summary latency;
  int failures = 0;
};

std::string Ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof(text), ms < 10 ? "%.2f ms" : "%.1f ms", ms);
  return text;
}

int Main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  char pattern[] = "/tmp/cairn-serve-bench-XXXXXX";
  if (mkdtemp(pattern) == nullptr) Die("mkdtemp failed");
  const fs::path dir = pattern;
  const fs::path config = dir / "cairn.yaml";
  const fs::path log = dir / "cairn.log";
  const std::string& cairn = options.cairn;
  std::printf("workspace %s; cairn %s; load average %.1f\n", dir.c_str(), cairn.c_str(),
              LoadAverage());
  std::fflush(stdout);

  // --- Set-up -------------------------------------------------------------------------------
  auto start = Clock::now();
  RunOrDie({cairn, "--config", config.string(), "init"}, log);
  const std::vector<std::string> tables = WriteSource(dir / "erp.sqlite", options.tables);
  const double source_s = MicrosSince(start) / 1e6;
  RunOrDie({cairn, "--config", config.string(), "sources", "add", "erp", "--kind", "sqlite",
            "--path", (dir / "erp.sqlite").string()},
           log);
  {
    std::ofstream policy(dir / "policy.yaml");
    policy << "version: 1\nroles:\n  analyst: Bench analyst (ten tables)\ngrants:\n"
              "  - roles: [analyst]\n    source: erp\n    tables: [";
    for (int t = 0; t < 10; ++t) policy << (t ? ", " : "") << tables[t];
    policy << "]\n";
  }
  RunOrDie({cairn, "--config", config.string(), "principal", "add", "analyst", "--kind", "agent",
            "--role", "analyst"},
           log);
  const std::string admin_token =
      FirstLine(RunOrDie({cairn, "--config", config.string(), "token", "issue", "admin"}, log));
  const std::string analyst_token =
      FirstLine(RunOrDie({cairn, "--config", config.string(), "token", "issue", "analyst"}, log));
  if (admin_token.empty() || analyst_token.empty()) Die("no token printed");

  auto ws = Check(service::Workspace::Open(config), "open workspace");
  const engine::Principal admin = Check(ws->LocalAdmin(), "local admin");
  const engine::Principal analyst = Check(ws->Authenticate(analyst_token), "analyst token");
  store::StateDb* db = Check(ws->StateDb(), "state db");
  double index_s = 0;
  std::string index_how;
  start = Clock::now();
  if (options.discover) {
    // Discovery profiles and infers joins; the search index is rebuilt by its first reader
    // (the server, `cairn search`) once stale, so it is rebuilt here as they would.
    RunOrDie({cairn, "--config", config.string(), "discover"}, log);
    std::printf("set-up: `cairn discover` in %.1f s\n", MicrosSince(start) / 1e6);
    auto session = Check(ws->OpenSession(admin, "bench"), "admin session");
    Check(context::Reindex(db, session.get()), "reindex");
    index_how = "`cairn discover`, then context::Reindex";
  } else {
    auto session = Check(ws->OpenSession(admin, "bench"), "admin session");
    const auto stats = Check(context::Reindex(db, session.get()), "reindex");
    index_how = "context::Reindex as the administrator";
    if (stats.tables != options.tables) Die("indexed " + std::to_string(stats.tables) + " tables");
  }
  index_s = MicrosSince(start) / 1e6;
  context::SearchIndex index = Check(context::SearchIndex::Open(db), "search index");
  if (!Check(index.SchemaIndexed(), "indexed?")) Die("the search index was not built");
  std::printf("set-up: source written in %.1f s; search index (%s) in %.1f s\n", source_s,
              index_how.c_str(), index_s);
  std::fflush(stdout);

  // Queries: one or two words, fixed seed.
  std::vector<std::string> queries;
  {
    std::mt19937 rng(2025);
    const auto& words = Words();
    for (int q = 0; q < 500; ++q) {
      std::string text = words[rng() % words.size()];
      if (q % 2) text += " " + words[rng() % words.size()];
      queries.push_back(text);
    }
  }

  // --- In-process baselines ------------------------------------------------------------------
  Summary search_in_process, search_in_process_analyst;
  double analyst_hits = 0;
  {
    std::vector<double> micros;
    for (int i = 0; i < 2000; ++i) {
      const auto begin = Clock::now();
      auto hits = index.Search(queries[i % queries.size()], 10);
      micros.push_back(MicrosSince(begin));
      if (!hits.ok() || hits->empty()) Die("in-process search failed");
    }
    search_in_process = Summarize(micros);
    auto session = Check(ws->OpenSession(analyst, "bench"), "analyst session");
    auto recipes = Check(context::RecipeStore::Open(db), "recipes");
    // Filtered search costs far more per query (see RESULTS.md): at most 200 queries or 20 s.
    micros.clear();
    size_t hits_total = 0;
    const auto analyst_start = Clock::now();
    for (int i = 0; i < 200 && (i < 3 || MicrosSince(analyst_start) < 20e6); ++i) {
      const auto begin = Clock::now();
      auto hits = service::VisibleSearch(*session, index, recipes, queries[i % queries.size()], 10);
      micros.push_back(MicrosSince(begin));
      if (!hits.ok()) Die("in-process visible search failed: " + hits.status().ToString());
      hits_total += hits->size();
    }
    search_in_process_analyst = Summarize(micros);
    analyst_hits = static_cast<double>(hits_total) / static_cast<double>(micros.size());
  }

  const std::string sql = "SELECT * FROM erp." + Quote(tables[0]) + " ORDER BY 1 LIMIT 10";
  Timed query_in_process, query_in_process_ledger, query_cli;
  if (!options.no_query) {
    // The engine alone: a Session as Workspace::OpenSession makes it, without the ledger.
    auto policy = Check(ws->Policy(admin, "bench"), "policy");
    auto plain = Check(engine::Session::Open(ws->catalog(), admin), "session");
    plain->set_policy(policy);
    plain->set_limits(ws->config().limits);
    auto ledgered = Check(ws->OpenSession(admin, "bench"), "session");
    ledgered->set_limits(ws->config().limits);
    std::vector<double> a, b;
    for (int i = 0; i < options.reps + 5; ++i) {  // 5 warm-up rounds, alternating
      auto begin = Clock::now();
      auto rows = plain->QueryAll(sql);
      const double ta = MicrosSince(begin);
      if (!rows.ok() || rows->rows.size() != 10) Die("in-process query failed");
      begin = Clock::now();
      rows = ledgered->QueryAll(sql);
      const double tb = MicrosSince(begin);
      if (!rows.ok() || rows->rows.size() != 10) Die("in-process ledgered query failed");
      if (i >= 5) a.push_back(ta), b.push_back(tb);
    }
    query_in_process.latency = Summarize(a);
    query_in_process_ledger.latency = Summarize(b);
  }
  ws.reset();  // the server is the only writer of the ledger from here on
  if (!options.no_query) {
    // At most --reps processes or 90 s (at least 20).
    std::vector<double> micros;
    std::string out;
    const auto cli_start = Clock::now();
    for (int i = 0; i < options.reps && (i < 20 || MicrosSince(cli_start) < 90e6); ++i) {
      const auto begin = Clock::now();
      const int rc = Run({cairn, "--config", config.string(), "query", sql, "--format", "json"},
                         {"CAIRN_TOKEN=" + admin_token}, log, &out);
      micros.push_back(MicrosSince(begin));
      if (rc != 0) {
        ++query_cli.failures;
      } else if (i == 0) {
        Json parsed = Json::parse(out, nullptr, false);
        const size_t rows = parsed.is_array()                               ? parsed.size()
                            : parsed.is_object() && parsed.contains("rows") ? parsed["rows"].size()
                                                                            : 0;
        if (rows != 10) Die("cairn query printed an unexpected result: " + out.substr(0, 300));
      }
    }
    query_cli.latency = Summarize(micros);
  }
  std::printf("in-process and CLI baselines done; load average %.1f\n", LoadAverage());
  std::fflush(stdout);

  // --- The server ----------------------------------------------------------------------------
  Server server(cairn, config, options.workers, log);
  const int port = server.port();
  std::printf("cairn serve --workers %d on port %d\n", options.workers, port);
  std::fflush(stdout);
  std::vector<PhaseResult> phases;
  auto phase = [&](const std::string& name, Door door, const std::string& token, int clients,
                   double seconds) {
    phases.push_back(RunPhase(name, door, port, token, queries, clients, seconds,
                              clients > 1 ? options.think_ms : 0, 17));
    const PhaseResult& p = phases.back();
    std::printf("  %-40s %4d clients %6.0f req/s p50 %s p99 %s errors %llu\n", name.c_str(),
                clients, p.rps(), Ms(p.latency.p50).c_str(), Ms(p.latency.p99).c_str(),
                static_cast<unsigned long long>(p.errors));
    std::fflush(stdout);
  };
  phase("REST search, admin", Door::kRest, admin_token, 1, options.baseline_seconds);
  phase("REST search, admin", Door::kRest, admin_token, options.clients, options.seconds);
  phase("REST search, analyst (10 tables granted)", Door::kRest, analyst_token, 1,
        options.baseline_seconds);
  if (options.analyst_load) {
    phase("REST search, analyst (10 tables granted)", Door::kRest, analyst_token, options.clients,
          options.seconds);
  }
  phase("MCP search_context, admin", Door::kMcp, admin_token, 1, options.baseline_seconds);
  phase("MCP search_context, admin", Door::kMcp, admin_token, options.clients, options.seconds);
  phase("MCP search_context, analyst", Door::kMcp, analyst_token, 1, options.baseline_seconds);
  if (options.analyst_load) {
    phase("MCP search_context, analyst", Door::kMcp, analyst_token, options.clients,
          options.seconds);
  }

  Timed query_mcp;
  if (!options.no_query) {
    McpClient mcp(port, admin_token);
    std::string error;
    if (!mcp.Initialize(&error)) Die("MCP initialize: " + error);
    std::vector<double> micros;
    Response response;
    const Json args = {{"sql", sql}, {"limit", 10}};
    for (int i = 0; i < options.reps + 5; ++i) {
      const std::string request = mcp.CallRequest("run_query", args);
      const auto begin = Clock::now();
      const bool io = mcp.http().RoundTrip(request, &response, &error);
      const double t = MicrosSince(begin);
      if (!io || !ToolCallOk(response)) {
        ++query_mcp.failures;
        if (query_mcp.failures == 1) {
          std::fprintf(stderr, "run_query: %s\n", (io ? response.body : error).c_str());
        }
      } else if (i == 0) {
        Json parsed = Json::parse(response.body, nullptr, false);
        const std::string text = parsed.dump();
        if (Count(text, "\"rows\":") == 0) Die("run_query: no rows in " + text.substr(0, 300));
      }
      if (i >= 5) micros.push_back(t);
    }
    query_mcp.latency = Summarize(micros);
  }
  const int server_exit = server.Stop();

  // --- Report ---------------------------------------------------------------------------------
  char when[64];
  const std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::printf(
      "\nRun %s; %u hardware threads; `cairn serve --workers %d`; %d tables x 20 columns; "
      "search index built by %s in %.1f s; clients think %.0f ms (mean) between requests; "
      "server exit status %d.\n\n",
      when, std::thread::hardware_concurrency(), options.workers, options.tables, index_how.c_str(),
      index_s, options.think_ms, server_exit);
  std::printf(
      "| search (limit 10) | clients | requests/s | p50 | p90 | p99 | max | errors | hits per "
      "answer | load avg before → after |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  std::printf("| in-process SearchIndex::Search (admin view) | 1 | | %s | | %s | | 0 | | |\n",
              Ms(search_in_process.p50).c_str(), Ms(search_in_process.p99).c_str());
  std::printf(
      "| in-process service::VisibleSearch (analyst; %zu queries) | 1 | | %s | | %s | | 0 | %.1f "
      "| |\n",
      search_in_process_analyst.n, Ms(search_in_process_analyst.p50).c_str(),
      Ms(search_in_process_analyst.p99).c_str(), analyst_hits);
  for (const auto& p : phases) {
    std::printf("| %s | %d | %.0f | %s | %s | %s | %s | %llu | %.1f | %.1f → %.1f |\n",
                p.name.c_str(), p.clients, p.rps(), Ms(p.latency.p50).c_str(),
                Ms(p.latency.p90).c_str(), Ms(p.latency.p99).c_str(), Ms(p.latency.max).c_str(),
                static_cast<unsigned long long>(p.errors),
                p.requests > p.errors
                    ? static_cast<double>(p.hits) / static_cast<double>(p.requests - p.errors)
                    : 0.0,
                p.load_before, p.load_after);
  }
  for (const auto& p : phases) {
    for (const auto& e : p.error_samples)
      std::printf("error (%s): %s\n", p.name.c_str(), e.c_str());
    if (p.reconnects)
      std::printf("%s: %d connections closed by the server\n", p.name.c_str(), p.reconnects);
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
  const PhaseResult& rest1 = phases[0];
  const PhaseResult& rest_n = phases[1];
  const PhaseResult& mcp1 = phases[options.analyst_load ? 4 : 3];
  const PhaseResult& mcp_n = phases[options.analyst_load ? 5 : 4];
  std::printf(
      "\nRatios (medians): REST 1 client / in-process %.1fx; MCP 1 client / in-process %.1fx; "
      "REST %d clients / 1 client %.1fx (p99 %.1fx); MCP %d clients / 1 client %.1fx (p99 "
      "%.1fx).\n",
      ratio(rest1.latency.p50, search_in_process.p50),
      ratio(mcp1.latency.p50, search_in_process.p50), options.clients,
      ratio(rest_n.latency.p50, rest1.latency.p50), ratio(rest_n.latency.p99, rest1.latency.p99),
      options.clients, ratio(mcp_n.latency.p50, mcp1.latency.p50),
      ratio(mcp_n.latency.p99, mcp1.latency.p99));
  if (!options.no_query) {
    std::printf(
        "\n| run_query: `%s` (10 rows x 20 columns), %d repetitions | median | p99 | failures |\n"
        "|---|---:|---:|---:|\n",
        sql.c_str(), options.reps);
    std::printf("| in-process engine::Session::QueryAll, no ledger | %s | %s | 0 |\n",
                Ms(query_in_process.latency.p50).c_str(), Ms(query_in_process.latency.p99).c_str());
    std::printf("| in-process, Session with the ledger (Workspace::OpenSession) | %s | %s | 0 |\n",
                Ms(query_in_process_ledger.latency.p50).c_str(),
                Ms(query_in_process_ledger.latency.p99).c_str());
    std::printf("| MCP tools/call run_query, warm session | %s | %s | %d |\n",
                Ms(query_mcp.latency.p50).c_str(), Ms(query_mcp.latency.p99).c_str(),
                query_mcp.failures);
    std::printf("| `cairn query ... --format json` process (%zu runs) | %s | %s | %d |\n",
                query_cli.latency.n, Ms(query_cli.latency.p50).c_str(),
                Ms(query_cli.latency.p99).c_str(), query_cli.failures);
    std::printf(
        "\nRatios (medians): MCP / in-process %.1fx (with the ledger %.1fx); MCP / `cairn query` "
        "%.2fx.\n",
        ratio(query_mcp.latency.p50, query_in_process.latency.p50),
        ratio(query_mcp.latency.p50, query_in_process_ledger.latency.p50),
        ratio(query_mcp.latency.p50, query_cli.latency.p50));
  }
  std::printf("load average at the end %.1f\n", LoadAverage());

  if (!options.keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  } else {
    std::printf("kept %s\n", dir.c_str());
  }
  uint64_t errors = 0;
  for (const auto& p : phases) errors += p.errors;
  return errors == 0 && query_mcp.failures == 0 && query_cli.failures == 0 ? 0 : 2;
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) { return cairn::bench::Main(argc, argv); }
