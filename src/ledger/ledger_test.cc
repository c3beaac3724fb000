#include "ledger/ledger.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <set>
#include <span>
#include <thread>

#include "ledger/ledger_testing.h"

namespace cairn::ledger {
namespace {

std::filesystem::path TempDir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("cairn-ledger-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

Entry MakeEntry(int i) {
  Entry e;
  e.principal = i % 2 == 0 ? "alice" : "agent-7";
  e.action = i % 3 == 0 ? "query" : "tool_call";
  e.subject = "SELECT * FROM containers WHERE id = " + std::to_string(i);
  e.input_digest = ToHex(Sha256("input " + std::to_string(i)));
  e.result_digest = ToHex(Sha256("result " + std::to_string(i)));
  e.label = "internal";
  e.decision = i % 5 == 0 ? "deny" : "allow";
  e.ingress = "cli";
  return e;
}

// Runs one SQL statement on the ledger file through a separate sqlite3 connection, as an
// attacker with file access would.
void Tamper(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    path_ = dir_ / "state.sqlite";
    auto key = KeyPair::LoadOrCreate(dir_ / "ledger.key");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    key_.emplace(std::move(*key));
    Reopen();
  }
  void TearDown() override {
    ledger_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Reopen() {
    ledger_.reset();
    auto db = store::StateDb::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto ledger = Ledger::Open(std::move(*db), &clock_, &*key_);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    ledger_ = std::move(*ledger);
  }
  void Fill(int n) {
    for (int i = 0; i < n; ++i) {
      clock_.Set(fmt::format("2026-11-29T04:{:02d}:00.000Z", i % 60));
      auto seq = ledger_->Append(MakeEntry(i));
      ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    }
  }
  // Appends `n` entries in batches of varying sizes (so batches straddle subtree boundaries).
  void FillBatches(int n, int max_batch = 37) {
    AppendInBatches(*ledger_, n, max_batch, MakeEntry);
  }
  std::vector<Hash> StoredLeaves() { return ledger::StoredLeaves(*ledger_); }
  int64_t CachedSubtrees() { return ledger::CachedSubtrees(*ledger_); }
  // Expects Head, Prove and Consistency for tree size `n` and entries `ms` to equal the
  // reference implementations of merkle.h over the stored leaf hashes.
  void ExpectReferenceProofs(const std::vector<Hash>& leaves, uint64_t n,
                             const std::vector<uint64_t>& ms) {
    const std::span<const Hash> tree(leaves.data(), n);
    const std::string root = ToHex(RootHash(tree));
    auto head = ledger_->Head(n);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->root_hash, root) << "n=" << n;
    for (uint64_t m : ms) {
      if (m >= n) continue;
      auto proof = ledger_->Prove(m, n);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      std::vector<std::string> expected;
      const std::vector<Hash> reference = *InclusionProof(tree, m);
      for (const Hash& h : reference) expected.push_back(ToHex(h));
      EXPECT_EQ(proof->audit_path, expected) << m << "/" << n;
      EXPECT_EQ(proof->leaf_hash, ToHex(leaves[m]));
      EXPECT_EQ(proof->root_hash, root);
      auto consistency = ledger_->Consistency(m + 1, n);
      ASSERT_TRUE(consistency.ok()) << consistency.status().ToString();
      expected.clear();
      const std::vector<Hash> reference_consistency = *ConsistencyProof(tree, m + 1);
      for (const Hash& h : reference_consistency) expected.push_back(ToHex(h));
      EXPECT_EQ(consistency->proof, expected) << m + 1 << "->" << n;
      EXPECT_EQ(consistency->old_root, ToHex(RootHash(tree.first(m + 1))));
      EXPECT_EQ(consistency->new_root, root);
    }
  }
  // Expects Verify to fail with DataLoss mentioning `needle`.
  void ExpectDataLoss(const std::string& needle, const std::vector<SignedTreeHead>& saved = {}) {
    auto report = ledger_->Verify(&key_->public_key(), saved);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), StatusCode::kDataLoss) << report.status().ToString();
    EXPECT_NE(report.status().message().find(needle), std::string::npos)
        << report.status().message();
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
  FixedClock clock_{"2026-11-29T04:00:00.000Z"};
  std::optional<KeyPair> key_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, AppendAssignsDenseSequenceNumbersAndClockTime) {
  clock_.Set("2026-11-29T05:06:07.089Z");
  Entry e = MakeEntry(0);
  e.time = "ignored";
  EXPECT_EQ(*ledger_->Append(e), 0);
  EXPECT_EQ(*ledger_->Append(MakeEntry(1)), 1);
  auto batch = ledger_->AppendBatch({MakeEntry(2), MakeEntry(3), MakeEntry(4)});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(*batch, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(*ledger_->Size(), 5u);
  auto record = ledger_->Get(0);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->entry.time, "2026-11-29T05:06:07.089Z");
  EXPECT_EQ(record->leaf_hash, ToHex(LeafHash(*CanonicalEntry(0, record->entry))));
  EXPECT_EQ(ledger_->Get(5).status().code(), StatusCode::kNotFound);
}

TEST_F(LedgerTest, CanonicalSerializationIsSortedCompactAscii) {
  Entry e;
  e.time = "2026-11-29T04:00:00.000Z";
  e.principal = "zoë";
  e.action = "query";
  e.subject = "a\"b\nc\x7f";
  EXPECT_EQ(*CanonicalEntry(3, e),
            "{\"action\":\"query\",\"decision\":\"\",\"ingress\":\"\",\"input_digest\":\"\","
            "\"label\":\"\",\"principal\":\"zo\\u00eb\",\"result_digest\":\"\",\"seq\":3,"
            "\"subject\":\"a\\\"b\\nc\\u007f\",\"time\":\"2026-11-29T04:00:00.000Z\",\"v\":1}");
  e.subject = "\xff";
  EXPECT_EQ(CanonicalEntry(3, e).status().code(), StatusCode::kInvalidArgument);
}

// The hand-written canonical serializer must equal nlohmann::json's dump of the same object,
// including which byte strings are refused as invalid UTF-8.
TEST(CanonicalEntryTest, EqualsNlohmannDumpOnRandomStrings) {
  std::mt19937 random(7);
  const std::vector<std::string> pieces = {"a",
                                           "\"",
                                           "\\",
                                           "\n",
                                           "\t",
                                           "\b",
                                           "\f",
                                           "\r",
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           " ",
                                           "/",
                                           "\xc3\xa9",
                                           "\xe2\x82\xac",
                                           "\xf0\x9f\x98\x80",
                                           "\xf4\x8f\xbf\xbf",
                                           "\xed\x9f\xbf",
                                           "\xee\x80\x80",
                                           "\xc0\x80",
                                           "\xc1\xbf",
                                           "\xe0\x80\x80",
                                           "\xed\xa0\x80",
                                           "\xf0\x80\x80\x80",
                                           "\xf4\x90\x80\x80",
                                           "\xf5\x80\x80\x80",
                                           "\x80",
                                           "\xbf",
                                           "\xc3",
                                           "\xe2\x82",
                                           "\xff",
                                           "\xfe",
                                           "\xe0\xa0\x80",
                                           "\xf0\x90\x80\x80"};
  int invalid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int count = static_cast<int>(random() % 6);
    for (int i = 0; i < count; ++i) text += pieces[random() % pieces.size()];
    if (round % 3 == 0) {
      for (int i = 0; i < 3; ++i) text.push_back(static_cast<char>(random() % 256));
    }
    Entry e = MakeEntry(round);
    e.time = "2026-11-29T04:00:00.000Z";
    (round % 2 == 0 ? e.subject : e.label) = text;
    auto fast = CanonicalEntry(round, e);
    std::string reference;
    bool reference_ok = true;
    try {
      reference = CanonicalEntryJson(round, e)->dump(-1, ' ', true,
                                                     nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::exception&) {
      reference_ok = false;
    }
    ASSERT_EQ(fast.ok(), reference_ok) << "round " << round;
    if (fast.ok()) {
      ASSERT_EQ(*fast, reference) << "round " << round;
    } else {
      EXPECT_EQ(fast.status().code(), StatusCode::kInvalidArgument);
      ++invalid;
    }
  }
  EXPECT_GT(invalid, 1000);
}

// Plain bytes are copied eight at a time: every byte value at every position of a word, and
// next to another special byte, must come out as in the reference serializer.
TEST(CanonicalEntryTest, EveryByteAtEveryPositionEqualsNlohmannDump) {
  for (int b = 0; b < 256; ++b) {
    for (int position = 0; position < 17; ++position) {
      for (const char* other : {"", "\"", "\x7f", "\xc3\xa9"}) {
        std::string text(20, 'a');
        text[position] = static_cast<char>(b);
        text.insert(position + 3, other);
        Entry e = MakeEntry(b);
        e.time = "2026-11-29T04:00:00.000Z";
        e.subject = text;
        auto fast = CanonicalEntry(b, e);
        std::string reference;
        bool reference_ok = true;
        try {
          reference = CanonicalEntryJson(b, e)->dump(-1, ' ', true,
                                                     nlohmann::json::error_handler_t::strict);
        } catch (const nlohmann::json::exception&) {
          reference_ok = false;
        }
        ASSERT_EQ(fast.ok(), reference_ok) << "byte " << b << " at " << position;
        if (fast.ok()) {
          ASSERT_EQ(*fast, reference) << "byte " << b << " at " << position;
        }
      }
    }
  }
}

TEST_F(LedgerTest, RejectsMalformedEntries) {
  Entry e = MakeEntry(0);
  e.principal.clear();
  EXPECT_EQ(ledger_->Append(e).status().code(), StatusCode::kInvalidArgument);
  e = MakeEntry(0);
  e.input_digest = "abc";
  EXPECT_EQ(ledger_->Append(e).status().code(), StatusCode::kInvalidArgument);
  e = MakeEntry(0);
  e.subject = "bad \xc3";
  EXPECT_EQ(ledger_->Append(e).status().code(), StatusCode::kInvalidArgument);
  // A failed batch leaves nothing behind.
  EXPECT_FALSE(ledger_->AppendBatch({MakeEntry(0), e}).ok());
  EXPECT_EQ(*ledger_->Size(), 0u);
}

TEST_F(LedgerTest, UsesFullSynchronousCommits) {
  int64_t synchronous = -1;
  ASSERT_TRUE(ledger_->db()
                  .Query("PRAGMA synchronous", {},
                         [&](const store::Row& r) {
                           synchronous = r.Int(0);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(synchronous, 2);  // FULL
}

TEST_F(LedgerTest, ValidLedgerVerifiesAcrossReopen) {
  Fill(10);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  Fill(7);
  auto head = ledger_->SignTreeHead();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->tree_size, 17u);
  Reopen();
  auto report = ledger_->Verify(&key_->public_key());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 17u);
  EXPECT_EQ(report->signed_heads, 2u);
  auto latest = ledger_->LatestSignedTreeHead();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->root_hash, head->root_hash);
}

TEST_F(LedgerTest, EmptyLedgerVerifies) {
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  auto report = ledger_->Verify(&key_->public_key());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 0u);
}

