// The case runner, the trust ladder and the evaluation gate, over real components: a state
// database and a ledger in a temporary directory, real engine sessions over a small SQLite
// source the test writes, real outbox files and a closed loopback port for webhooks. The only
// test double is the Host, which keeps its principals in a map and its clock settable.

#include "workflow/workflows.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include "workflow/internal/case_lock.h"
#include "workflow/llm.h"
#include "workflow/sinks.h"

namespace cairn::workflow {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kStart[] = "2026-12-04T10:00:00Z";

// Containers of the source: clean ones (discharged, hold released, invoice paid) and held ones
// (an open customs hold).
std::string Clean(int i) { return fmt::format("CLNU10000{:02d}", i); }
std::string Held(int i) { return fmt::format("HLDU20000{:02d}", i); }

void ExecSqlite(const std::filesystem::path& path, const std::string& sql) {
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
class TestHost : public Host {
 public:
  explicit TestHost(std::filesystem::path dir) : dir_(std::move(dir)) {}

  Status Init() {
    ASSIGN_OR_RETURN(db_, store::StateDb::Open(dir_ / "state.sqlite"));
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

 private:
  std::filesystem::path dir_;
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

Spec WithLadder(std::string ladder) {
  Spec spec;
  spec.ladder = std::move(ladder);
  return spec;
}

std::string Yaml(const Spec& spec) {
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

class WorkflowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("cairn_workflows_test_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
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

    host_ = std::make_unique<TestHost>(dir_);
    Status init = host_->Init();
    ASSERT_TRUE(init.ok()) << init.ToString();
    host_->AddPrincipal("release-bot", {"admin"}, "agent");  // the workflow's principal
    host_->AddPrincipal("root", {"admin"}, "person");
    host_->AddPrincipal("alice", {"release_officer"}, "person");
    host_->AddPrincipal("agent-7", {"release_officer"}, "agent");
    host_->AddPrincipal("clerk", {}, "person");  // starts cases
    host_->AddPrincipal("bob", {}, "person");    // neither starter nor officer
    Result<std::unique_ptr<Workflows>> workflows = Workflows::Open(host_.get());
    ASSERT_TRUE(workflows.ok()) << workflows.status().ToString();
    workflows_ = std::move(*workflows);
  }

  void TearDown() override {
    workflows_.reset();
    host_.reset();
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
    Status status = host_->db()->Query(
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

  std::filesystem::path dir_;
  std::unique_ptr<TestHost> host_;
  std::unique_ptr<Workflows> workflows_;
};

template <typename T>
void ExpectError(const Result<T>& result, StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "expected an error containing '" << fragment << "'";
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_THAT(result.status().message(), HasSubstr(fragment));
}

// --- 1. a clean case at observe -------------------------------------------------------------

TEST_F(WorkflowsTest, CleanCaseAtObserveWaitsAndAnApprovalDeliversItsAction) {
  Register();
  Result<Json> started = workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  const int64_t id = (*started)["id"].get<int64_t>();
  EXPECT_EQ((*started)["status"], "waiting");
  EXPECT_EQ((*started)["level"], "observe");
  EXPECT_EQ((*started)["waiting_role"], "release_officer");
  EXPECT_EQ((*started)["as_of"], kStart);

  // At observe the reviewer decides blind; an administrator sees the measured recommendation.
  Json officer = MustGet(id, "alice");
  EXPECT_TRUE(officer["recommendation"].is_null()) << officer.dump();
  Json admin = MustGet(id, "root");
  ASSERT_TRUE(admin["recommendation"].is_object()) << admin.dump();
  EXPECT_EQ(admin["recommendation"]["verdict"], "approve");

  // The evidence as recorded, each query with its ledger entry, each check passed.
  std::vector<int64_t> query_seqs;
  for (const char* step : {"containers", "holds", "invoices"}) {
    Json s = Step(admin, step);
    EXPECT_EQ(s["status"], "done") << s.dump();
    ASSERT_TRUE(s["ledger_seq"].is_number_integer()) << s.dump();
    EXPECT_EQ(s["evidence"]["view"], "recorded");
    ASSERT_EQ(s["evidence"]["rows"].size(), 1u) << s.dump();
    EXPECT_EQ(s["evidence"]["rows"][0][0], Clean(1));
    EXPECT_EQ(s["evidence"]["ledger_seq"], s["ledger_seq"]);
    query_seqs.push_back(s["ledger_seq"].get<int64_t>());
  }
  for (const char* step : {"discharged", "hold_released", "invoice_paid"}) {
    Json s = Step(admin, step);
    EXPECT_EQ(s["check"]["outcome"], "pass") << s.dump();
  }
  EXPECT_EQ(Step(admin, "hold_released")["check"]["reason"], "0 open hold(s)");
  EXPECT_EQ(Step(admin, "review")["status"], "waiting");
  // A reader who is neither an administrator nor the workflow's principal sees the evidence as
  // its own session does: with no grant, nothing.
  Json clerk = MustGet(id, "clerk");
  Json hidden = Step(clerk, "containers")["evidence"];
  EXPECT_EQ(hidden["view"], "as clerk sees it now");
  EXPECT_TRUE(hidden["rows"].empty()) << hidden.dump();
  EXPECT_TRUE(hidden.contains("hidden")) << hidden.dump();

  Result<Json> decided = workflows_->Decide(As("alice"), id, Verdict::kApprove, "papers in order");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ((*decided)["status"], "done");
  EXPECT_EQ((*decided)["decision"]["verdict"], "approve");
  EXPECT_EQ((*decided)["decision"]["kind"], "human");
  EXPECT_EQ((*decided)["decision"]["by"], "alice");
  EXPECT_EQ((*decided)["decision"]["level"], "observe");
  ASSERT_TRUE((*decided)["decision"]["ledger_seq"].is_number_integer());
  ASSERT_EQ((*decided)["actions"].size(), 1u);
  EXPECT_EQ((*decided)["actions"][0]["status"], "delivered");
  EXPECT_EQ((*decided)["actions"][0]["attempts"], 1);
  EXPECT_EQ(Outbox(), 1);
  Result<std::vector<nlohmann::json>> outbox = ReadOutbox(dir_ / "out/releases.sqlite");
  ASSERT_TRUE(outbox.ok()) << outbox.status().ToString();
  EXPECT_EQ((*outbox)[0]["payload"]["case"], id);
  EXPECT_EQ((*outbox)[0]["payload"]["decision"], "approve");
  EXPECT_EQ((*outbox)[0]["payload"]["inputs"]["container_no"], Clean(1));
  EXPECT_EQ((*outbox)[0]["idempotency_key"], (*decided)["actions"][0]["idempotency_key"]);

  // The ledger tells the whole story, in order, naming the case.
  std::vector<LedgerRow> entries = LedgerEntries("subject LIKE ?", {fmt::format("case {} %", id)});
  std::vector<std::string> actions;
  for (const LedgerRow& e : entries) actions.push_back(e.action);
  EXPECT_THAT(actions,
              ::testing::ElementsAre("case:start", "case:check", "case:check", "case:check",
                                     "case:recommend", "case:decide", "case:action"));
  EXPECT_EQ(entries[0].principal, "clerk");
  EXPECT_EQ(entries[4].decision, "approve");
  EXPECT_EQ(entries[5].principal, "alice");
  EXPECT_EQ(entries[5].decision, "approve: agrees with the recommendation");
  EXPECT_EQ(entries[5].seq, (*decided)["decision"]["ledger_seq"]);
  EXPECT_EQ(entries[6].decision, "allow: delivered");
  EXPECT_EQ(entries[6].seq, (*decided)["actions"][0]["ledger_seq"]);
  for (int64_t seq : query_seqs) {
    std::vector<LedgerRow> query = LedgerEntries("seq = ?", {seq});
    ASSERT_EQ(query.size(), 1u);
    EXPECT_EQ(query[0].action, "query");
    EXPECT_EQ(query[0].principal, "release-bot");
    EXPECT_EQ(query[0].ingress, "workflow");
    EXPECT_THAT(query[0].subject, HasSubstr(Clean(1)));
    EXPECT_GT(seq, entries[0].seq);  // after case:start
    EXPECT_LT(seq, entries[1].seq);  // before the checks
  }
}

TEST_F(WorkflowsTest, StartValidatesItsInputs) {
  Register();
  ExpectError(workflows_->Start(As("clerk"), "nope", {{"container_no", Clean(1)}}),
              StatusCode::kNotFound, "no workflow 'nope'");
  ExpectError(workflows_->Start(As("clerk"), "release", {{"container_no", "abc"}}),
              StatusCode::kInvalidArgument, "input 'container_no': 'abc' does not match");
  ExpectError(workflows_->Start(As("clerk"), "release", {}), StatusCode::kInvalidArgument,
              "input 'container_no' is required");
  ExpectError(
      workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}, {"port", "x"}}),
      StatusCode::kInvalidArgument, "has no input 'port'");
  ExpectError(workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}},
                                "2027-01-01T00:00:00Z"),
              StatusCode::kInvalidArgument, "is in the future");
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0);

  Result<Json> past = workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}},
                                        "2026-03-02T00:00:00Z");
  ASSERT_TRUE(past.ok()) << past.status().ToString();
  EXPECT_EQ((*past)["as_of"], "2026-03-02T00:00:00Z");
}

