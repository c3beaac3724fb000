#include "ledger/group_commit.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <thread>
#include <vector>

namespace cairn::ledger {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("cairn-group-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    auto key = KeyPair::LoadOrCreate(dir_ / "ledger.key");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    key_.emplace(std::move(*key));
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::unique_ptr<Ledger> OpenLedger() {
    auto db = store::StateDb::Open(dir_ / "state.sqlite");
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    auto ledger = Ledger::Open(std::move(*db), &clock_, &*key_);
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    return std::move(*ledger);
  }
  static Entry MakeEntry(int producer, int i) {
    Entry e;
    e.principal = "worker-" + std::to_string(producer);
    e.action = "query";
    e.subject = "SELECT " + std::to_string(i);
    e.decision = "allow";
    e.ingress = "rest";
    return e;
  }

  std::filesystem::path dir_;
  SystemClock clock_;
  std::optional<KeyPair> key_;
};

// Eight producers append concurrently: every entry is stored once with a distinct sequence
// number, batches are shared (fewer transactions than entries), the ledger verifies, and
// Close() leaves a signed head over everything.
TEST_F(GroupCommitTest, ConcurrentProducersShareBatches) {
  constexpr int kProducers = 8;
  constexpr int kEach = 200;
  GroupCommitter committer(OpenLedger());
  std::vector<std::vector<int64_t>> seqs(kProducers);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i) {
        auto seq = committer.Append(MakeEntry(p, i));
        ASSERT_TRUE(seq.ok()) << seq.status().ToString();
        seqs[p].push_back(*seq);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> distinct;
  for (const auto& s : seqs) distinct.insert(s.begin(), s.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kProducers * kEach));
  EXPECT_EQ(*distinct.begin(), 0);
  EXPECT_EQ(*distinct.rbegin(), kProducers * kEach - 1);
  EXPECT_EQ(committer.entries(), static_cast<uint64_t>(kProducers * kEach));
  EXPECT_LT(committer.batches(), committer.entries());
  ASSERT_TRUE(committer.Close().ok());

  auto ledger = OpenLedger();
  auto report = ledger->Verify(&key_->public_key());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, static_cast<uint64_t>(kProducers * kEach));
  auto head = ledger->LatestSignedTreeHead();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->tree_size, static_cast<uint64_t>(kProducers * kEach));
  // Entries of one producer keep their order.
  for (const auto& s : seqs) EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
}

TEST_F(GroupCommitTest, AppendAfterCloseFails) {
  GroupCommitter committer(OpenLedger());
  ASSERT_TRUE(committer.Append(MakeEntry(0, 0)).ok());
  ASSERT_TRUE(committer.Close().ok());
  auto refused = committer.Append(MakeEntry(0, 1));
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(committer.Close().ok());  // idempotent
}

// A batch the ledger refuses fails every producer in it, and the writer goes on.
TEST_F(GroupCommitTest, RefusedEntryReportsItsError) {
  GroupCommitter committer(OpenLedger());
  Entry bad = MakeEntry(0, 0);
  bad.principal.clear();  // required
  EXPECT_EQ(committer.Append(bad).status().code(), StatusCode::kInvalidArgument);
  auto next = committer.Append(MakeEntry(0, 1));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, 0);
}

// The writer signs a head on its own when asked to, without waiting for Close().
TEST_F(GroupCommitTest, SignsPeriodically) {
  GroupCommitter committer(OpenLedger(), std::chrono::milliseconds(50));
  ASSERT_TRUE(committer.Append(MakeEntry(0, 0)).ok());
  auto reader = OpenLedger();
  bool signed_head = false;
  for (int i = 0; i < 100 && !signed_head; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto head = reader->LatestSignedTreeHead();
    signed_head = head.ok() && head->has_value() && (*head)->tree_size == 1;
  }
  EXPECT_TRUE(signed_head);
}

}  // namespace
}  // namespace cairn::ledger
