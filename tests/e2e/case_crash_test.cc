// Crash safety of the case runner, through the real `cairn` binary: 50 cases of a release
// workflow run while the processes that start them, decide them, resume them and serve them are
// killed with SIGKILL at random moments, again and again. After recovery (`cairn serve` with its
// background resume loop), every case has finished, every action reached its outbox exactly
// once, every decision a command acknowledged is still there, and the ledger verifies.
//
// The workflow is the demo's container release at level auto_with_exceptions: a clean
// container is approved automatically (its release order written to an outbox as part of the
// start), an exception waits for the release officer rita, who approves or rejects it (a
// rejection writes a refusal notice to a second outbox). Kill points therefore fall inside
// evidence gathering, checks, the automatic decision, a human decision and the deliveries.
//
// The random choices (which commands are killed, after how long, rita's verdicts, the order of
// the containers) come from one seed, printed at the start; CAIRN_CRASH_SEED=N replays them.
// Kill times are wall-clock delays, so a replay hits nearby but not identical instructions.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli_harness.h"

extern char** environ;

namespace cairn {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kCases = 50;
constexpr char kWorkflow[] = "crash_release";
constexpr char kAsOf[] = "2026-03-02T00:00:00Z";  // the demo's frozen "now"

json ParseJson(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << text;
  return parsed.is_discarded() ? json() : parsed;
}

// How a spawned command ended.
struct Ended {
  bool killed = false;  // we sent SIGKILL and it died of it
  int exit_code = -1;   // when it exited by itself
  std::string out, err;
  double ms = 0;
};

// The demo's container release, renamed, with its release orders and a refusal notice (on
// rejection) written to outboxes under crash/.
std::string CrashWorkflow(const std::string& demo_text) {
  std::string text = demo_text;
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "the demo workflow no longer has '" << from << "'";
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  replace("name: container_release", std::string("name: ") + kWorkflow);
  replace("sink: {outbox: ../outbox/release_orders.sqlite}",
          "sink: {outbox: ../crash/released.sqlite}\n"
          "  - id: refusal_notice\n"
          "    kind: action\n"
          "    title: Refusal notice to the consignee\n"
          "    when: reject\n"
          "    sink: {outbox: ../crash/refused.sqlite}");
  return text;
}

// The case ids in the outbox at `path`, one per row (empty when the file does not exist).
std::vector<int64_t> OutboxCases(const std::filesystem::path& path) {
  std::vector<int64_t> ids;
  if (!std::filesystem::exists(path)) return ids;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(
      sqlite3_prepare_v2(db, "SELECT idempotency_key, payload FROM outbox", -1, &stmt, nullptr),
      SQLITE_OK)
      << sqlite3_errmsg(db);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    json payload = ParseJson(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
    EXPECT_EQ(payload["idempotency_key"],
              reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    ids.push_back(payload["case"].get<int64_t>());
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return ids;
}

class CaseCrashTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    ::unsetenv("CAIRN_TOKEN");
    const char* seed = std::getenv("CAIRN_CRASH_SEED");
    seed_ = seed != nullptr ? std::strtoull(seed, nullptr, 10) : std::random_device()();
    std::cout << "crash test seed " << seed_ << " (replay: CAIRN_CRASH_SEED=" << seed_ << ")"
              << std::endl;
    RecordProperty("seed", std::to_string(seed_));
    rng_.seed(seed_);
  }

  // A uniform draw in [0, n).
  uint64_t Draw(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  // The middle one of `runs` (not empty).
  static int64_t Median(std::vector<int64_t> runs) {
    std::nth_element(runs.begin(), runs.begin() + runs.size() / 2, runs.end());
    return runs[runs.size() / 2];
  }
  bool Coin(int percent) { return Draw(100) < static_cast<uint64_t>(percent); }
  // When to kill a command that takes about `ms` when left alone, or -1 (half of the time) not
  // to. Half of the kills fall anywhere in its run, half in its last 40% (and a bit past it),
  // where decisions are committed and actions delivered: the windows that matter most.
  int64_t KillAt(int64_t ms) {
    if (ms <= 0 || Coin(50)) return -1;
    if (Coin(50)) return static_cast<int64_t>(Draw(ms * 6 / 5));
    return ms * 3 / 5 + static_cast<int64_t>(Draw(ms / 2));
  }

  // Runs `cairn --config DIR/cairn.yaml ARGS` as the principal of `token` ("": the local
  // administrator). With kill_after_ms >= 0 it is sent SIGKILL after that long unless it has
  // exited by then.
  Ended Run(const std::vector<std::string>& args, const std::string& token = "",
            int64_t kill_after_ms = -1) {
    const pid_t pid = Spawn(args, token);
    return Finish(pid, kill_after_ms);
  }

  // `out` names the file stdout goes to (in dir_): a server left running gets its own, or its
  // late "serving on" line would land in the middle of a later command's output.
  pid_t Spawn(const std::vector<std::string>& args, const std::string& token,
              const std::string& out = ".run.out") {
    std::vector<std::string> argv_s = {CAIRN_BINARY, "--config", (dir_ / "cairn.yaml").string()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string(*e).rfind("CAIRN_TOKEN=", 0) != 0) env_s.push_back(*e);
    }
    if (!token.empty()) env_s.push_back("CAIRN_TOKEN=" + token);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    const std::string err = out == ".run.out" ? ".run.err" : out + ".err";
    posix_spawn_file_actions_addopen(&actions, 1, (dir_ / out).c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / err).c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    const int spawned =
        posix_spawn(&pid, CAIRN_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(spawned, 0) << "posix_spawn: " << std::strerror(spawned);
    started_ = Clock::now();
    return pid;
  }

  Ended Finish(pid_t pid, int64_t kill_after_ms) {
    Ended ended;
    int status = 0;
    const auto deadline = started_ + std::chrono::milliseconds(kill_after_ms);
    for (;;) {
      if (waitpid(pid, &status, kill_after_ms >= 0 ? WNOHANG : 0) == pid) break;
      if (Clock::now() >= deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ended.ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    ended.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    ended.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ended.out = e2e::ReadFile(dir_ / ".run.out");
    ended.err = e2e::ReadFile(dir_ / ".run.err");
    return ended;
  }

  // Every case of the workflow, by container (as the administrator).
  std::map<std::string, std::vector<json>> CasesByContainer() {
    Ended list =
        Run({"case", "list", "--workflow", kWorkflow, "--limit", "1000", "--format", "json"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    std::map<std::string, std::vector<json>> out;
    for (const json& c : ParseJson(list.out)) {
      // The CLI writes each case's inputs as JSON text.
      json inputs = ParseJson(c["inputs"].get<std::string>());
      out[inputs["container_no"].get<std::string>()].push_back(c);
    }
    return out;
  }

  json ShowCase(int64_t id) {
    Ended show = Run({"case", "show", std::to_string(id), "--format", "json"});
    EXPECT_EQ(show.exit_code, 0) << show.err;
    return ParseJson(show.out);
  }

  std::string IssueToken(const std::string& principal) {
    Ended issue = Run({"token", "issue", principal});
    EXPECT_EQ(issue.exit_code, 0) << issue.err;
    return issue.out.substr(0, issue.out.find('\n'));
  }

  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  Clock::time_point started_;
};

TEST_F(CaseCrashTest, KilledRunnersLoseNoCaseNoDecisionAndRepeatNoAction) {
  const auto test_start = Clock::now();
  // The demo, and the planted problems among the import containers in its yard.
  e2e::Outcome demo = Cairn({"demo", "--format", "json"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  const json summary = ParseJson(demo.out);
  std::set<std::string> troubled;
  for (const json& p : summary["problems"]) troubled.insert(p["container_no"].get<std::string>());
  Ended yard = Run({"query", "--format", "json",
                    "SELECT container_no FROM tos.containers WHERE direction = 'import' AND "
                    "status = 'in_yard' ORDER BY container_no"});
  ASSERT_EQ(yard.exit_code, 0) << yard.err;
  // A third exceptions (each waits for rita), the rest clean (approved automatically).
  std::vector<std::string> exceptions, clean;
  for (const json& row : ParseJson(yard.out)) {
    const std::string c = row["container_no"].get<std::string>();
    (troubled.count(c) ? exceptions : clean).push_back(c);
  }
  std::shuffle(exceptions.begin(), exceptions.end(), rng_);
  std::shuffle(clean.begin(), clean.end(), rng_);
  ASSERT_GE(exceptions.size(), 16u);
  ASSERT_GE(clean.size(), 34u);
  std::vector<std::string> containers(exceptions.begin(), exceptions.begin() + 16);
  containers.insert(containers.end(), clean.begin(), clean.begin() + (kCases - 16));
  std::shuffle(containers.begin(), containers.end(), rng_);

  // The workflow, two levels up by the administrator's word (not by earned agreement).
  std::filesystem::create_directories(dir_ / "crash");
  e2e::WriteFile(dir_ / "workflows" / "crash_release.yaml",
                 CrashWorkflow(e2e::ReadFile(dir_ / "workflows" / "container_release.yaml")));
  Ended add = Run({"workflow", "add", (dir_ / "workflows" / "crash_release.yaml").string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  for (int i = 0; i < 2; ++i) {
    Ended promote =
        Run({"workflow", "promote", kWorkflow, "--force", "--reason", "crash test set-up"});
    ASSERT_EQ(promote.exit_code, 0) << promote.err;
  }
  const std::string bot = IssueToken("release-bot");
  const std::string rita = IssueToken("rita");

  int kills = 0, spared = 0;
  std::map<std::string, int> cut_short;  // where the kills left cases, for the record
  // 1. Release-bot starts a case per container; half the starts are killed somewhere between
  // spawning and finishing. A killed start either committed its case (which a later resume
  // finishes) or did not (started again).
  Ended first = Run({"case", "start", kWorkflow, "-i", "container_no=" + containers[0], "--as-of",
                     kAsOf, "--format", "json"},
                    bot);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // How long a start takes when left alone: the median of those that ran to the end so far
  // (the first one alone is often slower, a cold start, and kills timed by it would mostly
  // land after the commands had exited).
  std::vector<int64_t> start_runs = {static_cast<int64_t>(first.ms)};
  int64_t start_ms = std::max<int64_t>(20, Median(start_runs));
  for (int i = 1; i < kCases; ++i) {
    for (;;) {
      const int64_t kill_at = KillAt(start_ms);
      Ended start = Run({"case", "start", kWorkflow, "-i", "container_no=" + containers[i],
                         "--as-of", kAsOf, "--format", "json"},
                        bot, kill_at);
      if (!start.killed) {
        ASSERT_EQ(start.exit_code, 0) << containers[i] << ": " << start.err;
        ++spared;
        start_runs.push_back(static_cast<int64_t>(start.ms));
        start_ms = std::max<int64_t>(20, Median(start_runs));
        break;
      }
      ++kills;
      const auto cases = CasesByContainer();
      auto found = cases.find(containers[i]);
      ++cut_short[found == cases.end()
                      ? "not started"
                      : "start killed, case " + found->second[0]["status"].get<std::string>()];
      if (found != cases.end()) break;
    }
    // Now and then an operator's resume, killed half of the time too.
    if (i % 8 == 0) {
      Ended resume = Run({"case", "resume", "--format", "json"}, "", KillAt(start_ms * 2));
      if (resume.killed) {
        ++kills;
      } else {
        ASSERT_EQ(resume.exit_code, 0) << resume.err;
      }
    }
  }
  Ended settle = Run({"case", "resume", "--format", "json"});
  ASSERT_EQ(settle.exit_code, 0) << settle.err << settle.out;

  // 2. Rita decides every case that waits for her; half the decisions are killed. One that
  // exited 0 must keep its verdict; one that was killed either committed (and must then hold
  // the verdict sent) or is decided again.
  std::map<int64_t, std::string> decided_by_rita;
  std::vector<int64_t> decide_runs;  // as start_runs; none yet: the first decision is spared
  int64_t decide_ms = 0;
  for (const auto& [container, cases] : CasesByContainer()) {
    ASSERT_EQ(cases.size(), 1u) << container << " has " << cases.size() << " cases";
    const json& c = cases[0];
    if (c["status"] != "waiting") continue;
    const int64_t id = c["id"].get<int64_t>();
    const std::string verdict = Coin(40) ? "approve" : "reject";
    for (;;) {
      const int64_t kill_at = KillAt(decide_ms);
      Ended decide = Run({"case", "decide", std::to_string(id), verdict, "--reason",
                          "crash test: " + verdict, "--format", "json"},
                         rita, kill_at);
      if (!decide.killed) {
        ASSERT_EQ(decide.exit_code, 0) << "case " << id << ": " << decide.err;
        decide_runs.push_back(static_cast<int64_t>(decide.ms));
        decide_ms = Median(decide_runs);
        ++spared;
        decided_by_rita[id] = verdict;
        break;
      }
      ++kills;
      const json now = ShowCase(id);
      ++cut_short["decide killed, case " + now["status"].get<std::string>()];
      if (!now["decision"].is_null()) {
        EXPECT_EQ(now["decision"]["verdict"], verdict) << "case " << id;
        decided_by_rita[id] = verdict;
        break;
      }
    }
  }
  EXPECT_GE(decided_by_rita.size(), 10u);

  // 3. Recovery by `cairn serve` and its background loop — which is itself killed a few times
  // while it works — then a server that is left to finish and stopped with SIGTERM.
  std::vector<std::string> serve = {
      "serve", "--port", "0", "--access-log", "off", "--resume-interval", "1"};
  for (int i = 0; i < 3; ++i) {
    Ended killed = Run(serve, "", static_cast<int64_t>(Draw(start_ms * 3)));
    ASSERT_TRUE(killed.killed) << "cairn serve exited by itself: " << killed.err;
    ++kills;
  }
  const pid_t server = Spawn(serve, "", ".serve.out");
  // Its SIGTERM below must find it serving: a signal that lands while the process is still
  // starting (before it blocks SIGTERM to stop gracefully) ends it as the default action does,
  // which is no unclean stop of a server. When the cases were all done by the killed servers,
  // the loop below would send it at once.
  const auto ready_by = Clock::now() + std::chrono::seconds(60);
  while (e2e::ReadFile(dir_ / ".serve.out").find("cairn: serving on") == std::string::npos) {
    int early = 0;
    ASSERT_EQ(waitpid(server, &early, WNOHANG), 0)
        << "cairn serve ended before serving: " << e2e::ReadFile(dir_ / ".serve.out.err");
    ASSERT_LT(Clock::now(), ready_by) << "cairn serve did not say it was serving within 60 s";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Generous: on a loaded 2-core machine each ledger fsync can take milliseconds.
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  std::map<std::string, std::vector<json>> final_cases;
  for (;;) {
    final_cases = CasesByContainer();
    bool finished = final_cases.size() == static_cast<size_t>(kCases);
    for (const auto& [container, cases] : final_cases) {
      for (const json& c : cases) finished = finished && c["status"] == "done";
    }
    if (finished || Clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  kill(server, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(server, &status, 0), server);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "cairn serve did not stop cleanly: " << status << " "
      << e2e::ReadFile(dir_ / ".serve.out.err");
  std::cout << "kills " << kills << ", commands that finished " << spared << ", "
            << decided_by_rita.size() << " decided by rita; kills left:";
  for (const auto& [where, n] : cut_short) std::cout << " " << where << " x" << n << ";";
  std::cout << std::endl;
  EXPECT_GE(kills, 10);  // about 30 expected; fewer would mean the test hardly crashed anything

  // Every case finished, one per container, with the decision it was given.
  ASSERT_EQ(final_cases.size(), static_cast<size_t>(kCases));
  std::set<int64_t> approved, rejected;
  for (const auto& [container, cases] : final_cases) {
    ASSERT_EQ(cases.size(), 1u) << container;
    const json c = ShowCase(cases[0]["id"].get<int64_t>());
    const int64_t id = c["id"].get<int64_t>();
    ASSERT_EQ(c["status"], "done") << c.dump(1);
    ASSERT_FALSE(c["decision"].is_null()) << c.dump(1);
    EXPECT_TRUE(c["error"].is_null()) << c.dump(1);
    EXPECT_FALSE(c["decision"]["ledger_seq"].is_null()) << "case " << id;
    const std::string verdict = c["decision"]["verdict"].get<std::string>();
    auto rita_said = decided_by_rita.find(id);
    if (rita_said != decided_by_rita.end()) {
      EXPECT_EQ(verdict, rita_said->second) << "case " << id << ": rita's decision was lost";
      EXPECT_EQ(c["decision"]["by"], "rita") << "case " << id;
    } else {
      EXPECT_EQ(c["decision"]["kind"], "auto") << c.dump(1);
      EXPECT_EQ(verdict, "approve") << "case " << id;
    }
    (verdict == "approve" ? approved : rejected).insert(id);
    ASSERT_EQ(c["actions"].size(), 1u) << c.dump(1);
    EXPECT_EQ(c["actions"][0]["step"], verdict == "approve" ? "release_order" : "refusal_notice");
    EXPECT_EQ(c["actions"][0]["status"], "delivered") << c.dump(1);
  }

  // Each action reached its outbox exactly once: one row per case so decided, none missing,
  // none twice, none for a case decided the other way.
  for (const auto& [file, expected] : std::vector<std::pair<std::string, std::set<int64_t>>>{
           {"released.sqlite", approved}, {"refused.sqlite", rejected}}) {
    const std::vector<int64_t> rows = OutboxCases(dir_ / "crash" / file);
    EXPECT_EQ(rows.size(), expected.size()) << file;
    EXPECT_EQ(std::set<int64_t>(rows.begin(), rows.end()), expected) << file;
  }

  // Nothing is left, and the ledger of all of it verifies.
  Ended resume = Run({"case", "resume", "--format", "json"});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  const json left = ParseJson(resume.out);
  EXPECT_EQ(left["resumed"], 0) << resume.out;
  EXPECT_EQ(left["actions_pending"], 0) << resume.out;
  Ended verify = Run({"ledger", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  std::cout << "crash test took "
            << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - test_start).count()
            << " s" << std::endl;
}

}  // namespace
}  // namespace cairn