// --- 2. who may decide ------------------------------------------------------------------------

TEST_F(WorkflowsTest, DecideRefusesBadReasonsAgentsOutsidersAndSecondDecisions) {
  Register();
  const int64_t id = StartCase(Clean(1));

  ExpectError(workflows_->Decide(As("alice"), id, Verdict::kApprove, " \n"),
              StatusCode::kInvalidArgument, "a decision needs a reason");
  ExpectError(workflows_->Decide(As("alice"), id, Verdict::kNone, "why not"),
              StatusCode::kInvalidArgument, "approve or reject");

  // An agent never decides, even with the role; the refusal is ledgered.
  ExpectError(workflows_->Decide(As("agent-7"), id, Verdict::kApprove, "looks fine"),
              StatusCode::kPermissionDenied, "'agent-7' is an agent");
  std::vector<LedgerRow> denied = LedgerEntries("action = 'case:decide' AND principal = 'agent-7'");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_THAT(denied[0].decision, StartsWith("deny: 'agent-7' is an agent"));
  EXPECT_THAT(denied[0].subject, StartsWith(fmt::format("case {} approve", id)));

  // The starter may see the case but not decide it without the role.
  ExpectError(workflows_->Decide(As("clerk"), id, Verdict::kApprove, "mine"),
              StatusCode::kPermissionDenied, "role 'release_officer' required");
  // Someone who may not see the case learns nothing about it.
  ExpectError(workflows_->Decide(As("bob"), id, Verdict::kApprove, "hm"), StatusCode::kNotFound,
              fmt::format("no case {}", id));
  ExpectError(workflows_->Get(As("bob"), id), StatusCode::kNotFound, fmt::format("no case {}", id));
  ExpectError(workflows_->Decide(As("alice"), 999, Verdict::kApprove, "x"), StatusCode::kNotFound,
              "no case 999");
  Result<Json> bobs = workflows_->ListCases(As("bob"), "", "", false, 10);
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->empty());
  Result<Json> queue = workflows_->ListCases(As("alice"), "release", "", true, 10);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0]["id"], id);
  EXPECT_TRUE((*queue)[0]["recommendation"].is_null());  // blind at observe

  EXPECT_EQ(MustGet(id)["status"], "waiting");
  MustDecide(id, Verdict::kReject);
  ExpectError(workflows_->Decide(As("root"), id, Verdict::kApprove, "overrule"),
              StatusCode::kFailedPrecondition,
              "is not waiting for a decision (status done: reject by alice)");
  EXPECT_EQ(Outbox(), 0);  // the action runs on approve only
  Json c = MustGet(id);
  EXPECT_EQ(c["decision"]["verdict"], "reject");
  EXPECT_TRUE(c["actions"].empty());
  std::vector<LedgerRow> decided = LedgerEntries("action = 'case:decide' AND principal = 'alice'");
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].decision, "reject: differs from the recommendation (approve)");
}

