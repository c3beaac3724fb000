#include "context/recipes.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "context/catalog_store.h"
#include "context/glossary.h"
#include "context/state_testing.h"

namespace cairn::context {
namespace {

namespace fs = std::filesystem;
const std::string kData = std::string(CAIRN_TEST_DATA);

// A writable copy of chinook.sqlite, a catalog over it as source "music", and a state DB.
class RecipesTest : public StateEngineTest {
 protected:
  void SetUp() override {
    StateEngineTest::SetUp();
    if (IsSkipped()) return;
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("cairn-recipes-" + std::to_string(rd()));
    fs::create_directories(dir_);
    fs::copy_file(kData + "/chinook.sqlite", dir_ / "chinook.sqlite");
    fs::create_directories(dir_ / "files");
    std::ofstream(dir_ / "files" / "holds.csv") << "id,released_at\n1,2026-01-02\n2,2026-02-03\n";
    db_ = OpenState(dir_ / "state.sqlite");
    ASSERT_NE(db_, nullptr);
    auto recipes = RecipeStore::Open(db_.get());
    ASSERT_TRUE(recipes.ok()) << recipes.status().ToString();
    recipes_.emplace(std::move(recipes).value());
    Reopen();
  }
  void TearDown() override {
    session_.reset();
    catalog_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // A new catalog and session, as a later `cairn` invocation would see the source.
  void Reopen() {
    session_.reset();
    auto config = ParseConfig(
        "sources:\n  music:\n    kind: sqlite\n    path: " + (dir_ / "chinook.sqlite").string() +
            "\n  files:\n    kind: csv\n    path: " + (dir_ / "files").string() + "\n",
        dir_ / "cairn.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto catalog = engine::Catalog::Create(*config);
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::move(catalog).value();
    auto session = engine::Session::Open(catalog_.get(), engine::Principal::Admin());
    ASSERT_TRUE(session.ok());
    session_ = std::move(session).value();
  }

  // Changes the source file directly (the source is read-only through Cairn), then opens a new
  // session unless `reopen` is false (a running server's session that lives on).
  void Alter(const std::string& sql, bool reopen = true) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "chinook.sqlite").c_str(), &raw), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(raw);
    if (reopen) Reopen();
  }

  // The ids of the recipes Recall() finds for `question` (limit 5), best first.
  std::vector<int64_t> RecalledIds(const std::string& question) {
    auto matches = recipes_->Recall(session_.get(), question, 5);
    EXPECT_TRUE(matches.ok()) << matches.status().ToString();
    std::vector<int64_t> ids;
    if (!matches.ok()) return ids;
    for (const auto& match : *matches) ids.push_back(match.recipe.id);
    return ids;
  }

  int64_t RecipeCount() {
    auto all = recipes_->List();
    EXPECT_TRUE(all.ok());
    return all.ok() ? static_cast<int64_t>(all->size()) : -1;
  }