TEST_F(LedgerTest, FlippedFieldByteNamesTheEntry) {
  Fill(10);
  Tamper(path_,
         "UPDATE ledger_entries SET subject = substr(subject, 1, 5) || 'X' || substr(subject, 7) "
         "WHERE seq = 4");
  ExpectDataLoss("ledger entry 4:");
}

TEST_F(LedgerTest, LastRecordCutInHalfNamesIt) {
  Fill(10);
  // Every field of the last entry keeps only its first half, as a torn write would leave it.
  Tamper(path_,
         "UPDATE ledger_entries SET principal = substr(principal, 1, length(principal) / 2), "
         "subject = substr(subject, 1, length(subject) / 2), decision = substr(decision, 1, "
         "length(decision) / 2), leaf_hash = substr(leaf_hash, 1, 32) WHERE seq = 9");
  ExpectDataLoss("ledger entry 9");
}

TEST_F(LedgerTest, ChangedDecisionNamesTheFirstBadEntry) {
  Fill(10);
  Tamper(path_, "UPDATE ledger_entries SET decision = 'allow' WHERE seq IN (5, 8)");
  ExpectDataLoss("ledger entry 5:");
}

TEST_F(LedgerTest, ChangedLeafHashNamesTheEntry) {
  Fill(10);
  Tamper(path_, "UPDATE ledger_entries SET leaf_hash = '" + ToHex(Sha256("x")) + "' WHERE seq = 6");
  ExpectDataLoss("ledger entry 6:");
}