// --- 3. the ladder ------------------------------------------------------------------------------

TEST_F(WorkflowsTest, PromotionIsRefusedWithTheFiguresAndForcingNeedsAReason) {
  Register();
  ExpectError(workflows_->Promote(As("root"), "release", false, ""), StatusCode::kPermissionDenied,
              "promotion of 'release' from observe refused: 0 human-decided cases at level "
              "observe, 50 needed");
  std::vector<LedgerRow> refused = LedgerEntries("action = 'workflow:promote'");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_THAT(refused[0].decision, StartsWith("deny: 0 human-decided cases"));

  ExpectError(workflows_->Promote(As("alice"), "release", true, "please"),
              StatusCode::kPermissionDenied, "promote needs an administrator; 'alice' is not one");
  ExpectError(workflows_->Promote(As("root"), "release", true, ""), StatusCode::kInvalidArgument,
              "a forced promotion needs a reason");
  ExpectError(workflows_->Promote(As("root"), "nope", false, ""), StatusCode::kNotFound,
              "no workflow 'nope'");
  EXPECT_EQ(CurrentLevel(), "observe");

  Result<Json> forced = workflows_->Promote(As("root"), "release", true, "pilot at one gate");
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ((*forced)["level"], "suggest");
  const Json& event = (*forced)["events"].back();
  EXPECT_EQ(event["kind"], "promote");
  EXPECT_EQ(event["from"], "observe");
  EXPECT_EQ(event["to"], "suggest");
  EXPECT_EQ(event["forced"], true);
  EXPECT_EQ(event["reason"], "pilot at one gate");
  EXPECT_EQ(event["actor"], "root");
  EXPECT_EQ(event["figures"]["cases"], 0);
  std::vector<LedgerRow> entry = LedgerEntries("seq = ?", {event["ledger_seq"].get<int64_t>()});
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].action, "workflow:promote");
  EXPECT_EQ(entry[0].decision, "allow: forced: pilot at one gate");

  ExpectError(workflows_->Demote(As("alice"), "release", std::nullopt, "no"),
              StatusCode::kPermissionDenied, "demote needs an administrator");
  Result<Json> demoted = workflows_->Demote(As("root"), "release", std::nullopt, "back");
  ASSERT_TRUE(demoted.ok()) << demoted.status().ToString();
  EXPECT_EQ((*demoted)["level"], "observe");
  ExpectError(workflows_->Demote(As("root"), "release", std::nullopt, "again"),
              StatusCode::kFailedPrecondition, "already at observe");
}

TEST_F(WorkflowsTest, FiveAgreeingDecisionsPromoteWithTheFiguresRecorded) {
  Register(WithLadder("  min_cases: 5\n"));
  for (int i = 1; i <= 4; ++i) MustDecide(StartCase(Clean(i)), Verdict::kApprove);
  ExpectError(workflows_->Promote(As("root"), "release", false, ""), StatusCode::kPermissionDenied,
              "4 human-decided cases at level observe, 5 needed");
  MustDecide(StartCase(Clean(5)), Verdict::kApprove);

  Result<Json> figures = workflows_->Figures("release");
  ASSERT_TRUE(figures.ok()) << figures.status().ToString();
  EXPECT_EQ((*figures)["cases"], 5);
  EXPECT_EQ((*figures)["agree"], 5);
  EXPECT_EQ((*figures)["eligible"], true);

  Result<Json> promoted = workflows_->Promote(As("root"), "release", false, "");
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ((*promoted)["level"], "suggest");
  const Json& event = (*promoted)["events"].back();
  EXPECT_EQ(event["kind"], "promote");
  EXPECT_EQ(event["forced"], false);
  EXPECT_EQ(event["figures"]["level"], "observe");
  EXPECT_EQ(event["figures"]["cases"], 5);
  EXPECT_EQ(event["figures"]["agree"], 5);
  EXPECT_EQ(event["figures"]["agreement"], 1.0);
  EXPECT_EQ(event["figures"]["criteria"]["min_cases"], 5);
  // The stored event carries the same figures.
  std::string stored;
  ASSERT_TRUE(host_->db()
                  ->Query("SELECT figures FROM workflow_events WHERE kind = 'promote'", {},
                          [&](const store::Row& r) {
                            stored = r.Text(0);
                            return OkStatus();
                          })
                  .ok());
  EXPECT_EQ(Json::parse(stored)["cases"], 5);
  // The figures start again at the new level.
  EXPECT_EQ((*promoted)["figures"]["level"], "suggest");
  EXPECT_EQ((*promoted)["figures"]["cases"], 0);

  // At suggest the recommendation is shown to the reviewer.
  const int64_t id = StartCase(Held(1));
  Json c = MustGet(id, "alice");
  EXPECT_EQ(c["status"], "waiting");
  EXPECT_EQ(c["recommendation"]["verdict"], "reject");
  EXPECT_THAT(c["recommendation"]["reason"].get<std::string>(), HasSubstr("hold_released"));
}

