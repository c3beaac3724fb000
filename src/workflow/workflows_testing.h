#pragma once

// What the tests of the case runner, the trust ladder and the evaluation gate share
// (cases_test.cc, ladder_test.cc, resume_test.cc): real components, a state database and a
// ledger in a temporary directory, real engine sessions over a small SQLite source the test
// writes, real outbox files and a closed loopback port for webhooks. The only test double is
// the Host, which keeps its principals in a map and its clock settable.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "engine/catalog.h"
#include "ledger/clock.h"
#include "ledger/ledger.h"
#include "net/test_http_server.h"
#include "store/pg_testing.h"
#include "workflow/internal/case_lock.h"
#include "workflow/llm.h"
#include "workflow/sinks.h"
#include "workflow/workflows.h"

namespace cairn::workflow::test_support {

inline constexpr char kStart[] = "2026-12-04T10:00:00Z";

// Containers of the source: clean ones (discharged, hold released, invoice paid) and held ones
// (an open customs hold).
inline std::string Clean(int i) { return fmt::format("CLNU10000{:02d}", i); }
inline std::string Held(int i) { return fmt::format("HLDU20000{:02d}", i); }

inline void ExecSqlite(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

// The installation the workflows run in: real state database, ledger, catalog and sessions.
// With `pg`, the state is that PostgreSQL database (several hosts on one are several nodes);
// the ledger stays in the SQLite file of `dir` either way.
class TestHost : public Host {
 public:
  explicit TestHost(std::filesystem::path dir, const store::TestPgDatabase* pg = nullptr)
      : dir_(std::move(dir)), pg_(pg) {}

  Status Init() {
    if (pg_ != nullptr) {
      ASSIGN_OR_RETURN(db_, pg_->Open());
      ASSIGN_OR_RETURN(ledger_reader_, store::StateDb::Open(dir_ / "state.sqlite"));
    } else {
      ASSIGN_OR_RETURN(db_, store::StateDb::Open(dir_ / "state.sqlite"));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> ledger_db,
                     store::StateDb::Open(dir_ / "state.sqlite"));
    ASSIGN_OR_RETURN(ledger_, ledger::Ledger::Open(std::move(ledger_db), &clock_, nullptr));
    const std::string yaml = fmt::format("sources:\n  tos:\n    kind: sqlite\n    path: {}\n",
                                         (dir_ / "tos.sqlite").string());
    ASSIGN_OR_RETURN(Config config, ParseConfig(yaml, dir_ / "cairn.yaml"));
    ASSIGN_OR_RETURN(catalog_, engine::Catalog::Create(std::move(config)));
    return OkStatus();
  }

  void AddPrincipal(const std::string& id, std::vector<std::string> roles,
                    const std::string& kind) {
    principals_[id] = {engine::Principal{id, std::move(roles), {}}, kind};
  }
  engine::Principal Get(const std::string& id) const { return principals_.at(id).first; }

  Result<store::StateDb*> State() override { return db_.get(); }
  Result<ledger::Recorder*> Recorder() override { return ledger_.get(); }
  Result<engine::Session*> SessionFor(const engine::Principal& principal,
                                      std::string_view ingress) override {
    if (session_budget_ == 0) return UnavailableError("the engine is unavailable (test)");
    if (session_budget_ > 0) --session_budget_;
    const std::string key = principal.id + "\t" + std::string(ingress);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) {
      ASSIGN_OR_RETURN(std::unique_ptr<engine::Session> session,
                       engine::Session::Open(catalog_.get(), principal));
      session->set_ledger(ledger_.get(), std::string(ingress));
      it = sessions_.emplace(key, std::move(session)).first;
    }
    return it->second.get();
  }
  Result<engine::Principal> PrincipalById(const std::string& id) override {
    auto it = principals_.find(id);
    if (it == principals_.end()) return NotFoundError("no principal '{}'", id);
    return it->second.first;
  }
  Result<std::string> PrincipalKind(const std::string& id) override {
    auto it = principals_.find(id);
    if (it == principals_.end()) return NotFoundError("no principal '{}'", id);
    return it->second.second;
  }
  Result<std::optional<LlmConfig>> Llm() override { return llm_; }
  std::string Now() override { return now_; }

  void set_now(std::string now) { now_ = std::move(now); }
  void set_llm(std::optional<LlmConfig> llm) { llm_ = std::move(llm); }
  // SessionFor() succeeds this many more times, then fails (-1: always succeeds).
  void set_session_budget(int budget) { session_budget_ = budget; }
  store::StateDb* db() { return db_.get(); }
  // Where ledger_entries can be read.
  store::StateDb* ledger_db() { return ledger_reader_ ? ledger_reader_.get() : db_.get(); }

 private:
  std::filesystem::path dir_;
  const store::TestPgDatabase* pg_;
  std::unique_ptr<store::StateDb> ledger_reader_;  // with pg_: the ledger's file
  ledger::FixedClock clock_{"2026-12-04T10:00:00.000Z"};
  std::unique_ptr<store::StateDb> db_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::map<std::string, std::unique_ptr<engine::Session>> sessions_;
  std::map<std::string, std::pair<engine::Principal, std::string>> principals_;
  std::string now_ = kStart;
  std::optional<LlmConfig> llm_;  // none unless a test sets one
  int session_budget_ = -1;
};

// What a definition varies by in these tests.
struct Spec {
  std::string ladder;  // lines under `ladder:`, each indented by two spaces
  std::string holds_sql =
      "SELECT container_no, released_at FROM tos.holds WHERE container_no = :container_no";
  std::string hold_check =
      "SELECT count(*) = 0 AS pass, count(*) || ' open hold(s)' AS reason FROM holds WHERE "
      "released_at IS NULL";
  std::string sink = "{outbox: out/releases.sqlite}";
  std::string extra_steps;  // inserted before the decide step
};

inline Spec WithLadder(std::string ladder) {
  Spec spec;
  spec.ladder = std::move(ladder);
  return spec;
}

inline std::string Yaml(const Spec& spec) {
  std::string text = fmt::format(R"(name: release
description: Release an import container
principal: release-bot
inputs:
  container_no: {{pattern: "[A-Z]{{4}}[0-9]{{7}}"}}
steps:
  - id: containers
    kind: query
    sql: |
      SELECT container_no, status FROM tos.containers WHERE container_no = :container_no
  - id: holds
    kind: query
    sql: |
      {}
  - id: invoices
    kind: query
    sql: |
      SELECT container_no, status FROM tos.invoices WHERE container_no = :container_no
  - id: discharged
    kind: check
    uses: [containers]
    sql: |
      SELECT count(*) = 1 AND min(status) = 'discharged' AS pass,
             count(*) || ' container(s), status ' || coalesce(min(status), '-') AS reason
      FROM containers
  - id: hold_released
    kind: check
    uses: [holds]
    sql: |
      {}
  - id: invoice_paid
    kind: check
    uses: [invoices]
    sql: |
      SELECT count(*) > 0 AND coalesce(sum(status <> 'paid'), 0) = 0 AS pass,
             coalesce(sum(status <> 'paid'), 0) || ' unpaid invoice(s)' AS reason
      FROM invoices
{}  - id: review
    kind: decide
    role: release_officer
  - id: release
    kind: action
    sink: {}
)",
                                 spec.holds_sql, spec.hold_check, spec.extra_steps, spec.sink);
  if (!spec.ladder.empty()) text += "ladder:\n" + spec.ladder;
  return text;
}

