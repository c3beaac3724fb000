#include "connectors/csv/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "connectors/csv/csv_values.h"

namespace cairn::connectors::csv {
namespace {

using ::testing::HasSubstr;

struct Record {
  std::vector<std::string> fields;
  std::vector<bool> quoted;
  int64_t line;
};

// Reads all records of `text`, fed `chunk` bytes at a time through a `buffer`-byte buffer.
Result<std::vector<Record>> ReadAll(const std::string& text, size_t chunk = 1 << 16,
                                    size_t buffer = 64 << 10, char delimiter = ',') {
  CsvReader::Options options;
  options.delimiter = delimiter;
  options.buffer_bytes = buffer;
  CsvReader reader(MakeStringInput(text, chunk), "t.csv", options);
  std::vector<Record> records;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) break;
    Record record;
    for (size_t i = 0; i < reader.field_count(); ++i) {
      record.fields.emplace_back(reader.field(i));
      record.quoted.push_back(reader.quoted(i));
    }
    record.line = reader.record_line();
    records.push_back(std::move(record));
  }
  return records;
}

// Every test input is also read one byte at a time through the smallest buffer, to exercise
// every state at a refill boundary.
std::vector<std::vector<std::string>> Fields(const std::string& text) {
  Result<std::vector<Record>> big = ReadAll(text);
  Result<std::vector<Record>> tiny = ReadAll(text, 1, 16);
  EXPECT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_TRUE(tiny.ok()) << tiny.status().ToString();
  std::vector<std::vector<std::string>> out, out_tiny;
  if (big.ok()) {
    for (const Record& r : *big) out.push_back(r.fields);
  }
  if (tiny.ok()) {
    for (const Record& r : *tiny) out_tiny.push_back(r.fields);
  }
  EXPECT_EQ(out, out_tiny);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, PlainRecords) {
  EXPECT_EQ(Fields("a,b,c\n1,2,3\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(Fields("a,b\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));  // no final line break
  EXPECT_EQ(Fields("a,,\n"), (Rows{{"a", "", ""}}));
  EXPECT_EQ(Fields(""), Rows{});
}

TEST(CsvReaderTest, QuotesAndDoubledQuotes) {
  EXPECT_EQ(Fields("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"), (Rows{{"a,b", "say \"hi\"", ""}}));
  EXPECT_EQ(Fields("\"x\""), (Rows{{"x"}}));
  EXPECT_EQ(Fields("\"\"\"\""), (Rows{{"\""}}));
}

TEST(CsvReaderTest, QuotedFlag) {
  Result<std::vector<Record>> records = ReadAll(",\"\",x\n");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].quoted, (std::vector<bool>{false, true, false}));
}

TEST(CsvReaderTest, LineBreaksInsideQuotes) {
  EXPECT_EQ(Fields("\"a\nb\",\"c\r\nd\",\"e\rf\"\nz,y,x\n"),
            (Rows{{"a\nb", "c\r\nd", "e\rf"}, {"z", "y", "x"}}));
}

TEST(CsvReaderTest, LineEndingsAndLineNumbers) {
  Result<std::vector<Record>> records = ReadAll("a\r\nb\rc\n\"d\r\n\n\"\r\ne\n\n\r\nf");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  std::vector<std::string> values;
  std::vector<int64_t> lines;
  for (const Record& r : *records) {
    values.push_back(r.fields[0]);
    lines.push_back(r.line);
  }
  EXPECT_EQ(values, (std::vector<std::string>{"a", "b", "c", "d\r\n\n", "e", "f"}));
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 2, 3, 4, 7, 10}));
}

TEST(CsvReaderTest, ByteOrderMarkSkippedOnlyAtStart) {
  EXPECT_EQ(Fields("\xEF\xBB\xBFid,name\n1,\xEF\xBB\xBFx\n"),
            (Rows{{"id", "name"}, {"1", "\xEF\xBB\xBFx"}}));
}