TEST_F(WorkflowsTest, ARejectionTheRecommendationWouldHaveApprovedBlocksPromotion) {
  Register(WithLadder("  min_cases: 5\n  min_agreement: 0.5\n"));
  for (int i = 1; i <= 4; ++i) MustDecide(StartCase(Clean(i)), Verdict::kApprove);
  MustDecide(StartCase(Clean(5)), Verdict::kReject);
  Result<Json> figures = workflows_->Figures("release");
  ASSERT_TRUE(figures.ok());
  EXPECT_EQ((*figures)["cases"], 5);
  EXPECT_EQ((*figures)["agree"], 4);
  EXPECT_EQ((*figures)["rejected_disagree"], 1);
  ExpectError(workflows_->Promote(As("root"), "release", false, ""), StatusCode::kPermissionDenied,
              "refused: 1 case(s) the human rejected were recommended for approval");
  EXPECT_EQ(CurrentLevel(), "observe");
}

// --- 4. automatic decisions and sampled reviews ------------------------------------------------

TEST_F(WorkflowsTest, AutoWithExceptionsDecidesCleanCasesAndLeavesExceptionsToAHuman) {
  Register(WithLadder("  review_sample_rate: 0\n"));
  ForcePromote(2);
  ASSERT_EQ(CurrentLevel(), "auto_with_exceptions");

  const int64_t clean = StartCase(Clean(1));
  Json c = MustGet(clean);
  EXPECT_EQ(c["status"], "done") << c.dump();
  EXPECT_EQ(c["level"], "auto_with_exceptions");
  EXPECT_EQ(c["decision"]["verdict"], "approve");
  EXPECT_EQ(c["decision"]["kind"], "auto");
  EXPECT_EQ(c["decision"]["by"], "workflow:release");
  EXPECT_TRUE(c["decision"]["ledger_seq"].is_number_integer());
  EXPECT_EQ(c["review"]["required"], false);
  EXPECT_EQ(Outbox(), 1);
  std::vector<LedgerRow> decided =
      LedgerEntries("action = 'case:decide' AND subject LIKE ?", {fmt::format("case {} %", clean)});
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].principal, "workflow:release");
  EXPECT_EQ(decided[0].decision, "approve: automatic at level auto_with_exceptions");

  const int64_t held = StartCase(Held(1));
  Json h = MustGet(held, "alice");
  EXPECT_EQ(h["status"], "waiting");
  EXPECT_TRUE(h["decision"].is_null());
  EXPECT_EQ(h["recommendation"]["verdict"], "reject");
  EXPECT_EQ(Step(h, "hold_released")["check"]["outcome"], "fail");
  MustDecide(held, Verdict::kReject);
  EXPECT_EQ(Outbox(), 1);
}

TEST_F(WorkflowsTest, AutonomousSamplesEveryCaseAndDisagreeingReviewsDemote) {
  Register(WithLadder("  review_sample_rate: 1.0\n  max_review_disagreement: 0.25\n"));
  ForcePromote(3);
  ASSERT_EQ(CurrentLevel(), "autonomous");
  ExpectError(workflows_->Promote(As("root"), "release", true, "higher"),
              StatusCode::kFailedPrecondition, "already autonomous");

  const int64_t a = StartCase(Clean(1));
  const int64_t b = StartCase(Clean(2));
  const int64_t held = StartCase(Held(1));
  for (int64_t id : {a, b, held}) {
    Json c = MustGet(id);
    EXPECT_EQ(c["status"], "done") << c.dump();
    EXPECT_EQ(c["decision"]["kind"], "auto");
    EXPECT_EQ(c["review"]["required"], true);
  }
  EXPECT_EQ(MustGet(held)["decision"]["verdict"], "reject");
  EXPECT_EQ(Outbox(), 2);
  Result<Json> queue = workflows_->ListCases(As("alice"), "release", "", true, 10);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 3u);
  // Newest first, each with its checks' outcomes counted: the held case fails one.
  EXPECT_EQ((*queue)[0]["id"], held);
  EXPECT_EQ((*queue)[0]["checks"]["fail"], 1) << (*queue)[0].dump();
  EXPECT_EQ((*queue)[1]["checks"]["fail"], 0);
  EXPECT_EQ((*queue)[1]["checks"]["unknown"], 0);
  EXPECT_GE((*queue)[1]["checks"]["pass"], 3);

  ExpectError(workflows_->Review(As("agent-7"), a, Verdict::kApprove, "fine"),
              StatusCode::kPermissionDenied, "agents may start and read cases, never review");
  ExpectError(workflows_->Review(As("alice"), a, Verdict::kApprove, ""),
              StatusCode::kInvalidArgument, "a review needs a reason");
  ExpectError(workflows_->Decide(As("alice"), a, Verdict::kApprove, "late"),
              StatusCode::kFailedPrecondition, "is not waiting for a decision");

  ASSERT_TRUE(workflows_->Review(As("alice"), a, Verdict::kApprove, "right").ok());
  ASSERT_TRUE(workflows_->Review(As("alice"), b, Verdict::kApprove, "right").ok());
  ExpectError(workflows_->Review(As("alice"), b, Verdict::kReject, "changed my mind"),
              StatusCode::kFailedPrecondition, "is not waiting for a sampled review");
  EXPECT_EQ(CurrentLevel(), "autonomous");  // 0 of 2 disagreed

  Result<Json> reviewed =
      workflows_->Review(As("alice"), held, Verdict::kApprove, "the hold was lifted by phone");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  EXPECT_EQ((*reviewed)["review"]["verdict"], "approve");
  EXPECT_EQ((*reviewed)["review"]["by"], "alice");
  // 1 of 3 > 25%: down one level, automatically.
  Result<Json> shown = workflows_->Show(As("root"), "release");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ((*shown)["level"], "auto_with_exceptions");
  const Json& event = (*shown)["events"].back();
  EXPECT_EQ(event["kind"], "auto_demote");
  EXPECT_EQ(event["from"], "autonomous");
  EXPECT_EQ(event["to"], "auto_with_exceptions");
  EXPECT_EQ(event["actor"], "workflow:release");
  EXPECT_EQ(event["reason"], "1 of the last 3 sampled reviews disagreed");
  EXPECT_EQ(event["figures"]["reviews"]["reviewed"], 3);
  EXPECT_EQ(event["figures"]["reviews"]["disagree"], 1);
  EXPECT_EQ(LedgerEntries("action = 'workflow:auto_demote'").size(), 1u);
  std::vector<LedgerRow> reviews = LedgerEntries("action = 'case:review' AND principal = 'alice'");
  ASSERT_EQ(reviews.size(), 3u);
  EXPECT_EQ(reviews[2].decision, "approve: disagrees");

  // A new held case now waits for a human again.
  EXPECT_EQ(MustGet(StartCase(Held(2)))["status"], "waiting");
}

