// The web UI's building blocks without a server: escaping, sessions and their CSRF tokens,
// cookies, and the pages rendered from case JSON. The handlers over a real demo workspace are
// in ui_handler_test.cc.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/ui_html.h"
#include "server/ui_pages.h"
#include "server/ui_session.h"
#include "store/pg_testing.h"

namespace cairn::server::ui {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kXss[] = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">";

TEST(UiEscapeTest, EveryCharacterWithMeaningBecomesAnEntity) {
  EXPECT_EQ(Escape(kXss),
            "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x "
            "onerror=&quot;window.__xss=1&quot;&gt;");
  EXPECT_EQ(Escape("a & b 'c'"), "a &amp; b &#39;c&#39;");
  EXPECT_EQ(Escape("&amp;"), "&amp;amp;");  // never decoded first
  EXPECT_EQ(Escape(""), "");
}

TEST(UiEscapeTest, InvalidUtf8AndControlsBecomeReplacementCharacters) {
  EXPECT_EQ(Escape("Ærø — 東京 🚢"), "Ærø — 東京 🚢");
  EXPECT_EQ(Escape("tab\tnewline\nreturn\r"), "tab\tnewline\nreturn\r");
  EXPECT_EQ(Escape(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(Escape("\x1b[31m"), "\xEF\xBF\xBD[31m");
  EXPECT_EQ(Escape("\xC2\x85"), "\xEF\xBF\xBD");                              // C1 control (NEL)
  EXPECT_EQ(Escape("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '<'
  EXPECT_EQ(Escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(Escape("ok\xE2\x82"), "ok\xEF\xBF\xBD\xEF\xBF\xBD");              // cut short
  EXPECT_TRUE(IsUtf8("Ærø 🚢"));
  EXPECT_FALSE(IsUtf8("\xFF"));
  EXPECT_FALSE(IsUtf8("\xE2\x82"));
}

TEST(UiEscapeTest, UrlSegmentsAndJsonText) {
  EXPECT_EQ(UrlSegment("container_release"), "container_release");
  EXPECT_EQ(UrlSegment("a/b c?\"<"), "a%2Fb%20c%3F%22%3C");
  EXPECT_EQ(Text(Json()), "");
  EXPECT_EQ(Text(Json("x")), "x");
  EXPECT_EQ(Text(Json(42)), "42");
  EXPECT_EQ(Text(Json::array({1, "a"})), "[1,\"a\"]");
  EXPECT_TRUE(At(Json(3), "x").is_null());
  EXPECT_TRUE(At(Json::object(), "x").is_null());
  EXPECT_EQ(Field(Json{{"x", 1}}, "x"), "1");
}

// --- sessions -----------------------------------------------------------------------------

// Sessions live in the state database: every test runs on both engines.
class SessionStoreTest : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Dialect::kPostgres) CAIRN_NEED_TEST_PG();
    auto db = store::OpenTestState(GetParam(), &pg_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    store_ = std::make_unique<SessionStore>(Options());
  }
  SessionOptions Options() {
    SessionOptions options;
    options.idle = std::chrono::minutes(30);
    options.lifetime = std::chrono::hours(12);
    options.max_sessions = 3;
    options.now = [this] { return now_; };
    return options;
  }
  void Advance(std::chrono::seconds by) { now_ += by; }

  Result<NewSession> Open(const std::string& principal, const std::string& kind,
                          const std::string& token_id, const std::string& expires) {
    return store_->Open(db_.get(), principal, kind, token_id, expires);
  }
  std::optional<SessionView> Find(std::string_view id) {
    Result<std::optional<SessionView>> found = store_->Find(db_.get(), id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }
  void Flash(const std::string& key, const std::string& message) {
    ASSERT_TRUE(store_->Flash(db_.get(), key, message).ok());
  }
  void End(const std::string& key) { ASSERT_TRUE(store_->End(db_.get(), key).ok()); }
  // Rows in the table, ended ones included (Count() counts live ones).
  int64_t Rows() {
    int64_t n = -1;
    EXPECT_TRUE(db_->Query("SELECT count(*) FROM ui_sessions", {},
                           [&](const store::Row& r) {
                             n = r.Int(0);
                             return OkStatus();
                           })
                    .ok());
    return n;
  }

  SystemClock::time_point now_ = *ParseUtc("2026-03-01T10:00:00.000Z");
  std::unique_ptr<store::TestPgDatabase> pg_;
  std::unique_ptr<store::StateDb> db_;
  std::unique_ptr<SessionStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Engines, SessionStoreTest,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         store::EngineName);

TEST_P(SessionStoreTest, SessionsHaveRandomIdsAndCsrfTokensAndKeepOnlyWhatIsNeeded) {
  Result<NewSession> a = Open("rita", "person", "0123456789ab", "");
  Result<NewSession> b = Open("rita", "person", "0123456789ab", "");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->id.size(), 64u);
  EXPECT_EQ(a->csrf.size(), 64u);
  EXPECT_NE(a->id, b->id);
  EXPECT_NE(a->id, a->csrf);
  EXPECT_EQ(a->max_age, std::chrono::hours(12));

  std::optional<SessionView> view = Find(a->id);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->principal, "rita");
  EXPECT_EQ(view->kind, "person");
  EXPECT_EQ(view->token_id, "0123456789ab");
  EXPECT_EQ(view->csrf, a->csrf);
  // The store is keyed by the id's hash: the key is not a usable cookie.
  EXPECT_NE(view->key, a->id);
  EXPECT_FALSE(Find(view->key).has_value());
  EXPECT_FALSE(Find("").has_value());
  EXPECT_FALSE(Find(std::string(64, '0')).has_value());
}

TEST_P(SessionStoreTest, IdleTimeLifetimeAndTheTokensExpiryEndASession) {
  Result<NewSession> s = Open("rita", "person", "t1", "");
  ASSERT_TRUE(s.ok());
  Advance(std::chrono::minutes(29));
  EXPECT_TRUE(Find(s->id).has_value());  // restarts the idle time
  Advance(std::chrono::minutes(29));
  EXPECT_TRUE(Find(s->id).has_value());
  Advance(std::chrono::minutes(30));
  EXPECT_FALSE(Find(s->id).has_value());
  EXPECT_EQ(Rows(), 0);  // deleted

  Result<NewSession> long_lived = Open("rita", "person", "t1", "");
  ASSERT_TRUE(long_lived.ok());
  const SystemClock::time_point signed_in = now_;
  while (now_ + std::chrono::minutes(20) < signed_in + std::chrono::hours(12)) {
    Advance(std::chrono::minutes(20));
    ASSERT_TRUE(Find(long_lived->id).has_value());
  }
  Advance(std::chrono::minutes(20));
  EXPECT_FALSE(Find(long_lived->id).has_value());  // 12 hours at most, however busy

  // A token expiring in 10 minutes bounds the session and its cookie.
  now_ = *ParseUtc("2026-03-01T22:00:00Z");
  Result<NewSession> short_lived = Open("rita", "person", "t2", "2026-03-01T22:10:00.000Z");
  ASSERT_TRUE(short_lived.ok()) << short_lived.status().ToString();
  EXPECT_EQ(short_lived->max_age, std::chrono::minutes(10));
  Advance(std::chrono::minutes(10));
  EXPECT_FALSE(Find(short_lived->id).has_value());
  EXPECT_EQ(Open("rita", "person", "t2", "2026-03-01T22:10:00.000Z").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Open("rita", "person", "t2", "tomorrow").status().code(), StatusCode::kInvalidArgument);
}

TEST_P(SessionStoreTest, FlashIsShownOnceAndEndRemoves) {
  Result<NewSession> s = Open("rita", "person", "t1", "");
  ASSERT_TRUE(s.ok());
  const std::string key = Find(s->id)->key;
  Flash(key, "Case 3: decided.");
  EXPECT_EQ(Find(s->id)->flash, "Case 3: decided.");
  EXPECT_EQ(Find(s->id)->flash, "");
  End(key);
  EXPECT_FALSE(Find(s->id).has_value());
}

TEST_P(SessionStoreTest, AFullStoreDropsEndedSessionsOrRefuses) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Open("rita", "person", "t", "").ok());
  EXPECT_EQ(Open("rita", "person", "t", "").status().code(), StatusCode::kResourceExhausted);
  Advance(std::chrono::hours(1));  // all idle too long
  EXPECT_TRUE(Open("rita", "person", "t", "").ok());
  EXPECT_EQ(Rows(), 1);  // the ended ones were deleted
  EXPECT_EQ(*store_->Count(db_.get()), 1u);
  EXPECT_EQ(store_->size(), 1u);
}

// Two nodes: two stores (two servers), each with its own connection to one state database.
TEST_P(SessionStoreTest, ASessionOpenedOnOneNodeIsKnownToAnotherAndEndsOnBoth) {
  if (GetParam() == store::Dialect::kSqlite) {
    GTEST_SKIP() << "a private in-memory SQLite database is not shared by two connections";
  }
  Result<std::unique_ptr<store::StateDb>> other_db = db_->OpenAnother();
  ASSERT_TRUE(other_db.ok()) << other_db.status().ToString();
  SessionStore node_b(Options());
  Result<NewSession> s = Open("rita", "person", "t1", "");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Result<std::optional<SessionView>> on_b = node_b.Find(other_db->get(), s->id);
  ASSERT_TRUE(on_b.ok()) << on_b.status().ToString();
  ASSERT_TRUE(on_b->has_value());
  EXPECT_EQ((*on_b)->principal, "rita");
  EXPECT_EQ((*on_b)->csrf, s->csrf);
  // A flash set on B is shown by the next page, served by A.
  ASSERT_TRUE(node_b.Flash(other_db->get(), (*on_b)->key, "Case 3: decided.").ok());
  EXPECT_EQ(Find(s->id)->flash, "Case 3: decided.");
  // Signed out on B: unknown on A.
  ASSERT_TRUE(node_b.End(other_db->get(), (*on_b)->key).ok());
  EXPECT_FALSE(Find(s->id).has_value());
}

TEST_P(SessionStoreTest, TheTableHoldsTheHashOfTheSessionIdNeverTheId) {
  Result<NewSession> s = Open("rita", "person", "t1", "");
  ASSERT_TRUE(s.ok());
  int64_t raw = -1, hashed = -1;
  ASSERT_TRUE(db_->Query("SELECT count(*) FROM ui_sessions WHERE id_hash = ?", {s->id},
                         [&](const store::Row& r) {
                           raw = r.Int(0);
                           return OkStatus();
                         })
                  .ok());
  ASSERT_TRUE(db_->Query("SELECT count(*) FROM ui_sessions WHERE id_hash = ?", {Find(s->id)->key},
                         [&](const store::Row& r) {
                           hashed = r.Int(0);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(raw, 0);
  EXPECT_EQ(hashed, 1);
}

TEST(UiSessionTest, SecretsCompareWholeAndCookiesParse) {
  EXPECT_TRUE(SameSecret("abc", "abc"));
  EXPECT_FALSE(SameSecret("abc", "abd"));
  EXPECT_FALSE(SameSecret("abc", "abcd"));
  EXPECT_FALSE(SameSecret("", ""));
  EXPECT_THAT(CookieValues("a=1; cairn_ui=xyz;b=2; cairn_ui=\"q\"", "cairn_ui"),
              ElementsAre("xyz", "q"));
  EXPECT_THAT(CookieValues("cairn_uix=1; xcairn_ui=2; cairn_ui", "cairn_ui"), ElementsAre());
  EXPECT_TRUE(ParseUtc("2026-03-01T10:00:00Z").ok());
  EXPECT_FALSE(ParseUtc("2026-02-30T10:00:00Z").ok());
  EXPECT_FALSE(ParseUtc("2026-03-01 10:00:00").ok());
  EXPECT_EQ(*ParseUtc("2026-03-01T10:00:01.500Z") - *ParseUtc("2026-03-01T10:00:00Z"),
            std::chrono::milliseconds(1500));
}

// --- pages ----------------------------------------------------------------------------------

Json EvilCase(const std::string& status = "waiting") {
  return Json{
      {"id", 7},
      {"workflow", "container_release"},
      {"version", "abcdef0123456789"},
      {"level", "suggest"},
      {"status", status},
      {"inputs", {{"container_no", "MSCU1234565"}}},
      {"as_of", "2026-03-02T00:00:00Z"},
      {"started_by", "release-bot"},
      {"started_at", "2026-03-02T00:00:01Z"},
      {"evidence_digest", "d1g35t"},
      {"waiting_role", status == "waiting" ? Json("release_officer") : Json()},
      {"steps",
       Json::array(
           {{{"step", "container"},
             {"kind", "query"},
             {"title", "Container"},
             {"status", "done"},
             {"ledger_seq", 41},
             {"sql", "SELECT consignee_name FROM tos.containers WHERE container_no = :c"},
             {"evidence",
              {{"columns", {"consignee_name", "weight"}},
               {"rows", Json::array({Json::array({kXss, 12.5}), Json::array({nullptr, 3})})},
               {"label", "confidential"},
               {"reads", {"tos.containers.consignee_name", "tos.containers.weight"}},
               {"view", "as rita sees it now"}}}},
            {{"step", "in_yard"},
             {"kind", "check"},
             {"title", "In the yard"},
             {"status", "done"},
             {"ledger_seq", 42},
             {"uses", {"container"}},
             {"check", {{"outcome", "fail"}, {"reason", std::string("not ") + kXss}}}},
            {{"step", "review"},
             {"kind", "decide"},
             {"title", "Decide"},
             {"status", status},
             {"role", "release_officer"}}})},
      {"recommendation", {{"verdict", "reject"}, {"reason", "1 check failed"}}},
      {"suggestion", std::string("APPROVE ") + kXss},
      {"decision", nullptr},
      {"review", {{"required", false}}},
      {"actions", Json::array()}};
}

Viewer Rita() { return Viewer{"rita", "person", {"release_officer"}, "c5rf", true}; }

TEST(UiPagesTest, TheCasePageEscapesEverythingFromTheSources) {
  const std::string page = CasePage(EvilCase(), Rita(), "");
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
  EXPECT_THAT(page, Not(HasSubstr("<img")));
  for (const char* expected : {
           "&lt;script&gt;window.__xss=1&lt;/script&gt;",
           // The check, its reason, the evidence it used with its label, SQL and source tables.
           "data-step=\"in_yard\" data-outcome=\"fail\"",
           "<td class=\"num\">12.5</td>",
           "<td class=\"null\">null</td>",
           "<strong class=\"label\">confidential</strong>",
           "<span class=\"sources\">tos.containers</span>",
           "SELECT consignee_name FROM tos.containers",
           "href=\"/ui/ledger/41\"",
           "href=\"/ui/ledger/42\"",
           // The model's suggestion is marked as what it is.
           "Suggestion from a language model — not a check",
           // The form for a holder of the role, with this session's CSRF token.
           "action=\"/ui/cases/7/decision\"",
           "<input type=\"hidden\" name=\"csrf\" value=\"c5rf\">",
       }) {
    EXPECT_THAT(page, HasSubstr(expected));
  }
}

TEST(UiPagesTest, TheFormIsOfferedOnlyToPeopleOfTheRoleOnAWaitingCase) {
  Viewer other{"olga", "person", {"port_operator"}, "x", true};
  EXPECT_THAT(CasePage(EvilCase(), other, ""), Not(HasSubstr("/decision\"")));
  EXPECT_THAT(CasePage(EvilCase(), other, ""), HasSubstr("which you do not hold"));
  Viewer agent{"bot", "agent", {"release_officer"}, "x", true};
  EXPECT_THAT(CasePage(EvilCase(), agent, ""), Not(HasSubstr("/decision\"")));
  EXPECT_THAT(CasePage(EvilCase(), agent, ""), HasSubstr("agents"));
  Json decided = EvilCase("done");
  decided["decision"] = {
      {"verdict", "approve"},         {"kind", "human"},    {"by", "rita"},    {"reason", kXss},
      {"at", "2026-03-02T01:00:00Z"}, {"level", "suggest"}, {"ledger_seq", 50}};
  decided["actions"] = Json::array({{{"step", "release_order"},
                                     {"sink", "outbox"},
                                     {"status", "failed"},
                                     {"attempts", 3},
                                     {"last_error", "disk full"},
                                     {"ledger_seq", nullptr}}});
  const std::string page = CasePage(decided, Rita(), "");
  EXPECT_THAT(page, Not(HasSubstr("/decision\"")));
  EXPECT_THAT(page, HasSubstr("id=\"decision\""));
  EXPECT_THAT(page, HasSubstr("disk full"));
  EXPECT_THAT(page, HasSubstr("not in the ledger yet"));
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
}

TEST(UiPagesTest, ARefusedDraftIsShownAgainWithWhy) {
  DecisionDraft draft{"decision", "reject", "<b>bold</b>", "A reason is required."};
  const std::string page = CasePage(EvilCase(), Rita(), "", draft);
  EXPECT_THAT(page, HasSubstr("id=\"form-error\">A reason is required.</p>"));
  EXPECT_THAT(page, HasSubstr("value=\"reject\" required checked"));
  EXPECT_THAT(page, HasSubstr("&lt;b&gt;bold&lt;/b&gt;</textarea>"));
}

TEST(UiPagesTest, QueueLedgerAndErrorPages) {
  const std::string empty = QueuePage(Json::array(), Rita(), "");
  EXPECT_THAT(empty, HasSubstr("id=\"empty-queue\""));
  Json cases = Json::array({{{"id", 3},
                             {"workflow", "container_release"},
                             {"inputs", {{"container_no", kXss}}},
                             {"started_at", "2026-03-02T00:00:00Z"},
                             {"started_by", "release-bot"},
                             {"recommendation", "reject"},
                             {"waiting_role", "release_officer"},
                             {"checks", {{"pass", 3}, {"fail", 2}, {"unknown", 1}}}}});
  const std::string queue = QueuePage(cases, Rita(), "Case 2: your decision is recorded.");
  EXPECT_THAT(queue, HasSubstr("<tr data-case=\"3\"><td><a href=\"/ui/cases/3\">#3</a>"));
  EXPECT_THAT(queue, HasSubstr("<td class=\"num failed\">2</td>"));
  EXPECT_THAT(queue, HasSubstr("<td class=\"num unknown\">1</td>"));
  EXPECT_THAT(queue, HasSubstr("class=\"flash\""));
  EXPECT_THAT(queue, Not(HasSubstr("<script>")));

  Json proof = {{"seq", 0},
                {"tree_size", 1},
                {"leaf_hash", std::string(64, 'a')},
                {"root_hash", std::string(64, 'a')},
                {"path", Json::array()},
                {"entry", {{"seq", 0}, {"action", "serve"}, {"subject", kXss}}}};
  EXPECT_THAT(LedgerPage(proof, Rita(), ""), HasSubstr("yes</dd>"));  // one leaf: leaf = root
  proof["root_hash"] = std::string(64, 'b');
  EXPECT_THAT(LedgerPage(proof, Rita(), ""), HasSubstr("no</dd>"));
  EXPECT_THAT(LedgerPage(Json("garbage"), Rita(), ""), HasSubstr("no</dd>"));

  const std::string error = ErrorPage(409, kXss, nullptr);
  EXPECT_THAT(error, HasSubstr("Already decided (409)"));
  EXPECT_THAT(error, Not(HasSubstr("<script>")));
  // Pages never fetch anything from elsewhere.
  for (const std::string& page : {empty, queue, error, LoginPage("/ui/cases/1", "", "")}) {
    EXPECT_THAT(page, Not(HasSubstr("http")));
    EXPECT_THAT(page, Not(HasSubstr("<script")));
  }
}

TEST(UiPagesTest, PagesSurviveUnexpectedShapes) {
  for (const Json& odd : {Json(), Json(3), Json("x"), Json::array({1}), Json::object(),
                          Json{{"steps", 5}, {"inputs", "x"}, {"review", 1}}}) {
    EXPECT_FALSE(CasePage(odd, Rita(), "").empty());
    EXPECT_FALSE(QueuePage(odd, Rita(), "").empty());
    EXPECT_FALSE(WorkflowsPage(odd, Rita(), "").empty());
    EXPECT_FALSE(WorkflowPage(odd, Rita(), "").empty());
    EXPECT_FALSE(LedgerPage(odd, Rita(), "").empty());
  }
}

}  // namespace
}  // namespace cairn::server::ui
