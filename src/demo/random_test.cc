#include "demo/internal/random.h"

#include <gtest/gtest.h>

#include <set>

#include "demo/internal/port_model.h"

namespace cairn::demo {
namespace {

TEST(RandomTest, SplitMix64MatchesReferenceOutput) {
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64(state), 0xE220A8397B1DCDAFull);
}

TEST(RandomTest, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RandomTest, DistributionsStayInRange) {
  Rng rng(7);
  for (int i = 0; i < 10000; ++i) {
    const int64_t r = rng.Range(-3, 5);
    EXPECT_GE(r, -3);
    EXPECT_LE(r, 5);
    EXPECT_LT(rng.Below(7), 7u);
  }
  const std::vector<uint64_t> weights = {0, 5, 0, 1};
  for (int i = 0; i < 1000; ++i) {
    const size_t w = rng.Weighted(weights);
    EXPECT_TRUE(w == 1 || w == 3);
  }
  const auto sample = rng.Sample(50, 20);
  EXPECT_EQ(std::set<size_t>(sample.begin(), sample.end()).size(), 20u);
  for (size_t s : sample) EXPECT_LT(s, 50u);
}

TEST(FormatTest, InstantsDatesAndMoney) {
  EXPECT_EQ(FormatInstant(kWindowStart), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatInstant(kAsOfTime), std::string(kDemoAsOf));
  EXPECT_EQ(FormatInstant(kWindowStart + 59 * kDay + 13 * kHour + 62), "2026-03-01T13:01:02Z");
  EXPECT_EQ(FormatDate(kWindowStart + 31 * kDay + 5), "2026-02-01");
  EXPECT_EQ(FormatInstant(kNoTime), "");
  EXPECT_EQ(FormatCents(123450), "1234.50");
  EXPECT_EQ(FormatCents(7), "0.07");
}

TEST(CompanySlugTest, AsciiWordsWithoutLegalFormOrCity) {
  EXPECT_EQ(CompanySlug("Müller Logistik GmbH, Hamburg"), "mueller-logistik");
  EXPECT_EQ(CompanySlug("Delikatessen \"Zur Elbe\" GmbH"), "delikatessen-zur-elbe");
  EXPECT_EQ(CompanySlug("Société Lyonnaise d'Import SAS"), "societe-lyonnaise-dimport");
  EXPECT_EQ(CompanySlug("Wiśniewski Trading Sp. z o.o."), "wisniewski-trading");
  EXPECT_EQ(CompanySlug("GmbH"), "customer");
}

TEST(ConsigneeVariantTest, AlwaysDiffersFromTheOriginal) {
  Rng rng(1);
  const char* names[] = {"Acme Trading GmbH", "Müller Logistik GmbH, Hamburg", "AB",
                         "Åkesson Foods AB", "X"};
  for (const char* name : names) {
    for (int i = 0; i < 200; ++i) {
      const std::string variant = ConsigneeVariant(name, rng);
      EXPECT_NE(variant, name);
      EXPECT_FALSE(variant.empty());
    }
  }
}

}  // namespace
}  // namespace cairn::demo