// --- 5. the evaluation gate ---------------------------------------------------------------------

TEST_F(WorkflowsTest, EvaluationGateRefusesAWeakerCandidateUnlessForced) {
  const Definition current = Register();
  std::vector<int64_t> held;
  MustDecide(StartCase(Clean(1)), Verdict::kApprove);
  MustDecide(StartCase(Clean(2)), Verdict::kApprove);
  for (int i = 1; i <= 2; ++i) {
    held.push_back(StartCase(Held(i)));
    MustDecide(held.back(), Verdict::kReject);
  }
  ForcePromote(1);

  Spec weak;
  weak.hold_check = "SELECT 1 AS pass, 'not checked' AS reason";
  const Definition candidate = Parse(weak);
  ASSERT_NE(candidate.version, current.version);

  Result<Json> same = workflows_->AddVersion(As("root"), current);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ((*same)["status"], "unchanged");
  Result<Json> added = workflows_->AddVersion(As("root"), candidate);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ((*added)["status"], "candidate");
  EXPECT_EQ((*added)["level"], "suggest");
  EXPECT_EQ(CurrentLevel(), "suggest");
  ExpectError(workflows_->AddVersion(As("alice"), candidate), StatusCode::kPermissionDenied,
              "add needs an administrator");

  ExpectError(workflows_->Evaluate(As("alice"), "release", candidate),
              StatusCode::kPermissionDenied, "eval needs an administrator");
  Result<Json> report = workflows_->Evaluate(As("root"), "release", candidate);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ((*report)["current"]["cases"], 4);
  EXPECT_EQ((*report)["current"]["agreement"], 1.0);
  EXPECT_EQ((*report)["candidate"]["cases"], 4);
  EXPECT_EQ((*report)["candidate"]["agreement"], 0.5);
  EXPECT_EQ((*report)["candidate"]["rejected_approved"], 2);
  ASSERT_EQ((*report)["changed"].size(), 2u) << report->dump();
  for (size_t i = 0; i < 2; ++i) {
    const Json& changed = (*report)["changed"][i];
    EXPECT_EQ(changed["case"], held[i]);
    EXPECT_EQ(changed["human"], "reject");
    EXPECT_EQ(changed["current"], "reject");
    EXPECT_EQ(changed["candidate"], "approve");
    ASSERT_EQ(changed["checks"].size(), 1u);
    EXPECT_EQ(changed["checks"][0]["check"], "hold_released");
    EXPECT_EQ(changed["checks"][0]["current"], "fail");
    EXPECT_EQ(changed["checks"][0]["candidate"], "pass");
  }
  EXPECT_TRUE((*report)["not_replayable"].empty());
  EXPECT_EQ((*report)["gate"]["pass"], false);
  EXPECT_THAT((*report)["gate"]["why"].dump(),
              HasSubstr("agreement 50.0% is below the current version's 100.0%"));
  EXPECT_THAT((*report)["gate"]["why"].dump(),
              HasSubstr("it would approve 2 case(s) a human rejected"));

  ExpectError(workflows_->PromoteVersion(As("root"), "release", candidate, false, ""),
              StatusCode::kPermissionDenied,
              fmt::format("version {} of 'release' refused by the evaluation gate: agreement "
                          "50.0%",
                          candidate.version.substr(0, 12)));
  EXPECT_EQ(LedgerEntries("action = 'workflow:version' AND decision LIKE 'deny: %'").size(), 1u);
  ExpectError(workflows_->PromoteVersion(As("root"), "release", candidate, true, ""),
              StatusCode::kInvalidArgument, "a forced promotion needs a reason");
  ExpectError(workflows_->PromoteVersion(As("root"), "release", current, false, ""),
              StatusCode::kFailedPrecondition, "is already the current version of 'release'");
  Result<Definition> still = workflows_->Current("release");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->version, current.version);

  Result<Json> promoted = workflows_->PromoteVersion(As("root"), "release", candidate, true,
                                                     "customs checks holds upstream now");
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ((*promoted)["version"], candidate.version);
  EXPECT_EQ((*promoted)["level"], "suggest");  // the level is kept
  const Json& event = (*promoted)["events"].back();
  EXPECT_EQ(event["kind"], "version");
  EXPECT_EQ(event["version"], candidate.version);
  EXPECT_EQ(event["forced"], true);
  EXPECT_EQ(event["reason"], "customs checks holds upstream now");
  EXPECT_EQ(event["figures"]["candidate"]["agreement"], 0.5);
  // New cases run the new version: a held container is now recommended for approval.
  Json c = MustGet(StartCase(Held(3)));
  EXPECT_EQ(c["version"], candidate.version);
  EXPECT_EQ(c["recommendation"]["verdict"], "approve");
}

TEST_F(WorkflowsTest, EvaluationMarksCasesWhoseEvidenceWouldBeReadDifferently) {
  Register();
  for (int i = 1; i <= 2; ++i) MustDecide(StartCase(Clean(i)), Verdict::kApprove);
  for (int i = 1; i <= 2; ++i) MustDecide(StartCase(Held(i)), Verdict::kReject);
  Spec changed;
  changed.holds_sql =
      "SELECT container_no, released_at FROM tos.holds WHERE container_no = :container_no "
      "AND released_at IS NOT NULL";
  Result<Json> report = workflows_->Evaluate(As("root"), "release", Parse(changed));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ((*report)["not_replayable"].size(), 4u) << report->dump();
  for (const Json& entry : (*report)["not_replayable"]) {
    EXPECT_THAT(entry["why"].get<std::string>(),
                HasSubstr("candidate: step 'holds' reads with other SQL than the recorded "
                          "evidence"));
  }
  EXPECT_EQ((*report)["current"]["cases"], 0);
  EXPECT_EQ((*report)["candidate"]["cases"], 0);
  // Nothing could be replayed: the gate has no evidence to pass the candidate on.
  EXPECT_EQ((*report)["gate"]["pass"], false) << report->dump();
  EXPECT_THAT((*report)["gate"]["why"].dump(), HasSubstr("none of the 4 human-judged case(s)"));
}

