#include "connectors/http/json_rows.h"

#include <gtest/gtest.h>

namespace cairn::connectors::http {
namespace {

TEST(JsonRowsTest, CellsFitTheirTypeOrAreErrors) {
  EXPECT_EQ(*ToCell(Json(42), ColumnType::kInteger), Cell{int64_t{42}});
  EXPECT_EQ(*ToCell(Json(12.0), ColumnType::kInteger), Cell{int64_t{12}});
  EXPECT_EQ(*ToCell(Json(7), ColumnType::kReal), Cell{7.0});
  EXPECT_EQ(*ToCell(Json(true), ColumnType::kBoolean), Cell{int64_t{1}});
  EXPECT_EQ(*ToCell(Json::parse(R"({"a":[1]})"), ColumnType::kJson), Cell{R"({"a":[1]})"});
  EXPECT_EQ(*ToCell(Json(nullptr), ColumnType::kInteger), Cell{});
  EXPECT_EQ(ToCell(Json(12.5), ColumnType::kInteger).status().message(),
            "expected integer, got number 12.5");
  EXPECT_EQ(ToCell(Json(uint64_t{1} << 63), ColumnType::kInteger).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ToCell(Json(5), ColumnType::kText).status().message(), "expected text, got number 5");
  EXPECT_EQ(ToCell(Json("yes"), ColumnType::kBoolean).status().message(),
            "expected boolean, got string \"yes\"");
}

TEST(JsonRowsTest, FindsRowsAndReportsWhereTheyAreNot) {
  Json body = Json::parse(R"({"data":{"items":[{"a":1}],"none":null,"obj":{}}})");
  EXPECT_EQ((*RowsAt(body, {"data", "items"}))->size(), 1u);
  EXPECT_TRUE((*RowsAt(body, {"data", "none"}))->empty());
  EXPECT_EQ(RowsAt(body, {"data", "obj"}).status().message(),
            "expected an array of rows at 'data.obj' of the response, got an object");
  EXPECT_EQ(RowsAt(body, {"rows"}).status().message(),
            "no rows at 'rows' of the response (check rows_at)");
  EXPECT_EQ(ParseBody("[1,]").status().message().rfind("malformed JSON at byte 4: ", 0), 0u);
}

TEST(JsonRowsTest, InfersFlattenedColumnsInFirstSeenOrder) {
  Json rows = Json::parse(R"([
    {"id": 1, "c": {"name": "Ann", "tags": ["x"]}, "v": 1, "mixed": 1, "n": null},
    {"id": 2, "c": {"name": "Bo"}, "v": 2.5, "mixed": "a", "ok": false},
    7])");
  std::vector<std::string> got;
  for (const ColumnSpec& column : InferColumns(rows)) {
    got.push_back(column.name + ":" + JoinPath(column.path) + ":" + ColumnTypeName(column.type));
  }
  EXPECT_EQ(
      got, (std::vector<std::string>{"id:id:integer", "c_name:c.name:text", "c_tags:c.tags:json",
                                     "v:v:real", "mixed:mixed:json", "n:n:text", "ok:ok:boolean"}));
}

}  // namespace
}  // namespace cairn::connectors::http
