// Several nodes on one PostgreSQL state: each node is a Host with its own state connection (and
// its own case-lock connection), as each `cairn serve` process has. Cases started on one node
// are decided on another, decisions racing on two nodes are taken once, and a case lock goes
// with the connection that holds it.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "workflow/workflows_testing.h"

namespace cairn::workflow {
namespace {

using namespace ::cairn::workflow::test_support;
using ::testing::HasSubstr;

class CrossNodeTest : public WorkflowsTest {
 protected:
  void SetUp() override {
    WorkflowsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    node_b_ = std::make_unique<TestHost>(dir_, pg_.get());
    Status init = node_b_->Init();
    ASSERT_TRUE(init.ok()) << init.ToString();
    AddPrincipals(node_b_.get());
    Result<std::unique_ptr<Workflows>> workflows = Workflows::Open(node_b_.get());
    ASSERT_TRUE(workflows.ok()) << workflows.status().ToString();
    workflows_b_ = std::move(*workflows);
  }
  void TearDown() override {
    workflows_b_.reset();
    node_b_.reset();
    WorkflowsTest::TearDown();
  }

  Actor OnB(const std::string& id) { return Actor{node_b_->Get(id), "cli"}; }

  std::unique_ptr<TestHost> node_b_;
  std::unique_ptr<Workflows> workflows_b_;
};

INSTANTIATE_TEST_SUITE_P(Engines, CrossNodeTest, ::testing::Values(store::Dialect::kPostgres),
                         store::EngineName);

TEST_P(CrossNodeTest, ACaseStartedOnOneNodeIsDecidedOnAnother) {
  Register();
  const int64_t id = StartCase(Clean(1));
  ASSERT_EQ(MustGet(id)["status"], "waiting");

  // Node B sees the case node A started, in its queue and by id.
  Result<Json> queue = workflows_b_->ListCases(OnB("alice"), "release", "waiting", true, 10);
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0]["id"], id);
  EXPECT_EQ((*queue)[0]["checks"]["pass"], 3);

  Result<Json> decided =
      workflows_b_->Decide(OnB("alice"), id, Verdict::kApprove, "checked on node b");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ((*decided)["status"], "done");
  EXPECT_EQ(Outbox(), 1);

  // Node A sees the decision, and refuses a second one.
  Json c = MustGet(id);
  EXPECT_EQ(c["decision"]["by"], "alice");
  EXPECT_EQ(c["decision"]["reason"], "checked on node b");
  ExpectError(workflows_->Decide(As("alice"), id, Verdict::kReject, "too late"),
              StatusCode::kFailedPrecondition, "not waiting");
  EXPECT_EQ(Outbox(), 1);
}

TEST_P(CrossNodeTest, TwoNodesRacingToDecideOneCaseDecideItOnce) {
  Register();
  std::vector<int64_t> ids;
  for (int i = 1; i <= 5; ++i) ids.push_back(StartCase(Clean(i)));
  for (int64_t id : ids) {
    std::atomic<bool> go{false};
    Result<Json> on_a = InternalError("not run"), on_b = InternalError("not run");
    std::thread a([&] {
      while (!go) std::this_thread::yield();
      on_a = workflows_->Decide(As("alice"), id, Verdict::kApprove, "node a");
    });
    std::thread b([&] {
      while (!go) std::this_thread::yield();
      on_b = workflows_b_->Decide(OnB("alice"), id, Verdict::kReject, "node b");
    });
    go = true;
    a.join();
    b.join();
    ASSERT_NE(on_a.ok(), on_b.ok())
        << "case " << id << ": " << on_a.status().ToString() << " / " << on_b.status().ToString();
    const Result<Json>& lost = on_a.ok() ? on_b : on_a;
    EXPECT_EQ(lost.status().code(), StatusCode::kFailedPrecondition) << lost.status().ToString();
    Json c = MustGet(id);
    EXPECT_EQ(c["decision"]["reason"], on_a.ok() ? "node a" : "node b");
    EXPECT_EQ(
        LedgerEntries("action = 'case:decide' AND subject LIKE ?", {fmt::format("case {} %", id)})
            .size(),
        1u);
  }
  // The approvals were delivered once each; rejections deliver nothing.
  EXPECT_EQ(Count("SELECT count(*) FROM case_actions"), Outbox());
}

TEST_P(CrossNodeTest, ACaseLockGoesWithTheConnectionThatHoldsIt) {
  auto on_a = internal::CaseLocks::For(host_->db());
  auto on_b = internal::CaseLocks::For(node_b_->db());
  ASSERT_TRUE(on_a.ok() && on_b.ok()) << on_a.status().ToString() << on_b.status().ToString();
  auto held = (*on_a)->TryLock(42);
  ASSERT_TRUE(held.ok() && held->has_value()) << held.status().ToString();
  auto refused = (*on_b)->TryLock(42);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->has_value());
  auto waited = (*on_b)->Lock(42, std::chrono::milliseconds(100));
  ASSERT_TRUE(waited.ok());
  EXPECT_FALSE(waited->has_value());
  // Another case is free; the same id in a large case number does not collide below 2^32.
  auto other = (*on_b)->TryLock(43);
  ASSERT_TRUE(other.ok() && other->has_value());
  other->reset();

  // Node A's lock connection dies (a node killed, a network cut): PostgreSQL ends its session
  // and frees its locks.
  EXPECT_EQ(Count("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE "
                  "locktype = 'advisory' AND classid = ? AND objid = 42 AND granted",
                  {int64_t{internal::kPgCaseLockClass}}),
            1);
  auto taken = (*on_b)->Lock(42, std::chrono::seconds(10));
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_TRUE(taken->has_value());

  // A's holder lets go (its unlock finds the lock gone), and A can lock again once B is done.
  held->reset();
  EXPECT_FALSE((*(*on_a)->TryLock(42)).has_value());
  taken->reset();
  auto again = (*on_a)->TryLock(42);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->has_value());
}

TEST_P(CrossNodeTest, ResumeOnTwoNodesAdvancesEachInterruptedCaseOnce) {
  Register();
  // Cases left running: the engine fails after the first evidence query of each.
  std::vector<int64_t> ids;
  for (int i = 1; i <= 6; ++i) {
    host_->set_session_budget(1);
    Result<Json> started = workflows_->Start(As("clerk"), "release", {{"container_no", Clean(i)}});
    ASSERT_FALSE(started.ok());
    host_->set_session_budget(-1);
  }
  ASSERT_EQ(Count("SELECT count(*) FROM cases WHERE status = 'running'"), 6);
  const int64_t queries_before = EvidenceQueries();

  Result<Json> on_a = InternalError("not run"), on_b = InternalError("not run");
  std::thread a([&] { on_a = workflows_->Resume(As("root")); });
  std::thread b([&] { on_b = workflows_b_->Resume(OnB("root")); });
  a.join();
  b.join();
  ASSERT_TRUE(on_a.ok()) << on_a.status().ToString();
  ASSERT_TRUE(on_b.ok()) << on_b.status().ToString();
  EXPECT_TRUE((*on_a)["errors"].empty()) << on_a->dump();
  EXPECT_TRUE((*on_b)["errors"].empty()) << on_b->dump();
  EXPECT_EQ((*on_a)["resumed"].get<int>() + (*on_b)["resumed"].get<int>(), 6)
      << on_a->dump() << on_b->dump();
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE status = 'waiting'"), 6);
  // Each case ran its two remaining queries once, on one node or the other.
  EXPECT_EQ(EvidenceQueries() - queries_before, 12);
}

}  // namespace
}  // namespace cairn::workflow