TEST_F(LedgerTest, SignedHeadTellsWhetherTheFieldsOrTheHashWereAltered) {
  Fill(10);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  Tamper(path_, "UPDATE ledger_entries SET principal = 'mallory' WHERE seq = 2");
  ExpectDataLoss("ledger entry 2: its fields were altered");
  Tamper(path_, "UPDATE ledger_entries SET principal = 'alice' WHERE seq = 2");
  ASSERT_TRUE(ledger_->Verify(&key_->public_key()).ok());
  Tamper(path_, "UPDATE ledger_entries SET leaf_hash = '" + ToHex(Sha256("x")) + "' WHERE seq = 2");
  ExpectDataLoss("ledger entry 2: its stored leaf hash");
}

TEST_F(LedgerTest, MismatchBeforeAGapIsReportedFirst) {
  Fill(10);
  Tamper(path_,
         "UPDATE ledger_entries SET label = 'public' WHERE seq = 1;"
         "DELETE FROM ledger_entries WHERE seq = 6");
  ExpectDataLoss("ledger entry 1:");
}

TEST_F(LedgerTest, DeletedRowNamesTheMissingEntry) {
  Fill(10);
  Tamper(path_, "DELETE FROM ledger_entries WHERE seq = 3");
  ExpectDataLoss("ledger entry 3 is missing");
}

TEST_F(LedgerTest, SwappedEntriesNameTheFirst) {
  Fill(10);
  Tamper(path_,
         "UPDATE ledger_entries SET seq = -1 WHERE seq = 2;"
         "UPDATE ledger_entries SET seq = 2 WHERE seq = 5;"
         "UPDATE ledger_entries SET seq = 5 WHERE seq = -1;");
  ExpectDataLoss("ledger entry 2:");
}

TEST_F(LedgerTest, TruncatedTailIsDetectedAgainstTheSignedHead) {
  Fill(10);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  Tamper(path_, "DELETE FROM ledger_entries WHERE seq >= 7");
  ExpectDataLoss("ledger entry 7 is missing");
}

TEST_F(LedgerTest, TruncatedTailIsDetectedAgainstASavedHeadWhenStoredHeadsAreDeleted) {
  Fill(10);
  auto head = ledger_->SignTreeHead();
  ASSERT_TRUE(head.ok());
  Tamper(path_, "DELETE FROM ledger_entries WHERE seq >= 9; DELETE FROM ledger_tree_heads");
  ASSERT_TRUE(ledger_->Verify(&key_->public_key()).ok());
  ExpectDataLoss("ledger entry 9 is missing", {*head});
}

TEST_F(LedgerTest, ConsistentRewriteIsDetectedAgainstTheSignedHead) {
  Fill(6);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  Fill(6);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  // Rewrite entry 8 and its leaf hash so the row itself is self-consistent.
  auto record = ledger_->Get(8);
  ASSERT_TRUE(record.ok());
  record->entry.decision = "allow (rewritten)";
  const std::string leaf = ToHex(LeafHash(*CanonicalEntry(8, record->entry)));
  Tamper(path_, "UPDATE ledger_entries SET decision = 'allow (rewritten)', leaf_hash = '" + leaf +
                    "' WHERE seq = 8");
  ExpectDataLoss("ledger entries 6..11 do not match the signed tree head at size 12");
}

TEST_F(LedgerTest, ForgedTreeHeadSignatureIsDetected) {
  Fill(4);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  Tamper(path_, "UPDATE ledger_tree_heads SET timestamp = '2030-01-01T00:00:00.000Z'");
  ExpectDataLoss("does not verify");
}