// --- 6. actions: retries with backoff, effects exactly once -------------------------------------

TEST_F(WorkflowsTest, AFailingWebhookStaysPendingWithBackoff) {
  const uint16_t port = net::testing::ClosedPort();
  Spec spec;
  spec.sink = fmt::format("{{webhook: \"http://127.0.0.1:{}/release\", timeout_ms: 2000}}", port);
  Register(spec);
  const int64_t id = StartCase(Clean(1));
  Result<Json> decided = workflows_->Decide(As("alice"), id, Verdict::kApprove, "go");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ((*decided)["status"], "actioning");
  ASSERT_EQ((*decided)["actions"].size(), 1u);
  Json action = (*decided)["actions"][0];
  EXPECT_EQ(action["sink"], "webhook");
  EXPECT_EQ(action["status"], "pending");
  EXPECT_EQ(action["attempts"], 1);
  ASSERT_TRUE(action["last_error"].is_string()) << action.dump();
  EXPECT_THAT(action["last_error"].get<std::string>(), HasSubstr("Unavailable: "));
  EXPECT_EQ(action["next_attempt_at"], "2026-12-04T10:00:01Z");  // 1 s after the failure
  std::vector<LedgerRow> failed = LedgerEntries("action = 'case:action'");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].decision, "error: retry at 2026-12-04T10:00:01Z");

  // Not due yet: nothing is attempted.
  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["actions_pending"], 1);
  EXPECT_EQ((*resumed)["actions_delivered"], 0);
  EXPECT_EQ(MustGet(id)["actions"][0]["attempts"], 1);

  // Due: attempted again, and the wait doubles.
  host_->set_now("2026-12-04T10:00:05Z");
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());
  action = MustGet(id)["actions"][0];
  EXPECT_EQ(action["status"], "pending");
  EXPECT_EQ(action["attempts"], 2);
  EXPECT_EQ(action["next_attempt_at"], "2026-12-04T10:00:07Z");
  EXPECT_EQ(MustGet(id)["status"], "actioning");
}

TEST_F(WorkflowsTest, AnOutboxThatFailsIsRetriedAndDeliveredExactlyOnce) {
  // The outbox's directory cannot be created while a regular file stands in its place.
  const std::filesystem::path blocker = dir_ / "blocked";
  std::ofstream(blocker) << "not a directory";
  Spec spec;
  spec.sink = "{outbox: blocked/releases.sqlite}";
  Register(spec);
  const int64_t id = StartCase(Clean(1));
  Result<Json> decided = workflows_->Decide(As("alice"), id, Verdict::kApprove, "go");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ((*decided)["status"], "actioning");
  Json action = (*decided)["actions"][0];
  EXPECT_EQ(action["status"], "pending");
  EXPECT_EQ(action["attempts"], 1);
  EXPECT_THAT(action["last_error"].get<std::string>(), HasSubstr("cannot create its directory"));
  EXPECT_GT(action["next_attempt_at"].get<std::string>(), std::string(kStart));

  std::filesystem::remove(blocker);
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());  // not due yet
  EXPECT_EQ(Outbox("blocked/releases.sqlite"), 0);
  EXPECT_EQ(MustGet(id)["actions"][0]["attempts"], 1);

  host_->set_now("2026-12-04T10:00:02Z");
  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["actions_delivered"], 1);
  EXPECT_EQ((*resumed)["actions_pending"], 0);
  host_->set_now("2026-12-04T10:10:00Z");
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());
  EXPECT_EQ(Outbox("blocked/releases.sqlite"), 1);
  Json c = MustGet(id);
  EXPECT_EQ(c["status"], "done");
  EXPECT_EQ(c["actions"][0]["status"], "delivered");
  EXPECT_EQ(c["actions"][0]["attempts"], 2);
  EXPECT_EQ(c["actions"][0]["delivered_at"], "2026-12-04T10:00:02Z");

  // A crash between delivery and its acknowledgement: delivered again, with the same key, to
  // no effect.
  Exec("UPDATE case_actions SET status = 'pending', delivered_at = NULL WHERE case_id = ?", {id});
  Exec("UPDATE cases SET status = 'actioning' WHERE id = ?", {id});
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());
  EXPECT_EQ(Outbox("blocked/releases.sqlite"), 1);
  EXPECT_EQ(MustGet(id)["status"], "done");
  EXPECT_EQ(LedgerEntries("action = 'case:action' AND decision = 'allow: delivered'").size(), 2u);
}

// --- 7. crash safety ----------------------------------------------------------------------------

TEST_F(WorkflowsTest, ResumeAppendsTheLedgerEntryOfADecisionCommittedWithoutIt) {
  Register();
  const int64_t id = StartCase(Clean(1));
  MustDecide(id, Verdict::kApprove);
  const std::string subject = fmt::format("case {} %", id);
  ASSERT_EQ(LedgerEntries("action = 'case:decide' AND subject LIKE ?", {subject}).size(), 1u);
  Exec("UPDATE cases SET decision_seq = NULL WHERE id = ?", {id});

  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["resumed"], 1);
  std::vector<LedgerRow> entries =
      LedgerEntries("action = 'case:decide' AND subject LIKE ?", {subject});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].principal, "alice");
  EXPECT_EQ(entries[1].decision, "approve");
  Json c = MustGet(id);
  EXPECT_EQ(c["decision"]["ledger_seq"], entries[1].seq);
  EXPECT_EQ(c["status"], "done");
  EXPECT_EQ(Outbox(), 1);

  // Nothing is left to resume.
  resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)["resumed"], 0);
}