  fs::path dir_;
  std::unique_ptr<store::StateDb> db_;
  std::optional<RecipeStore> recipes_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<engine::Session> session_;
};

const char* kTopCustomers =
    "SELECT c.FirstName, c.LastName, sum(i.Total) AS spent FROM music.Customer c "
    "JOIN music.Invoice i ON i.CustomerId = c.CustomerId GROUP BY c.CustomerId "
    "ORDER BY spent DESC LIMIT 5";

TEST(FingerprintTest, ChangesWithNamesTypesAndOrder) {
  connectors::TableInfo a;
  a.name = "t";
  a.columns.push_back({"id", "INTEGER", "INTEGER", true, true});
  connectors::TableInfo b = a;
  b.row_estimate = 99;
  EXPECT_EQ(TableFingerprint(a), TableFingerprint(b));
  EXPECT_EQ(TableFingerprint(a).size(), 16u);
  b.columns[0].type = "TEXT";
  EXPECT_NE(TableFingerprint(a), TableFingerprint(b));
  b = a;
  b.columns[0].name = "ID2";
  EXPECT_NE(TableFingerprint(a), TableFingerprint(b));
}

TEST_P(RecipesTest, RememberRejectsBadSqlAndStoresNothing) {
  auto syntax = recipes_->Remember(session_.get(), "broken", "SELEC 1 FROM", "");
  EXPECT_EQ(syntax.status().code(), StatusCode::kInvalidArgument);
  auto missing = recipes_->Remember(session_.get(), "no table", "SELECT * FROM music.Nope", "");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().code(), session_->Analyze("SELECT * FROM music.Nope").status().code());
  auto write = recipes_->Remember(session_.get(), "write", "DELETE FROM music.Genre", "");
  EXPECT_EQ(write.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(recipes_->Remember(session_.get(), " ", "SELECT 1", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RecipeCount(), 0);
  EXPECT_TRUE(recipes_->Recall(session_.get(), "broken table write", 5)->empty());
}

TEST_P(RecipesTest, RememberRecordsReadsAndFingerprints) {
  auto recipe = recipes_->Remember(session_.get(), "Who are our top customers by spend?",
                                   kTopCustomers, "Totals include tax");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  EXPECT_GT(recipe->id, 0);
  EXPECT_EQ(recipe->stated_by, "admin");
  EXPECT_FALSE(recipe->created_at.empty());
  EXPECT_EQ(recipe->freshness, Freshness::kFresh);
  ASSERT_EQ(recipe->tables.size(), 2u);
  EXPECT_EQ(recipe->tables[0].table, "Customer");
  EXPECT_EQ(recipe->tables[1].table, "Invoice");
  auto info = session_->Describe("music", "Customer");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(recipe->tables[0].fingerprint, TableFingerprint(*info));
  auto has = [&](const std::string& table, const std::string& column) {
    for (const auto& read : recipe->columns) {
      if (read.table == table && read.column == column) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("Customer", "FirstName"));
  EXPECT_TRUE(has("Customer", "CustomerId"));
  EXPECT_TRUE(has("Invoice", "Total"));
  EXPECT_TRUE(has("Invoice", "CustomerId"));
  EXPECT_FALSE(has("Customer", "Email"));
}

TEST_P(RecipesTest, RecallRanksAndSurvivesAReopenAndRunningCountsAReuse) {
  ASSERT_TRUE(
      recipes_->Remember(session_.get(), "Who are our top customers by spend?", kTopCustomers, "")
          .ok());
  ASSERT_TRUE(recipes_
                  ->Remember(session_.get(), "How many tracks per genre?",
                             "SELECT g.Name, count(*) FROM music.Track t JOIN music.Genre g "
                             "USING (GenreId) GROUP BY g.Name",
                             "")
                  .ok());
  auto matches = recipes_->Recall(session_.get(), "top spending customers", 5);
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].recipe.question, "Who are our top customers by spend?");
  EXPECT_EQ((*matches)[0].recipe.freshness, Freshness::kFresh);
  EXPECT_EQ((*matches)[0].recipe.reuse_count, 0);  // listed, not used
  EXPECT_GT((*matches)[0].score, 0);

  // A table name used by the SQL finds it too (genre -> the second recipe first).
  matches = recipes_->Recall(session_.get(), "genre", 5);
  ASSERT_TRUE(matches.ok());
  ASSERT_FALSE(matches->empty());
  EXPECT_EQ((*matches)[0].recipe.question, "How many tracks per genre?");

  Reopen();
  matches = recipes_->Recall(session_.get(), "customers", 5);
  ASSERT_TRUE(matches.ok());
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].recipe.reuse_count, 0);
  EXPECT_TRUE((*matches)[0].recipe.last_used_at.empty());

  // Running counts a reuse.
  struct Count : engine::RowSink {
    Status Columns(const std::vector<std::string>&) override { return OkStatus(); }
    Status Row(const std::vector<engine::Value>&) override {
      ++rows;
      return OkStatus();
    }
    int rows = 0;
  } sink;
  int64_t id = (*matches)[0].recipe.id;
  ASSERT_TRUE(recipes_->Run(session_.get(), id, &sink).ok());
  EXPECT_EQ(sink.rows, 5);
  EXPECT_EQ(recipes_->Get(id)->reuse_count, 1);
  EXPECT_FALSE(recipes_->Get(id)->last_used_at.empty());
  EXPECT_TRUE(recipes_->Forget(id).ok());
  EXPECT_EQ(recipes_->Get(id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(recipes_->Forget(id).code(), StatusCode::kNotFound);
  EXPECT_TRUE(recipes_->Recall(session_.get(), "customers", 5)->empty());
}

// A filter (a caller's visibility) is applied to the stored recipes before any check: the ones it
// leaves out are neither checked nor returned, however many rank above the ones it keeps.
// Remembered again with the same question and SQL, a recipe is stated again, not copied: one
// recipe, its id and reuse kept, its reads and fingerprints renewed, its note replaced only by
// a new one.
TEST_P(RecipesTest, TheSameQuestionAndSqlAgainIsTheSameRecipeStatedAgain) {
  auto first = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "with tax");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(recipes_->CountReuse(first->id).ok());
  Alter("ALTER TABLE Customer ADD COLUMN Loyalty TEXT");
  auto again = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->note, "with tax");
  EXPECT_EQ(again->reuse_count, 1);
  EXPECT_EQ(again->freshness, Freshness::kFresh);
  std::map<std::string, std::string> before, after;
  for (const auto& t : first->tables) before[t.table] = t.fingerprint;
  for (const auto& t : again->tables) after[t.table] = t.fingerprint;
  EXPECT_NE(after["Customer"], before["Customer"]);  // the schema of now
  EXPECT_EQ(after["Invoice"], before["Invoice"]);
  EXPECT_EQ(again->columns.size(), first->columns.size());
  EXPECT_EQ(recipes_->Check(session_.get(), first->id)->freshness, Freshness::kFresh);
  auto noted = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "net of tax");
  ASSERT_TRUE(noted.ok());
  EXPECT_EQ(noted->id, first->id);
  EXPECT_EQ(noted->note, "net of tax");
  EXPECT_EQ(RecalledIds("net tax"), std::vector<int64_t>{first->id});  // indexed anew
  EXPECT_TRUE(RecalledIds("with").empty());
  EXPECT_EQ(recipes_->List()->size(), 1u);
  // Another question, or other SQL, is another recipe.
  auto other = recipes_->Remember(session_.get(), "best customers", kTopCustomers, "");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, first->id);
  EXPECT_EQ(recipes_->List()->size(), 2u);
}

