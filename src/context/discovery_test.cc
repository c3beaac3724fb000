// Discovery end to end through the API: real SQLite files (Chinook), a CSV directory, temp dirs.

#include "context/discovery.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "context/catalog_store.h"
#include "context/join_inference.h"
#include "context/join_store.h"
#include "context/state_testing.h"
#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace cairn::context {
namespace {

namespace fs = std::filesystem;

const fs::path kChinook = fs::path(CAIRN_TEST_DATA) / "chinook.sqlite";

class DiscoveryTest : public StateEngineTest {
 protected:
  void SetUp() override {
    StateEngineTest::SetUp();
    if (IsSkipped()) return;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::temp_directory_path() / ("cairn_discovery_" + std::to_string(getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = OpenState(dir_ / ".cairn" / "state.sqlite");
    ASSERT_NE(db_, nullptr);
  }
  void TearDown() override {
    session_.reset();
    catalog_.reset();
    db_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // (Re)opens the catalog and a session over `yaml` (sources re-read their schemas).
  void Open(const std::string& yaml) {
    session_.reset();
    catalog_.reset();
    auto config = ParseConfig(yaml, dir_ / "cairn.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto catalog = engine::Catalog::Create(std::move(*config));
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    auto session = engine::Session::Open(catalog_.get(), engine::Principal::Admin());
    ASSERT_TRUE(session.ok());
    session_ = std::move(*session);
  }

  void OpenChinookCopy() {
    fs::copy_file(kChinook, dir_ / "chinook.sqlite", fs::copy_options::overwrite_existing);
    Open("version: 1\nsources:\n  music: {kind: sqlite, path: chinook.sqlite}\n");
  }

  void ExecOnCopy(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "chinook.sqlite").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  Result<DiscoveryReport> Run(DiscoveryOptions options = {}) {
    return Discover(session_.get(), db_.get(), options);
  }

  fs::path dir_;
  std::unique_ptr<store::StateDb> db_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<engine::Session> session_;
};

TEST_P(DiscoveryTest, ChinookProfilesRowCountsNullsTypesAndDeclaredKeys) {
  OpenChinookCopy();
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->profiled, 11);
  EXPECT_EQ(report->failed, 0);
  EXPECT_TRUE(report->status().ok());
  EXPECT_EQ(report->declared_joins, 11);

  auto catalog = CatalogStore::Open(db_.get());
  ASSERT_TRUE(catalog.ok());
  auto track = catalog->GetTable("music", "Track");
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  EXPECT_EQ(track->row_count, 3503);
  EXPECT_EQ(track->sample_size, 3503);
  EXPECT_EQ(track->sampling, "full");
  EXPECT_EQ(track->provenance, Provenance::kDiscovered);
  const ColumnProfile* composer = track->FindColumn("Composer");
  ASSERT_NE(composer, nullptr);
  EXPECT_EQ(composer->null_count, 977);
  EXPECT_NEAR(composer->null_fraction, 977.0 / 3503, 1e-9);
  const ColumnProfile* id = track->FindColumn("TrackId");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->distinct_count, 3503);
  EXPECT_TRUE(id->distinct_exact);
  EXPECT_DOUBLE_EQ(id->uniqueness, 1.0);
  EXPECT_EQ(id->min, "1");
  EXPECT_EQ(id->max, "3503");
  EXPECT_EQ(id->semantic_type, SemanticType::kIdentifier);
  EXPECT_EQ(id->minhash.size(), kMinHashSize);
  EXPECT_EQ(id->value_hashes.size(), 3503u);
  EXPECT_EQ(track->FindColumn("UnitPrice")->semantic_type, SemanticType::kMoney);
  const ColumnProfile* media = track->FindColumn("MediaTypeId");
  ASSERT_EQ(media->top_values.size(), 5u);
  EXPECT_EQ(media->top_values[0].value, "1");  // MPEG audio files dominate
  EXPECT_GE(media->top_values[0].count, media->top_values[1].count);
  EXPECT_EQ(track->PrimaryKey(), std::vector<std::string>{"TrackId"});
  int foreign = 0;
  for (const auto& key : track->keys) foreign += key.type == DeclaredKey::Type::kForeign ? 1 : 0;
  EXPECT_EQ(foreign, 3);

  auto customer = catalog->GetTable("music", "Customer", ColumnDetail::kProfiles);
  ASSERT_TRUE(customer.ok());
  EXPECT_EQ(customer->FindColumn("Email")->semantic_type, SemanticType::kEmail);
  EXPECT_TRUE(customer->FindColumn("Email")->minhash.empty());  // sketches not asked for
  auto employee = catalog->GetTable("music", "Employee");
  EXPECT_EQ(employee->FindColumn("BirthDate")->semantic_type, SemanticType::kDatetime);

  auto tables = catalog->ListTables("music", ColumnDetail::kNone);
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->size(), 11u);
  EXPECT_EQ(catalog->GetTable("music", "Nope").status().code(), StatusCode::kNotFound);
}

TEST_P(DiscoveryTest, SecondRunSkipsUnchangedTablesAndFullRedoesThem) {
  OpenChinookCopy();
  ASSERT_TRUE(Run().ok());
  auto again = Run();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->profiled, 0);
  EXPECT_EQ(again->skipped, 11);
  DiscoveryOptions full;
  full.full = true;
  auto redo = Run(full);
  ASSERT_TRUE(redo.ok());
  EXPECT_EQ(redo->profiled, 11);
}

TEST_P(DiscoveryTest, ALexiconsTranslationsOfTheNamesAreStoredForSearch) {
  OpenChinookCopy();
  DiscoveryOptions options;
  options.inference.lexicon = std::make_shared<const Lexicon>(Lexicon::FromPairs(
      {{"künstler", "artist"}, {"rechnung", "invoice"}, {"titel", "title"}, {"ufo", "saucer"}}));
  auto report = Run(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto catalog = CatalogStore::Open(db_.get());
  ASSERT_TRUE(catalog.ok());
  auto stored = catalog->GetNameTranslations();
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  // The words of Chinook's table and column names the lexicon knows (Artist, Invoice,
  // InvoiceLine, InvoiceId, Title...); "ufo" is in no name.
  const NameTranslations expected = {
      {"artist", {"künstler"}}, {"invoice", {"rechnung"}}, {"title", {"titel"}}};
  EXPECT_EQ(*stored, expected);
  EXPECT_EQ(report->translated_words, 3);
  const std::string dated = *catalog->NameTranslationsChangedAt();
  EXPECT_FALSE(dated.empty());

  // Every table skipped, the same lexicon: nothing changes, not even the date.
  auto again = Run(options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->profiled, 0);
  EXPECT_EQ(*catalog->NameTranslationsChangedAt(), dated);
  // Without a lexicon, the translations go.
  auto without = Run();
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->translated_words, 0);
  EXPECT_TRUE(catalog->GetNameTranslations()->empty());
}

TEST_P(DiscoveryTest, SchemaChangesAreRecordedAsDrift) {
  OpenChinookCopy();
  ASSERT_TRUE(Run().ok());
  ExecOnCopy(
      "ALTER TABLE Artist ADD COLUMN Country TEXT;"
      "ALTER TABLE Genre RENAME COLUMN Name TO Title;"
      "CREATE TABLE Label (LabelId INTEGER PRIMARY KEY, Name TEXT);"
      "DROP TABLE PlaylistTrack;");
  Open("version: 1\nsources:\n  music: {kind: sqlite, path: chinook.sqlite}\n");
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::set<std::string> changes;
  for (const auto& d : report->drift) {
    changes.insert(d.table + ":" + d.change + ":" + d.column + ":" + d.old_type + ">" + d.new_type);
  }
  EXPECT_EQ(changes, (std::set<std::string>{
                         "Artist:column_added:Country:>TEXT",
                         "Genre:column_added:Title:>NVARCHAR(120)",
                         "Genre:column_removed:Name:NVARCHAR(120)>",
                         "Label:table_added::>",
                         "PlaylistTrack:table_removed::>",
                     }));
  auto catalog = CatalogStore::Open(db_.get());
  auto drift = catalog->ListDrift("music");
  ASSERT_TRUE(drift.ok());
  EXPECT_EQ(drift->size(), 5u);
  EXPECT_FALSE((*drift)[0].detected_at.empty());
  EXPECT_EQ(catalog->GetTable("music", "PlaylistTrack").status().code(), StatusCode::kNotFound);
  EXPECT_NE(catalog->GetTable("music", "Artist")->FindColumn("Country"), nullptr);
  // Only the changed and new tables were read again.
  EXPECT_EQ(report->profiled, 3);
}

// Column pairs (direction-insensitive, lower case) of a list of joins of one kind.
std::set<std::string> Pairs(const std::vector<Join>& joins, JoinKind kind) {
  std::set<std::string> out;
  for (const auto& j : joins) {
    if (j.kind != kind) continue;
    for (size_t i = 0; i < j.from.columns.size(); ++i) {
      std::string a = j.from.table + "." + j.from.columns[i];
      std::string b = j.to.table + "." + j.to.columns[i];
      out.insert(a < b ? a + "~" + b : b + "~" + a);
    }
  }
  return out;
}

TEST_P(DiscoveryTest, InferenceFindsChinookForeignKeysWithoutDeclaredOnes) {
  OpenChinookCopy();
  ASSERT_TRUE(Run().ok());
  auto joins = JoinStore::Open(db_.get());
  auto declared = joins->List();
  ASSERT_TRUE(declared.ok());
  std::set<std::string> gold = Pairs(*declared, JoinKind::kDeclared);
  ASSERT_EQ(gold.size(), 11u);

  DiscoveryOptions options;
  options.import_declared_keys = false;
  options.full = true;
  auto report = Run(options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->declared_joins, 0);
  auto inferred = joins->List();
  ASSERT_TRUE(inferred.ok());
  std::set<std::string> found = Pairs(*inferred, JoinKind::kInferred);
  for (const auto& g : gold) EXPECT_EQ(found.count(g), 1u) << "missed " << g;
  for (const auto& j : *inferred) {
    EXPECT_TRUE(j.evidence.contains("containment")) << j.ToJson().dump();
    EXPECT_GE(j.score, options.inference.threshold);
    EXPECT_LE(j.score, 1.0);
  }
  EXPECT_LE(found.size(), gold.size() + 1);  // precision: at most one extra pair
}

// The name index leaves out only pairs that cannot reach the threshold: over real profiles (two
// sources, Chinook and Northwind, no declared keys imported) it gives the very joins, scores and
// evidence that scoring every pair gives, at the default threshold and others.
TEST_P(DiscoveryTest, TheNameIndexGivesTheSameJoinsAsScoringEveryPair) {
  fs::copy_file(kChinook, dir_ / "chinook.sqlite", fs::copy_options::overwrite_existing);
  fs::copy_file(fs::path(CAIRN_TEST_DATA) / "northwind.sqlite", dir_ / "northwind.sqlite",
                fs::copy_options::overwrite_existing);
  Open(
      "version: 1\nsources:\n  music: {kind: sqlite, path: chinook.sqlite}\n"
      "  trade: {kind: sqlite, path: northwind.sqlite}\n");
  DiscoveryOptions options;
  options.import_declared_keys = false;
  options.infer_joins = false;
  ASSERT_TRUE(Run(options).ok());
  auto catalog = CatalogStore::Open(db_.get());
  ASSERT_TRUE(catalog.ok());
  auto tables = catalog->ListTables(std::nullopt, ColumnDetail::kWithSketches);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_GE(tables->size(), 24u);  // and Northwind's views
  for (double threshold : {0.5, 0.6, 0.75, 0.9}) {
    InferenceOptions every_pair, indexed;
    every_pair.threshold = indexed.threshold = threshold;
    every_pair.block_by_name = false;
    std::vector<Join> want = InferJoins(*tables, every_pair);
    std::vector<Join> got = InferJoins(*tables, indexed);
    if (threshold == 0.6) {
      EXPECT_GE(want.size(), 24u);  // both databases' references, at least
    }
    ASSERT_EQ(got.size(), want.size()) << "threshold " << threshold;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].ToJson(), want[i].ToJson()) << "threshold " << threshold;
    }
  }
}

