#include "connectors/csv/csv_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "connectors/csv/csv_reader.h"
#include "connectors/csv/csv_test_util.h"

namespace cairn::connectors::csv {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ScratchDir;

struct Seen {
  int64_t offset;
  int64_t line;
  std::vector<std::string> fields;
};

std::vector<Seen> ReadFrom(const std::string& text, int64_t offset, int64_t line,
                           size_t max_records) {
  CsvReader::Options options;
  options.buffer_bytes = 16;
  options.start_offset = offset;
  options.start_line = line;
  CsvReader reader(MakeStringInput(text.substr(static_cast<size_t>(offset)), 3), "t.csv", options);
  std::vector<Seen> out;
  while (out.size() < max_records) {
    Result<bool> next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !*next) break;
    Seen seen{reader.record_offset(), reader.record_line(), {}};
    for (size_t i = 0; i < reader.field_count(); ++i) seen.fields.emplace_back(reader.field(i));
    out.push_back(std::move(seen));
  }
  return out;
}

TEST(CsvReaderRestartTest, ReaderStartedAtARecordOffsetReadsTheSameRecordAndLine) {
  const std::string text =
      "\xEF\xBB\xBFh1,h2\r\n\r\n1,\"two\r\nlines\"\r\n\xEF\xBB\xBFx,y\rlast,\"q\"\"\"";
  std::vector<Seen> all = ReadFrom(text, 0, 1, 100);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].offset, 3);  // after the byte-order mark
  EXPECT_EQ(all[1].line, 3);
  EXPECT_EQ(all[2].line, 5);
  EXPECT_EQ(all[2].fields[0], "\xEF\xBB\xBFx");  // a mark after the start is data
  EXPECT_EQ(all[3].line, 6);
  for (const Seen& seen : all) {
    std::vector<Seen> again = ReadFrom(text, seen.offset, seen.line, 1);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].offset, seen.offset);
    EXPECT_EQ(again[0].line, seen.line);
    EXPECT_EQ(again[0].fields, seen.fields);
  }
}

TEST(CsvReaderRestartTest, ErrorsOfARestartedReaderNameTheFileLine) {
  const std::string text = "a,b\n1,2\n3,\"x\ny\"z\n";
  CsvReader::Options options;
  options.start_offset = 8;
  options.start_line = 3;
  CsvReader reader(MakeStringInput(text.substr(8)), "t.csv", options);
  Result<bool> next = reader.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_THAT(next.status().message(),
              HasSubstr("t.csv:4: column 2: unexpected 'z' after the closing quote"));
}

// ---- Keys -------------------------------------------------------------------------------------

bool Intersects(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::string> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return !both.empty();
}

// Keys of the value SQLite would hand a probe for `sql` (one expression).
std::vector<std::string> ProbeKeys(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("SELECT " + sql).c_str(), -1, &stmt, nullptr), SQLITE_OK);
  std::vector<std::string> keys;
  if (sqlite3_step(stmt) == SQLITE_ROW) AddProbeKeys(sqlite3_column_value(stmt, 0), &keys);
  sqlite3_finalize(stmt);
  return keys;
}

std::vector<std::string> FieldKeys(ColumnType type, std::string_view text) {
  std::vector<std::string> keys;
  AddFieldKeys(type, text, &keys);
  return keys;
}

// The SQL-level differential tests (csv_source_index_test.cc) check the superset property against
// SQLite itself; these pin down the cases that motivate each kind of key.
TEST(CsvKeysTest, ProbesMeetTheFieldsSqliteFindsEqual) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  testing::Db db(raw);
  const auto kInt = ColumnType::kInteger;
  const auto kReal = ColumnType::kReal;
  const auto kText = ColumnType::kText;
  // Integer column: integer, real, numeric-text probes.
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "42"), ProbeKeys(db.get(), "42")));
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "42"), ProbeKeys(db.get(), "42.0")));
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "42"), ProbeKeys(db.get(), "'42'")));
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "42"), ProbeKeys(db.get(), "' 42 '")));
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "42"), ProbeKeys(db.get(), "'4.2e1'")));
  EXPECT_FALSE(Intersects(FieldKeys(kInt, "42"), ProbeKeys(db.get(), "43")));
  // A misfit in an integer column is text, converted by the column's affinity when compared.
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "n/a"), ProbeKeys(db.get(), "'n/a'")));
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "042"), ProbeKeys(db.get(), "42")));
  EXPECT_TRUE(Intersects(FieldKeys(kInt, "1.5"), ProbeKeys(db.get(), "1.5")));
  // Real column.
  EXPECT_TRUE(Intersects(FieldKeys(kReal, "3"), ProbeKeys(db.get(), "3")));
  EXPECT_TRUE(Intersects(FieldKeys(kReal, "2.5"), ProbeKeys(db.get(), "'2.5'")));
  EXPECT_TRUE(Intersects(FieldKeys(kReal, "-0.0"), ProbeKeys(db.get(), "0")));
  // Text column: a number probe is compared as its text rendering, or as a number when the
  // probe brings numeric affinity.
  EXPECT_TRUE(Intersects(FieldKeys(kText, "42"), ProbeKeys(db.get(), "42")));
  EXPECT_TRUE(Intersects(FieldKeys(kText, "42.0"), ProbeKeys(db.get(), "42.0")));
  EXPECT_TRUE(Intersects(FieldKeys(kText, "0.3"), ProbeKeys(db.get(), "0.1 + 0.2")));
  EXPECT_TRUE(Intersects(FieldKeys(kText, "042"), ProbeKeys(db.get(), "42")));
  EXPECT_TRUE(Intersects(FieldKeys(kText, "abc"), ProbeKeys(db.get(), "'abc'")));
  EXPECT_FALSE(Intersects(FieldKeys(kText, "abc"), ProbeKeys(db.get(), "'ABC'")));
  // Large integers keep their precision.
  EXPECT_FALSE(
      Intersects(FieldKeys(kInt, "9007199254740993"), ProbeKeys(db.get(), "9007199254740995")));
}

