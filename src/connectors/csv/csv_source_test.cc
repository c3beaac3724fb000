#include "connectors/csv/csv_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/csv/csv_test_util.h"

namespace cairn::connectors::csv {
namespace {

using testing::CsvConfigYaml;
using testing::Db;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::OpenCsv;
using testing::OpenMemoryDb;
using testing::Query;
using testing::QueryResult;
using testing::ScratchDir;

using Rows = std::vector<std::vector<std::string>>;

class CsvSourceTest : public ::testing::Test {
 protected:
  // Opens the source over dir_ with extra option lines and attaches it as "customs".
  void Attach(const std::string& extra = "") {
    Result<std::unique_ptr<Source>> source = OpenCsv(CsvConfigYaml(dir_.path(), extra));
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    source_ = std::move(source).value();
    db_ = OpenMemoryDb();
    Status status = AttachSource(db_.get(), source_.get(), "customs", "cairn_src_0");
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  // Like Attach() but returns the failure.
  Status TryAttach(const std::string& extra = "") {
    Result<std::unique_ptr<Source>> source = OpenCsv(CsvConfigYaml(dir_.path(), extra));
    if (!source.ok()) return source.status();
    source_ = std::move(source).value();
    db_ = OpenMemoryDb();
    return AttachSource(db_.get(), source_.get(), "customs", "cairn_src_0");
  }

  Rows Select(const std::string& sql) {
    QueryResult result = Query(db_.get(), sql);
    EXPECT_EQ(result.rc, SQLITE_OK) << sql << ": " << result.error;
    return result.rows;
  }

  ScratchDir dir_;
  std::unique_ptr<Source> source_;
  Db db_;
};

TEST_F(CsvSourceTest, QuotesNewlinesCrlfAndBom) {
  dir_.Write("notes.csv",
             "\xEF\xBB\xBFid,text,who\r\n"
             "1,\"comma, inside\",\"say \"\"hi\"\"\"\r\n"
             "2,\"two\r\nlines\",\"lf\nonly\"\r\n"
             "3,plain,\"\xC3\xA9t\xC3\xA9\"\r\n");
  Attach();
  EXPECT_EQ(Select("SELECT id, text, who FROM customs.notes ORDER BY id"),
            (Rows{{"i:1", "t:comma, inside", "t:say \"hi\""},
                  {"i:2", "t:two\r\nlines", "t:lf\nonly"},
                  {"i:3", "t:plain", "t:\xC3\xA9t\xC3\xA9"}}));
  // The header's first name lost its byte-order mark.
  EXPECT_EQ(Select("SELECT name FROM pragma_table_info('notes', 'customs') ORDER BY cid"),
            (Rows{{"t:id"}, {"t:text"}, {"t:who"}}));
}

TEST_F(CsvSourceTest, RowidIsTheLineWhereTheRecordStarts) {
  dir_.Write("t.csv", "a,b\n1,\"x\ny\"\n2,z\n\n3,w\n");
  Attach();
  EXPECT_EQ(Select("SELECT rowid, a FROM customs.t"),
            (Rows{{"i:2", "i:1"}, {"i:4", "i:2"}, {"i:6", "i:3"}}));
}

TEST_F(CsvSourceTest, InfersTypesAndReturnsTypedValues) {
  dir_.Write("m.csv",
             "n,x,code,label,empty\n"
             "1,1.5,007,a,\n"
             "-2,3,010,b,\n"
             "30,-4e2,1,c,\n");
  Attach();
  Result<std::vector<TableInfo>> tables = source_->Tables();
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 1u);
  std::vector<std::string> types;
  for (const ColumnInfo& column : (*tables)[0].columns) {
    types.push_back(column.type);
    EXPECT_EQ(column.source_type, "csv: inferred from 3 rows");
  }
  EXPECT_THAT(types, ElementsAre("INTEGER", "REAL", "TEXT", "TEXT", "TEXT"));
  EXPECT_EQ((*tables)[0].row_estimate, 3);
  EXPECT_EQ(Select("SELECT n, x, code, label, empty FROM customs.m"),
            (Rows{{"i:1", "r:1.5", "t:007", "t:a", "NULL"},
                  {"i:-2", "r:3", "t:010", "t:b", "NULL"},
                  {"i:30", "r:-400", "t:1", "t:c", "NULL"}}));
  EXPECT_EQ(Select("SELECT sum(n), typeof(sum(n)) FROM customs.m"), (Rows{{"i:29", "t:integer"}}));
  EXPECT_EQ(Select("SELECT type FROM pragma_table_info('m', 'customs') ORDER BY cid"),
            (Rows{{"t:INTEGER"}, {"t:REAL"}, {"t:TEXT"}, {"t:TEXT"}, {"t:TEXT"}}));
}

TEST_F(CsvSourceTest, ValueBeyondTheSampleThatDoesNotFitComesBackAsText) {
  dir_.Write("late.csv", "n,x\n1,1.5\n2,2.5\n3,oops\nn/a,4\n");
  Attach("    sample_rows: 2\n");
  Result<std::vector<TableInfo>> tables = source_->Tables();
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ((*tables)[0].columns[0].type, "INTEGER");
  EXPECT_EQ((*tables)[0].columns[1].type, "REAL");
  EXPECT_EQ((*tables)[0].columns[0].source_type, "csv: inferred from 2 rows");
  EXPECT_EQ(Select("SELECT n, x FROM customs.late"),
            (Rows{{"i:1", "r:1.5"}, {"i:2", "r:2.5"}, {"i:3", "t:oops"}, {"t:n/a", "r:4"}}));
}

TEST_F(CsvSourceTest, RowEstimateFromTheSampleAndFileSize) {
  std::string text = "id,v\n";
  for (int i = 1; i <= 1000; ++i) text += fmt::format("{},{}\n", 1000 + i, 100 + i % 900);
  dir_.Write("t.csv", text);  // every record is 9 bytes
  Attach("    sample_rows: 10\n");
  Result<std::vector<TableInfo>> tables = source_->Tables();
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ((*tables)[0].row_estimate, 1000);
  EXPECT_EQ((*tables)[0].columns[0].source_type, "csv: inferred from 10 rows");
  EXPECT_EQ(Select("SELECT count(*), max(rowid) FROM customs.t"), (Rows{{"i:1000", "i:1001"}}));
}

TEST_F(CsvSourceTest, EmptyUnquotedFieldIsNullQuotedEmptyIsEmptyText) {
  dir_.Write("n.csv", "a,b,c\n,\"\",x\n1,,\"\"\n");
  Attach();
  EXPECT_EQ(Select("SELECT a, b, c FROM customs.n"),
            (Rows{{"NULL", "t:", "t:x"}, {"i:1", "NULL", "t:"}}));
  EXPECT_EQ(Select("SELECT count(*) FROM customs.n WHERE b IS NULL"), (Rows{{"i:1"}}));
}

TEST_F(CsvSourceTest, NullOptionNamesTheNullText) {
  dir_.Write("n.csv", "a,b\nNA,\"NA\"\n,5\n7,NA\n");
  // Quoted: YAML reads a bare `null` key as a null, not as the word.
  Attach("    null_value: NA\n");
  // A quoted "NA" is text; an empty field is the empty string once `null` names another text.
  EXPECT_EQ(Select("SELECT a, b FROM customs.n"),
            (Rows{{"NULL", "t:NA"}, {"t:", "t:5"}, {"t:7", "NULL"}}));
  Result<std::vector<TableInfo>> tables = source_->Tables();
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ((*tables)[0].columns[0].type, "TEXT");  // "" is not an integer
  EXPECT_EQ((*tables)[0].columns[1].type, "TEXT");  // the quoted "NA" is a value
}

TEST_F(CsvSourceTest, AllNullColumnIsText) {
  dir_.Write("z.csv", "a,b\n1,\n2,\n");
  Attach();
  EXPECT_EQ(Select("SELECT type FROM pragma_table_info('z', 'customs') ORDER BY cid"),
            (Rows{{"t:INTEGER"}, {"t:TEXT"}}));
}

TEST_F(CsvSourceTest, NoHeaderNamesColumnsByPosition) {
  dir_.Write("h.csv", "1,x\n2,y\n");
  Attach("    header: false\n");
  EXPECT_EQ(Select("SELECT c1, c2 FROM customs.h"), (Rows{{"i:1", "t:x"}, {"i:2", "t:y"}}));
}

TEST_F(CsvSourceTest, OtherDelimiters) {
  dir_.Write("s.csv", "a;b\n1,5;x\n");
  dir_.Write("t.csv", "a\tb\n1\t\"q\tr\"\n");
  Attach("    delimiter: ';'\n");
  EXPECT_EQ(Select("SELECT a, b FROM customs.s"), (Rows{{"t:1,5", "t:x"}}));
  Attach("    delimiter: tab\n");
  EXPECT_EQ(Select("SELECT a, b FROM customs.t"), (Rows{{"i:1", "t:q\tr"}}));
}

TEST_F(CsvSourceTest, TablesAreCsvFilesInOrder) {
  dir_.Write("b.csv", "x\n1\n");
  dir_.Write("A.CSV", "x\n2\n");
  dir_.Write("notes.txt", "x\n3\n");
  dir_.Write("c.csv.bak", "x\n4\n");
  dir_.Write("my table.csv", "x\n5\n");
  std::filesystem::create_directory(dir_.path() / "sub.csv");
  Attach();
  Result<std::vector<TableInfo>> tables = source_->Tables();
  ASSERT_TRUE(tables.ok());
  std::vector<std::string> names;
  for (const TableInfo& table : *tables) names.push_back(table.name);
  EXPECT_THAT(names, ElementsAre("A", "b", "my table"));
  EXPECT_EQ(Select("SELECT x FROM customs.\"my table\""), (Rows{{"i:5"}}));
  EXPECT_EQ(Select("SELECT x FROM customs.a"), (Rows{{"i:2"}}));
}

TEST_F(CsvSourceTest, TwoFilesForOneTableAreRejected) {
  dir_.Write("Orders.csv", "x\n1\n");
  dir_.Write("orders.csv", "x\n2\n");
  Status status = TryAttach();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("customs: files Orders.csv and orders.csv both map to table 'orders'"));
}

TEST_F(CsvSourceTest, RaggedRowFailsTheQueryNamingFileLineAndColumn) {
  dir_.Write("declarations.csv", "id,b,c\n1,2,3\n4,\"x\ny\",6\n7,8,9,10\n11,12,13\n");
  Attach();
  QueryResult result = Query(db_.get(), "SELECT * FROM customs.declarations");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("[InvalidArgument] customs: declarations.csv:5: column 4: "
                                      "expected 3 fields, found 4"));
  EXPECT_EQ(result.rows.size(), 2u);  // the rows before the bad one, never the ones after