// The rediscovery runs through a second connection (another node, on PostgreSQL state), which
// also sees what the first stored (profiles with their sketches).
TEST_P(DiscoveryTest, VerdictsSurviveRediscovery) {
  OpenChinookCopy();
  DiscoveryOptions options;
  options.import_declared_keys = false;
  ASSERT_TRUE(Run(options).ok());
  auto joins = JoinStore::Open(db_.get());
  JoinSide track_album{"music", "Track", {"AlbumId"}};
  JoinSide album{"music", "Album", {"AlbumId"}};
  JoinSide invoice{"music", "Invoice", {"CustomerId"}};
  JoinSide customer{"music", "Customer", {"CustomerId"}};
  ASSERT_TRUE(joins->SetVerdict(track_album, album, JoinKind::kConfirmed, "admin", "").ok());
  ASSERT_TRUE(joins->SetVerdict(invoice, customer, JoinKind::kRejected, "admin", "").ok());
  auto node_b = OpenState(dir_ / ".cairn" / "state.sqlite");
  ASSERT_NE(node_b, nullptr);
  options.full = true;
  auto report = Discover(session_.get(), node_b.get(), options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto list = joins->List();
  ASSERT_TRUE(list.ok());
  int seen = 0;
  for (const auto& j : *list) {
    if (j.from == track_album && j.to == album) {
      EXPECT_EQ(j.kind, JoinKind::kConfirmed);
      EXPECT_EQ(j.stated_by, "admin");
      ++seen;
    }
    if (j.from == invoice && j.to == customer) {
      EXPECT_EQ(j.kind, JoinKind::kRejected);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
  auto catalog = CatalogStore::Open(node_b.get());
  ASSERT_TRUE(catalog.ok());
  auto track = catalog->GetTable("music", "Track");
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  const ColumnProfile* album_id = track->FindColumn("AlbumId");
  ASSERT_NE(album_id, nullptr);
  EXPECT_FALSE(album_id->minhash.empty());
  EXPECT_FALSE(album_id->value_hashes.empty());
}

TEST_P(DiscoveryTest, UnknownSourceIsNotFound) {
  OpenChinookCopy();
  DiscoveryOptions options;
  options.sources = {"nosuch"};
  auto report = Run(options);
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound);
  EXPECT_NE(report.status().message().find("nosuch"), std::string::npos);
}

TEST_P(DiscoveryTest, ARaggedCsvFailsItsTableOnlyAndTheRunReportsIt) {
  fs::create_directories(dir_ / "csv");
  std::ofstream(dir_ / "csv" / "good.csv") << "id,name\n1,a\n2,b\n";
  std::ofstream(dir_ / "csv" / "bad.csv") << "id,name\n1,a\n2,b,extra\n";
  fs::copy_file(kChinook, dir_ / "chinook.sqlite", fs::copy_options::overwrite_existing);
  Open(
      "version: 1\nsources:\n  files: {kind: csv, path: csv}\n"
      "  music: {kind: sqlite, path: chinook.sqlite}\n");
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->failed, 1);
  EXPECT_EQ(report->profiled, 12);
  Status status = report->status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find("files.bad"), std::string::npos) << status.ToString();
  auto catalog = CatalogStore::Open(db_.get());
  EXPECT_TRUE(catalog->GetTable("files", "good").ok());
  EXPECT_EQ(catalog->GetTable("files", "bad").status().code(), StatusCode::kNotFound);
  EXPECT_NE(report->ToJson().dump().find("files.bad"), std::string::npos);
}