TEST_F(WorkflowsTest, AnInterruptedCaseFinishesOnResumeWithoutRerunningFinishedSteps) {
  Register();
  // The engine goes away after the first query.
  host_->set_session_budget(1);
  ExpectError(workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}}),
              StatusCode::kUnavailable, "the engine is unavailable");
  const int64_t id = Count("SELECT max(id) FROM cases");
  EXPECT_EQ(MustGet(id)["status"], "running");
  EXPECT_THAT(MustGet(id)["error"].get<std::string>(), HasSubstr("the engine is unavailable"));
  EXPECT_EQ(Count("SELECT count(*) FROM case_steps WHERE case_id = ?", {id}), 1);
  EXPECT_EQ(EvidenceQueries(), 1);
  const Json first = Step(MustGet(id), "containers")["ledger_seq"];

  host_->set_session_budget(-1);
  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["resumed"], 1);
  EXPECT_EQ((*resumed)["interrupted"], 1);
  EXPECT_EQ((*resumed)["errors"], Json::array());
  Json c = MustGet(id);
  EXPECT_EQ(c["status"], "waiting");
  EXPECT_TRUE(c["error"].is_null());
  EXPECT_EQ(EvidenceQueries(), 3);  // holds and invoices; containers was not read again
  EXPECT_EQ(Step(c, "containers")["ledger_seq"], first);
  EXPECT_EQ(Count("SELECT count(*) FROM case_steps WHERE case_id = ?", {id}), 6);
  EXPECT_EQ(c["recommendation"]["verdict"], "approve");
  EXPECT_EQ(LedgerEntries("action = 'case:recommend'").size(), 1u);

  // A finished case is not advanced again.
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());
  EXPECT_EQ(EvidenceQueries(), 3);
}

// `n` cases left running, as a crash would leave them: the engine goes away after one query.
std::vector<int64_t> StartInterrupted(TestHost* host, Workflows* workflows, const Actor& actor,
                                      int n) {
  std::vector<int64_t> ids;
  for (int i = 1; i <= n; ++i) {
    host->set_session_budget(1);
    Result<Json> started = workflows->Start(actor, "release", {{"container_no", Clean(i)}});
    EXPECT_FALSE(started.ok());
    int64_t id = -1;
    EXPECT_TRUE(host->db()
                    ->Query("SELECT max(id) FROM cases", {},
                            [&](const store::Row& r) {
                              id = r.Int(0);
                              return OkStatus();
                            })
                    .ok());
    ids.push_back(id);
  }
  host->set_session_budget(-1);
  return ids;
}

TEST_F(WorkflowsTest, ResumeLeavesACaseToTheRunnerThatHoldsIt) {
  Register();
  const std::vector<int64_t> ids = StartInterrupted(host_.get(), workflows_.get(), As("clerk"), 2);
  // Another runner (another thread or process: its own lock file descriptor) holds the first.
  Result<std::unique_ptr<internal::CaseLocks>> other =
      internal::CaseLocks::Open(dir_ / "state.sqlite");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  Result<std::optional<internal::CaseLocks::Held>> held = (*other)->TryLock(ids[0]);
  ASSERT_TRUE(held.ok() && held->has_value());

  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["busy"], 1);
  EXPECT_EQ((*resumed)["resumed"], 1);
  EXPECT_EQ(MustGet(ids[0])["status"], "running");
  EXPECT_EQ(MustGet(ids[1])["status"], "waiting");

  held->reset();  // the other runner is done with it (or died)
  resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["busy"], 0);
  EXPECT_EQ((*resumed)["resumed"], 1);
  EXPECT_EQ(MustGet(ids[0])["status"], "waiting");
  EXPECT_EQ(EvidenceQueries(), 6);  // each query of each case ran once
}

TEST_F(WorkflowsTest, TheLockOfARunnerKilledWithSigkillIsFreeAtOnce) {
  Register();
  const int64_t id = StartInterrupted(host_.get(), workflows_.get(), As("clerk"), 1)[0];
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<internal::CaseLocks>> locks =
        internal::CaseLocks::Open(dir_ / "state.sqlite");
    if (!locks.ok()) ::_exit(1);
    Result<std::optional<internal::CaseLocks::Held>> held = (*locks)->TryLock(id);
    if (!held.ok() || !held->has_value()) ::_exit(2);
    (void)!::write(ready[1], "x", 1);
    for (;;) ::pause();
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the child could not take the lock";
  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["busy"], 1);

  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::close(ready[0]);
  ::close(ready[1]);
  resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["busy"], 0);
  EXPECT_EQ((*resumed)["interrupted"], 1);
  EXPECT_EQ(MustGet(id)["status"], "waiting");
}

TEST_F(WorkflowsTest, ResumeGoesOnPastACaseItCannotAdvance) {
  Register();
  const std::vector<int64_t> ids = StartInterrupted(host_.get(), workflows_.get(), As("clerk"), 2);
  Exec("UPDATE cases SET inputs = 'not json' WHERE id = ?", {ids[0]});

  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["resumed"], 1);
  ASSERT_EQ((*resumed)["errors"].size(), 1u) << resumed->dump();
  EXPECT_EQ((*resumed)["errors"][0]["case"], ids[0]);
  EXPECT_EQ((*resumed)["errors"][0]["code"], "DataLoss");
  EXPECT_THAT((*resumed)["errors"][0]["error"].get<std::string>(),
              HasSubstr("stored inputs do not parse"));
  EXPECT_EQ(MustGet(ids[1])["status"], "waiting");
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE id = ? AND error LIKE 'DataLoss: %'", {ids[0]}),
            1);

  // Reported again by the next call, and only that case.
  resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["resumed"], 0);
  EXPECT_EQ((*resumed)["errors"].size(), 1u);
}