  // Too few fields: the first missing column is named.
  dir_.Write("short.csv", "a,b,c\n1,2,3\n4,5\n");
  Attach();
  result = Query(db_.get(), "SELECT count(*) FROM customs.short");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error,
              HasSubstr("customs: short.csv:3: column 3: expected 3 fields, found 2"));
}

TEST_F(CsvSourceTest, BadRecordIsReportedEvenInsideTheSample) {
  // Inference stops at the bad record; the scan that reaches it fails.
  dir_.Write("t.csv", "a,b\n1,2\n3\n");
  Attach();
  QueryResult result = Query(db_.get(), "SELECT * FROM customs.t");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("customs: t.csv:3: column 2: expected 2 fields, found 1"));
  // A query that stops before the bad record succeeds.
  EXPECT_EQ(Select("SELECT a FROM customs.t LIMIT 1"), (Rows{{"i:1"}}));
}

TEST_F(CsvSourceTest, UnterminatedQuoteFailsTheQuery) {
  dir_.Write("u.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");
  Attach();
  QueryResult result = Query(db_.get(), "SELECT * FROM customs.u");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("[InvalidArgument] customs: u.csv:3: column 2: "
                                      "unterminated quoted field"));
}

TEST_F(CsvSourceTest, TextAfterClosingQuoteFailsTheQuery) {
  dir_.Write("q.csv", "a,b\n1,\"2\"x\n");
  Attach();
  QueryResult result = Query(db_.get(), "SELECT * FROM customs.q");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error,
              HasSubstr("customs: q.csv:2: column 2: unexpected 'x' after the closing quote"));
}

