// The ledger on PostgreSQL: the same log, proofs and verification as on SQLite, and several nodes
// (Ledger instances on connections of their own, each with its own key) appending to one log.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <span>
#include <thread>

#include "ledger/group_commit.h"
#include "ledger/ledger.h"
#include "ledger/ledger_testing.h"
#include "store/pg_testing.h"

namespace cairn::ledger {
namespace {

Entry MakeEntry(int node, int i) {
  Entry e;
  e.principal = "node-" + std::to_string(node);
  e.action = i % 3 == 0 ? "query" : "tool_call";
  e.subject = "SELECT * FROM containers WHERE id = " + std::to_string(i);
  e.input_digest = ToHex(Sha256("input " + std::to_string(i)));
  e.label = "internal";
  e.decision = i % 5 == 0 ? "deny: not granted" : "allow";
  e.ingress = "rest";
  return e;
}

std::vector<Hash> FromHex(const std::vector<std::string>& hex) {
  std::vector<Hash> out;
  for (const std::string& h : hex) out.push_back(*HashFromHex(h));
  return out;
}

class LedgerPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CAIRN_NEED_TEST_PG();
    pg_.emplace();
    for (int i = 0; i < 4; ++i) {
      auto key = KeyPair::Generate();
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      keys_.push_back(std::move(*key));
    }
    ledger_ = Open(0);
    ASSERT_NE(ledger_, nullptr);
  }

  // A node: a Ledger on a connection of its own, signing with keys_[node].
  std::unique_ptr<Ledger> Open(int node) {
    auto db = pg_->Open();
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return nullptr;
    auto ledger = Ledger::Open(std::move(*db), &clock_, &keys_[node]);
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    return ledger.ok() ? std::move(*ledger) : nullptr;
  }

  // Runs `sql` on a connection of its own, as someone with write access to the database would.
  void Tamper(const std::string& sql) {
    auto db = pg_->Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto changed = (*db)->Exec(sql);
    ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  }

  void FillBatches(int n, int max_batch = 37) {
    AppendInBatches(*ledger_, n, max_batch, [](int i) { return MakeEntry(0, i); });
  }

  void ExpectDataLoss(const std::string& needle, const PublicKey* key = nullptr,
                      const std::vector<SignedTreeHead>& saved = {}) {
    auto report = ledger_->Verify(key, saved);
    ASSERT_FALSE(report.ok()) << "expected: " << needle;
    EXPECT_EQ(report.status().code(), StatusCode::kDataLoss) << report.status().ToString();
    EXPECT_NE(report.status().message().find(needle), std::string::npos)
        << report.status().message();
  }

  std::optional<store::TestPgDatabase> pg_;
  SystemClock clock_;
  std::vector<KeyPair> keys_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerPgTest, HeadsAndProofsEqualTheReferenceImplementation) {
  FillBatches(300);
  EXPECT_EQ(*ledger_->Size(), 300u);
  const std::vector<Hash> leaves = StoredLeaves(*ledger_);
  ASSERT_EQ(leaves.size(), 300u);
  EXPECT_EQ(CachedSubtrees(*ledger_), 34);  // as on SQLite: 18 + 9 + 4 + 2 + 1
  for (uint64_t n : {1, 15, 16, 17, 100, 256, 257, 300}) {
    const std::span<const Hash> tree(leaves.data(), n);
    auto head = ledger_->Head(n);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->root_hash, ToHex(RootHash(tree)));
    for (uint64_t m : {uint64_t{0}, n / 2, n - 1}) {
      auto proof = ledger_->Prove(m, n);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_EQ(FromHex(proof->audit_path), *InclusionProof(tree, m)) << m << "/" << n;
      auto consistency = ledger_->Consistency(m + 1, n);
      ASSERT_TRUE(consistency.ok()) << consistency.status().ToString();
      EXPECT_EQ(FromHex(consistency->proof), *ConsistencyProof(tree, m + 1));
    }
  }
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  auto report = ledger_->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 300u);
  EXPECT_EQ(report->signed_heads, 1u);
  EXPECT_EQ(report->signers, 1u);
}

TEST_F(LedgerPgTest, TailGetAndSearch) {
  FillBatches(40);
  auto tail = ledger_->Tail(3);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  ASSERT_EQ(tail->size(), 3u);
  EXPECT_EQ((*tail)[0].seq, 37);
  auto record = ledger_->Get(5);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->entry.subject, "SELECT * FROM containers WHERE id = 5");
  EXPECT_EQ(ledger_->Get(40).status().code(), StatusCode::kNotFound);
  SearchFilter filter;
  filter.subject = "id = 1";  // 1 and 10..19
  auto found = ledger_->Search(filter);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->size(), 11u);
  filter = SearchFilter{};
  filter.decision = "deny";  // "deny: not granted" for every fifth
  filter.limit = 3;
  found = ledger_->Search(filter);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[2].seq, 10);
}