TEST_F(WorkflowsTest, ResumeStopsBetweenCasesWhenAsked) {
  Register();
  const std::vector<int64_t> ids = StartInterrupted(host_.get(), workflows_.get(), As("clerk"), 2);
  int asked = 0;
  Result<Json> resumed = workflows_->Resume(As("root"), [&] { return ++asked > 1; });
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["resumed"], 1);
  EXPECT_EQ((*resumed)["stopped"], true);
  EXPECT_EQ(MustGet(ids[0])["status"], "waiting");
  EXPECT_EQ(MustGet(ids[1])["status"], "running");

  resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["stopped"], false);
  EXPECT_EQ(MustGet(ids[1])["status"], "waiting");
}

// --- 8. evidence digests ------------------------------------------------------------------------

TEST_F(WorkflowsTest, TheEvidenceDigestFollowsTheDataNotTheRun) {
  Register();
  const std::string first = MustGet(StartCase(Clean(1)))["evidence_digest"];
  host_->set_now("2026-12-04T11:00:00Z");
  const std::string second = MustGet(StartCase(Clean(1)))["evidence_digest"];
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first, second);

  ExecSqlite(
      dir_ / "tos.sqlite",
      fmt::format("UPDATE invoices SET status = 'open' WHERE container_no = '{}'", Clean(1)));
  Json third = MustGet(StartCase(Clean(1)));
  EXPECT_NE(third["evidence_digest"], first);
  EXPECT_EQ(third["recommendation"]["verdict"], "reject");
  EXPECT_EQ(Step(third, "invoice_paid")["check"]["reason"], "1 unpaid invoice(s)");
}

// --- resume reports what it did ------------------------------------------------------------------

TEST_F(WorkflowsTest, ResumeCountsOnlyWhatThisCallDelivered) {
  const std::filesystem::path blocker = dir_ / "blocked";
  Spec spec;
  spec.sink = "{outbox: blocked/releases.sqlite}";
  Register(spec);
  MustDecide(StartCase(Clean(1)), Verdict::kApprove);  // delivered at once
  std::filesystem::remove_all(blocker);
  std::ofstream(blocker) << "not a directory";
  const int64_t id = StartCase(Clean(2));
  MustDecide(id, Verdict::kApprove);  // fails, retried later
  EXPECT_EQ(MustGet(id)["actions"][0]["status"], "pending");

  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["resumed"], 0);            // not due: the case was not even loaded
  EXPECT_EQ((*resumed)["actions_delivered"], 0);  // nothing was delivered now
  EXPECT_EQ((*resumed)["actions_pending"], 1);

  std::filesystem::remove(blocker);
  host_->set_now("2026-12-04T10:00:02Z");
  resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["resumed"], 1);
  EXPECT_EQ((*resumed)["actions_delivered"], 1);
  EXPECT_EQ((*resumed)["actions_pending"], 0);
  EXPECT_EQ(Outbox("blocked/releases.sqlite"), 1);  // a fresh outbox: the first one was removed
}

// --- llm steps
// -------------------------------------------------------------------------------------

constexpr char kAdvice[] = R"(  - id: advice
    kind: llm
    uses: [holds]
    prompt: Should this container be released?
)";

TEST_F(WorkflowsTest, AnLlmStepWithoutAnEndpointIsSkippedAndSaysSo) {
  Spec spec;
  spec.extra_steps = kAdvice;
  Register(spec);
  Json c = MustGet(StartCase(Clean(1)));
  EXPECT_EQ(c["status"], "waiting");
  Json advice = Step(c, "advice");
  EXPECT_EQ(advice["status"], "skipped");
  EXPECT_THAT(advice["result"]["skipped"].get<std::string>(), HasSubstr("no llm endpoint"));
  EXPECT_TRUE(c["suggestion"].is_null());
  std::vector<LedgerRow> entries = LedgerEntries("action = 'case:llm'");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].decision, "skipped");
  EXPECT_EQ(entries[0].seq, advice["ledger_seq"]);
}

TEST_F(WorkflowsTest, AnLlmSuggestionIsKeptWithTheCaseAndItsEvidenceIsWrapped) {
  net::testing::TestHttpServer server([](const net::testing::RecordedRequest&) {
    Json completion = {
        {"choices",
         Json::array({{{"index", 0},
                       {"message", {{"role", "assistant"}, {"content", "APPROVE\nNo open hold."}}},
                       {"finish_reason", "stop"}}})}};
    return net::testing::Reply{200, completion.dump()};
  });
  LlmConfig llm;
  llm.url = server.Url("/v1");
  llm.model = "test-model";
  llm.timeout_ms = 5000;
  host_->set_llm(llm);
  Spec spec;
  spec.extra_steps = kAdvice;
  Register(spec);

  const int64_t id = StartCase(Clean(1));
  Json c = MustGet(id);
  EXPECT_EQ(Step(c, "advice")["status"], "done");
  EXPECT_EQ(Step(c, "advice")["result"]["suggestion"], "APPROVE\nNo open hold.");
  EXPECT_EQ(c["suggestion"], "APPROVE\nNo open hold.");  // shown to the reviewer
  std::vector<net::testing::RecordedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string prompt =
      Json::parse(requests[0].body)["messages"][1]["content"].get<std::string>();
  EXPECT_THAT(prompt, HasSubstr("Should this container be released?"));
  EXPECT_THAT(prompt, HasSubstr("<untrusted-data label=\"public\">"));
  EXPECT_THAT(prompt, HasSubstr(Clean(1)));
  // The suggestion never decides: the case still waits for a human.
  EXPECT_EQ(c["status"], "waiting");
  EXPECT_TRUE(c["decision"].is_null());
}

}  // namespace
}  // namespace cairn::workflow