TEST_P(RecipesTest, RecallWithAFilterChecksOnlyTheRecipesItKeeps) {
  std::vector<int64_t> hidden;
  for (int i = 0; i < 20; ++i) {
    auto recipe = recipes_->Remember(session_.get(), "Top customers by spend, " + std::to_string(i),
                                     kTopCustomers, "");
    ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
    hidden.push_back(recipe->id);
  }
  auto kept = recipes_->Remember(session_.get(), "Invoices per customer",
                                 "SELECT CustomerId, count(*) FROM music.Invoice GROUP BY 1", "");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  Alter("ALTER TABLE Customer RENAME COLUMN LastName TO Surname");
  const RecipeFilter only_kept = [&](const Recipe& r) { return r.id == kept->id; };
  auto matches = recipes_->Recall(session_.get(), "top customers by spend", 1, only_kept);
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].recipe.id, kept->id);
  for (int64_t id : hidden) EXPECT_EQ(recipes_->Get(id)->freshness, Freshness::kFresh);
  // Unfiltered, the same recall finds the first of them stale.
  matches = recipes_->Recall(session_.get(), "top customers by spend", 1);
  ASSERT_TRUE(matches.ok());
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_NE((*matches)[0].recipe.id, kept->id);
  EXPECT_EQ((*matches)[0].recipe.freshness, Freshness::kStale);
}

