#include "demo/internal/csv_writer.h"

#include <gtest/gtest.h>

namespace cairn::demo {
namespace {

std::string Field(std::string_view text) {
  std::string out;
  AppendCsvField(text, &out);
  return out;
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(Field("plain"), "plain");
  EXPECT_EQ(Field(""), "");
  EXPECT_EQ(Field("Müller Logistik GmbH, Hamburg"), "\"Müller Logistik GmbH, Hamburg\"");
  EXPECT_EQ(Field("Delikatessen \"Zur Elbe\" GmbH"), "\"Delikatessen \"\"Zur Elbe\"\" GmbH\"");
  EXPECT_EQ(Field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(Field(" padded"), "\" padded\"");
  EXPECT_EQ(Field("Société Lyonnaise d'Import SAS"), "Société Lyonnaise d'Import SAS");
}

TEST(CsvWriterTest, HeaderAndRowsEndWithNewline) {
  CsvWriter csv({"id", "name"});
  csv.Row({"1", "a,b"});
  csv.Row({"2", ""});
  EXPECT_EQ(csv.text(), "id,name\n1,\"a,b\"\n2,\n");
  EXPECT_EQ(csv.rows(), 2u);
}

}  // namespace
}  // namespace cairn::demo