TEST_F(LedgerTest, CorruptFileIsDataLoss) {
  Fill(50);
  ledger_.reset();
  // Overwrite the SQLite header magic: the file is no longer a database.
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekp(0);
    f.write("garbage!", 8);
  }
  auto db = store::StateDb::Open(path_);
  if (db.ok()) {
    auto ledger = Ledger::Open(std::move(*db), &clock_, &*key_);
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.status().code(), StatusCode::kDataLoss) << ledger.status().ToString();
  } else {
    EXPECT_EQ(db.status().code(), StatusCode::kDataLoss) << db.status().ToString();
  }
}

TEST_F(LedgerTest, FileTruncatedByOneByteIsDataLoss) {
  Entry e = MakeEntry(0);
  e.subject = std::string(300, 'x');
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(ledger_->Append(e).ok());
  ledger_.reset();  // checkpoints the WAL into the main file
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) - 1);
  auto db = store::StateDb::Open(path_);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto ledger = Ledger::Open(std::move(*db), &clock_, &*key_);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  auto report = (*ledger)->Verify(&key_->public_key());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kDataLoss) << report.status().ToString();
  EXPECT_NE(report.status().message().find("ledger entry "), std::string::npos);
}

TEST_F(LedgerTest, ProofsFromTheSubtreeCacheEqualTheReferenceProofs) {
  FillBatches(300);
  const std::vector<Hash> leaves = StoredLeaves();
  ASSERT_EQ(leaves.size(), 300u);
  // One cached hash per complete subtree of 16 or more leaves: 18 + 9 + 4 + 2 + 1.
  EXPECT_EQ(CachedSubtrees(), 34);
  for (uint64_t n = 1; n <= 300; ++n) {
    ExpectReferenceProofs(leaves, n, {0, n / 3, n / 2, n - 1});
  }
  for (uint64_t n : {16, 17, 64, 255, 256, 257, 300}) {
    std::vector<uint64_t> all(n);
    for (uint64_t m = 0; m < n; ++m) all[m] = m;
    ExpectReferenceProofs(leaves, n, all);
  }
}

TEST_F(LedgerTest, SubtreeCacheIsFilledForLedgersFromBeforeIt) {
  FillBatches(200);
  const std::vector<Hash> leaves = StoredLeaves();
  EXPECT_EQ(CachedSubtrees(), 22);  // 12 + 6 + 3 + 1
  ledger_.reset();
  // A database written before migration 2.
  Tamper(path_,
         "DROP TABLE ledger_subtrees; DROP TABLE ledger_signers;"
         "DELETE FROM cairn_migrations WHERE component = 'ledger' AND version >= 2");
  Reopen();
  EXPECT_EQ(*ledger_->db().Version("ledger"), 3);
  EXPECT_EQ(CachedSubtrees(), 22);
  ASSERT_TRUE(ledger_->Verify(&key_->public_key()).ok());
  for (uint64_t n : {1, 16, 100, 128, 199, 200}) ExpectReferenceProofs(leaves, n, {0, 15, 99, 199});
}

// Filling the cache is best effort: a damaged ledger still opens, appends, and fails Verify.
TEST_F(LedgerTest, LedgerWithAGapFromBeforeTheCacheStillOpensAndAppends) {
  FillBatches(100);
  ledger_.reset();
  Tamper(path_,
         "DROP TABLE ledger_subtrees; DROP TABLE ledger_signers;"
         "DELETE FROM cairn_migrations WHERE component = 'ledger' AND version >= 2;"
         "DELETE FROM ledger_entries WHERE seq = 50");
  Reopen();
  EXPECT_EQ(CachedSubtrees(), 4);  // of entries 0..15, 16..31, 32..47 and 0..31
  ASSERT_TRUE(ledger_->Append(MakeEntry(100)).ok());
  EXPECT_EQ(*ledger_->Size(), 101u);
  ExpectDataLoss("ledger entry 50 is missing (the next stored entry is 51)");
  EXPECT_EQ(ledger_->Prove(10, 101).status().code(), StatusCode::kDataLoss);
  const std::vector<Hash> leaves = StoredLeaves();
  ExpectReferenceProofs(leaves, 48, {0, 20, 47});
}

TEST_F(LedgerTest, MissingSubtreeHashesAreRecomputed) {
  FillBatches(200);
  const std::vector<Hash> leaves = StoredLeaves();
  Tamper(path_, "DELETE FROM ledger_subtrees WHERE height >= 5 OR leaf_end = 48");
  ASSERT_TRUE(ledger_->Verify(&key_->public_key()).ok());
  for (uint64_t n : {64, 129, 200}) ExpectReferenceProofs(leaves, n, {0, 47, 63, 128, 199});
  // Open fills the cache again from the last cached subtree on.
  Tamper(path_, "DELETE FROM ledger_subtrees");
  Reopen();
  EXPECT_EQ(CachedSubtrees(), 22);
  ExpectReferenceProofs(leaves, 200, {0, 100, 199});
}

TEST_F(LedgerTest, AlteredSubtreeHashIsDataLoss) {
  FillBatches(100);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  Tamper(path_,
         "UPDATE ledger_subtrees SET hash = zeroblob(32) WHERE leaf_end = 64 AND height = 6");
  ExpectDataLoss("cached hash of entries 0..63");
  Tamper(path_, "UPDATE ledger_subtrees SET hash = x'00' WHERE leaf_end = 64 AND height = 6");
  ExpectDataLoss("cached hash of entries 0..63");
}

