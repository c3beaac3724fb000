// End-to-end tests of the context people and agents state and reuse: describe --set, glossary,
// remember, recall (with staleness across invocations), search and export-context, through the
// `cairn` binary as a script would run it.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

using Invocation = e2e::Outcome;

class MemoryCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    fs::copy_file(fs::path(CAIRN_SOURCE_DIR) / "tests" / "data" / "chinook.sqlite",
                  dir_ / "music.sqlite");
    std::ofstream(dir_ / "cairn.yaml") << "version: 1\nsources:\n  music:\n    kind: sqlite\n"
                                          "    path: music.sqlite\n";
  }
  nlohmann::json Json(const std::vector<std::string>& args) {
    Invocation run = Cairn(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    nlohmann::json parsed = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << run.out;
    return parsed;
  }

  // Changes the source behind Cairn's back, as its owners would.
  void Alter(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "music.sqlite").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
};

const char* kTopCustomers =
    "SELECT c.LastName, sum(i.Total) AS spent FROM music.Customer c JOIN music.Invoice i "
    "USING (CustomerId) GROUP BY c.CustomerId ORDER BY spent DESC LIMIT 3";

TEST_F(MemoryCliTest, RecipeIsRecalledInTheNextSessionAndTurnsStaleWhenItsTableChanges) {
  Invocation bad = Cairn({"remember", "-q", "broken", "--sql", "SELECT Nope FROM music.Customer"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("InvalidArgument"), std::string::npos) << bad.err;
  EXPECT_EQ(Cairn({"remember", "-q", "gone", "--sql", "SELECT * FROM music.Nope"}).exit_code, 4);
  EXPECT_EQ(Json({"recipes", "--format", "json"}), nlohmann::json::array());

  nlohmann::json recipe = Json({"remember", "-q", "Who are our top customers by spend?", "--sql",
                                kTopCustomers, "--note", "totals include tax", "--format", "json"});
  EXPECT_EQ(recipe["stated_by"], "admin");
  EXPECT_EQ(recipe["tables"].size(), 2u);
  EXPECT_EQ(recipe["freshness"], "fresh");

  nlohmann::json recalled = Json({"recall", "top spending customers", "--format", "json"});
  ASSERT_EQ(recalled.size(), 1u);
  EXPECT_EQ(recalled[0]["id"], recipe["id"]);
  EXPECT_EQ(recalled[0]["freshness"], "fresh");
  EXPECT_EQ(recalled[0]["reuse_count"], 0);  // listed, not used

  Invocation ran = Cairn({"recipes", "run", recipe["id"].dump(), "--format", "csv"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(std::count(ran.out.begin(), ran.out.end(), '\n'), 4);  // header + 3 rows
  EXPECT_EQ(Json({"recipes", "--format", "json"})[0]["reuse_count"], 1);

  // An unrelated new column: still served, as "fresh (schema changed)".
  Alter("ALTER TABLE Customer ADD COLUMN Loyalty TEXT");
  recalled = Json({"recall", "top customers", "--format", "json"});
  ASSERT_EQ(recalled.size(), 1u);
  EXPECT_EQ(recalled[0]["freshness"], "fresh (schema changed)");
  EXPECT_EQ(recalled[0]["reuse_count"], 1);

  // A used column renamed: stale, with the reason, never counted, and refused to run.
  Alter("ALTER TABLE Customer RENAME COLUMN LastName TO Surname");
  recalled = Json({"recall", "top customers", "--format", "json"});
  ASSERT_EQ(recalled.size(), 1u);
  EXPECT_EQ(recalled[0]["freshness"], "stale");
  EXPECT_EQ(recalled[0]["servable"], false);
  EXPECT_NE(recalled[0]["stale_reason"].get<std::string>().find("music.Customer.LastName"),
            std::string::npos);
  EXPECT_EQ(recalled[0]["reuse_count"], 1);
  Invocation refused = Cairn({"recipes", "run", recipe["id"].dump()});
  EXPECT_EQ(refused.exit_code, 8);
  EXPECT_NE(refused.err.find("stale"), std::string::npos) << refused.err;
  Invocation table = Cairn({"recall", "top customers"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("stale"), std::string::npos);

  EXPECT_EQ(Cairn({"recipes", "forget", recipe["id"].dump()}).exit_code, 0);
  EXPECT_EQ(Cairn({"recipes", "forget", recipe["id"].dump()}).exit_code, 4);
}

TEST_F(MemoryCliTest, DescriptionsGlossaryAndSearch) {
  EXPECT_EQ(Cairn({"describe", "music.Customer", "--set", "People who buy music"}).exit_code, 0);
  EXPECT_EQ(Cairn({"describe", "music.Customer", "--column", "SupportRepId", "--set",
                   "The employee who looks after them"})
                .exit_code,
            0);
  EXPECT_EQ(Cairn({"describe", "music.Customer", "--column", "Nope", "--set", "x"}).exit_code, 4);
  nlohmann::json columns = Json({"describe", "music.Customer", "--format", "json"});
  bool described = false;
  for (const auto& column : columns) {
    if (column["column"] == "SupportRepId") {
      described = column["description"] == "The employee who looks after them";
    }
  }
  EXPECT_TRUE(described) << columns.dump();
  Invocation shown = Cairn({"describe", "music.Customer"});
  EXPECT_NE(shown.out.find("music.Customer: People who buy music"), std::string::npos);

  EXPECT_EQ(Cairn({"glossary", "add", "ARPU", "--definition", "Average revenue per user", "--see",
                   "music.Invoice.Total"})
                .exit_code,
            0);
  EXPECT_EQ(Cairn({"glossary", "add", "X", "--definition", "y", "--see", "music.Nope"}).exit_code,
            4);
  nlohmann::json terms = Json({"glossary", "list", "--format", "json"});
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0]["term"], "ARPU");
  EXPECT_EQ(terms[0]["provenance"], "stated");
  EXPECT_EQ(terms[0]["stated_by"], "admin");
  EXPECT_EQ(terms[0]["see"][0], "music.Invoice.Total");

  ASSERT_EQ(Cairn({"remember", "-q", "How many tracks per genre?", "--sql",
                   "SELECT GenreId, count(*) FROM music.Track GROUP BY 1"})
                .exit_code,
            0);
  auto first_ref = [&](const std::string& text) {
    nlohmann::json hits = Json({"search", text, "--format", "json"});
    return hits.empty() ? std::string() : hits[0]["ref"].get<std::string>();
  };
  nlohmann::json hits = Json({"search", "customer", "--limit", "20", "--format", "json"});
  bool column = false;
  for (const auto& hit : hits) column = column || hit["ref"] == "music.Invoice.CustomerId";
  EXPECT_TRUE(column) << hits.dump();
  EXPECT_EQ(first_ref("revenue"), "ARPU");
  EXPECT_EQ(first_ref("employee looks after"), "music.Customer.SupportRepId");
  EXPECT_EQ(first_ref("tracks per genre"), "1");
  EXPECT_EQ(Cairn({"glossary", "remove", "arpu"}).exit_code, 0);
  EXPECT_EQ(Cairn({"glossary", "remove", "arpu"}).exit_code, 4);
  EXPECT_NE(first_ref("revenue"), "ARPU");

  // Every change of the stated context is in the ledger, by whom; a refused one is not.
  nlohmann::json entries = Json({"ledger", "tail", "-n", "100", "--format", "json"});
  std::vector<std::string> changes;
  for (const auto& entry : entries) {
    std::string action = entry["action"];
    if (action != "glossary_change" && action != "description_change") continue;
    EXPECT_EQ(entry["principal"], "admin");
    changes.push_back(action + ": " + entry["subject"].get<std::string>());
  }
  std::sort(changes.begin(), changes.end());
  EXPECT_EQ(changes, (std::vector<std::string>{"description_change: describe music.Customer",
                                               "description_change: describe "
                                               "music.Customer.SupportRepId",
                                               "glossary_change: glossary add ARPU",
                                               "glossary_change: glossary remove arpu"}))
      << entries.dump();
}

TEST_F(MemoryCliTest, AGlossarySynonymLetsRecallFindARecipeAskedInOtherWords) {
  nlohmann::json recipe =
      Json({"remember", "-q", "How many tracks per genre?", "--sql",
            "SELECT GenreId, count(*) FROM music.Track GROUP BY 1", "--format", "json"});
  EXPECT_EQ(Json({"recall", "Count the songs", "--format", "json"}), nlohmann::json::array());

  Invocation empty =
      Cairn({"glossary", "add", "track", "-d", "A recorded piece", "--synonym", " "});
  EXPECT_EQ(empty.exit_code, 3);
  EXPECT_NE(empty.err.find("synonym ' ' has no word in it"), std::string::npos) << empty.err;
  ASSERT_EQ(Cairn({"glossary", "add", "track", "-d", "A recorded piece of music", "--see",
                   "music.Track", "--synonym", "song", "-s", "Track", "-s", "tune"})
                .exit_code,
            0);
  nlohmann::json terms = Json({"glossary", "list", "--format", "json"});
  ASSERT_EQ(terms.size(), 1u);
  // The term itself is not its own synonym.
  EXPECT_EQ(terms[0]["synonyms"], nlohmann::json::array({"song", "tune"}));

  nlohmann::json recalled = Json({"recall", "Count the songs", "--format", "json"});
  ASSERT_EQ(recalled.size(), 1u) << recalled.dump();
  EXPECT_EQ(recalled[0]["id"], recipe["id"]);
  // Search finds the term by its synonym too.
  nlohmann::json hits = Json({"search", "tunes", "--format", "json"});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0]["ref"], "track");
}