TEST_P(DiscoveryTest, LargeTablesAreSampledWithTheSampleSizeStated) {
  OpenChinookCopy();
  DiscoveryOptions options;
  options.sample_rows = 1000;
  options.sources = {"music"};
  auto report = Run(options);
  ASSERT_TRUE(report.ok());
  auto catalog = CatalogStore::Open(db_.get());
  auto track = catalog->GetTable("music", "Track");
  ASSERT_TRUE(track.ok());
  EXPECT_EQ(track->sampling, "reservoir");
  EXPECT_EQ(track->sample_size, 1000);
  EXPECT_EQ(track->row_count, 3503);  // every row was read
  EXPECT_EQ(track->FindColumn("TrackId")->values, 1000);
  auto genre = catalog->GetTable("music", "Genre");
  EXPECT_EQ(genre->sampling, "full");
}

TEST_P(DiscoveryTest, EmptyTablesAllNullColumnsBlobsAndHugeText) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "odd.sqlite").c_str(), &db), SQLITE_OK);
  std::string huge(200000, 'x');
  std::string sql =
      "CREATE TABLE empty (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES empty);"
      "CREATE TABLE odd (id INTEGER PRIMARY KEY, nada TEXT, data BLOB, big TEXT);"
      "INSERT INTO odd VALUES (1, NULL, x'00ff10', '" +
      huge + "'), (2, NULL, x'', 'small');";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  Open("version: 1\nsources:\n  odd: {kind: sqlite, path: odd.sqlite}\n");
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->failed, 0);
  auto catalog = CatalogStore::Open(db_.get());
  auto empty = catalog->GetTable("odd", "empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->row_count, 0);
  EXPECT_EQ(empty->FindColumn("id")->semantic_type, SemanticType::kUnknown);
  auto odd = catalog->GetTable("odd", "odd");
  EXPECT_DOUBLE_EQ(odd->FindColumn("nada")->null_fraction, 1.0);
  EXPECT_EQ(odd->FindColumn("data")->semantic_type, SemanticType::kBinary);
  EXPECT_LE(odd->FindColumn("big")->top_values[0].value.size(), 200u);
  EXPECT_EQ(report->declared_joins, 1);  // the self-reference
}