TEST_F(CsvSourceTest, InvalidUtf8FailsTheQueryNamingLineAndColumn) {
  dir_.Write("bad.csv", "a,b,c\n1,ok,x\n2,y,\"z\xFF\"\n");
  Attach();
  QueryResult result = Query(db_.get(), "SELECT a FROM customs.bad");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(
      result.error,
      HasSubstr("[InvalidArgument] customs: bad.csv:3: column 3: invalid UTF-8 (byte 0xFF"));
}

TEST_F(CsvSourceTest, DuplicateHeaderIsRejected) {
  dir_.Write("d.csv", "ID,name,id\n1,a,2\n");
  Status status = TryAttach();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("customs: d.csv:1: column 3: duplicate column name 'id' (also column 1)"));
}

TEST_F(CsvSourceTest, EmptyHeaderNameIsRejected) {
  dir_.Write("e.csv", "\xEF\xBB\xBF\r\n\r\na,,c\r\n1,2,3\r\n");
  Status status = TryAttach();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("customs: e.csv:3: column 2: empty column name"));
}

TEST_F(CsvSourceTest, EmptyFileIsRejected) {
  dir_.Write("empty.csv", "");
  Status status = TryAttach();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("customs: empty.csv: empty file (expected a header row)"));
}

TEST_F(CsvSourceTest, HeaderOnlyFileIsAnEmptyTable) {
  dir_.Write("h.csv", "a,b\r\n");
  Attach();
  EXPECT_EQ(Select("SELECT count(*) FROM customs.h"), (Rows{{"i:0"}}));
  EXPECT_EQ(Select("SELECT type FROM pragma_table_info('h', 'customs') ORDER BY cid"),
            (Rows{{"t:TEXT"}, {"t:TEXT"}}));
}