TEST(CsvKeysTest, NullAndBlobProbesHaveNoKeys) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  testing::Db db(raw);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), "SELECT NULL, x'3432'", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  std::vector<std::string> keys;
  AddProbeKeys(sqlite3_column_value(stmt, 0), &keys);
  AddProbeKeys(sqlite3_column_value(stmt, 1), &keys);
  sqlite3_finalize(stmt);
  EXPECT_TRUE(keys.empty());
}

// ---- ColumnIndex ------------------------------------------------------------------------------

ReadSpec SpecFor(const ScratchDir& dir, const std::string& name, std::vector<ColumnType> types) {
  ReadSpec spec;
  spec.path = dir.path() / name;
  spec.file_name = name;
  spec.types = std::move(types);
  return spec;
}

std::vector<int64_t> Lines(const std::vector<RecordRef>& refs) {
  std::vector<int64_t> lines;
  for (const RecordRef& ref : refs) lines.push_back(ref.line);
  return lines;
}

TEST(ColumnIndexTest, LooksUpDuplicatesInFileOrderAndReadsThemBack) {
  ScratchDir dir;
  dir.Write("t.csv", "k,v\n1,a\n2,\"b\nb\"\n1,c\n,d\nn/a,e\n");
  ReadSpec spec = SpecFor(dir, "t.csv", {ColumnType::kInteger, ColumnType::kText});
  Result<std::unique_ptr<ColumnIndex>> index = ColumnIndex::Build(spec, 0, 1 << 20);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ((*index)->record_count(), 5u);
  std::vector<std::string> keys;
  AddFieldKeys(ColumnType::kInteger, "1", &keys);
  std::vector<RecordRef> refs = (*index)->Lookup(keys);
  EXPECT_THAT(Lines(refs), ElementsAre(2, 5));
  Result<std::unique_ptr<CsvReader>> record = ReadRecordAt(spec, (*index)->file(), refs[1]);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ((*record)->field(1), "c");
  EXPECT_EQ((*record)->record_line(), 5);

  keys.clear();
  AddFieldKeys(ColumnType::kInteger, "n/a", &keys);
  EXPECT_THAT(Lines((*index)->Lookup(keys)), ElementsAre(7));
  keys.clear();
  AddFieldKeys(ColumnType::kInteger, "2", &keys);
  EXPECT_THAT(Lines((*index)->Lookup(keys)), ElementsAre(3));
}

TEST(ColumnIndexTest, MalformedRecordFailsTheBuildLikeAScan) {
  ScratchDir dir;
  dir.Write("t.csv", "k,v\n1,a\n2,b,extra\n");
  ReadSpec spec = SpecFor(dir, "t.csv", {ColumnType::kInteger, ColumnType::kText});
  Result<std::unique_ptr<ColumnIndex>> index = ColumnIndex::Build(spec, 0, 1 << 20);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.status().message(), "t.csv:3: column 3: expected 2 fields, found 3");

  dir.Write("u.csv", "k,v\n1,\"a\xC3\"\n");
  spec = SpecFor(dir, "u.csv", {ColumnType::kInteger, ColumnType::kText});
  index = ColumnIndex::Build(spec, 1, 1 << 20);
  ASSERT_FALSE(index.ok());
  EXPECT_THAT(index.status().message(), HasSubstr("u.csv:2: column 2: invalid UTF-8"));
}

TEST(ColumnIndexTest, OverBudgetIsResourceExhausted) {
  ScratchDir dir;
  std::string text = "k\n";
  for (int i = 0; i < 1000; ++i) text += fmt::format("{}\n", i);
  dir.Write("t.csv", text);
  ReadSpec spec = SpecFor(dir, "t.csv", {ColumnType::kInteger});
  Result<std::unique_ptr<ColumnIndex>> index = ColumnIndex::Build(spec, 0, 10000);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kResourceExhausted);
  index = ColumnIndex::Build(spec, 0, 1 << 20);
  ASSERT_TRUE(index.ok());
  EXPECT_LE((*index)->memory_bytes(), 1000 * kEstimatedBytesPerRow);
  EXPECT_EQ((*index)->RowsPerKey(), 1.0);
}

TEST(ColumnIndexTest, RecordThatMovedIsReported) {
  ScratchDir dir;
  dir.Write("t.csv", "k,v\n1,a\n2,b\n");
  ReadSpec spec = SpecFor(dir, "t.csv", {ColumnType::kInteger, ColumnType::kText});
  Result<std::unique_ptr<ColumnIndex>> index = ColumnIndex::Build(spec, 0, 1 << 20);
  ASSERT_TRUE(index.ok());
  Result<std::unique_ptr<CsvReader>> record =
      ReadRecordAt(spec, (*index)->file(), RecordRef{100, 3});
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(record.status().message(), HasSubstr("t.csv:3: no record starts here any more"));
}

}  // namespace
}  // namespace cairn::connectors::csv