// Composite keys are checked as tuples read through the session, across sources: a CSV whose
// columns each hold key values, but whose pairs are not the key's, references nothing.
TEST_P(DiscoveryTest, CompositeKeysAreCheckedAsTuplesAcrossSources) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "uni.sqlite").c_str(), &db), SQLITE_OK);
  const char* sql =
      "CREATE TABLE sections (course_id INTEGER, sec_id INTEGER, room TEXT,"
      "  PRIMARY KEY (course_id, sec_id));"
      "INSERT INTO sections VALUES (1, 1, 'A'), (1, 2, 'B'), (2, 1, 'C');"
      "CREATE TABLE takes (student_id INTEGER, course_id INTEGER, sec_id INTEGER);"
      "INSERT INTO takes VALUES (10, 1, 1), (11, 1, 2), (12, 1, 1), (13, 2, 1), (14, 1, 2);";
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  fs::create_directories(dir_ / "files");
  std::ofstream(dir_ / "files" / "waitlist.csv")
      << "course_id,sec_id,position\n2,2,1\n2,2,2\n1,1,1\n2,2,3\n";
  Open(
      "version: 1\nsources:\n  uni: {kind: sqlite, path: uni.sqlite}\n"
      "  files: {kind: csv, path: files}\n");
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto joins = JoinStore::Open(db_.get());
  auto list = joins->List();
  ASSERT_TRUE(list.ok());
  const Join* takes = nullptr;
  for (const auto& j : *list) {
    if (j.from.columns.size() < 2) continue;
    EXPECT_NE(j.from.table, "waitlist") << j.ToJson().dump();
    if (j.from.table == "takes") takes = &j;
  }
  ASSERT_NE(takes, nullptr);
  EXPECT_EQ(takes->to, (JoinSide{"uni", "sections", {"course_id", "sec_id"}}));
  EXPECT_DOUBLE_EQ(takes->evidence["tuple_containment"].get<double>(), 1.0);
  EXPECT_EQ(takes->evidence["tuple_method"], "exact");
  EXPECT_EQ(takes->evidence["from_tuples"], 3);
  EXPECT_EQ(takes->evidence["from_rows"], 5);
}

