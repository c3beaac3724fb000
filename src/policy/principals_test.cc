#include "policy/principals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "store/pg_testing.h"

namespace cairn::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStart[] = "2026-03-01T10:00:00.000Z";

std::filesystem::path TempDir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("cairn-principals-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Counts the statements run on a connection, to prove that a call did not touch the database.
int CountStatement(unsigned, void* count, void*, void*) {
  ++*static_cast<int*>(count);
  return 0;
}

// Every test runs on both engines of the state database.
class PrincipalStoreTest : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Dialect::kPostgres) CAIRN_NEED_TEST_PG();
    dir_ = TempDir();
    auto db = store::OpenTestState(GetParam(), &pg_, dir_ / "state.sqlite");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto principals = PrincipalStore::Open(db_.get(), &clock_);
    ASSERT_TRUE(principals.ok()) << principals.status().ToString();
    store_ = std::move(*principals);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    pg_.reset();
    std::filesystem::remove_all(dir_);
  }

  PrincipalRecord Person(std::string id, std::vector<std::string> roles = {},
                         std::map<std::string, std::string> attributes = {}) {
    PrincipalRecord p;
    p.id = std::move(id);
    p.roles = std::move(roles);
    p.attributes = std::move(attributes);
    return p;
  }

  std::string Issue(const std::string& principal,
                    std::optional<std::chrono::seconds> ttl = std::nullopt) {
    auto issued = store_->Issue(principal, ttl, "test");
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return issued.ok() ? issued->secret : "";
  }

  bool Postgres() const { return GetParam() == store::Dialect::kPostgres; }

  std::filesystem::path dir_;
  std::unique_ptr<store::TestPgDatabase> pg_;
  ledger::FixedClock clock_{kStart};
  std::unique_ptr<store::StateDb> db_;
  std::unique_ptr<PrincipalStore> store_;
};

TEST_P(PrincipalStoreTest, AddListGetDisable) {
  ASSERT_TRUE(store_
                  ->Add(Person("ops1", {"operator", "auditor", "operator"},
                               {{"terminal", "T2"}, {"region", "EU"}}))
                  .ok());
  PrincipalRecord agent = Person("agent-7.bot", {"analyst"});
  agent.kind = "agent";
  ASSERT_TRUE(store_->Add(agent).ok());

  auto all = store_->List();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "agent-7.bot");
  EXPECT_EQ((*all)[0].kind, "agent");
  EXPECT_EQ((*all)[1].id, "ops1");

  auto ops = store_->Get("ops1");
  ASSERT_TRUE(ops.ok()) << ops.status().ToString();
  EXPECT_EQ(ops->kind, "person");
  EXPECT_THAT(ops->roles, ElementsAre("operator", "auditor"));  // duplicate dropped
  EXPECT_EQ(ops->attributes.at("terminal"), "T2");
  EXPECT_EQ(ops->attributes.at("region"), "EU");
  EXPECT_FALSE(ops->disabled);
  EXPECT_EQ(ops->created, kStart);

  ASSERT_TRUE(store_->SetDisabled("ops1", true).ok());
  EXPECT_TRUE(store_->Get("ops1")->disabled);
  ASSERT_TRUE(store_->SetDisabled("ops1", false).ok());
  EXPECT_FALSE(store_->Get("ops1")->disabled);

  EXPECT_EQ(store_->Get("nobody").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SetDisabled("nobody", true).code(), StatusCode::kNotFound);
}

TEST_P(PrincipalStoreTest, DuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  Status again = store_->Add(Person("ops1", {"other"}));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(again.message(), HasSubstr("ops1"));
}