// Four nodes append at once, in batches and one by one, and sign heads as they go: sequence
// numbers are dense and unique across nodes, the log verifies with every node's key from the
// signer list, and a proof from one node verifies against a head signed by another.
TEST_F(LedgerPgTest, ConcurrentNodesShareOneDenseLog) {
  constexpr int kNodes = 4;
  constexpr int kRounds = 30;
  std::vector<std::unique_ptr<Ledger>> nodes;
  for (int n = 0; n < kNodes; ++n) nodes.push_back(Open(n));
  std::vector<std::vector<int64_t>> seqs(kNodes);
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      std::mt19937 random(n);
      for (int round = 0; round < kRounds; ++round) {
        std::vector<Entry> batch;
        const int size = 1 + static_cast<int>(random() % 20);
        for (int i = 0; i < size; ++i) batch.push_back(MakeEntry(n, round * 100 + i));
        auto got = nodes[n]->AppendBatch(std::move(batch));
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        seqs[n].insert(seqs[n].end(), got->begin(), got->end());
        if (round % 10 == 9) {
          auto head = nodes[n]->SignTreeHead();
          ASSERT_TRUE(head.ok()) << head.status().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  std::vector<int64_t> all;
  for (const auto& s : seqs) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], static_cast<int64_t>(i));
  for (int n = 0; n < kNodes; ++n) EXPECT_EQ(*nodes[n]->Size(), all.size()) << "node " << n;

  auto report = nodes[2]->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, all.size());
  // Heads of equal size replace each other, so some nodes' heads may be gone.
  EXPECT_GE(report->signed_heads, 1u);
  EXPECT_GE(report->signers, 1u);
  auto signers = nodes[0]->Signers();
  ASSERT_TRUE(signers.ok()) << signers.status().ToString();
  ASSERT_EQ(signers->size(), static_cast<size_t>(kNodes));
  for (const Signer& s : *signers) EXPECT_FALSE(s.node.empty());

  // Node 1 signs; node 3 proves against that head.
  auto old_head = nodes[0]->SignTreeHead();
  ASSERT_TRUE(old_head.ok());
  ASSERT_TRUE(nodes[0]->AppendBatch({MakeEntry(0, 9000), MakeEntry(0, 9001)}).ok());
  auto head = nodes[1]->SignTreeHead();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->key_id, keys_[1].public_key().key_id());
  EXPECT_TRUE(VerifyTreeHead(*head, keys_[1].public_key()).ok());
  const Hash root = *HashFromHex(head->root_hash);
  for (uint64_t seq : {uint64_t{0}, uint64_t{17}, head->tree_size - 1}) {
    auto proof = nodes[3]->Prove(seq, head->tree_size);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_TRUE(VerifyInclusion(*HashFromHex(proof->leaf_hash), seq, head->tree_size,
                                FromHex(proof->audit_path), root));
  }
  auto consistency = nodes[3]->Consistency(old_head->tree_size, head->tree_size);
  ASSERT_TRUE(consistency.ok()) << consistency.status().ToString();
  EXPECT_TRUE(VerifyConsistency(old_head->tree_size, head->tree_size,
                                *HashFromHex(old_head->root_hash), root,
                                FromHex(consistency->proof)));
  // Saved heads of both nodes verify too.
  report = nodes[3]->Verify(nullptr, {*old_head, *head});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
}