TEST_P(DiscoveryTest, TablesThatShareOnlyAnAttributeAreBridged) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "school.sqlite").c_str(), &db), SQLITE_OK);
  std::string sql =
      "CREATE TABLE liste (nachname TEXT, vorname TEXT, klassenzimmer INTEGER,"
      "  PRIMARY KEY (nachname, vorname));"
      "CREATE TABLE lehrer (nachname TEXT, vorname TEXT, klassenzimmer INTEGER,"
      "  PRIMARY KEY (nachname, vorname));";
  for (int i = 0; i < 60; ++i) {
    sql += "INSERT INTO liste VALUES ('S" + std::to_string(i) + "', 'P', " +
           std::to_string(101 + i % 12) + ");";
  }
  for (int i = 0; i < 12; ++i) {
    sql += "INSERT INTO lehrer VALUES ('T" + std::to_string(i) + "', 'Q', " +
           std::to_string(101 + i) + ");";
  }
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  Open("version: 1\nsources:\n  school: {kind: sqlite, path: school.sqlite}\n");
  DiscoveryOptions off;
  off.inference.bridges = false;
  auto without = Run(off);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_EQ(without->inferred_joins, 0);
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->inferred_joins, 1);
  auto joins = JoinStore::Open(db_.get());
  auto list = joins->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const Join& bridge = list->front();
  EXPECT_EQ(bridge.kind, JoinKind::kInferred);
  EXPECT_EQ(bridge.from, (JoinSide{"school", "liste", {"klassenzimmer"}}));
  EXPECT_EQ(bridge.to, (JoinSide{"school", "lehrer", {"klassenzimmer"}}));
  EXPECT_EQ(bridge.evidence["bridge"], true);
  EXPECT_EQ(bridge.evidence["cardinality"], "many_to_one");

  // Rejected, it stays rejected and is not proposed again (there is no other bridge here).
  ASSERT_TRUE(joins->SetVerdict(bridge.from, bridge.to, JoinKind::kRejected, "admin", "").ok());
  auto again = Run();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->inferred_joins, 0);
  list = joins->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().kind, JoinKind::kRejected);
}

CAIRN_STATE_ENGINES(DiscoveryTest);

}  // namespace
}  // namespace cairn::context