TEST_P(RecipesTest, RecallFillsAGapInTheRecipesWordsWithTheGlossarysNames) {
  auto tracks = recipes_->Remember(session_.get(), "How many tracks per genre?",
                                   "SELECT GenreId, count(*) FROM music.Track GROUP BY 1", "");
  ASSERT_TRUE(tracks.ok()) << tracks.status().ToString();
  auto customers =
      recipes_->Remember(session_.get(), "Who are our top customers by spend?", kTopCustomers, "");
  ASSERT_TRUE(customers.ok());
  EXPECT_TRUE(RecalledIds("Count the songs").empty());
  EXPECT_TRUE(RecalledIds("biggest clients").empty());

  auto glossary = Glossary::Open(db_.get());
  ASSERT_TRUE(glossary.ok());
  ASSERT_TRUE(glossary->AddTerm("track", "A recorded piece", {}, "ana", {"song", "tune"}).ok());
  ASSERT_TRUE(glossary->AddTerm("customer", "Who buys", {}, "ana", {"client"}).ok());
  EXPECT_EQ(RecalledIds("Count the songs"), std::vector<int64_t>{tracks->id});
  EXPECT_EQ(RecalledIds("biggest clients"), std::vector<int64_t>{customers->id});

  // A word some recipe uses is left alone: once a recipe says "songs", the question about songs
  // matches that recipe by its own words only, not the one about tracks.
  auto songs = recipes_->Remember(session_.get(), "Longest songs",
                                  "SELECT Name FROM music.Track ORDER BY Milliseconds DESC", "");
  ASSERT_TRUE(songs.ok());
  EXPECT_EQ(RecalledIds("Count the songs"), std::vector<int64_t>{songs->id});

  // Recall keeps the terms between calls, and sees every change to them: a term removed
  // through another store is gone at the next recall, a synonym restated is there.
  ASSERT_TRUE(glossary->RemoveTerm("customer").ok());
  EXPECT_TRUE(RecalledIds("biggest clients").empty());
  ASSERT_TRUE(glossary->AddTerm("customer", "Who buys", {}, "ana", {"patron"}).ok());
  EXPECT_TRUE(RecalledIds("biggest clients").empty());
  EXPECT_EQ(RecalledIds("biggest patrons"), std::vector<int64_t>{customers->id});
}

TEST_P(RecipesTest, RecallSeesTermsAnotherConnectionStatesOrRemoves) {
  // Another connection to the same state, as another process or node would hold.
  auto other = OpenState(dir_ / "state.sqlite");
  ASSERT_NE(other, nullptr);
  auto glossary = Glossary::Open(other.get());
  ASSERT_TRUE(glossary.ok()) << glossary.status().ToString();
  auto customers =
      recipes_->Remember(session_.get(), "Who are our top customers by spend?", kTopCustomers, "");
  ASSERT_TRUE(customers.ok()) << customers.status().ToString();
  // The first recall reads the (empty) glossary and keeps it.
  EXPECT_TRUE(RecalledIds("biggest clients").empty());
  ASSERT_TRUE(glossary->AddTerm("customer", "Who buys", {}, "ana", {"client"}).ok());
  EXPECT_EQ(RecalledIds("biggest clients"), std::vector<int64_t>{customers->id});
  ASSERT_TRUE(glossary->RemoveTerm("Customer").ok());
  EXPECT_TRUE(RecalledIds("biggest clients").empty());
}

TEST_P(RecipesTest, RecallReadsAWordNoRecipeUsesAsTheNameItTranslates) {
  auto customers =
      recipes_->Remember(session_.get(), "Who are our top customers by spend?", kTopCustomers, "");
  ASSERT_TRUE(customers.ok()) << customers.status().ToString();
  auto tracks = recipes_->Remember(session_.get(), "How many tracks per genre?",
                                   "SELECT GenreId, count(*) FROM music.Track GROUP BY 1", "");
  ASSERT_TRUE(tracks.ok());
  EXPECT_TRUE(RecalledIds("Umsatz je Kunde").empty());

  // What discovery stores from a lexicon, written through another connection (another node's
  // discovery): recall reads it at its next call.
  auto other = OpenState(dir_ / "state.sqlite");
  ASSERT_NE(other, nullptr);
  auto catalog = CatalogStore::Open(other.get());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ASSERT_TRUE(catalog->PutNameTranslations({{"customer", {"kunde"}}, {"genre", {"gattung"}}}).ok());
  EXPECT_EQ(RecalledIds("Umsatz je Kunde"), std::vector<int64_t>{customers->id});
  // A word of the name's plural, read as its singular.
  EXPECT_EQ(RecalledIds("Titel je Gattungs"), std::vector<int64_t>{tracks->id});

  // A word some recipe says is read as written only.
  auto kunden = recipes_->Remember(session_.get(), "Welcher Kunde kauft am meisten?",
                                   "SELECT CustomerId FROM music.Invoice GROUP BY 1", "");
  ASSERT_TRUE(kunden.ok());
  EXPECT_EQ(RecalledIds("Umsatz je Kunde"), std::vector<int64_t>{kunden->id});

  // Translations taken away (a lexicon removed from cairn.yaml): gone at the next recall.
  ASSERT_TRUE(catalog->PutNameTranslations({}).ok());
  EXPECT_TRUE(RecalledIds("Titel je Gattungs").empty());
}

