// Crash safety: Resume() finishes interrupted cases, respects the runner holding a case, and
// reports what it did.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "workflow/workflows_testing.h"

namespace cairn::workflow {
namespace {

using namespace ::cairn::workflow::test_support;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// --- 7. crash safety ----------------------------------------------------------------------------

TEST_P(WorkflowsTest, ResumeAppendsTheLedgerEntryOfADecisionCommittedWithoutIt) {
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

TEST_P(WorkflowsTest, AnInterruptedCaseFinishesOnResumeWithoutRerunningFinishedSteps) {
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

TEST_P(WorkflowsTest, ResumeLeavesACaseToTheRunnerThatHoldsIt) {
  Register();
  const std::vector<int64_t> ids = StartInterrupted(host_.get(), workflows_.get(), As("clerk"), 2);
  // Another runner (another thread or process: its own lock file descriptor) holds the first.
  Result<std::unique_ptr<internal::CaseLocks>> other = internal::CaseLocks::For(host_->db());
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

TEST_P(WorkflowsTest, TheLockOfARunnerKilledWithSigkillIsFreeAtOnce) {
  Register();
  const int64_t id = StartInterrupted(host_.get(), workflows_.get(), As("clerk"), 1)[0];
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Its own lock file descriptor, or its own PostgreSQL connection.
    Result<std::unique_ptr<internal::CaseLocks>> locks = internal::CaseLocks::For(host_->db());
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
  // PostgreSQL frees a dead session's locks once its backend has seen the connection close:
  // at once, give or take a scheduling round.
  for (int i = 0; Postgres() && i < 100 && resumed.ok() && (*resumed)["busy"] == 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    resumed = workflows_->Resume(As("root"));
  }
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["busy"], 0);
  EXPECT_EQ((*resumed)["interrupted"], 1);
  EXPECT_EQ(MustGet(id)["status"], "waiting");
}

TEST_P(WorkflowsTest, ResumeGoesOnPastACaseItCannotAdvance) {
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

TEST_P(WorkflowsTest, ResumeStopsBetweenCasesWhenAsked) {
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

// --- resume reports what it did ------------------------------------------------------------------

TEST_P(WorkflowsTest, ResumeCountsOnlyWhatThisCallDelivered) {
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

}  // namespace
}  // namespace cairn::workflow