TEST_P(PrincipalStoreTest, BadNamesAreInvalidArgument) {
  for (const std::string& id :
       std::vector<std::string>{"", "Ops", "-ops", ".ops", "ops 1", "ops/1", "öps",
                                std::string(65, 'a'), std::string("op\0s", 4)}) {
    EXPECT_EQ(store_->Add(Person(id)).code(), StatusCode::kInvalidArgument) << id;
  }
  EXPECT_TRUE(store_->Add(Person(std::string(64, 'a'))).ok());
  EXPECT_TRUE(store_->Add(Person("0ps_1.x-y")).ok());

  PrincipalRecord bad_kind = Person("k1");
  bad_kind.kind = "robot";
  EXPECT_EQ(store_->Add(bad_kind).code(), StatusCode::kInvalidArgument);
  bad_kind.kind = "";
  EXPECT_EQ(store_->Add(bad_kind).code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(store_->Add(Person("r1", {"Admin"})).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Add(Person("r1", {""})).code(), StatusCode::kInvalidArgument);

  for (const std::string& key :
       std::vector<std::string>{"", "Region", "1region", "re-gion", std::string(65, 'k')}) {
    EXPECT_EQ(store_->Add(Person("a1", {}, {{key, "x"}})).code(), StatusCode::kInvalidArgument)
        << key;
  }
  EXPECT_EQ(store_->Add(Person("a1", {}, {{"region", std::string(1025, 'x')}})).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Add(Person("a1", {}, {{"region", "\xff\xfe"}})).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Add(Person("a1", {}, {{"region", "\xed\xa0\x80"}})).code(),  // surrogate
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->Add(Person("a1", {}, {{"_region", "Zürich 東京"}})).ok());
  EXPECT_TRUE(store_->Add(Person("a2", {}, {{"region", std::string(1024, 'x')}})).ok());
  // Nothing invalid was stored.
  EXPECT_EQ(store_->List()->size(), 4u);
}

TEST_P(PrincipalStoreTest, EnsureLocalAdminIsIdempotent) {
  ASSERT_TRUE(store_->EnsureLocalAdmin().ok());
  ASSERT_TRUE(store_->EnsureLocalAdmin().ok());
  auto admin = store_->Get("admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->kind, "person");
  EXPECT_THAT(admin->roles, ElementsAre("admin"));
  ASSERT_TRUE(store_->SetDisabled("admin", true).ok());
  ASSERT_TRUE(store_->EnsureLocalAdmin().ok());
  EXPECT_TRUE(store_->Get("admin")->disabled);  // left as it is
}

TEST_P(PrincipalStoreTest, IssueAndAuthenticate) {
  ASSERT_TRUE(store_->Add(Person("ops1", {"operator"}, {{"terminal", "T2"}})).ok());
  auto issued = store_->Issue("ops1", std::chrono::hours(12), "laptop");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->secret.rfind("cairn_", 0), 0u);
  EXPECT_EQ(issued->secret.size(), 55u);
  EXPECT_EQ(issued->record.principal, "ops1");
  EXPECT_EQ(issued->record.created, kStart);
  EXPECT_EQ(issued->record.expires, "2026-03-01T22:00:00.000Z");
  EXPECT_EQ(issued->record.description, "laptop");
  EXPECT_EQ(issued->record.id.size(), 12u);

  auto principal = store_->Authenticate(issued->secret);
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->id, "ops1");
  EXPECT_THAT(principal->roles, ElementsAre("operator"));
  EXPECT_EQ(principal->attributes.at("terminal"), "T2");

  EXPECT_EQ(store_->Issue("nobody", std::nullopt, "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Issue("ops1", std::chrono::seconds(0), "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Issue("ops1", std::nullopt, std::string(1025, 'd')).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(PrincipalStoreTest, WrongTokensAreUnauthenticatedWithoutEchoingThem) {
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  const std::string secret = Issue("ops1");
  std::string flipped = secret;
  flipped[20] = flipped[20] == 'A' ? 'B' : 'A';  // a typo: caught by the checksum
  std::string bad_char = secret;
  bad_char[20] = '+';
  std::string with_nul = secret;
  with_nul[20] = '\0';
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "does not start"},
      {"garbage", "does not start"},
      {"ghp_" + secret.substr(6), "does not start"},
      {"Cairn_" + secret.substr(6), "does not start"},
      {secret.substr(0, 54), "54 bytes"},
      {secret + "A", "56 bytes"},
      {flipped, "checksum"},
      {bad_char, "base64url"},
      {with_nul, "base64url"},
  };
  for (const auto& [token, why] : cases) {
    Result<engine::Principal> result = store_->Authenticate(token);
    ASSERT_EQ(result.status().code(), StatusCode::kUnauthenticated) << why;
    EXPECT_THAT(result.status().message(), HasSubstr(why));
    EXPECT_THAT(result.status().message(), HasSubstr("malformed"));
    if (token.size() > 8) {
      EXPECT_THAT(result.status().message(), Not(HasSubstr(token.substr(6, 8))));
    }
  }
}

TEST_P(PrincipalStoreTest, HugeTokenIsRefusedQuicklyWithoutDatabaseAccess) {
  if (Postgres()) GTEST_SKIP() << "counts statements through SQLite's trace hook";
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  const std::string secret = Issue("ops1");
  const std::string huge = secret + std::string(1 << 20, 'A');
  int statements = 0;
  sqlite3_trace_v2(db_->sqlite()->handle(), SQLITE_TRACE_STMT, CountStatement, &statements);
  const auto start = std::chrono::steady_clock::now();
  Result<engine::Principal> result = store_->Authenticate(huge);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("longer than 200 bytes"));
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
  // Nor any other malformed token.
  EXPECT_EQ(store_->Authenticate(secret.substr(0, 30)).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(statements, 0);
  // A well-formed one does reach the database.
  EXPECT_TRUE(store_->Authenticate(secret).ok());
  EXPECT_GT(statements, 0);
  sqlite3_trace_v2(db_->sqlite()->handle(), 0, nullptr, nullptr);
}

TEST_P(PrincipalStoreTest, WellFormedButUnknownToken) {
  // A token issued by another store has the right shape and checksum but is unknown here.
  auto other_db = store::StateDb::Open(":memory:");
  ASSERT_TRUE(other_db.ok());
  auto other = PrincipalStore::Open(other_db->get(), &clock_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Add(Person("ops1")).ok());
  auto foreign = (*other)->Issue("ops1", std::nullopt, "");
  ASSERT_TRUE(foreign.ok());
  ASSERT_TRUE((*other)->Authenticate(foreign->secret).ok());

  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  Result<engine::Principal> result = store_->Authenticate(foreign->secret);
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(result.status().message(), "unknown token");
}

TEST_P(PrincipalStoreTest, ExpiredToken) {
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  auto issued = store_->Issue("ops1", std::chrono::minutes(90), "");
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->record.expires, "2026-03-01T11:30:00.000Z");
  clock_.Set("2026-03-01T11:29:59.999Z");
  EXPECT_TRUE(store_->Authenticate(issued->secret).ok());
  EXPECT_EQ(TokenState(issued->record, clock_.NowUtc()), "active");
  clock_.Set("2026-03-01T11:30:00.000Z");
  Result<engine::Principal> result = store_->Authenticate(issued->secret);
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("expired"));
  EXPECT_THAT(result.status().message(), HasSubstr(issued->record.id));
  EXPECT_EQ(TokenState(issued->record, clock_.NowUtc()), "expired");

  // Expiry crosses days, months and leap days correctly.
  clock_.Set("2028-02-28T23:00:00.000Z");
  auto leap = store_->Issue("ops1", std::chrono::hours(24 * 2), "");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(leap->record.expires, "2028-03-01T23:00:00.000Z");
}

