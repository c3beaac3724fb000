// Several `cairn serve` nodes on one PostgreSQL state (issue 12): requests per second of REST
// query (each one a ledgered run_query: a session, the policy, a durable ledger append) and of
// MCP search_context with 1, 2 and 4 nodes, and the CPU each request costs the nodes and
// PostgreSQL, from /proc.
//
// On this machine the nodes, PostgreSQL and the clients share the same cores, so more nodes
// cannot add throughput here; what the figures show is that the nodes do not serialise on each
// other (the ledger's one serialisation point included), and the per-request CPU says what more
// cores would give: cores / (CPU per request) requests per second.
//
//   build/bench/cairn_multinode_bench [seconds per run, default 4] [clients, default 8]
//
// Needs the test PostgreSQL: eval "$(scripts/pg.sh env)" after scripts/pg.sh start.

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include "../tests/e2e/cli_harness.h"
#include "../tests/e2e/serve_harness.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using cairn::e2e::ShellQuote;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string Run(const std::string& command, int* code = nullptr) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = pclose(pipe);
  if (code) *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// CPU seconds (user + system) of one process, from /proc/PID/stat.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
    if (i == 15) break;
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU seconds of every PostgreSQL process on the machine.
double PostgresCpu() {
  double total = 0;
  DIR* proc = opendir("/proc");
  while (dirent* entry = readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("postgres", 0) == 0) total += CpuSeconds(pid);
  }
  closedir(proc);
  return total;
}

struct Figures {
  double per_second = 0;
  double node_cpu_ms = 0;  // per request
  double pg_cpu_ms = 0;    // per request
  int64_t errors = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 4;
  const int clients = argc > 2 ? std::atoi(argv[2]) : 8;
  if (Env("CAIRN_TEST_PG_HOST").empty()) {
    std::fprintf(stderr, "needs the test PostgreSQL: eval \"$(scripts/pg.sh env)\"\n");
    // 77: skipped (ctest's smoke run), unless the caller requires PostgreSQL (scripts/test.sh).
    return Env("CAIRN_REQUIRE_PG").empty() ? 77 : 2;
  }
  std::random_device random;
  const fs::path root =
      fs::temp_directory_path() / ("cairn-multinode-bench-" + std::to_string(random()));
  fs::create_directories(root);
  const std::string cairn = ShellQuote(CAIRN_BINARY);
  const std::string db = "cairn_bench_" + std::to_string(random() % 100000000);
  const std::string psql = "PGPASSWORD=" + ShellQuote(Env("CAIRN_TEST_PG_PASSWORD")) + " psql -h " +
                           Env("CAIRN_TEST_PG_HOST") + " -p " + Env("CAIRN_TEST_PG_PORT") + " -U " +
                           Env("CAIRN_TEST_PG_USER") + " -d " + Env("CAIRN_TEST_PG_DB") +
                           " -qAt -c ";
  const std::string url = "postgres://" + Env("CAIRN_TEST_PG_USER") + "@" +
                          Env("CAIRN_TEST_PG_HOST") + ":" + Env("CAIRN_TEST_PG_PORT") + "/" + db;
  int code = 0;
  Run(psql + ShellQuote("CREATE DATABASE " + db), &code);
  const std::string in_demo = "cd " + ShellQuote(root.string()) + " && ";
  Run(in_demo + cairn + " demo --containers 300 >/dev/null 2>&1", &code);
  if (code != 0) return std::fprintf(stderr, "cairn demo failed\n"), 1;
  const std::string token = Run(in_demo + cairn + " token issue admin 2>/dev/null");
  const std::string admin = token.substr(0, token.find('\n'));
  ::setenv("CAIRN_STATE_PASSWORD", Env("CAIRN_TEST_PG_PASSWORD").c_str(), 1);
  Run(in_demo + cairn + " state migrate --to " + url +
          " --password-env CAIRN_STATE_PASSWORD >/dev/null 2>&1",
      &code);
  if (code != 0) return std::fprintf(stderr, "cairn state migrate failed\n"), 1;
  std::vector<fs::path> dirs;
  for (int i = 0; i < 4; ++i) {
    const fs::path node = root / ("node" + std::to_string(i));
    fs::create_directories(node);
    for (const auto& entry : fs::directory_iterator(root)) {
      const std::string name = entry.path().filename().string();
      if (name == ".cairn" || name.rfind("node", 0) == 0) continue;
      fs::copy(entry.path(), node / name, fs::copy_options::recursive);
    }
    std::ofstream(node / "cairn.yaml", std::ios::app)
        << "\nstate:\n  url: " << url << "\n  password: \"${CAIRN_STATE_PASSWORD}\"\n";
    dirs.push_back(node);
  }