TEST_F(CsvSourceTest, EmptyDirectoryHasNoTables) {
  Attach();
  EXPECT_TRUE(source_->Check().ok());
  Result<std::vector<TableInfo>> tables = source_->Tables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_TRUE(tables->empty());
}

TEST_F(CsvSourceTest, MissingDirectoryIsNotFound) {
  Result<std::unique_ptr<Source>> source =
      OpenCsv(CsvConfigYaml(dir_.path() / "nope", "    header: no\n"));
  ASSERT_TRUE(source.ok()) << source.status().ToString();  // open does not touch the directory
  Status check = (*source)->Check();
  EXPECT_EQ(check.code(), StatusCode::kNotFound);
  EXPECT_EQ(check.message(),
            "customs: directory " + (dir_.path() / "nope").string() + " does not exist");
  Result<std::vector<TableInfo>> tables = (*source)->Tables();
  EXPECT_EQ(tables.status().code(), StatusCode::kNotFound);
  Db db = OpenMemoryDb();
  Status attach = AttachSource(db.get(), source->get(), "customs", "cairn_src_0");
  EXPECT_EQ(attach.code(), StatusCode::kNotFound);
}

TEST_F(CsvSourceTest, PathThatIsAFileIsRejected) {
  dir_.Write("x.csv", "a\n1\n");
  Result<std::unique_ptr<Source>> source = OpenCsv(CsvConfigYaml(dir_.path() / "x.csv"));
  ASSERT_TRUE(source.ok());
  Status check = (*source)->Check();
  EXPECT_EQ(check.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(check.message(), HasSubstr("x.csv is not a directory"));
}

TEST_F(CsvSourceTest, DeletedFileFailsTheQuery) {
  dir_.Write("gone.csv", "a\n1\n");
  Attach();
  std::filesystem::remove(dir_.path() / "gone.csv");
  QueryResult result = Query(db_.get(), "SELECT * FROM customs.gone");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("[NotFound] customs: "));
  EXPECT_THAT(result.error, HasSubstr("gone.csv: no such file"));
}

