#include "connectors/http/request_url.h"

#include <gtest/gtest.h>

namespace cairn::connectors::http {
namespace {

TEST(RequestUrlTest, BuildsUrlsAndRedactsSecrets) {
  std::vector<QueryParam> params = {{"q", "a b&c", false}, {"key", "s3cret", true}};
  EXPECT_EQ(BuildUrl("http://h/api", "/orders", params, false),
            "http://h/api/orders?q=a%20b%26c&key=s3cret");
  EXPECT_EQ(BuildUrl("http://h/api/", "orders?x=1", params, true),
            "http://h/api/orders?x=1&q=a%20b%26c&key=***");
  EXPECT_EQ(BuildUrl("http://h", "", {}, false), "http://h");
  EXPECT_EQ(RedactUrl("http://h/x?a=1&key=s3cret&b=2#f", {"key"}), "http://h/x?a=1&key=***&b=2#f");
  EXPECT_EQ(PercentEncode("AZaz09-._~ /?é"), "AZaz09-._~%20%2F%3F%C3%A9");
}

TEST(RequestUrlTest, FindsTheNextLink) {
  EXPECT_EQ(*NextLink(R"(<https://a/x?p=1>; rel="prev", <https://a/x?p=3>; rel="next")"),
            "https://a/x?p=3");
  EXPECT_EQ(*NextLink(R"(</x?p=3>; title="a, b"; REL="last next")"), "/x?p=3");
  EXPECT_EQ(*NextLink("</x?p=3>; rel=next"), "/x?p=3");
  EXPECT_EQ(*NextLink(R"(</x?p=9>; rel="last")"), "");
  EXPECT_EQ(*NextLink(""), "");
  EXPECT_EQ(NextLink("https://a/x; rel=next").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NextLink("<https://a/x; rel=next").status().code(), StatusCode::kInvalidArgument);
}

TEST(RequestUrlTest, ResolvesReferencesAndComparesOrigins) {
  const std::string base = "http://h:8/api/v1/orders?page=1";
  EXPECT_EQ(ResolveUrl(base, "https://o/x"), "https://o/x");
  EXPECT_EQ(ResolveUrl(base, "//o/x"), "http://o/x");
  EXPECT_EQ(ResolveUrl(base, "/x?p=2"), "http://h:8/x?p=2");
  EXPECT_EQ(ResolveUrl(base, "?page=2"), "http://h:8/api/v1/orders?page=2");
  EXPECT_EQ(ResolveUrl(base, "items?page=2"), "http://h:8/api/v1/items?page=2");
  EXPECT_EQ(OriginOf("HTTP://H/x"), "http://h:80");
  EXPECT_EQ(OriginOf("https://h:443/x"), OriginOf("https://h/y"));
  EXPECT_EQ(OriginOf("http://[::1]/x"), "http://[::1]:80");
  EXPECT_NE(OriginOf("http://h/x"), OriginOf("https://h/x"));
  EXPECT_EQ(OriginOf("ftp://h/x"), "");
}

}  // namespace
}  // namespace cairn::connectors::http