TEST_P(RecipesTest, RenamedColumnMakesItStale) {
  auto recipe = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "");
  ASSERT_TRUE(recipe.ok());
  Alter("ALTER TABLE Customer RENAME COLUMN LastName TO Surname");
  auto matches = recipes_->Recall(session_.get(), "top customers", 5);
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  ASSERT_EQ(matches->size(), 1u);
  const Recipe& stale = (*matches)[0].recipe;
  EXPECT_EQ(stale.freshness, Freshness::kStale);
  EXPECT_NE(stale.stale_reason.find("music.Customer.LastName"), std::string::npos)
      << stale.stale_reason;
  EXPECT_EQ(stale.reuse_count, 0);
  // Still stale on the next look; running it is refused.
  EXPECT_EQ(recipes_->Check(session_.get(), recipe->id)->freshness, Freshness::kStale);
  EXPECT_EQ(recipes_->Get(recipe->id)->freshness, Freshness::kStale);
  EXPECT_EQ(recipes_->Run(session_.get(), recipe->id, nullptr).code(),
            StatusCode::kFailedPrecondition);
  // Renamed back: fresh again.
  Alter("ALTER TABLE Customer RENAME COLUMN Surname TO LastName");
  EXPECT_EQ(recipes_->Check(session_.get(), recipe->id)->freshness, Freshness::kFresh);
}

// What join paths weigh: recipes over two tables or more, with what they read; a one-table
// recipe and a stale one are left out.
TEST_P(RecipesTest, JoiningReadsListsMultiTableRecipesThatAreNotStale) {
  auto top = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "");
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  ASSERT_TRUE(
      recipes_->Remember(session_.get(), "artists", "SELECT Name FROM music.Artist", "").ok());
  auto albums = recipes_->Remember(
      session_.get(), "albums by artist",
      "SELECT ar.Name, al.Title FROM music.Album al JOIN music.Artist ar ON ar.ArtistId = "
      "al.ArtistId",
      "");
  ASSERT_TRUE(albums.ok()) << albums.status().ToString();
  auto reads = recipes_->JoiningReads();
  ASSERT_TRUE(reads.ok()) << reads.status().ToString();
  ASSERT_EQ(reads->size(), 2u);
  EXPECT_EQ((*reads)[0].id, top->id);
  EXPECT_EQ((*reads)[1].id, albums->id);
  EXPECT_EQ((*reads)[1].tables.size(), 2u);
  EXPECT_EQ((*reads)[1].columns, albums->columns);
  auto has = [&](const Recipe& recipe, const std::string& table, const std::string& column) {
    for (const auto& read : recipe.columns) {
      if (read.table == table && read.column == column) return true;
    }
    return false;
  };
  EXPECT_TRUE(has((*reads)[0], "Invoice", "CustomerId"));
  EXPECT_TRUE(has((*reads)[0], "Customer", "CustomerId"));
  // Once a check finds the first stale, it is no longer listed.
  Alter("ALTER TABLE Customer RENAME COLUMN LastName TO Surname");
  EXPECT_EQ(recipes_->Check(session_.get(), top->id)->freshness, Freshness::kStale);
  reads = recipes_->JoiningReads();
  ASSERT_TRUE(reads.ok()) << reads.status().ToString();
  ASSERT_EQ(reads->size(), 1u);
  EXPECT_EQ((*reads)[0].id, albums->id);
}

