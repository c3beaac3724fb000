#include "context/join_store.h"

#include <gtest/gtest.h>

#include "context/state_testing.h"

namespace cairn::context {
namespace {

Join Inferred(const std::string& from_table, const std::string& to_table, double score) {
  Join join;
  join.from = {"shop", from_table, {"customer_id"}};
  join.to = {"crm", to_table, {"id"}};
  join.kind = JoinKind::kInferred;
  join.score = score;
  join.evidence = {{"containment", score}};
  return join;
}

class JoinStoreTest : public StateEngineTest {};

TEST_P(JoinStoreTest, VerdictsSurviveRediscovery) {
  auto db = OpenState();
  ASSERT_NE(db, nullptr);
  auto joins = JoinStore::Open(db.get());
  ASSERT_TRUE(joins.ok()) << joins.status().ToString();
  ASSERT_TRUE(joins
                  ->ReplaceDiscovered(
                      {Inferred("orders", "customers", 0.9), Inferred("returns", "customers", 0.4)})
                  .ok());
  auto confirmed = joins->SetVerdict({"shop", "orders", {"customer_id"}},
                                     {"crm", "customers", {"id"}}, JoinKind::kConfirmed, "ana", "");
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->kind, JoinKind::kConfirmed);
  EXPECT_EQ(confirmed->stated_by, "ana");
  ASSERT_TRUE(joins
                  ->SetVerdict({"shop", "returns", {"customer_id"}}, {"crm", "customers", {"id"}},
                               JoinKind::kRejected, "ana", "no")
                  .ok());

  // Rediscovery with new evidence and one join gone.
  Join again = Inferred("orders", "customers", 0.8);
  again.evidence = {{"containment", 0.8}, {"round", 2}};
  ASSERT_TRUE(joins->ReplaceDiscovered({again, Inferred("invoices", "customers", 0.7)}).ok());
  auto list = joins->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].kind, JoinKind::kConfirmed);
  EXPECT_EQ((*list)[0].from.table, "orders");
  EXPECT_EQ((*list)[0].evidence["round"], 2);
  EXPECT_EQ((*list)[1].kind, JoinKind::kInferred);
  EXPECT_EQ((*list)[1].from.table, "invoices");
  EXPECT_EQ((*list)[2].kind, JoinKind::kRejected);
  EXPECT_EQ((*list)[2].from.table, "returns");

  auto json = (*list)[0].ToJson();
  EXPECT_EQ(json["from"]["columns"][0], "customer_id");
  EXPECT_EQ(json["kind"], "confirmed");
  EXPECT_EQ(joins->Get((*list)[1].id)->from.table, "invoices");
  EXPECT_EQ(joins->Get(999).status().code(), StatusCode::kNotFound);
}

TEST_P(JoinStoreTest, RejectsMalformedJoins) {
  auto db = OpenState();
  ASSERT_NE(db, nullptr);
  auto joins = JoinStore::Open(db.get());
  Join bad = Inferred("a", "b", 1);
  bad.to.columns.push_back("x");
  EXPECT_EQ(joins->ReplaceDiscovered({bad}).code(), StatusCode::kInvalidArgument);
  Join confirmed = Inferred("a", "b", 1);
  confirmed.kind = JoinKind::kConfirmed;
  EXPECT_EQ(joins->ReplaceDiscovered({confirmed}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(joins->SetVerdict({"s", "a", {}}, {"s", "b", {}}, JoinKind::kConfirmed, "x", "")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(joins->SetVerdict({"s", "a", {"x"}}, {"s", "b", {"y"}}, JoinKind::kInferred, "x", "")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

// Two nodes on one PostgreSQL state: a verdict stated through one is seen (and kept across a
// rediscovery) through the other.
TEST_P(JoinStoreTest, VerdictsAreSharedBetweenConnections) {
  if (!postgres()) GTEST_SKIP() << "two connections share a database on PostgreSQL only";
  auto a = OpenState();
  auto b = OpenState();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  auto joins_a = JoinStore::Open(a.get());
  auto joins_b = JoinStore::Open(b.get());
  ASSERT_TRUE(joins_a.ok() && joins_b.ok());
  ASSERT_TRUE(joins_a->ReplaceDiscovered({Inferred("orders", "customers", 0.9)}).ok());
  auto confirmed =
      joins_a->SetVerdict({"shop", "orders", {"customer_id"}}, {"crm", "customers", {"id"}},
                          JoinKind::kConfirmed, "ana", "checked");
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  ASSERT_TRUE(joins_b->ReplaceDiscovered({Inferred("orders", "customers", 0.7)}).ok());
  auto list = joins_b->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, JoinKind::kConfirmed);
  EXPECT_EQ((*list)[0].id, confirmed->id);
  EXPECT_EQ((*list)[0].stated_by, "ana");
  EXPECT_EQ((*list)[0].evidence["containment"], 0.7);
}

CAIRN_STATE_ENGINES(JoinStoreTest);

}  // namespace
}  // namespace cairn::context