TEST_P(PrincipalStoreTest, RevokedToken) {
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  auto issued = store_->Issue("ops1", std::nullopt, "");
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(store_->Revoke(issued->record.id).ok());
  ASSERT_TRUE(store_->Revoke(issued->record.id).ok());  // idempotent
  Result<engine::Principal> result = store_->Authenticate(issued->secret);
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("revoked"));
  auto tokens = store_->Tokens("ops1");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_TRUE((*tokens)[0].revoked);
  EXPECT_EQ(TokenState((*tokens)[0], clock_.NowUtc()), "revoked");
  EXPECT_EQ(store_->Revoke("0123456789ab").code(), StatusCode::kNotFound);
}

TEST_P(PrincipalStoreTest, DisabledPrincipal) {
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  const std::string secret = Issue("ops1");
  ASSERT_TRUE(store_->SetDisabled("ops1", true).ok());
  Result<engine::Principal> result = store_->Authenticate(secret);
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("disabled"));
  EXPECT_EQ(store_->Issue("ops1", std::nullopt, "").status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->SetDisabled("ops1", false).ok());
  EXPECT_TRUE(store_->Authenticate(secret).ok());  // the token itself was not revoked
}

// A server-side session keeps the token's record, not its secret, and re-checks it by id.
TEST_P(PrincipalStoreTest, TheTokenIdReChecksASessionWithoutTheSecret) {
  ASSERT_TRUE(store_->Add(Person("ops1", {"operator"}, {{"terminal", "T2"}})).ok());
  auto issued = store_->Issue("ops1", std::chrono::minutes(90), "browser");
  ASSERT_TRUE(issued.ok());
  TokenRecord record;
  ASSERT_TRUE(store_->Authenticate(issued->secret, &record).ok());
  EXPECT_EQ(record.id, issued->record.id);
  EXPECT_EQ(record.principal, "ops1");
  EXPECT_EQ(record.expires, "2026-03-01T11:30:00.000Z");

  Result<engine::Principal> again = store_->AuthenticateTokenId(record.id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->id, "ops1");
  EXPECT_THAT(again->roles, ElementsAre("operator"));
  EXPECT_EQ(again->attributes.at("terminal"), "T2");

  EXPECT_EQ(store_->AuthenticateTokenId("").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(store_->AuthenticateTokenId("0123456789ab").status().message(), "unknown token");
  // A secret is not an id, nor its hash.
  EXPECT_FALSE(store_->AuthenticateTokenId(issued->secret).ok());

  ASSERT_TRUE(store_->SetDisabled("ops1", true).ok());
  EXPECT_THAT(store_->AuthenticateTokenId(record.id).status().message(), HasSubstr("disabled"));
  ASSERT_TRUE(store_->SetDisabled("ops1", false).ok());
  clock_.Set("2026-03-01T11:30:00.000Z");
  EXPECT_THAT(store_->AuthenticateTokenId(record.id).status().message(), HasSubstr("expired"));
  clock_.Set("2026-03-01T11:00:00.000Z");
  ASSERT_TRUE(store_->Revoke(record.id).ok());
  EXPECT_THAT(store_->AuthenticateTokenId(record.id).status().message(), HasSubstr("revoked"));
}

TEST_P(PrincipalStoreTest, TheDatabaseHoldsNoSecret) {
  if (Postgres()) GTEST_SKIP() << "reads the bytes of the SQLite file";
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  std::vector<std::string> secrets;
  for (int i = 0; i < 5; ++i) secrets.push_back(Issue("ops1"));
  store_.reset();
  db_.reset();  // checkpoints the WAL into the main file
  for (const auto& file : std::filesystem::directory_iterator(dir_)) {
    const std::string bytes = ReadBytes(file.path());
    for (const auto& secret : secrets) {
      EXPECT_EQ(bytes.find(secret.substr(6, 20)), std::string::npos) << file.path();
    }
  }
  // ... but enough to authenticate after reopening.
  auto db = store::StateDb::Open(dir_ / "state.sqlite");
  ASSERT_TRUE(db.ok());
  db_ = std::move(*db);
  store_ = std::move(PrincipalStore::Open(db_.get(), &clock_)).value();
  for (const auto& secret : secrets) EXPECT_TRUE(store_->Authenticate(secret).ok());
}

TEST_P(PrincipalStoreTest, TwoTokensForOnePrincipal) {
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  ASSERT_TRUE(store_->Add(Person("ops2")).ok());
  auto first = store_->Issue("ops1", std::nullopt, "laptop");
  clock_.Set("2026-03-01T10:00:01.000Z");
  auto second = store_->Issue("ops1", std::chrono::hours(1), "ci");
  auto other = store_->Issue("ops2", std::nullopt, "");
  ASSERT_TRUE(first.ok() && second.ok() && other.ok());
  EXPECT_NE(first->record.id, second->record.id);
  EXPECT_EQ(store_->Authenticate(first->secret)->id, "ops1");
  EXPECT_EQ(store_->Authenticate(second->secret)->id, "ops1");
  ASSERT_TRUE(store_->Revoke(first->record.id).ok());
  EXPECT_EQ(store_->Authenticate(first->secret).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(store_->Authenticate(second->secret).ok());

  auto mine = store_->Tokens("ops1");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].description, "laptop");
  EXPECT_TRUE((*mine)[0].revoked);
  EXPECT_EQ((*mine)[0].expires, "");
  EXPECT_EQ((*mine)[1].description, "ci");
  EXPECT_EQ((*mine)[1].expires, "2026-03-01T11:00:01.000Z");
  EXPECT_EQ(store_->Tokens("")->size(), 3u);
  EXPECT_EQ(store_->Tokens("nobody").status().code(), StatusCode::kNotFound);
}