TEST_F(LedgerTest, StaleSubtreeHashesBeyondATruncatedTailAreIgnored) {
  FillBatches(100);
  Tamper(path_, "DELETE FROM ledger_entries WHERE seq >= 40");
  FillBatches(30);
  EXPECT_EQ(*ledger_->Size(), 70u);
  const std::vector<Hash> leaves = StoredLeaves();
  ASSERT_TRUE(ledger_->Verify(&key_->public_key()).ok());
  for (uint64_t n : {40, 48, 64, 70}) ExpectReferenceProofs(leaves, n, {0, 39, 41, 63, 69});
}

// Ledgers of more than one chunk (16,384 entries) are verified on worker threads; problems are
// still reported in sequence order, also across chunk boundaries.
TEST_F(LedgerTest, LargeLedgerVerifiesInChunksAndNamesTheFirstBadEntry) {
  FillBatches(20000, 4000);
  auto first_head = ledger_->SignTreeHead();
  ASSERT_TRUE(first_head.ok());
  FillBatches(20000, 4000);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  auto report = ledger_->Verify(&key_->public_key());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 40000u);
  EXPECT_EQ(report->signed_heads, 2u);

  Tamper(path_, "UPDATE ledger_entries SET principal = 'mallory' WHERE seq IN (30000, 35000)");
  ExpectDataLoss("ledger entry 30000: its fields were altered");
  Tamper(path_, "UPDATE ledger_entries SET principal = 'alice' WHERE seq IN (30000, 35000)");
  ASSERT_TRUE(ledger_->Verify(&key_->public_key()).ok());

  const std::string original = ledger_->Get(17000)->leaf_hash;
  Tamper(path_,
         "UPDATE ledger_entries SET leaf_hash = '" + ToHex(Sha256("x")) + "' WHERE seq = 17000");
  ExpectDataLoss("ledger entry 17000: its stored leaf hash");
  Tamper(path_, "UPDATE ledger_entries SET leaf_hash = '" + original + "' WHERE seq = 17000");

  Tamper(path_, "DELETE FROM ledger_entries WHERE seq = 16384");
  ExpectDataLoss("ledger entry 16384 is missing (the next stored entry is 16385)");
  Tamper(path_, "DELETE FROM ledger_entries WHERE seq BETWEEN 16380 AND 16383");
  ExpectDataLoss("ledger entry 16380 is missing (the next stored entry is 16385)");
  Tamper(path_, "UPDATE ledger_entries SET label = 'public' WHERE seq = 9");
  ExpectDataLoss("ledger entry 9:");
}

TEST_F(LedgerTest, ProofsVerifyWithTheIndependentVerifier) {
  Fill(21);
  for (uint64_t n = 1; n <= 21; ++n) {
    auto head = ledger_->Head(n);
    ASSERT_TRUE(head.ok());
    const Hash root = *HashFromHex(head->root_hash);
    for (uint64_t m = 0; m < n; ++m) {
      auto proof = ledger_->Prove(m, n);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      std::vector<Hash> path;
      for (const auto& h : proof->audit_path) path.push_back(*HashFromHex(h));
      EXPECT_TRUE(VerifyInclusion(*HashFromHex(proof->leaf_hash), m, n, path, root));
      EXPECT_EQ(proof->root_hash, head->root_hash);
    }
    for (uint64_t old_size = 1; old_size <= n; ++old_size) {
      auto proof = ledger_->Consistency(old_size, n);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      std::vector<Hash> hashes;
      for (const auto& h : proof->proof) hashes.push_back(*HashFromHex(h));
      EXPECT_EQ(proof->old_root, ledger_->Head(old_size)->root_hash);
      EXPECT_TRUE(VerifyConsistency(old_size, n, *HashFromHex(proof->old_root), root, hashes));
    }
  }
  EXPECT_EQ(ledger_->Prove(21, 21).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Prove(0, 22).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Consistency(0, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Consistency(6, 5).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LedgerTest, SignaturesVerifyWithThePublicKeyOnly) {
  Fill(3);
  auto head = ledger_->SignTreeHead();
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(VerifyTreeHead(*head, key_->public_key()).ok());
  auto other = KeyPair::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(VerifyTreeHead(*head, other->public_key()).code(), StatusCode::kDataLoss);
  SignedTreeHead claimed = *head;
  claimed.key_id = other->public_key().key_id();
  EXPECT_EQ(VerifyTreeHead(claimed, other->public_key()).code(), StatusCode::kDataLoss);
  SignedTreeHead forged = *head;
  forged.tree_size = 2;
  EXPECT_EQ(VerifyTreeHead(forged, key_->public_key()).code(), StatusCode::kDataLoss);
  auto round_trip = TreeHeadFromJson(TreeHeadToJson(*head));
  ASSERT_TRUE(round_trip.ok());
  EXPECT_TRUE(VerifyTreeHead(*round_trip, key_->public_key()).ok());
  EXPECT_EQ(TreeHeadFromJson(nlohmann::json::object()).status().code(),
            StatusCode::kInvalidArgument);
}

// Two nodes' keys sign heads of one ledger: each head verifies with the key it names from the
// signer list; a head whose key was taken off the list is refused.
TEST_F(LedgerTest, HeadsOfSeveralKeysVerifyWithTheSignerList) {
  Fill(5);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  auto other_key = KeyPair::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(other_key.ok());
  auto db = store::StateDb::Open(path_);
  ASSERT_TRUE(db.ok());
  auto other = Ledger::Open(std::move(*db), &clock_, &*other_key);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE((*other)->Append(MakeEntry(5)).ok());
  auto head = (*other)->SignTreeHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->key_id, other_key->public_key().key_id());
  auto signers = ledger_->Signers();
  ASSERT_TRUE(signers.ok());
  ASSERT_EQ(signers->size(), 2u);
  std::set<std::string> pems;
  for (const Signer& signer : *signers) pems.insert(signer.public_key);
  EXPECT_EQ(pems, (std::set<std::string>{key_->public_key().pem(), other_key->public_key().pem()}));
  auto report = ledger_->Verify(&key_->public_key());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->signed_heads, 2u);
  EXPECT_EQ(report->signers, 2u);
  ASSERT_TRUE(ledger_->Verify(nullptr).ok());
  Tamper(path_, "DELETE FROM ledger_signers WHERE key_id = '" + head->key_id + "'");
  ExpectDataLoss("the tree head at size 6 is signed by key " + head->key_id +
                 ", which is not in the ledger's signer list");
}