  std::printf(
      "nodes | workload | requests/s | node CPU ms/request | PostgreSQL CPU ms/request | "
      "errors\n");
  int64_t total_errors = 0;  // over every run: any makes the exit code non-zero
  for (int nodes : {1, 2, 4}) {
    std::vector<std::unique_ptr<cairn::e2e::ServeProcess>> servers;
    for (int i = 0; i < nodes; ++i) {
      auto server = std::make_unique<cairn::e2e::ServeProcess>();
      std::string error;
      if (!server->Start(dirs[i] / "cairn.yaml", dirs[i] / ".serve.log", &error)) {
        std::fprintf(stderr, "node %d: %s\n", i, error.c_str());
        return 1;
      }
      servers.push_back(std::move(server));
    }
    for (const std::string workload : {"rest_query", "mcp_search_context"}) {
      std::vector<Figures> runs;
      for (int round = 0; round < 3; ++round) {
        std::atomic<bool> stop{false};
        std::atomic<int64_t> done{0}, errors{0};
        double node_cpu = 0;
        for (auto& s : servers) node_cpu -= CpuSeconds(s->pid());
        double pg_cpu = -PostgresCpu();
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c) {
          threads.emplace_back([&, c] {
            const int port = servers[c % nodes]->port();
            std::string error;
            if (workload == "rest_query") {
              const std::vector<std::pair<std::string, std::string>> headers = {
                  {"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}};
              const std::string body =
                  json{{"sql", "SELECT count(*) FROM tos.containers WHERE container_no LIKE 'M%'"}}
                      .dump();
              while (!stop) {
                cairn::e2e::HttpReply reply;
                if (cairn::e2e::HttpSend("POST", port, "/api/v1/query", headers, body, &reply,
                                         &error) &&
                    reply.status == 200) {
                  ++done;
                } else {
                  ++errors;
                }
              }
            } else {
              cairn::e2e::McpClient client(port, admin);
              if (!client.Open(&error)) {
                ++errors;
                return;
              }
              while (!stop) {
                json result;
                if (client.CallTool("search_context", {{"query", "container release hold"}},
                                    &result, &error) &&
                    !result.value("isError", false)) {
                  ++done;
                } else {
                  ++errors;
                }
              }
            }
          });
        }
        const auto start = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        stop = true;
        for (auto& t : threads) t.join();
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (auto& s : servers) node_cpu += CpuSeconds(s->pid());
        pg_cpu += PostgresCpu();
        Figures f;
        f.per_second = static_cast<double>(done) / elapsed;
        f.node_cpu_ms = done > 0 ? 1000 * node_cpu / static_cast<double>(done) : 0;
        f.pg_cpu_ms = done > 0 ? 1000 * pg_cpu / static_cast<double>(done) : 0;
        f.errors = errors;
        runs.push_back(f);
      }
      std::sort(runs.begin(), runs.end(),
                [](const Figures& a, const Figures& b) { return a.per_second < b.per_second; });
      const Figures& median = runs[1];
      int64_t errors = 0;
      for (const auto& r : runs) errors += r.errors;
      total_errors += errors;
      std::printf("%d | %s | %.0f | %.2f | %.2f | %lld\n", nodes, workload.c_str(),
                  median.per_second, median.node_cpu_ms, median.pg_cpu_ms,
                  static_cast<long long>(errors));
      std::fflush(stdout);
    }
    for (auto& s : servers) {
      std::string error;
      s->Stop(&error);
    }
  }
  // The ledger, appended to by every node: still one verifiable log.
  const std::string verify =
      Run("cd " + ShellQuote(dirs[0].string()) + " && " + cairn + " ledger verify 2>&1", &code);
  std::printf("ledger verify after the runs: %s", verify.c_str());
  Run(psql + ShellQuote("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"));
  fs::remove_all(root);
  if (total_errors > 0) {
    std::fprintf(stderr, "%lld requests failed\n", static_cast<long long>(total_errors));
    return 1;
  }
  return code;
}