TEST(CsvReaderTest, OtherDelimiter) {
  Result<std::vector<Record>> records = ReadAll("a;b,c\t\n\"x;\";y\n", 1 << 16, 64 << 10, ';');
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].fields, (std::vector<std::string>{"a", "b,c\t"}));
  EXPECT_EQ((*records)[1].fields, (std::vector<std::string>{"x;", "y"}));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  Result<std::vector<Record>> records = ReadAll("a,b\n1,\"x\"y\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("t.csv:2: column 2: unexpected 'y'"));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsAnError) {
  Result<std::vector<Record>> records = ReadAll("a,b\nab\"c,d\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("t.csv:2: column 1: '\"' inside an unquoted"));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesWhereItOpened) {
  for (size_t chunk : {size_t{1}, size_t{1} << 16}) {
    Result<std::vector<Record>> records = ReadAll("a,b\n1,2\n3,\"open\nmore\nstill\n", chunk);
    ASSERT_FALSE(records.ok());
    EXPECT_EQ(records.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(records.status().message(),
                HasSubstr("t.csv:3: column 2: unterminated quoted field"));
  }
}

TEST(CsvReaderTest, InvalidUtf8NamesLineAndColumn) {
  Result<std::vector<Record>> records = ReadAll("a,b,c\n1,2,3\n4,\"x\ny\xFFz\",6\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("t.csv:4: column 2: invalid UTF-8 (byte 0xFF"));
}

TEST(CsvReaderTest, Utf8Validation) {
  // Valid: 2-, 3- and 4-byte sequences.
  EXPECT_EQ(Fields("\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80\n"),
            (Rows{{"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}}));
  // Invalid: overlong, surrogate, truncated at the field's end, stray continuation byte.
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\x80", "\xF5\x80\x80\x80"}) {
    Result<std::vector<Record>> records = ReadAll(std::string("ok,") + bad + "\n");
    ASSERT_FALSE(records.ok()) << bad;
    EXPECT_THAT(records.status().message(), HasSubstr("t.csv:1: column 2: invalid UTF-8"));
  }
  // A sequence split by a delimiter is invalid in both fields.
  Result<std::vector<Record>> split = ReadAll("\xE2\x82,\xAC\n");
  ASSERT_FALSE(split.ok());
  EXPECT_THAT(split.status().message(), HasSubstr("column 1: invalid UTF-8"));
}

TEST(CsvReaderTest, ErrorIsSticky) {
  CsvReader reader(MakeStringInput("\"x\"y\nok\n"), "t.csv", CsvReader::Options{});
  Result<bool> first = reader.Next();
  ASSERT_FALSE(first.ok());
  Result<bool> second = reader.Next();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), first.status().message());
}

TEST(CsvReaderTest, OverlongRecordIsAnError) {
  CsvReader::Options options;
  options.buffer_bytes = 64;
  options.max_record_bytes = 1000;
  CsvReader reader(MakeStringInput("a\n\"" + std::string(5000, 'x') + "\"\n"), "t.csv", options);
  ASSERT_TRUE(reader.Next().ok());
  Result<bool> next = reader.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(next.status().message(), HasSubstr("t.csv:2: column 1: record longer than 1000"));
}

class FailingInput : public ByteInput {
 public:
  Result<size_t> Read(char* buffer, size_t size) override {
    if (calls_++ == 0) {
      std::string text = "a,b\n1,2\n3,";
      size_t n = std::min(size, text.size());
      std::copy_n(text.data(), n, buffer);
      return n;
    }
    return UnavailableError("disk on fire");
  }

 private:
  int calls_ = 0;
};

TEST(CsvReaderTest, ReadFailureIsReported) {
  CsvReader reader(std::make_unique<FailingInput>(), "t.csv", CsvReader::Options{});
  ASSERT_TRUE(reader.Next().ok());
  ASSERT_TRUE(reader.Next().ok());
  Result<bool> next = reader.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(next.status().message(), "t.csv: disk on fire");
}

// Random records written with quoting where needed read back identically, whatever the buffer
// size and read chunking (exercising the vectorised scan and its scalar tail).
TEST(CsvReaderTest, RandomRoundTrip) {
  std::mt19937 random(42);
  const std::string alphabet = "abc,\"\r\n xyz0123456789\xC3\xA9";
  std::vector<std::vector<std::string>> expected;
  std::string text;
  for (int r = 0; r < 300; ++r) {
    std::vector<std::string> record;
    const int fields = 1 + static_cast<int>(random() % 6);
    for (int f = 0; f < fields; ++f) {
      std::string value;
      const int length = static_cast<int>(random() % 40);
      for (int i = 0; i < length; ++i) {
        size_t k = random() % (alphabet.size() - 1);
        if (alphabet[k] == '\xC3') {
          value += "\xC3\xA9";
        } else if (alphabet[k] != '\xA9') {
          value += alphabet[k];
        }
      }
      bool quote = value.empty() || value.find_first_of(",\"\r\n") != std::string::npos;
      if (f > 0) text += ',';
      if (quote) {
        text += '"';
        for (char c : value) {
          if (c == '"') text += '"';
          text += c;
        }
        text += '"';
      } else {
        text += value;
      }
      record.push_back(value);
    }
    text += (r % 3 == 0) ? "\r\n" : "\n";
    expected.push_back(record);
  }
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 16}) {
    for (size_t buffer : {size_t{16}, size_t{100}, size_t{64} << 10}) {
      Result<std::vector<Record>> records = ReadAll(text, chunk, buffer);
      ASSERT_TRUE(records.ok()) << records.status().ToString();
      ASSERT_EQ(records->size(), expected.size());
      for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ((*records)[i].fields, expected[i]) << "record " << i << " chunk " << chunk;
      }
    }
  }
}

TEST(CsvValuesTest, Integers) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInteger("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInteger("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_TRUE(ParseInteger("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInteger("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  for (const char* not_int :
       {"", "-", "+1", "007", "-0", " 1", "1 ", "1.0", "1e3", "9223372036854775808", "0x10"}) {
    EXPECT_FALSE(ParseInteger(not_int, &v)) << not_int;
  }
}

TEST(CsvValuesTest, Reals) {
  double v = 0;
  EXPECT_TRUE(ParseReal("1.5", &v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(ParseReal("-0.25", &v));
  EXPECT_EQ(v, -0.25);
  EXPECT_TRUE(ParseReal(".5", &v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(ParseReal("2.", &v));
  EXPECT_EQ(v, 2.0);
  EXPECT_TRUE(ParseReal("1e3", &v));
  EXPECT_EQ(v, 1000.0);
  EXPECT_TRUE(ParseReal("12", &v));
  EXPECT_EQ(v, 12.0);
  for (const char* not_real :
       {"", ".", "-", "1e", "inf", "nan", "00.5", "1,5", " 1", "1e999", "+1.5", "1.5.6"}) {
    EXPECT_FALSE(ParseReal(not_real, &v)) << not_real;
  }
}

TEST(CsvValuesTest, Inference) {
  auto infer = [](std::vector<std::string> values) {
    TypeInference inference;
    for (const auto& v : values) inference.Add(v);
    return inference.type();
  };
  EXPECT_EQ(infer({}), ColumnType::kText);
  EXPECT_EQ(infer({"1", "2", "-3"}), ColumnType::kInteger);
  EXPECT_EQ(infer({"1", "2.5", "3"}), ColumnType::kReal);
  EXPECT_EQ(infer({"1", "2.5", "x"}), ColumnType::kText);
  EXPECT_EQ(infer({"007", "1"}), ColumnType::kText);
  EXPECT_EQ(infer({"x", "1"}), ColumnType::kText);
}

}  // namespace
}  // namespace cairn::connectors::csv
