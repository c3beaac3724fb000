#include "connectors/postgres/pg_connection.h"

#include <gtest/gtest.h>

namespace cairn::connectors::postgres {
namespace {

TEST(ArrayLiteralTest, QuotesAndEscapesEveryElement) {
  EXPECT_EQ(ArrayLiteral({}), "{}");
  EXPECT_EQ(ArrayLiteral({"a"}), "{\"a\"}");
  EXPECT_EQ(ArrayLiteral({"a,b", "c\"d", "e\\f", "", "NULL", "{x}"}),
            "{\"a,b\",\"c\\\"d\",\"e\\\\f\",\"\",\"NULL\",\"{x}\"}");
}

TEST(PgConnectionTest, UnreachableServerIsUnavailableNamingTheEndpoint) {
  ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = "1";
  options.dbname = "x";
  options.user = "u";
  options.password = "secret-never-shown";
  options.connect_timeout_s = 2;
  PgConnection connection("warehouse", options);
  EXPECT_EQ(connection.Endpoint(), "127.0.0.1:1");
  Status status = connection.Connect();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_NE(status.message().find("warehouse: cannot connect to 127.0.0.1:1"), std::string::npos)
      << status.message();
  EXPECT_EQ(status.message().find("secret-never-shown"), std::string::npos);
  Result<PgResult> result = connection.Query("SELECT 1", {});
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace cairn::connectors::postgres