// Heads signed before the signer list existed: the node's key is listed when it opens the ledger,
// and a verifier holding the key accepts them without the list.
TEST_F(LedgerTest, HeadsFromBeforeTheSignerListStillVerify) {
  Fill(5);
  ASSERT_TRUE(ledger_->SignTreeHead().ok());
  ledger_.reset();
  Tamper(path_,
         "DROP TABLE ledger_signers;"
         "DELETE FROM cairn_migrations WHERE component = 'ledger' AND version = 3");
  {
    auto db = store::StateDb::Open(path_);
    ASSERT_TRUE(db.ok());
    auto keyless = Ledger::Open(std::move(*db), &clock_, nullptr);
    ASSERT_TRUE(keyless.ok()) << keyless.status().ToString();
    EXPECT_TRUE((*keyless)->Signers()->empty());
    ASSERT_TRUE((*keyless)->Verify(&key_->public_key()).ok());
    auto refused = (*keyless)->Verify(nullptr);
    EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
  }
  Reopen();
  auto signers = ledger_->Signers();
  ASSERT_TRUE(signers.ok());
  ASSERT_EQ(signers->size(), 1u);
  EXPECT_EQ((*signers)[0].key_id, key_->public_key().key_id());
  auto report = ledger_->Verify(nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->signed_heads, 1u);
}

TEST_F(LedgerTest, SigningNeedsAKey) {
  ledger_.reset();
  auto db = store::StateDb::Open(path_);
  ASSERT_TRUE(db.ok());
  auto ledger = Ledger::Open(std::move(*db), &clock_, nullptr);
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ((*ledger)->SignTreeHead().status().code(), StatusCode::kFailedPrecondition);
}

TEST(KeyPairTest, CreatesPrivateKeyWithMode0600AndReloadsIt) {
  auto dir = TempDir();
  auto first = KeyPair::LoadOrCreate(dir / "keys" / "ledger.key");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((dir / "keys" / "ledger.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(std::filesystem::exists(dir / "keys" / "ledger.key.pub"));
  auto second = KeyPair::LoadOrCreate(dir / "keys" / "ledger.key");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->public_key().key_id(), second->public_key().key_id());
  auto sig = second->Sign("hello");
  ASSERT_TRUE(sig.ok());
  auto pub = PublicKey::Load(dir / "keys" / "ledger.key.pub");
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(pub->Verify("hello", *sig).ok());
  EXPECT_EQ(pub->Verify("hellO", *sig).code(), StatusCode::kDataLoss);

  // A public key file that belongs to another key is refused.
  auto other = KeyPair::Generate();
  ASSERT_TRUE(other.ok());
  std::filesystem::remove(dir / "keys" / "ledger.key.pub");
  std::ofstream(dir / "keys" / "ledger.key.pub") << other->public_key().pem();
  EXPECT_EQ(KeyPair::LoadOrCreate(dir / "keys" / "ledger.key").status().code(),
            StatusCode::kDataLoss);
  std::ofstream(dir / "bad.key") << "not a key";
  EXPECT_EQ(KeyPair::LoadOrCreate(dir / "bad.key").status().code(), StatusCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

TEST_F(LedgerTest, TailGetSearchAndJsonShape) {
  Fill(12);
  auto tail = ledger_->Tail(3);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 3u);
  EXPECT_EQ((*tail)[0].seq, 9);
  EXPECT_EQ((*tail)[2].seq, 11);
  EXPECT_EQ(ledger_->Tail(-1).status().code(), StatusCode::kInvalidArgument);

  SearchFilter filter;
  filter.principal = "alice";
  filter.decision = "deny";
  auto found = ledger_->Search(filter);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);  // 0 and 10
  EXPECT_EQ((*found)[0].seq, 0);
  EXPECT_EQ((*found)[1].seq, 10);

  SearchFilter by_subject;
  by_subject.subject = "id = 1";  // 1, 10, 11
  by_subject.from = "2026-11-29T04:10:00.000Z";
  by_subject.limit = 1;
  found = ledger_->Search(by_subject);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].seq, 10);

  auto json = RecordToJson((*found)[0]);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"action", "decision", "hash", "ingress", "input_digest",
                                            "label", "principal", "result_digest", "seq", "subject",
                                            "time"}));
  EXPECT_EQ(json["seq"], 10);
  EXPECT_EQ(json["hash"], (*found)[0].leaf_hash);
}

