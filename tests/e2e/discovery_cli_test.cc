// End-to-end tests of `cairn discover` and `cairn joins` through the binary.

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

using CliRun = e2e::Outcome;

class DiscoveryCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    fs::path data = fs::path(CAIRN_SOURCE_DIR) / "tests" / "data";
    fs::copy_file(data / "chinook.sqlite", dir_ / "chinook.sqlite");
    std::ofstream(dir_ / "cairn.yaml")
        << "version: 1\nsources:\n  music: {kind: sqlite, path: chinook.sqlite}\n";
  }
};

TEST_F(DiscoveryCliTest, DiscoverJsonThenIncrementalThenJoins) {
  CliRun first = Cairn({"discover", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  nlohmann::json report = nlohmann::json::parse(first.out);
  EXPECT_EQ(report["tables_profiled"], 11);
  EXPECT_EQ(report["tables_skipped"], 0);
  EXPECT_EQ(report["joins"]["declared"], 11);
  bool track = false;
  for (const auto& t : report["tables"]) {
    if (t["table"] == "Track") {
      track = true;
      EXPECT_EQ(t["row_count"], 3503);
      EXPECT_EQ(t["sample_size"], 3503);
    }
  }
  EXPECT_TRUE(track);
  EXPECT_TRUE(first.err.empty()) << first.err;  // no progress bar when stderr is not a terminal

  CliRun second = Cairn({"discover", "--json", "music"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(nlohmann::json::parse(second.out)["tables_skipped"], 11);

  CliRun human = Cairn({"discover"});
  ASSERT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("skipped 11 unchanged"), std::string::npos) << human.out;

  CliRun joins = Cairn({"joins", "--format", "json"});
  ASSERT_EQ(joins.exit_code, 0) << joins.err;
  nlohmann::json list = nlohmann::json::parse(joins.out);
  ASSERT_EQ(list.size(), 11u);
  for (const auto& j : list) {
    EXPECT_EQ(j["kind"], "declared");
    EXPECT_TRUE(j["from"].contains("source"));
    EXPECT_TRUE(j["from"]["columns"].is_array());
    EXPECT_TRUE(j["to"].contains("table"));
    EXPECT_EQ(j["score"], 1.0);
    EXPECT_TRUE(j.contains("evidence"));
  }
}

TEST_F(DiscoveryCliTest, ConfirmAndRejectStickAcrossRediscovery) {
  ASSERT_EQ(Cairn({"discover"}).exit_code, 0);
  CliRun confirm = Cairn({"joins", "confirm", "music.Track(AlbumId)", "music.Album(AlbumId)"});
  ASSERT_EQ(confirm.exit_code, 0) << confirm.err;
  CliRun reject =
      Cairn({"joins", "reject", "music.Track(GenreId)", "music.MediaType(MediaTypeId)"});
  ASSERT_EQ(reject.exit_code, 0) << reject.err;
  ASSERT_EQ(Cairn({"discover", "--full"}).exit_code, 0);
  nlohmann::json list = nlohmann::json::parse(Cairn({"joins", "-f", "json"}).out);
  int seen = 0;
  for (const auto& j : list) {
    if (j["from"]["table"] == "Track" && j["from"]["columns"][0] == "AlbumId") {
      EXPECT_EQ(j["kind"], "confirmed");
      EXPECT_EQ(j["stated_by"], "admin");
      ++seen;
    }
    if (j["from"]["table"] == "Track" && j["to"]["table"] == "MediaType" &&
        j["from"]["columns"][0] == "GenreId") {
      EXPECT_EQ(j["kind"], "rejected");
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
  CliRun bad = Cairn({"joins", "confirm", "music.Track", "music.Album(AlbumId)"});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("InvalidArgument"), std::string::npos);
}

// A shop whose products name their makers in English and whose makers' table is German; a
// warehouses table holds the same keys, so the values alone cannot say which is meant.
void WriteShop(const fs::path& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql =
      "CREATE TABLE hersteller (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
      "CREATE TABLE lager (id INTEGER PRIMARY KEY, ort TEXT NOT NULL);"
      "CREATE TABLE products (product_id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
      "  manufacturer_id INTEGER NOT NULL);";
  for (int i = 1; i <= 30; ++i) {
    sql += "INSERT INTO hersteller VALUES (" + std::to_string(i) + ", 'maker " + std::to_string(i) +
           "');INSERT INTO lager VALUES (" + std::to_string(i) + ", 'ort " + std::to_string(i) +
           "');";
  }
  for (int i = 1; i <= 200; ++i) {
    sql += "INSERT INTO products VALUES (" + std::to_string(i) + ", 'p', " +
           std::to_string(1 + (i * 7) % 30) + ");";
  }
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The join products(manufacturer_id) -> hersteller(id) in `cairn joins`, or null.
nlohmann::json MakerJoin(const std::string& joins_json) {
  for (const auto& j : nlohmann::json::parse(joins_json)) {
    if (j["from"]["table"] == "products" && j["from"]["columns"][0] == "manufacturer_id") return j;
  }
  return nullptr;
}

TEST_F(DiscoveryCliTest, ALexiconNamedInCairnYamlMatchesNamesAcrossLanguages) {
  const std::string forward = "/usr/share/dictd/freedict-deu-eng";
  const std::string backward = "/usr/share/dictd/freedict-eng-deu";
  if (!fs::exists(forward + ".index") || !fs::exists(backward + ".index")) {
    GTEST_SKIP() << "dict-freedict-deu-eng and dict-freedict-eng-deu are not installed";
  }
  WriteShop(dir_ / "shop.sqlite");
  std::ofstream(dir_ / "cairn.yaml")
      << "version: 1\nsources:\n  shop: {kind: sqlite, path: shop.sqlite}\n";
  ASSERT_EQ(Cairn({"discover"}).exit_code, 0);
  CliRun without = Cairn({"joins", "-f", "json"});
  EXPECT_FALSE(nlohmann::json::parse(Cairn({"discover", "--json"}).out).contains("lexicon_pairs"));
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_TRUE(MakerJoin(without.out).is_null()) << without.out;

  // Search: the English word finds the English column, not the German table.
  // One field of each item a command lists with -f json.
  auto listed = [&](const std::vector<std::string>& args, const char* field) {
    CliRun found = Cairn(args);
    EXPECT_EQ(found.exit_code, 0) << found.err;
    std::vector<std::string> values;
    for (const auto& item : nlohmann::json::parse(found.out)) values.push_back(item[field]);
    return values;
  };
  auto search_refs = [&](const std::string& text) {
    return listed({"search", text, "-f", "json"}, "ref");
  };
  auto has = [](const std::vector<std::string>& refs, const std::string& ref) {
    return std::find(refs.begin(), refs.end(), ref) != refs.end();
  };
  std::vector<std::string> english = search_refs("manufacturer");
  EXPECT_TRUE(has(english, "shop.products.manufacturer_id"));
  EXPECT_FALSE(has(english, "shop.hersteller"));
  // Recall: a recipe asked and written in German is not found by English words.
  CliRun remembered =
      Cairn({"remember", "-q", "Wo liegt jedes Lager?", "--sql", "SELECT ort FROM shop.lager"});
  ASSERT_EQ(remembered.exit_code, 0) << remembered.err;
  auto recalled = [&](const std::string& text) {
    return listed({"recall", text, "-f", "json"}, "question");
  };
  EXPECT_TRUE(recalled("warehouse places").empty());

  std::ofstream(dir_ / "cairn.yaml", std::ios::app)
      << "context:\n  lexicon:\n    forward: " << forward << "\n    backward: " << backward << "\n";
  // Every table unchanged (skipped): the names' translations alone change, and search
  // reindexes for them.
  CliRun translated = Cairn({"discover", "--json"});
  ASSERT_EQ(translated.exit_code, 0) << translated.err;
  nlohmann::json translated_report = nlohmann::json::parse(translated.out);
  EXPECT_EQ(translated_report["tables_profiled"], 0);
  EXPECT_GT(translated_report.value("translated_words", 0), 0) << translated.out;
  std::vector<std::string> both = search_refs("manufacturer");
  EXPECT_TRUE(has(both, "shop.products.manufacturer_id"));
  EXPECT_TRUE(has(both, "shop.hersteller"));
  EXPECT_EQ(both.front(), "shop.products.manufacturer_id");  // the name outranks a translation
  // Recall reads "warehouse", which no recipe says, as the name it translates.
  EXPECT_EQ(recalled("warehouse places"), std::vector<std::string>{"Wo liegt jedes Lager?"});

  CliRun discover = Cairn({"discover", "--full"});
  ASSERT_EQ(discover.exit_code, 0) << discover.err;
  EXPECT_NE(discover.out.find("through a lexicon of "), std::string::npos) << discover.out;
  CliRun json = Cairn({"discover", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_GT(nlohmann::json::parse(json.out).value("lexicon_pairs", 0), 10000) << json.out;
  CliRun with = Cairn({"joins", "-f", "json"});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  nlohmann::json join = MakerJoin(with.out);
  ASSERT_FALSE(join.is_null()) << with.out;
  EXPECT_EQ(join["to"]["table"], "hersteller");
  EXPECT_EQ(join["kind"], "inferred");
  EXPECT_EQ(join["evidence"]["translation"], nlohmann::json({"manufacturer", "hersteller"}));

  // A dictionary that is not there stops discovery, naming the line and the file.
  std::ofstream(dir_ / "cairn.yaml")
      << "version: 1\nsources:\n  shop: {kind: sqlite, path: shop.sqlite}\n"
      << "context:\n  lexicon:\n    forward: dict/none\n    backward: " << backward << "\n";
  CliRun missing = Cairn({"discover"});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_NE(missing.err.find("cairn.yaml:5:3: context.lexicon: "), std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("dict/none.index: cannot open"), std::string::npos) << missing.err;
}

TEST_F(DiscoveryCliTest, UnknownSourceAndRaggedCsvFailWithCodes) {
  CliRun unknown = Cairn({"discover", "nosuch"});
  EXPECT_EQ(unknown.exit_code, 4) << unknown.err;
  EXPECT_NE(unknown.err.find("nosuch"), std::string::npos);

  fs::create_directories(dir_ / "csv");
  std::ofstream(dir_ / "csv" / "ok.csv") << "id,name\n1,a\n";
  std::ofstream(dir_ / "csv" / "ragged.csv") << "id,name\n1,a\n2\n";
  std::ofstream(dir_ / "cairn.yaml", std::ios::app) << "  files: {kind: csv, path: csv}\n";
  CliRun ragged = Cairn({"discover", "--json"});
  EXPECT_EQ(ragged.exit_code, 3) << ragged.err;
  EXPECT_NE(ragged.err.find("files.ragged"), std::string::npos) << ragged.err;
  nlohmann::json report = nlohmann::json::parse(ragged.out);
  EXPECT_EQ(report["tables_failed"], 1);
  EXPECT_EQ(report["tables_profiled"], 12);
}

}  // namespace
}  // namespace cairn
