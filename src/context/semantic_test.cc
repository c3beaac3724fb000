#include "context/semantic.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::context {
namespace {

TEST(ValidatorTest, Iso6346CheckDigit) {
  EXPECT_TRUE(IsValidIso6346("CSQU3054383"));
  EXPECT_TRUE(IsValidIso6346("MSKU9070323"));
  EXPECT_FALSE(IsValidIso6346("CSQU3054384"));  // wrong check digit
  EXPECT_FALSE(IsValidIso6346("CSQX3054383"));  // category letter must be U, J or Z
  EXPECT_FALSE(IsValidIso6346("CSQU305438"));
  EXPECT_FALSE(IsValidIso6346("csqu3054383"));
}

TEST(ValidatorTest, ImoAndIban) {
  EXPECT_TRUE(IsValidImo("9074729"));
  EXPECT_TRUE(IsValidImo("IMO 9074729"));
  EXPECT_FALSE(IsValidImo("9074728"));
  EXPECT_FALSE(IsValidImo("907472"));
  EXPECT_TRUE(IsValidIban("GB82 WEST 1234 5698 7654 32"));
  EXPECT_TRUE(IsValidIban("DE89370400440532013000"));
  EXPECT_FALSE(IsValidIban("GB82 WEST 1234 5698 7654 33"));
  EXPECT_FALSE(IsValidIban("DE8937040044"));
}

TEST(ValidatorTest, EmailsUrlsUuidsPhones) {
  EXPECT_TRUE(IsEmail("luisg@embraer.com.br"));
  EXPECT_FALSE(IsEmail("not an email@x.com"));
  EXPECT_FALSE(IsEmail("a@b"));
  EXPECT_FALSE(IsEmail("@example.com"));
  EXPECT_TRUE(IsUrl("https://example.com/a?b=c"));
  EXPECT_TRUE(IsUrl("www.example.org"));
  EXPECT_FALSE(IsUrl("example"));
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_TRUE(IsPhone("+49 40 1234567"));
  EXPECT_TRUE(IsPhone("(555) 123-4567"));
  EXPECT_FALSE(IsPhone("12345"));
  EXPECT_FALSE(IsPhone("2009-01-01"));
  EXPECT_FALSE(IsPhone("1234567"));  // a bare number is not a phone number
}

TEST(ValidatorTest, DatesAndCodes) {
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2024-13-01"));
  EXPECT_TRUE(IsIsoDatetime("2009-01-01 00:00:00"));
  EXPECT_TRUE(IsIsoDatetime("2009-01-01T10:20:30.5Z"));
  EXPECT_TRUE(IsIsoDatetime("2009-01-01T10:20+02:00"));
  EXPECT_FALSE(IsIsoDatetime("2009-01-01"));
  EXPECT_TRUE(IsCountryCode("DE"));
  EXPECT_TRUE(IsCountryCode("DEU"));
  EXPECT_FALSE(IsCountryCode("XX"));
  EXPECT_FALSE(IsCountryCode("de"));
  EXPECT_TRUE(IsCurrencyCode("EUR"));
  EXPECT_FALSE(IsCurrencyCode("EUX"));
  EXPECT_TRUE(IsDecimalAmount("-12.50"));
  EXPECT_FALSE(IsDecimalAmount("12.5"));
}

SemanticType Decide(const std::vector<std::string>& texts, const std::string& name = "c") {
  SemanticEvidence e;
  for (const auto& t : texts) e.Add('t', t, 0, 0);
  std::vector<std::string> sorted = texts;
  std::sort(sorted.begin(), sorted.end());
  int64_t distinct = std::unique(sorted.begin(), sorted.end()) - sorted.begin();
  return DecideSemanticType(e, distinct, name, false);
}

TEST(DecideTest, PicksTheSpecificTypeWhenNinetyPercentFit) {
  EXPECT_EQ(Decide({"CSQU3054383", "MSKU9070323", "CSQU3054383"}), SemanticType::kContainerNumber);
  EXPECT_EQ(Decide({"CSQU3054384", "MSKU9070324"}), SemanticType::kText);  // bad check digits
  EXPECT_EQ(Decide({"a@b.de", "c@d.com"}), SemanticType::kEmail);
  EXPECT_EQ(Decide({"EUR", "USD", "EUR", "GBP"}, "currency"), SemanticType::kCurrencyCode);
  EXPECT_EQ(Decide({"DE", "FR", "NL", "DE"}), SemanticType::kCountryCode);
  EXPECT_EQ(Decide({"2020-01-01", "2021-05-06"}), SemanticType::kDate);
  std::vector<std::string> words;
  for (int i = 0; i < 100; ++i) words.push_back(i % 2 ? "open" : "closed");
  EXPECT_EQ(Decide(words), SemanticType::kCategory);
  EXPECT_EQ(Decide({"This is a rather long description of something",
                    "Another long sentence "
                    "that goes on and on"}),
            SemanticType::kFreeText);
  EXPECT_EQ(Decide({"yes", "no", "yes"}), SemanticType::kBoolean);
  EXPECT_EQ(Decide({}), SemanticType::kUnknown);
}

TEST(DecideTest, NumbersIdentifiersAndMoney) {
  SemanticEvidence ids;
  for (int i = 1; i <= 100; ++i) ids.Add('i', std::to_string(i), i, 0);
  EXPECT_EQ(DecideSemanticType(ids, 100, "CustomerId", false), SemanticType::kIdentifier);
  EXPECT_EQ(DecideSemanticType(ids, 100, "quantity", false), SemanticType::kInteger);
  SemanticEvidence prices;
  for (double p : {0.99, 1.99, 0.99, 12.5}) prices.Add('r', "", 0, p);
  EXPECT_EQ(DecideSemanticType(prices, 3, "UnitPrice", false), SemanticType::kMoney);
  SemanticEvidence reals;
  for (double p : {0.123, 1.456, 7.891}) reals.Add('r', "", 0, p);
  EXPECT_EQ(DecideSemanticType(reals, 3, "ratio", false), SemanticType::kNumber);
  SemanticEvidence flags;
  for (int i = 0; i < 10; ++i) flags.Add('i', std::to_string(i % 2), i % 2, 0);
  EXPECT_EQ(DecideSemanticType(flags, 2, "active", false), SemanticType::kBoolean);
  EXPECT_EQ(DecideSemanticType(flags, 2, "genre_id", false), SemanticType::kIdentifier);
}

TEST(SemanticTypeNameTest, RoundTrips) {
  for (int i = 0; i < kSemanticTypeCount; ++i) {
    SemanticType t = static_cast<SemanticType>(i), back;
    ASSERT_TRUE(SemanticTypeFromName(SemanticTypeName(t), &back));
    EXPECT_EQ(back, t);
  }
  SemanticType t;
  EXPECT_FALSE(SemanticTypeFromName("nonsense", &t));
}

}  // namespace
}  // namespace cairn::context
