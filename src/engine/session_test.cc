#include "engine/session.h"

#include <gtest/gtest.h>

#include "ledger/ledger.h"
#include "ledger/merkle.h"

namespace cairn::engine {
namespace {

const std::string kData = std::string(CAIRN_TEST_DATA);

std::unique_ptr<Catalog> MakeCatalog(const std::string& yaml) {
  Result<Config> config = ParseConfig(yaml, "/tmp/cairn.yaml");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  Result<std::unique_ptr<Catalog>> catalog = Catalog::Create(*config);
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  return std::move(catalog).value();
}

std::string TwoChinooks() {
  return "sources:\n  a:\n    kind: sqlite\n    path: " + kData +
         "/chinook.sqlite\n  b:\n    kind: sqlite\n    path: " + kData + "/chinook.sqlite\n";
}

class StopAfter : public RowSink {
 public:
  explicit StopAfter(int n) : n_(n) {}
  Status Columns(const std::vector<std::string>& names) override {
    columns_ = names;
    return OkStatus();
  }
  Status Row(const std::vector<Value>&) override {
    return ++rows_ == n_ ? Status(StatusCode::kUnavailable, "sink closed") : OkStatus();
  }
  std::vector<std::string> columns_;
  int rows_ = 0;

 private:
  int n_;
};

TEST(SessionTest, StreamsIntoSinkAndStopsOnItsError) {
  auto catalog = MakeCatalog(TwoChinooks());
  auto session = Session::Open(catalog.get(), Principal::Admin());
  ASSERT_TRUE(session.ok());
  EXPECT_EQ((*session)->principal().id, "admin");
  StopAfter sink(3);
  Status status = (*session)->Query("SELECT TrackId, Name FROM a.Track", &sink);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(sink.rows_, 3);
  EXPECT_EQ(sink.columns_, (std::vector<std::string>{"TrackId", "Name"}));

  QueryStats stats;
  StopAfter all(-1);
  ASSERT_TRUE((*session)->Query("SELECT * FROM b.Genre", &all, &stats).ok());
  EXPECT_EQ(stats.rows, 25);
}

// A sink that holds a page: it ends the query as a success once it has `n` rows.
class Page : public RowSink {
 public:
  explicit Page(int n) : n_(n) {}
  Status Columns(const std::vector<std::string>&) override { return OkStatus(); }
  Status Row(const std::vector<Value>&) override {
    ++rows_;
    return OkStatus();
  }
  bool Done() const override { return rows_ == n_; }
  int rows_ = 0;

 private:
  int n_;
};

TEST(SessionTest, SinkEndsQueryEarlyAndLearnsWhetherRowsWereLeft) {
  auto catalog = MakeCatalog(TwoChinooks());
  auto session = Session::Open(catalog.get(), Principal::Admin());
  ASSERT_TRUE(session.ok());
  Page page(10);
  QueryStats stats;
  ASSERT_TRUE((*session)->Query("SELECT * FROM a.Genre", &page, &stats).ok());
  EXPECT_EQ(page.rows_, 10);
  EXPECT_EQ(stats.rows, 10);
  EXPECT_TRUE(stats.more);

  Page exact(25);  // Genre has 25 rows: nothing is left
  ASSERT_TRUE((*session)->Query("SELECT * FROM a.Genre", &exact, &stats).ok());
  EXPECT_EQ(stats.rows, 25);
  EXPECT_FALSE(stats.more);

  Page larger(30);
  ASSERT_TRUE((*session)->Query("SELECT * FROM a.Genre", &larger, &stats).ok());
  EXPECT_EQ(stats.rows, 25);
  EXPECT_FALSE(stats.more);
}

TEST(SessionTest, AmbiguousUnqualifiedTableNamesBothSources) {
  auto catalog = MakeCatalog(TwoChinooks());
  auto session = Session::Open(catalog.get(), Principal::Admin());
  Result<QueryResult> result = (*session)->QueryAll("SELECT count(*) FROM Genre");
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("several sources (a, b)"), std::string::npos)
      << result.status().message();
  // Qualified names are never ambiguous.
  result = (*session)->QueryAll("SELECT count(*) FROM a.Genre");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows[0][0], Value::Integer(25));
}

TEST(SessionTest, ValuesKeepTheirTypes) {
  auto catalog = MakeCatalog("sources: {}\n");
  auto session = Session::Open(catalog.get(), Principal::Admin());
  Result<QueryResult> result =
      (*session)->QueryAll("SELECT 1, 2.5, 'x', x'00ff', NULL, 9223372036854775807");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& row = result->rows.at(0);
  EXPECT_EQ(row[0], Value::Integer(1));
  EXPECT_EQ(row[1], Value::Real(2.5));
  EXPECT_EQ(row[2], Value::Text("x"));
  EXPECT_EQ(row[3], Value::Blob(std::string("\0\xff", 2)));
  EXPECT_EQ(row[4], Value::Null());
  EXPECT_EQ(ValueToText(row[3]), "\\x00ff");
  EXPECT_EQ(ValueToText(row[5]), "9223372036854775807");
  EXPECT_EQ(ValueToText(row[4]), "");
}

