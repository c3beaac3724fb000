// Tests of connectors/common/pushdown (built here: common/ has no test binary of its own).

#include "connectors/common/pushdown.h"

#include <gtest/gtest.h>

namespace cairn::connectors::pushdown {
namespace {

TEST(ScanPlanTest, EncodesAndDecodes) {
  ScanPlan plan;
  plan.columns_used = 0x8000000000000005ull;
  plan.unique = true;
  plan.terms = {{3, Op::kEq, true}, {0, Op::kLike, false}, {-1, Op::kLimit, true}};
  plan.order_by = {{2, true}, {0, false}};
  Result<ScanPlan> back = ScanPlan::Decode(plan.Encode().c_str());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->columns_used, plan.columns_used);
  EXPECT_TRUE(back->unique);
  ASSERT_EQ(back->terms.size(), 3u);
  EXPECT_EQ(back->terms[0].column, 3);
  EXPECT_EQ(back->terms[1].op, Op::kLike);
  EXPECT_FALSE(back->terms[1].omitted);
  EXPECT_EQ(back->terms[2].column, -1);
  EXPECT_TRUE(back->HasLimit());
  EXPECT_TRUE(back->UsesColumn(0));
  EXPECT_FALSE(back->UsesColumn(1));
  EXPECT_TRUE(back->UsesColumn(2));
  EXPECT_TRUE(back->UsesColumn(70));  // bit 63 covers every later column
  ASSERT_EQ(back->order_by.size(), 2u);
  EXPECT_EQ(back->order_by[0].column, 2);
  EXPECT_TRUE(back->order_by[0].descending);
  EXPECT_FALSE(back->order_by[1].descending);
}

TEST(ScanPlanTest, NullMeansFullScanOfEveryColumn) {
  Result<ScanPlan> plan = ScanPlan::Decode(nullptr);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->terms.empty());
  EXPECT_TRUE(plan->UsesColumn(5));
}

TEST(ScanPlanTest, RejectsMalformedText) {
  for (const char* text : {"", "zz", "5|", "5|2|", "5|1|3.0", "5|1|3.99.1,", "5|0|x.0.1,",
                           "5|0|3.0.1,", "5|0||x", "5|0||1.2,"}) {
    Result<ScanPlan> plan = ScanPlan::Decode(text);
    ASSERT_FALSE(plan.ok()) << text;
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(CrossClassTest, FollowsSqliteStorageClassOrder) {
  // Numbers sort before text: every number is < 'abc', none is = or > it.
  EXPECT_EQ(CrossClassComparison(Op::kLt, ValueClass::kNumeric, ValueClass::kText),
            ConstantOutcome::kAllNonNull);
  EXPECT_EQ(CrossClassComparison(Op::kGe, ValueClass::kNumeric, ValueClass::kText),
            ConstantOutcome::kNone);
  EXPECT_EQ(CrossClassComparison(Op::kEq, ValueClass::kText, ValueClass::kNumeric),
            ConstantOutcome::kNone);
  EXPECT_EQ(CrossClassComparison(Op::kGt, ValueClass::kBlob, ValueClass::kText),
            ConstantOutcome::kAllNonNull);
  EXPECT_EQ(CrossClassComparison(Op::kLe, ValueClass::kBlob, ValueClass::kNumeric),
            ConstantOutcome::kNone);
}

}  // namespace
}  // namespace cairn::connectors::pushdown