TEST_F(MemoryCliTest, ExportContextWritesATreeAndReplacesIt) {
  ASSERT_EQ(Cairn({"describe", "music.Genre", "--set", "Music styles"}).exit_code, 0);
  Invocation run = Cairn({"export-context", "ctx"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(dir_ / "ctx" / "README.md"));
  EXPECT_TRUE(fs::exists(dir_ / "ctx" / "sources" / "music.md"));
  EXPECT_TRUE(fs::exists(dir_ / "ctx" / "joins.md"));
  EXPECT_NE(e2e::ReadFile(dir_ / "ctx" / "tables" / "music" / "Genre.md").find("Music styles"),
            std::string::npos);
  std::string readme = e2e::ReadFile(dir_ / "ctx" / "README.md");
  Alter("DROP TABLE PlaylistTrack");
  ASSERT_EQ(Cairn({"export-context", "ctx"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "ctx" / "tables" / "music" / "PlaylistTrack.md"));
  EXPECT_TRUE(fs::exists(dir_ / "ctx" / "tables" / "music" / "Track.md"));

  fs::create_directories(dir_ / "mine");
  std::ofstream(dir_ / "mine" / "keep.txt") << "mine";
  EXPECT_EQ(Cairn({"export-context", "mine"}).exit_code, 8);
  EXPECT_EQ(e2e::ReadFile(dir_ / "mine" / "keep.txt"), "mine");
}

}  // namespace
}  // namespace cairn