TEST(SessionTest, UnknownSourceInDescribeAndTables) {
  auto catalog = MakeCatalog(TwoChinooks());
  auto session = Session::Open(catalog.get(), Principal::Admin());
  EXPECT_EQ((*session)->Tables("zzz").status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*session)->Describe("a", "Nope").status().code(), StatusCode::kNotFound);
  Result<connectors::TableInfo> track = (*session)->Describe("a", "track");
  ASSERT_TRUE(track.ok());
  EXPECT_EQ(track->name, "Track");
}

TEST(SessionTest, TwoSessionsShareACatalog) {
  auto catalog = MakeCatalog(TwoChinooks());
  auto one = Session::Open(catalog.get(), Principal::Admin());
  auto two = Session::Open(catalog.get(), Principal::Admin());
  EXPECT_TRUE((*one)->QueryAll("SELECT count(*) FROM a.Artist").ok());
  EXPECT_TRUE((*two)->QueryAll("SELECT count(*) FROM a.Artist").ok());
  EXPECT_TRUE((*one)->QueryAll("SELECT count(*) FROM a.Album").ok());
}

TEST(SessionTest, AnalyzeReportsTheColumnsAStatementReads) {
  auto catalog = MakeCatalog(TwoChinooks());
  auto session = Session::Open(catalog.get(), Principal::Admin());
  Result<StatementInfo> info = (*session)->Analyze(
      "SELECT ar.Name AS artist, count(*) AS n FROM a.Artist ar "
      "JOIN b.Album al ON al.ArtistId = ar.ArtistId GROUP BY ar.Name");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->columns, (std::vector<std::string>{"artist", "n"}));
  std::vector<ColumnRead> expected = {
      {"a", "Artist", "Name"}, {"a", "Artist", "ArtistId"}, {"b", "Album", "ArtistId"}};
  for (const auto& read : expected) {
    EXPECT_NE(std::find(info->reads.begin(), info->reads.end(), read), info->reads.end())
        << read.source << "." << read.table << "." << read.column;
  }
  EXPECT_EQ(info->reads.size(), 3u);
  EXPECT_EQ((*session)->Analyze("SELECT nope FROM a.Artist").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ((*session)->Analyze("DELETE FROM a.Artist").status().code(),
            StatusCode::kPermissionDenied);
}

// Records appends in memory, numbering them from 0.
class MemoryRecorder : public ledger::Recorder {
 public:
  Result<int64_t> Append(ledger::Entry entry) override {
    entries.push_back(std::move(entry));
    return static_cast<int64_t>(entries.size() - 1);
  }
  std::vector<ledger::Entry> entries;
};

TEST(SessionTest, BindsNamedParametersAndLedgersThem) {
  auto catalog = MakeCatalog(TwoChinooks());
  auto session = Session::Open(catalog.get(), Principal::Admin());
  ASSERT_TRUE(session.ok());
  MemoryRecorder recorder;
  recorder.entries.resize(7);  // the next entry is number 7
  (*session)->set_ledger(&recorder, "test");
  QueryOptions options;
  options.params = {
      {"name", Value::Text("O'Brien")}, {"id", Value::Integer(5)}, {"unused", Value::Null()}};
  StopAfter sink(-1);
  QueryStats stats;
  ASSERT_TRUE((*session)
                  ->Query("SELECT :name AS n, GenreId FROM a.Genre WHERE GenreId = :id", &sink,
                          &stats, options)
                  .ok());
  EXPECT_EQ(sink.rows_, 1);
  EXPECT_EQ(stats.ledger_seq, 7);
  const ledger::Entry& entry = recorder.entries.back();
  EXPECT_EQ(entry.subject,
            "SELECT :name AS n, GenreId FROM a.Genre WHERE GenreId = :id\n-- :name = 'O''Brien'"
            "\n-- :id = 5\n-- :unused = NULL");
  EXPECT_EQ(entry.input_digest, ledger::ToHex(ledger::Sha256(entry.subject)));

  options.params = {{"id", Value::Integer(5)}};
  Status missing =
      (*session)->Query("SELECT * FROM a.Genre WHERE Name = :name", &sink, nullptr, options);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(), "no value for parameter :name");
  Status positional =
      (*session)->Query("SELECT * FROM a.Genre WHERE GenreId = ?", &sink, nullptr, options);
  EXPECT_EQ(positional.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(positional.message().find("only named parameters"), std::string::npos);
  EXPECT_EQ(recorder.entries.back().decision, "error: InvalidArgument");
}

}  // namespace
}  // namespace cairn::engine