// What a crash-test child reports on its pipe once an entry is acknowledged (Append returned):
// the entry's sequence number and who made it. 16 bytes: pipe writes this small are atomic.
struct Ack {
  int64_t seq;
  int32_t producer;
  int32_t counter;
};

std::string CrashSubject(int round, int32_t producer, int32_t counter) {
  return fmt::format("round {} producer {} entry {}", round, producer, counter);
}

enum class Commit { kOneWriter, kGroupCommit };

// The child of a crash-test round: appends until killed, acknowledging each entry on `fd`.
// kOneWriter: one thread appending batches of 1 to 7 entries. kGroupCommit: four producer threads
// each hand one entry at a time to a queue and wait; one writer thread appends what is queued
// (up to 64 entries) with AppendBatch and acknowledges every producer of the batch.
[[noreturn]] void CrashChild(const std::filesystem::path& path, int round, Commit commit, int fd) {
  SystemClock clock;
  auto db = store::StateDb::Open(path);
  if (!db.ok()) ::_exit(2);
  auto opened = Ledger::Open(std::move(*db), &clock, nullptr);
  if (!opened.ok()) ::_exit(3);
  Ledger& ledger = **opened;
  auto make = [&](int32_t producer, int32_t counter) {
    Entry e = MakeEntry(counter);
    e.subject = CrashSubject(round, producer, counter);
    return e;
  };
  auto acknowledge = [&](const Ack& ack) {
    if (::write(fd, &ack, sizeof(ack)) != sizeof(ack)) ::_exit(5);
  };
  if (commit == Commit::kOneWriter) {
    for (int32_t i = 0;; ++i) {
      std::vector<Entry> batch;
      const int32_t first = i;
      for (int k = 0; k < 1 + first % 7; ++k) batch.push_back(make(0, i++));
      --i;
      auto seqs = ledger.AppendBatch(std::move(batch));
      if (!seqs.ok()) ::_exit(4);
      for (size_t k = 0; k < seqs->size(); ++k) {
        acknowledge({(*seqs)[k], 0, first + static_cast<int32_t>(k)});
      }
    }
  }
  struct Pending {
    Entry entry;
    std::promise<int64_t> seq;
  };
  std::mutex mu;
  std::condition_variable queued;
  std::deque<Pending> queue;
  std::vector<std::thread> producers;
  for (int32_t p = 1; p <= 4; ++p) {
    producers.emplace_back([&, p] {
      for (int32_t counter = 0;; ++counter) {
        std::future<int64_t> seq;
        {
          std::lock_guard lock(mu);
          queue.push_back({make(p, counter), {}});
          seq = queue.back().seq.get_future();
        }
        queued.notify_one();
        acknowledge({seq.get(), p, counter});
      }
    });
  }
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mu);
      queued.wait(lock, [&] { return !queue.empty(); });
      while (!queue.empty() && batch.size() < 64) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    std::vector<Entry> entries;
    for (Pending& pending : batch) entries.push_back(pending.entry);
    auto seqs = ledger.AppendBatch(std::move(entries));
    if (!seqs.ok()) ::_exit(4);
    for (size_t k = 0; k < batch.size(); ++k) batch[k].seq.set_value((*seqs)[k]);
  }
}

// 50 rounds: a child process appends under load (half of the rounds with group commit) and is
// killed with SIGKILL at a random moment; the parent reads the acknowledgements as they come.
// Afterwards every acknowledged entry must be stored under its sequence number, with its
// content, and the whole ledger must verify.
TEST(LedgerCrashTest, AcknowledgedAppendsSurviveSigkill) {
  const auto dir = TempDir();
  const auto path = dir / "state.sqlite";
  std::mt19937 random(42);
  int rounds_with_acks = 0;
  int64_t acknowledged_total = 0;
  int64_t acknowledged_in_groups = 0;
  for (int round = 0; round < 50; ++round) {
    const Commit commit = round % 2 == 0 ? Commit::kGroupCommit : Commit::kOneWriter;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      CrashChild(path, round, commit, fds[1]);
    }
    ::close(fds[1]);
    std::vector<Ack> acks;
    std::string pending;  // bytes of an incomplete Ack
    auto read_acks = [&](int timeout_ms) {
      pollfd poll_fd{fds[0], POLLIN, 0};
      if (::poll(&poll_fd, 1, timeout_ms) <= 0) return false;
      char buffer[4096];
      const ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
      if (n <= 0) return false;
      pending.append(buffer, static_cast<size_t>(n));
      size_t used = 0;
      for (; used + sizeof(Ack) <= pending.size(); used += sizeof(Ack)) {
        Ack ack;
        std::memcpy(&ack, pending.data() + used, sizeof(ack));
        acks.push_back(ack);
      }
      pending.erase(0, used);
      return true;
    };
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(5000 + random() % 75000);
    for (auto now = std::chrono::steady_clock::now(); now < deadline;
         now = std::chrono::steady_clock::now()) {
      read_acks(static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1));
    }
    ::kill(pid, SIGKILL);
    while (read_acks(1000)) {
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "round " << round << ": child exited with " << WEXITSTATUS(status);
    ASSERT_TRUE(pending.empty()) << "round " << round;

    FixedClock clock("2026-11-29T04:00:00.000Z");
    auto db = store::StateDb::Open(path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto ledger = Ledger::Open(std::move(*db), &clock, nullptr);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    auto report = (*ledger)->Verify(nullptr);
    ASSERT_TRUE(report.ok()) << "round " << round << ": " << report.status().ToString();
    if (acks.empty()) continue;
    ++rounds_with_acks;
    acknowledged_total += static_cast<int64_t>(acks.size());
    if (commit == Commit::kGroupCommit) acknowledged_in_groups += static_cast<int64_t>(acks.size());
    int64_t first = acks[0].seq;
    for (const Ack& ack : acks) first = std::min(first, ack.seq);
    std::vector<std::string> subjects;  // of entries first, first + 1, ...
    ASSERT_TRUE((*ledger)
                    ->db()
                    .Query("SELECT subject FROM ledger_entries WHERE seq >= ? ORDER BY seq",
                           {first},
                           [&](const store::Row& row) {
                             subjects.push_back(row.Text(0));
                             return OkStatus();
                           })
                    .ok());
    for (const Ack& ack : acks) {
      ASSERT_LT(ack.seq, static_cast<int64_t>(report->entries)) << "round " << round;
      ASSERT_EQ(subjects[ack.seq - first], CrashSubject(round, ack.producer, ack.counter))
          << "round " << round << ", entry " << ack.seq;
    }
  }
  std::printf("%d of 50 rounds acknowledged %lld entries (%lld with group commit)\n",
              rounds_with_acks, static_cast<long long>(acknowledged_total),
              static_cast<long long>(acknowledged_in_groups));
  EXPECT_GE(rounds_with_acks, 10);
  EXPECT_GT(acknowledged_in_groups, 0);
  EXPECT_GT(acknowledged_total - acknowledged_in_groups, 0);
  std::filesystem::remove_all(dir);
}

