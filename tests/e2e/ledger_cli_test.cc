// End-to-end tests of the ledger through the binary: every `cairn query` is recorded with its
// decision, the record verifies, proofs come out in the documented shape, and tampering with the
// stored record is caught.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "cli_harness.h"

namespace cairn {
namespace {

class LedgerCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    // init records the policy in force (none) as the baseline, so the ledger holds only queries.
    ASSERT_EQ(Cairn({"init"}).exit_code, 0);
    e2e::WriteFile(dir_ / "cairn.yaml",
                   "version: 1\nsources:\n  music:\n    kind: sqlite\n"
                   "    path: " +
                       (e2e::TestData() / "chinook.sqlite").string() + "\n");
  }
};

TEST_F(LedgerCliTest, EveryQueryIsRecordedWithItsDecision) {
  ASSERT_EQ(Cairn({"query", "SELECT count(*) FROM music.Artist"}).exit_code, 0);
  ASSERT_EQ(Cairn({"query", "SELECT Name FROM music.Genre WHERE GenreId = 1"}).exit_code, 0);
  EXPECT_EQ(Cairn({"query", "DELETE FROM music.Artist"}).exit_code, 5);
  EXPECT_EQ(Cairn({"query", "SELEC 1"}).exit_code, 3);

  e2e::Outcome tail = Cairn({"ledger", "tail", "--format", "json"});
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  nlohmann::json entries = nlohmann::json::parse(tail.out);
  ASSERT_EQ(entries.size(), 4u);
  for (const char* key :
       {"seq", "time", "principal", "action", "subject", "label", "decision", "hash"}) {
    EXPECT_TRUE(entries[0].contains(key)) << key;
  }
  EXPECT_EQ(entries[0]["seq"], 0);
  EXPECT_EQ(entries[0]["principal"], "admin");
  EXPECT_EQ(entries[0]["action"], "query");
  EXPECT_EQ(entries[0]["subject"], "SELECT count(*) FROM music.Artist");
  EXPECT_EQ(entries[0]["decision"], "allow: administrator");
  EXPECT_EQ(entries[2]["decision"].get<std::string>().rfind("deny: ", 0), 0u) << entries[2];
  EXPECT_EQ(entries[3]["decision"], "error: InvalidArgument");

  e2e::Outcome denied = Cairn({"ledger", "search", "--decision", "allow", "--format", "json"});
  ASSERT_EQ(denied.exit_code, 0) << denied.err;
  EXPECT_EQ(nlohmann::json::parse(denied.out).size(), 2u);

  e2e::Outcome verify = Cairn({"ledger", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("ok: 4 entries"), std::string::npos) << verify.out;

  e2e::Outcome prove = Cairn({"ledger", "prove", "1"});
  ASSERT_EQ(prove.exit_code, 0) << prove.err;
  nlohmann::json proof = nlohmann::json::parse(prove.out);
  EXPECT_EQ(proof["entry"]["seq"], 1);
  EXPECT_TRUE(proof["audit_path"].is_array());

  e2e::Outcome consistency = Cairn({"ledger", "consistency", "2", "4"});
  ASSERT_EQ(consistency.exit_code, 0) << consistency.err;
  EXPECT_TRUE(nlohmann::json::parse(consistency.out).contains("proof"));

  EXPECT_EQ(Cairn({"ledger", "show", "99"}).exit_code, 4);
  EXPECT_EQ(Cairn({"ledger", "prove", "9"}).exit_code, 3);
}

TEST_F(LedgerCliTest, TamperingIsCaughtAndTheFirstBadEntryNamed) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Cairn({"query", "SELECT " + std::to_string(i)}).exit_code, 0);
  }
  ASSERT_EQ(Cairn({"ledger", "verify"}).exit_code, 0);
  // Someone with file access rewrites what principal 'admin' read in entry 1.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / ".cairn" / "state.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE ledger_entries SET subject = 'SELECT 42' WHERE seq = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  e2e::Outcome verify = Cairn({"ledger", "verify"});
  EXPECT_EQ(verify.exit_code, 9) << verify.out << verify.err;
  EXPECT_NE(verify.err.find("DataLoss"), std::string::npos) << verify.err;
  EXPECT_NE(verify.err.find("1"), std::string::npos) << verify.err;
}

}  // namespace
}  // namespace cairn