// Three nodes, each a GroupCommitter shared by four producer threads: one transaction per batch,
// dense sequence numbers across nodes, a signed head of each node at Close().
TEST_F(LedgerPgTest, GroupCommittersOnSeveralNodes) {
  constexpr int kNodes = 3;
  constexpr int kProducers = 4;
  constexpr int kEach = 50;
  std::vector<std::unique_ptr<GroupCommitter>> committers;
  for (int n = 0; n < kNodes; ++n) committers.push_back(std::make_unique<GroupCommitter>(Open(n)));
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<int64_t> seqs;
  for (int n = 0; n < kNodes; ++n) {
    for (int p = 0; p < kProducers; ++p) {
      threads.emplace_back([&, n, p] {
        for (int i = 0; i < kEach; ++i) {
          auto seq = committers[n]->Append(MakeEntry(n, p * 1000 + i));
          ASSERT_TRUE(seq.ok()) << seq.status().ToString();
          std::lock_guard lock(mu);
          EXPECT_TRUE(seqs.insert(*seq).second) << "duplicate " << *seq;
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  uint64_t batches = 0;
  for (auto& c : committers) {
    ASSERT_TRUE(c->Close().ok());
    batches += c->batches();
  }
  constexpr size_t kTotal = kNodes * kProducers * kEach;
  ASSERT_EQ(seqs.size(), kTotal);
  EXPECT_EQ(*seqs.rbegin(), static_cast<int64_t>(kTotal) - 1);
  EXPECT_LT(batches, kTotal);
  auto report = ledger_->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, kTotal);
  EXPECT_GE(report->signers, 1u);
}

TEST_F(LedgerPgTest, TamperingIsFoundAndNamed) {
  FillBatches(100);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  ASSERT_TRUE(ledger_->Verify(nullptr).ok());

  Tamper("UPDATE ledger_entries SET principal = 'mallory' WHERE seq = 42");
  ExpectDataLoss("ledger entry 42: its fields were altered");
  Tamper("UPDATE ledger_entries SET principal = 'node-0' WHERE seq = 42");
  ASSERT_TRUE(ledger_->Verify(nullptr).ok());

  Tamper("UPDATE ledger_entries SET leaf_hash = '" + ToHex(Sha256("x")) + "' WHERE seq = 7");
  ExpectDataLoss("ledger entry 7: its stored leaf hash");
}

TEST_F(LedgerPgTest, MissingEntriesAndAlteredCacheAreFound) {
  FillBatches(100);
  auto head = ledger_->SignTreeHead();
  ASSERT_TRUE(head.ok());
  Tamper("UPDATE ledger_subtrees SET hash = repeat('0', 64) WHERE leaf_end = 64 AND height = 6");
  ExpectDataLoss("cached hash of entries 0..63");
  Tamper("DELETE FROM ledger_subtrees");
  ASSERT_TRUE(ledger_->Verify(nullptr).ok());
  Tamper("DELETE FROM ledger_entries WHERE seq = 30");
  ExpectDataLoss("ledger entry 30 is missing (the next stored entry is 31)");
  Tamper("DELETE FROM ledger_entries WHERE seq >= 30");
  Tamper("DELETE FROM ledger_tree_heads");
  ASSERT_TRUE(ledger_->Verify(nullptr).ok());
  ExpectDataLoss("ledger entry 30 is missing", nullptr, {*head});
}

// A head whose key is not in the signer list is refused, stored or saved; so is a signer row
// whose public key is not the key it names.
TEST_F(LedgerPgTest, HeadsOfUnlistedKeysAreRefused) {
  FillBatches(10);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  auto head = ledger_->Head(10);
  ASSERT_TRUE(head.ok());
  const KeyPair& stranger = keys_[3];  // never signed through a Ledger: not listed
  SignedTreeHead forged{head->tree_size, head->root_hash, head->timestamp, "",
                        stranger.public_key().key_id()};
  forged.signature =
      ToHex(*stranger.Sign(TreeHeadMessage(forged.tree_size, forged.root_hash, forged.timestamp)));
  ExpectDataLoss("is not in the ledger's signer list", nullptr, {forged});
  // With the key given by the caller (trusted without the list) the same head verifies.
  ASSERT_TRUE(ledger_->Verify(&stranger.public_key(), {forged}).ok());

  auto head5 = ledger_->Head(5);
  ASSERT_TRUE(head5.ok());
  Tamper(fmt::format(
      "INSERT INTO ledger_tree_heads (tree_size, root_hash, timestamp, signature, key_id) "
      "VALUES (5, '{}', '{}', '{}', '{}')",
      head5->root_hash, head->timestamp, forged.signature, forged.key_id));
  ExpectDataLoss("tree head at size 5 is signed by key " + forged.key_id);
  Tamper("DELETE FROM ledger_tree_heads WHERE tree_size = 5");
  ASSERT_TRUE(ledger_->Verify(nullptr).ok());

  // Listing the stranger's key under node 0's key id does not make node 0's heads verify.
  Tamper(fmt::format("UPDATE ledger_signers SET public_key = '{}'", stranger.public_key().pem()));
  ExpectDataLoss("the ledger's signer list names key " + keys_[0].public_key().key_id());
}

// Appends per second with 1 and with 4 nodes appending one entry per transaction at once (the
// figure is printed; it checks only that every append landed).
TEST_F(LedgerPgTest, ThroughputOfConcurrentAppenders) {
  constexpr int kEach = 200;
  for (int appenders : {1, 4}) {
    std::vector<std::unique_ptr<Ledger>> nodes;
    for (int n = 0; n < appenders; ++n) nodes.push_back(Open(n));
    const uint64_t before = *ledger_->Size();
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int n = 0; n < appenders; ++n) {
      threads.emplace_back([&, n] {
        for (int i = 0; i < kEach; ++i) ASSERT_TRUE(nodes[n]->Append(MakeEntry(n, i)).ok());
      });
    }
    for (auto& t : threads) t.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(*ledger_->Size(), before + static_cast<uint64_t>(appenders * kEach));
    std::printf("PostgreSQL ledger: %d appender(s), one entry per transaction: %.0f appends/s\n",
                appenders, appenders * kEach / seconds);
  }
  ASSERT_TRUE(ledger_->Verify(nullptr).ok());
}

}  // namespace
}  // namespace cairn::ledger