TEST_P(PrincipalStoreTest, SecretsAndIdsAreDistinct) {
  ASSERT_TRUE(store_->Add(Person("ops1")).ok());
  std::set<std::string> secrets, ids;
  ASSERT_TRUE(db_->Transaction([&]() -> Status {
                   for (int i = 0; i < 1000; ++i) {
                     ASSIGN_OR_RETURN(IssuedToken issued, store_->Issue("ops1", std::nullopt, ""));
                     secrets.insert(issued.secret);
                     ids.insert(issued.record.id);
                   }
                   return OkStatus();
                 })
                  .ok());
  EXPECT_EQ(secrets.size(), 1000u);
  EXPECT_EQ(ids.size(), 1000u);
}

INSTANTIATE_TEST_SUITE_P(Engines, PrincipalStoreTest,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         store::EngineName);

// Two nodes on one PostgreSQL state: each has its own connection and store, and neither keeps
// anything the other could make stale.
TEST(PrincipalStorePgTest, TokensIssuedOnOneNodeAuthenticateOnAnotherUntilRevoked) {
  CAIRN_NEED_TEST_PG();
  store::TestPgDatabase pg;
  auto db_a = pg.Open();
  auto db_b = pg.Open();
  ASSERT_TRUE(db_a.ok() && db_b.ok()) << db_a.status().ToString() << db_b.status().ToString();
  ledger::FixedClock clock{kStart};
  auto a = PrincipalStore::Open(db_a->get(), &clock);
  auto b = PrincipalStore::Open(db_b->get(), &clock);
  ASSERT_TRUE(a.ok() && b.ok());
  PrincipalRecord ops;
  ops.id = "ops1";
  ops.roles = {"operator"};
  ASSERT_TRUE((*a)->Add(ops).ok());
  auto issued = (*a)->Issue("ops1", std::chrono::hours(1), "node a");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();

  // Authenticated on B (warm: B has seen it once before the revocation).
  auto on_b = (*b)->Authenticate(issued->secret);
  ASSERT_TRUE(on_b.ok()) << on_b.status().ToString();
  EXPECT_EQ(on_b->id, "ops1");
  EXPECT_TRUE((*b)->AuthenticateTokenId(issued->record.id).ok());

  // Revoked on A: B refuses it on its very next authentication.
  ASSERT_TRUE((*a)->Revoke(issued->record.id).ok());
  Result<engine::Principal> refused = (*b)->Authenticate(issued->secret);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(refused.status().message(), HasSubstr("revoked"));
  EXPECT_THAT((*b)->AuthenticateTokenId(issued->record.id).status().message(),
              HasSubstr("revoked"));

  // A principal disabled on B is refused on A.
  auto second = (*b)->Issue("ops1", std::nullopt, "node b");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*a)->Authenticate(second->secret).ok());
  ASSERT_TRUE((*b)->SetDisabled("ops1", true).ok());
  EXPECT_THAT((*a)->Authenticate(second->secret).status().message(), HasSubstr("disabled"));

  // Both nodes list the same tokens in the order they were issued.
  auto listed = (*a)->Tokens("ops1");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].description, "node a");
  EXPECT_EQ((*listed)[1].description, "node b");
}

TEST(ParseTtlTest, UnitsAndErrors) {
  EXPECT_EQ(*ParseTtl("90m"), std::chrono::minutes(90));
  EXPECT_EQ(*ParseTtl("12h"), std::chrono::hours(12));
  EXPECT_EQ(*ParseTtl("30d"), std::chrono::hours(24 * 30));
  EXPECT_EQ(*ParseTtl("45s"), std::chrono::seconds(45));
  EXPECT_EQ(*ParseTtl("3650d"), std::chrono::hours(24 * 3650));
  for (const char* bad :
       {"", "d", "0d", "-1d", "1.5h", "1w", "12", " 1h", "3651d", "99999999999999999999d"}) {
    EXPECT_EQ(ParseTtl(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace cairn::policy