TEST_F(CsvSourceTest, ConcurrentScansOfOneTable) {
  dir_.Write("t.csv", "k,v\n1,a\n2,b\n3,c\n");
  Attach();
  EXPECT_EQ(Select("SELECT x.v, y.v FROM customs.t x JOIN customs.t y ON y.k = x.k + 1 "
                   "ORDER BY x.k"),
            (Rows{{"t:a", "t:b"}, {"t:b", "t:c"}}));
}

TEST_F(CsvSourceTest, IsReadOnly) {
  dir_.Write("t.csv", "k\n1\n");
  Attach();
  QueryResult result = Query(db_.get(), "INSERT INTO customs.t VALUES (2)");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("may not be modified"));
  result = Query(db_.get(), "DELETE FROM customs.t");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
}

TEST(CsvOptionsTest, BadSampleRowsNamesFileLineAndColumn) {
  Result<std::unique_ptr<Source>> source =
      OpenCsv(CsvConfigYaml("/data", "    sample_rows: lots\n"));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source.status().message(),
            "/etc/cairn/cairn.yaml:6:18: sources.customs.sample_rows: expected an integer, got "
            "'lots'");

  source = OpenCsv(CsvConfigYaml("/data", "    sample_rows: 0\n"));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source.status().message(),
            "/etc/cairn/cairn.yaml:6:18: sources.customs.sample_rows: must be at least 1, got 0");
}

TEST(CsvOptionsTest, BadDelimiterAndHeader) {
  Result<std::unique_ptr<Source>> source = OpenCsv(CsvConfigYaml("/data", "    delimiter: ab\n"));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(source.status().message(),
              HasSubstr("/etc/cairn/cairn.yaml:6:16: sources.customs.delimiter: expected one "
                        "character"));

  source = OpenCsv(CsvConfigYaml("/data", "    delimiter: '\"'\n"));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(), HasSubstr("sources.customs.delimiter: expected one"));

  source = OpenCsv(CsvConfigYaml("/data", "    header: maybe\n"));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source.status().message(),
            "/etc/cairn/cairn.yaml:6:13: sources.customs.header: expected true or false, got "
            "'maybe'");
}

TEST(CsvOptionsTest, RelativePathResolvesAgainstTheConfigFile) {
  Result<std::unique_ptr<Source>> source = OpenCsv(CsvConfigYaml("data/customs"));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ((*source)->Location(), "csv:/etc/cairn/data/customs");
  EXPECT_EQ((*source)->kind(), "csv");
}

TEST(CsvOptionsTest, KindListsItsOptions) {
  KindSpec spec = Kind();
  std::vector<std::string> names;
  for (const OptionSpec& option : spec.options) names.push_back(option.name);
  EXPECT_THAT(names, ElementsAre("path", "delimiter", "header", "sample_rows", "null_value",
                                 "index_max_mb"));
  EXPECT_TRUE(spec.options[0].required);
}

}  // namespace
}  // namespace cairn::connectors::csv