// Changes() moves with every change a cache of JoiningReads must see, and only then.
TEST_P(RecipesTest, ChangesCountsRememberForgetAndFreshnessOnly) {
  auto changes = [&] {
    auto value = recipes_->Changes();
    EXPECT_TRUE(value.ok()) << value.status().ToString();
    return value.ok() ? *value : -1;
  };
  EXPECT_EQ(changes(), 0);
  auto top = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "");
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  auto artists = recipes_->Remember(session_.get(), "artists", "SELECT Name FROM music.Artist", "");
  ASSERT_TRUE(artists.ok()) << artists.status().ToString();
  EXPECT_EQ(changes(), 2);
  // Checks and recalls that find nothing changed, and reuse counts, leave it alone.
  EXPECT_EQ(recipes_->Check(session_.get(), top->id)->freshness, Freshness::kFresh);
  ASSERT_TRUE(recipes_->Recall(session_.get(), "top customers artists", 5).ok());
  EXPECT_EQ(changes(), 2);
  // Turning stale moves it once; checking the stale recipe again does not.
  Alter("ALTER TABLE Customer RENAME COLUMN LastName TO Surname");
  EXPECT_EQ(recipes_->Check(session_.get(), top->id)->freshness, Freshness::kStale);
  EXPECT_EQ(changes(), 3);
  EXPECT_EQ(recipes_->Check(session_.get(), top->id)->freshness, Freshness::kStale);
  EXPECT_EQ(changes(), 3);
  // Fresh again when the schema comes back.
  Alter("ALTER TABLE Customer RENAME COLUMN Surname TO LastName");
  EXPECT_EQ(recipes_->Check(session_.get(), top->id)->freshness, Freshness::kFresh);
  EXPECT_EQ(changes(), 4);
  ASSERT_TRUE(recipes_->Forget(artists->id).ok());
  EXPECT_EQ(changes(), 5);
  // A failed forget changes nothing.
  EXPECT_EQ(recipes_->Forget(artists->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(changes(), 5);
}

// A session opened before the change (as a running `cairn serve` or `cairn mcp` keeps its
// sessions) sees it too: freshness reads the sources now, not the session's cached schema.
TEST_P(RecipesTest, ASessionOpenAcrossTheChangeSeesIt) {
  auto recipe = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "");
  ASSERT_TRUE(recipe.ok());
  auto holds = recipes_->Remember(session_.get(), "release dates of holds",
                                  "SELECT id, released_at FROM files.holds", "");
  ASSERT_TRUE(holds.ok()) << holds.status().ToString();
  EXPECT_EQ(recipes_->Check(session_.get(), recipe->id)->freshness, Freshness::kFresh);
  EXPECT_EQ(recipes_->Check(session_.get(), holds->id)->freshness, Freshness::kFresh);

  Alter("ALTER TABLE Customer RENAME COLUMN LastName TO Surname", /*reopen=*/false);
  auto matches = recipes_->Recall(session_.get(), "top customers", 5);
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].recipe.freshness, Freshness::kStale);
  EXPECT_NE((*matches)[0].recipe.stale_reason.find("music.Customer.LastName"), std::string::npos);
  EXPECT_EQ(recipes_->Run(session_.get(), recipe->id, nullptr).code(),
            StatusCode::kFailedPrecondition);
  Alter("ALTER TABLE Customer RENAME COLUMN Surname TO LastName", /*reopen=*/false);
  EXPECT_EQ(recipes_->Check(session_.get(), recipe->id)->freshness, Freshness::kFresh);

  // A CSV file whose header changed.
  std::ofstream(dir_ / "files" / "holds.csv") << "id,lifted_at\n1,2026-01-02\n2,2026-02-03\n";
  auto checked = recipes_->Check(session_.get(), holds->id);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->freshness, Freshness::kStale);
  EXPECT_NE(checked->stale_reason.find("files.holds.released_at"), std::string::npos)
      << checked->stale_reason;
  // Removed: the table is gone. Back: fresh again.
  fs::rename(dir_ / "files" / "holds.csv", dir_ / "holds.csv.bak");
  checked = recipes_->Check(session_.get(), holds->id);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked->freshness, Freshness::kStale);
  EXPECT_NE(checked->stale_reason.find("files.holds no longer exists"), std::string::npos)
      << checked->stale_reason;
  std::ofstream(dir_ / "files" / "holds.csv") << "id,released_at\n1,2026-01-02\n";
  EXPECT_EQ(recipes_->Check(session_.get(), holds->id)->freshness, Freshness::kFresh);
}