int RunVerifier(const std::string& args) {
  const std::string command = "python3 " + std::string(CAIRN_SOURCE_DIR) +
                              "/tools/verify_ledger.py " + args + " > /dev/null 2>&1";
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST_F(LedgerTest, PythonVerifierAgreesWithTheFormats) {
  if (std::system("python3 -c 'import hashlib' > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 is not installed";
  }
  if (std::system("openssl version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the openssl command line tool is not installed";
  }
  Fill(5);
  Entry odd = MakeEntry(5);
  odd.subject = "naïve \"quote\"\nline\t\x7f — 東京";
  ASSERT_TRUE(ledger_->Append(odd).ok());
  Fill(7);
  auto old_head = ledger_->SignTreeHead();
  ASSERT_TRUE(old_head.ok());
  Fill(4);
  auto head = ledger_->SignTreeHead();
  ASSERT_TRUE(head.ok());
  const std::string pub = (dir_ / "ledger.key.pub").string();

  auto proof = ledger_->Prove(5, head->tree_size);
  ASSERT_TRUE(proof.ok());
  auto record = ledger_->Get(5);
  ASSERT_TRUE(record.ok());
  nlohmann::json doc = InclusionProofToJson(*proof);
  doc["entry"] = *CanonicalEntryJson(5, record->entry);
  doc["tree_head"] = TreeHeadToJson(*head);
  const auto file = dir_ / "inclusion.json";
  std::ofstream(file) << doc.dump(2);
  EXPECT_EQ(RunVerifier("inclusion " + file.string() + " --pubkey " + pub), 0);

  auto other = KeyPair::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(
      RunVerifier("inclusion " + file.string() + " --pubkey " + (dir_ / "other.key.pub").string()),
      1);

  nlohmann::json tampered = doc;
  tampered["entry"]["decision"] = "allow";
  std::ofstream(file) << tampered.dump(2);
  EXPECT_EQ(RunVerifier("inclusion " + file.string()), 1);
  tampered = doc;
  tampered["audit_path"][0] = ToHex(Sha256("x"));
  std::ofstream(file) << tampered.dump(2);
  EXPECT_EQ(RunVerifier("inclusion " + file.string()), 1);
  tampered = doc;
  tampered["tree_head"]["timestamp"] = "2030-01-01T00:00:00.000Z";
  std::ofstream(file) << tampered.dump(2);
  EXPECT_EQ(RunVerifier("inclusion " + file.string() + " --pubkey " + pub), 1);

  auto consistency = ledger_->Consistency(old_head->tree_size, head->tree_size);
  ASSERT_TRUE(consistency.ok());
  nlohmann::json cdoc = ConsistencyProofToJson(*consistency);
  cdoc["old_tree_head"] = TreeHeadToJson(*old_head);
  cdoc["new_tree_head"] = TreeHeadToJson(*head);
  const auto cfile = dir_ / "consistency.json";
  std::ofstream(cfile) << cdoc.dump(2);
  EXPECT_EQ(RunVerifier("consistency " + cfile.string() + " --pubkey " + pub), 0);
  cdoc["proof"][0] = ToHex(Sha256("x"));
  std::ofstream(cfile) << cdoc.dump(2);
  EXPECT_EQ(RunVerifier("consistency " + cfile.string()), 1);

  // Every entry's canonical form agrees with the Python serialization.
  for (int64_t seq = 0; seq < 17; ++seq) {
    auto p = ledger_->Prove(static_cast<uint64_t>(seq), head->tree_size);
    ASSERT_TRUE(p.ok());
    nlohmann::json d = InclusionProofToJson(*p);
    d["entry"] = *CanonicalEntryJson(seq, ledger_->Get(seq)->entry);
    std::ofstream(file) << d.dump();
    EXPECT_EQ(RunVerifier("inclusion " + file.string()), 0) << "seq " << seq;
  }
}

}  // namespace
}  // namespace cairn::ledger