struct LedgerRow {
  int64_t seq = 0;
  std::string principal, action, subject, decision, ingress;
};

// Every test runs on both engines of the state database (instantiated in cases_test.cc).
class WorkflowsTest : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    if (Postgres()) {
      CAIRN_NEED_TEST_PG();
      pg_ = std::make_unique<store::TestPgDatabase>();
    }
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("cairn_workflows_test_{}_{}", ::getpid(), name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::string sql =
        "CREATE TABLE containers (container_no TEXT PRIMARY KEY, status TEXT);"
        "CREATE TABLE holds (container_no TEXT, released_at TEXT);"
        "CREATE TABLE invoices (container_no TEXT, status TEXT);";
    for (int i = 1; i <= 12; ++i) {
      sql += fmt::format(
          "INSERT INTO containers VALUES ('{0}', 'discharged');"
          "INSERT INTO holds VALUES ('{0}', '2026-11-01T08:00:00Z');"
          "INSERT INTO invoices VALUES ('{0}', 'paid');",
          Clean(i));
    }
    for (int i = 1; i <= 4; ++i) {
      sql += fmt::format(
          "INSERT INTO containers VALUES ('{0}', 'discharged');"
          "INSERT INTO holds VALUES ('{0}', NULL);"
          "INSERT INTO invoices VALUES ('{0}', 'paid');",
          Held(i));
    }
    ExecSqlite(dir_ / "tos.sqlite", sql);

    host_ = std::make_unique<TestHost>(dir_, pg_.get());
    Status init = host_->Init();
    ASSERT_TRUE(init.ok()) << init.ToString();
    AddPrincipals(host_.get());
    Result<std::unique_ptr<Workflows>> workflows = Workflows::Open(host_.get());
    ASSERT_TRUE(workflows.ok()) << workflows.status().ToString();
    workflows_ = std::move(*workflows);
  }

  static void AddPrincipals(TestHost* host) {
    host->AddPrincipal("release-bot", {"admin"}, "agent");  // the workflow's principal
    host->AddPrincipal("root", {"admin"}, "person");
    host->AddPrincipal("alice", {"release_officer"}, "person");
    host->AddPrincipal("agent-7", {"release_officer"}, "agent");
    host->AddPrincipal("clerk", {}, "person");  // starts cases
    host->AddPrincipal("bob", {}, "person");    // neither starter nor officer
  }

  void TearDown() override {
    workflows_.reset();
    host_.reset();
    pg_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Actor As(const std::string& id) { return Actor{host_->Get(id), "cli"}; }

  Definition Parse(const Spec& spec) {
    Result<Definition> def = ParseDefinition(Yaml(spec), dir_ / "release.yaml");
    EXPECT_TRUE(def.ok()) << def.status().ToString();
    return def.ok() ? *def : Definition();
  }

  Definition Register(const Spec& spec = {}) {
    Definition def = Parse(spec);
    Result<Json> added = workflows_->AddVersion(As("root"), def);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    if (added.ok()) {
      EXPECT_EQ((*added)["status"], "current");
    }
    return def;
  }

  // Starts a case as `who`; its id (-1 on failure).
  int64_t StartCase(const std::string& container, const std::string& who = "clerk") {
    Result<Json> started = workflows_->Start(As(who), "release", {{"container_no", container}});
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    return started.ok() ? (*started)["id"].get<int64_t>() : -1;
  }

  Json MustGet(int64_t id, const std::string& who = "root") {
    Result<Json> got = workflows_->Get(As(who), id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : Json();
  }

  void MustDecide(int64_t id, Verdict verdict, const std::string& who = "alice") {
    Result<Json> decided = workflows_->Decide(As(who), id, verdict, "checked by hand");
    ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  }

  void ForcePromote(int times) {
    for (int i = 0; i < times; ++i) {
      Result<Json> promoted = workflows_->Promote(As("root"), "release", true, "test setup");
      ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
    }
  }

  std::string CurrentLevel() {
    Result<Json> shown = workflows_->Show(As("root"), "release");
    EXPECT_TRUE(shown.ok()) << shown.status().ToString();
    return shown.ok() ? (*shown)["level"].get<std::string>() : "";
  }

  std::vector<LedgerRow> LedgerEntries(const std::string& where = "1",
                                       const std::vector<store::Param>& params = {}) {
    std::vector<LedgerRow> rows;
    Status status = host_->ledger_db()->Query(
        "SELECT seq, principal, action, subject, decision, ingress FROM ledger_entries WHERE " +
            where + " ORDER BY seq",
        params, [&](const store::Row& r) {
          rows.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5)});
          return OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return rows;
  }

  // Ledger entries of the workflow's evidence queries.
  int64_t EvidenceQueries() {
    return static_cast<int64_t>(
        LedgerEntries("action = 'query' AND principal = 'release-bot'").size());
  }

  int64_t Count(const std::string& sql, const std::vector<store::Param>& params = {}) {
    int64_t n = -1;
    Status status = host_->db()->Query(sql, params, [&](const store::Row& r) {
      n = r.Int(0);
      return OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return n;
  }

  void Exec(const std::string& sql, const std::vector<store::Param>& params = {}) {
    Result<int64_t> changed = host_->db()->Exec(sql, params);
    ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  }

  int64_t Outbox(const std::string& relative = "out/releases.sqlite") {
    Result<int64_t> count = CountOutbox(dir_ / relative);
    if (!count.ok() && count.status().code() == StatusCode::kNotFound) return 0;
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  Json Step(const Json& c, const std::string& id) {
    for (const Json& step : c["steps"]) {
      if (step["step"] == id) return step;
    }
    ADD_FAILURE() << "no step " << id << " in " << c.dump();
    return Json();
  }

  bool Postgres() const { return GetParam() == store::Dialect::kPostgres; }

  std::unique_ptr<store::TestPgDatabase> pg_;  // with PostgreSQL; destroyed last
  std::filesystem::path dir_;
  std::unique_ptr<TestHost> host_;
  std::unique_ptr<Workflows> workflows_;
};

template <typename T>
void ExpectError(const Result<T>& result, StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "expected an error containing '" << fragment << "'";
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_THAT(result.status().message(), ::testing::HasSubstr(fragment));
}

}  // namespace cairn::workflow::test_support