TEST_P(RecipesTest, DroppedColumnOrTableMakesItStale) {
  auto recipe = recipes_->Remember(session_.get(), "track lengths",
                                   "SELECT Name, Milliseconds FROM music.Track", "");
  ASSERT_TRUE(recipe.ok());
  auto genres = recipes_->Remember(session_.get(), "genres", "SELECT Name FROM music.Genre", "");
  ASSERT_TRUE(genres.ok());
  Alter("ALTER TABLE Track DROP COLUMN Milliseconds; DROP TABLE Genre;");
  auto checked = recipes_->Check(session_.get(), recipe->id);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked->freshness, Freshness::kStale);
  EXPECT_NE(checked->stale_reason.find("Milliseconds"), std::string::npos);
  checked = recipes_->Check(session_.get(), genres->id);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked->freshness, Freshness::kStale);
  EXPECT_NE(checked->stale_reason.find("music.Genre no longer exists"), std::string::npos)
      << checked->stale_reason;
}

TEST_P(RecipesTest, UnreachableSourceLeavesItUnverified) {
  auto recipe = recipes_->Remember(session_.get(), "genres", "SELECT Name FROM music.Genre", "");
  ASSERT_TRUE(recipe.ok());
  fs::rename(dir_ / "chinook.sqlite", dir_ / "moved.sqlite");
  Reopen();
  auto matches = recipes_->Recall(session_.get(), "genres", 5);
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].recipe.freshness, Freshness::kUnverified);
  EXPECT_NE((*matches)[0].recipe.stale_reason.find("source 'music' cannot be read"),
            std::string::npos);
  EXPECT_EQ((*matches)[0].recipe.reuse_count, 0);
  fs::rename(dir_ / "moved.sqlite", dir_ / "chinook.sqlite");
  Reopen();
  EXPECT_EQ(recipes_->Check(session_.get(), recipe->id)->freshness, Freshness::kFresh);
}

TEST_P(RecipesTest, UnrelatedAddedColumnKeepsItFresh) {
  auto recipe = recipes_->Remember(session_.get(), "top customers", kTopCustomers, "");
  ASSERT_TRUE(recipe.ok());
  std::string before = recipe->tables[0].fingerprint;
  Alter("ALTER TABLE Customer ADD COLUMN Loyalty TEXT");
  auto matches = recipes_->Recall(session_.get(), "top customers", 5);
  ASSERT_TRUE(matches.ok());
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].recipe.freshness, Freshness::kSchemaChanged);
  EXPECT_EQ(FreshnessName((*matches)[0].recipe.freshness), "fresh (schema changed)");
  EXPECT_NE((*matches)[0].recipe.tables[0].fingerprint, before);
  // The new fingerprint is recorded: the next check is plainly fresh.
  EXPECT_EQ(recipes_->Check(session_.get(), recipe->id)->freshness, Freshness::kFresh);
}

// Two connections to one state (two nodes, on PostgreSQL): a recipe remembered through A is
// recalled through B, its reuse counted through B is A's count too, and forgotten through B it is
// gone for A.
TEST_P(RecipesTest, RememberedThroughOneNodeIsRecalledThroughAnother) {
  auto other = OpenState(dir_ / "state.sqlite");
  ASSERT_NE(other, nullptr);
  auto recipes_b = RecipeStore::Open(other.get());
  ASSERT_TRUE(recipes_b.ok());
  auto recipe = recipes_->Remember(session_.get(), "Who are our top customers by spend?",
                                   kTopCustomers, "Totals include tax");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  auto matches = recipes_b->Recall(session_.get(), "customers spending", 5);
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].recipe.id, recipe->id);
  EXPECT_EQ((*matches)[0].recipe.tables.size(), 2u);
  EXPECT_GT((*matches)[0].score, 0);
  // The note and the names of the tables read are searchable too.
  EXPECT_EQ(recipes_b->Recall(session_.get(), "tax", 5)->size(), 1u);
  EXPECT_EQ(recipes_b->Recall(session_.get(), "invoice", 5)->size(), 1u);
  ASSERT_TRUE(recipes_b->CountReuse(recipe->id).ok());
  EXPECT_EQ(recipes_->Get(recipe->id)->reuse_count, 1);
  ASSERT_TRUE(recipes_b->Forget(recipe->id).ok());
  EXPECT_TRUE(recipes_->Recall(session_.get(), "customers", 5)->empty());
  EXPECT_EQ(recipes_->Get(recipe->id).status().code(), StatusCode::kNotFound);
}

CAIRN_STATE_ENGINES(RecipesTest);

}  // namespace
}  // namespace cairn::context
