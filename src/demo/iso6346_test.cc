#include "demo/iso6346.h"

#include <gtest/gtest.h>

namespace cairn::demo {
namespace {

TEST(Iso6346Test, PublishedExampleIsValid) {
  EXPECT_EQ(Iso6346CheckDigit("CSQU305438"), '3');
  EXPECT_TRUE(IsValidIso6346("CSQU3054383"));
}

TEST(Iso6346Test, CheckDigitsComputedByTheStandardAlgorithm) {
  // Letter values skip multiples of 11; weights are 2^i; sum mod 11 mod 10.
  EXPECT_EQ(Iso6346CheckDigit("BICU123456"), '5');
  EXPECT_EQ(Iso6346CheckDigit("TGHU123456"), '7');
  EXPECT_EQ(Iso6346CheckDigit("MSKU907032"), '3');
  EXPECT_EQ(Iso6346CheckDigit("ZZZU999999"), '2');
  EXPECT_TRUE(IsValidIso6346("BICU1234565"));
  EXPECT_TRUE(IsValidIso6346("MSKU9070323"));
}

TEST(Iso6346Test, RemainderTenBecomesZero) {
  // The weighted sum of NSLU000001 is 10 mod 11.
  EXPECT_EQ(Iso6346CheckDigit("NSLU000001"), '0');
  EXPECT_TRUE(IsValidIso6346("NSLU0000010"));
}

TEST(Iso6346Test, RejectsMalformedNumbers) {
  EXPECT_FALSE(IsValidIso6346("CSQU3054384"));   // wrong check digit
  EXPECT_FALSE(IsValidIso6346("csqu3054383"));   // lowercase
  EXPECT_FALSE(IsValidIso6346("CSQX3054383"));   // category must be U, J or Z
  EXPECT_FALSE(IsValidIso6346("CSQU 3054383"));  // spaces
  EXPECT_FALSE(IsValidIso6346("CSQU305438"));    // too short
  EXPECT_FALSE(IsValidIso6346("CSQU30543833"));  // too long
  EXPECT_FALSE(IsValidIso6346("CSQU30543A3"));   // letter in the serial
  EXPECT_FALSE(IsValidIso6346(""));
  EXPECT_EQ(Iso6346CheckDigit("CSQU30543"), '\0');
  EXPECT_EQ(Iso6346CheckDigit("C5QU305438"), '\0');
  EXPECT_EQ(Iso6346CheckDigit("CSQU30543X"), '\0');
}

TEST(Iso6346Test, CategoriesJAndZAreAccepted) {
  const char j = Iso6346CheckDigit("CSQJ305438");
  const char z = Iso6346CheckDigit("CSQZ305438");
  EXPECT_TRUE(IsValidIso6346(std::string("CSQJ305438") + j));
  EXPECT_TRUE(IsValidIso6346(std::string("CSQZ305438") + z));
}

TEST(ImoTest, PublishedExample) {
  // 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 139 -> 9.
  EXPECT_EQ(ImoCheckDigit("907472"), '9');
  EXPECT_TRUE(IsValidImoNumber("9074729"));
  EXPECT_FALSE(IsValidImoNumber("9074728"));
  EXPECT_FALSE(IsValidImoNumber("IMO9074729"));
  EXPECT_FALSE(IsValidImoNumber("907472"));
  EXPECT_EQ(ImoCheckDigit("90747a"), '\0');
}

}  // namespace
}  // namespace cairn::demo
