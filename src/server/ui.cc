#include "server/ui.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>

#include "core/strings.h"
#include "policy/principals.h"
#include "server/common.h"
#include "server/ui_html.h"
#include "server/ui_pages.h"
#include "service/workflow_api.h"

namespace cairn::server {
namespace {

using ui::Json;

constexpr std::string_view kIngress = "ui";
constexpr std::string_view kCookie = "cairn_ui";
constexpr size_t kMaxReasonBytes = 4000;
constexpr int64_t kQueueLimit = 200;
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'none'; style-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

// Who is asking: a session (cookie) or a bearer token, and the principal as stored now.
struct Visitor {
  engine::Principal principal;
  ui::Viewer viewer;
  std::string session_key;  // empty for a bearer-token caller
  std::string flash;
  service::Caller Caller() const { return service::Caller{principal, std::string(kIngress)}; }
};

void Harden(HttpResponse& response) {
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

HttpResponse Html(int status, std::string page, std::string route) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(page);
  response.route = std::move(route);
  return response;
}

// 303 See Other: after a POST the browser GETs `location` (no form sent twice on reload).
HttpResponse Redirect(std::string location, std::string route) {
  HttpResponse response = Html(303, "", std::move(route));
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

HttpResponse ErrorHtml(int status, std::string_view message, const Visitor* visitor,
                       std::string route) {
  return Html(status, ui::ErrorPage(status, message, visitor ? &visitor->viewer : nullptr),
              std::move(route));
}

HttpResponse ErrorHtml(const Status& status, const Visitor* visitor, std::string route) {
  return ErrorHtml(HttpStatus(status.code()), status.message(), visitor, std::move(route));
}

std::string Lower(std::string_view text) {
  std::string out = AsciiLower(text);
  while (!out.empty() && (out.back() == '/' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string FormValue(const std::multimap<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

bool Blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Where to go after signing in: a page of this UI, nothing else (no open redirect).
std::string SafeNext(std::string_view next) {
  if (next.rfind("/ui/", 0) != 0 || next.size() > 512) return "";
  for (const char c : next) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x21 || c == 0x7F) return "";
  }
  if (next.find("//") != std::string_view::npos) return "";
  return std::string(next);
}

// A case id or a ledger sequence number: decimal digits only.
Result<int64_t> ParseNumber(std::string_view text, const char* what) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgumentError("'{}' is not a {}: {}s are whole numbers", text, what, what);
  }
  return std::stoll(std::string(text));
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string SessionCookie(const std::string& value, int64_t max_age, bool tls) {
  return fmt::format("{}={}; Path=/ui; Max-Age={}; HttpOnly; SameSite=Strict{}", kCookie, value,
                     max_age, tls ? "; Secure" : "");
}

}  // namespace

struct WebUi::Impl {
  explicit Impl(WebUiOptions o) : options(std::move(o)), sessions(options.sessions) {}

  HttpResponse Route(const HttpRequest& request, service::Api& api);
  // The visitor of a request: its live session, else its bearer token; nullopt for neither.
  // `ended` is set when a session cookie named a session that has just ended.
  Result<std::optional<Visitor>> Identify(const HttpRequest& request, service::Api& api,
                                          bool* ended);
  // PermissionDenied unless a POST comes from this server's pages.
  Status CheckOrigin(const HttpRequest& request) const;
  Status CheckForm(const HttpRequest& request, const Visitor& visitor,
                   const std::multimap<std::string, std::string>& form) const;

  HttpResponse LoginPage(const HttpRequest& request, service::Api& api);
  HttpResponse Login(const HttpRequest& request, service::Api& api);
  HttpResponse Logout(const HttpRequest& request, service::Api& api, const Visitor& visitor);
  HttpResponse Queue(service::Api& api, const Visitor& visitor);
  HttpResponse Case(service::Api& api, const Visitor& visitor, std::string_view id_text);
  HttpResponse Decide(const HttpRequest& request, service::Api& api, const Visitor& visitor,
                      std::string_view id_text, const std::string& form_kind);
  HttpResponse Workflows(service::Api& api, const Visitor& visitor);
  HttpResponse Workflow(service::Api& api, const Visitor& visitor, const std::string& name);
  HttpResponse Ledger(service::Api& api, const Visitor& visitor, std::string_view seq_text);

  WebUiOptions options;
  ui::SessionStore sessions;
};

WebUi::WebUi(WebUiOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
WebUi::~WebUi() = default;

size_t WebUi::sessions() const { return impl_->sessions.size(); }

HttpResponse WebUi::Handle(const HttpRequest& request, service::Api& api) {
  HttpResponse response = impl_->Route(request, api);
  Harden(response);
  return response;
}

HttpResponse WebUi::Impl::Route(const HttpRequest& request, service::Api& api) {
  const std::string& path = request.path;
  // No HEAD: the server writes every body it is given, which a HEAD response must not carry.
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  auto not_allowed = [](const char* allow, std::string route) {
    HttpResponse response = ErrorHtml(405, "This page does not take that method.", nullptr, route);
    response.headers.emplace_back("Allow", allow);
    return response;
  };
  if (path == "/ui") return Redirect("/ui/", "/ui");
  if (path == "/ui/style.css") {
    if (!get) return not_allowed("GET", "/ui/style.css");
    HttpResponse response = Html(200, std::string(ui::StyleSheet()), "/ui/style.css");
    response.content_type = "text/css; charset=utf-8";
    return response;
  }
  if (path == "/ui/login") {
    if (get) return LoginPage(request, api);
    if (post) return Login(request, api);
    return not_allowed("GET, POST", "/ui/login");
  }

  bool ended = false;
  Result<std::optional<Visitor>> who = Identify(request, api, &ended);
  if (!who.ok()) return ErrorHtml(who.status(), nullptr, "/ui/other");
  if (!who->has_value()) {
    if (!get) {
      return ErrorHtml(401, "Sign in first: this form needs a signed-in session.", nullptr,
                       "/ui/other");
    }
    std::string location = "/ui/login";
    const std::string next = SafeNext(path);
    if (!next.empty()) location += "?next=" + ui::UrlSegment(next);
    if (ended) location += (next.empty() ? "?" : "&") + std::string("ended=1");
    HttpResponse response = Redirect(location, "/ui/other");
    if (ended) response.headers.emplace_back("Set-Cookie", SessionCookie("", 0, options.tls));
    return response;
  }
  const Visitor& visitor = **who;

  const std::vector<std::string_view> s = Segments(std::string_view(path).substr(4));
  HttpResponse response;
  if (s.empty() || (s.size() == 1 && s[0].empty())) {
    response = get ? Queue(api, visitor) : not_allowed("GET", "/ui/");
  } else if (s.size() == 1 && s[0] == "logout") {
    response = post ? Logout(request, api, visitor) : not_allowed("POST", "/ui/logout");
  } else if (s.size() == 2 && s[0] == "cases") {
    response = get ? Case(api, visitor, s[1]) : not_allowed("GET", "/ui/cases/{id}");
  } else if (s.size() == 3 && s[0] == "cases" && (s[2] == "decision" || s[2] == "review")) {
    const std::string kind(s[2]);
    response = post ? Decide(request, api, visitor, s[1], kind)
                    : not_allowed("POST", "/ui/cases/{id}/" + kind);
  } else if (s.size() == 1 && s[0] == "workflows") {
    response = get ? Workflows(api, visitor) : not_allowed("GET", "/ui/workflows");
  } else if (s.size() == 2 && s[0] == "workflows") {
    response = get ? Workflow(api, visitor, std::string(s[1]))
                   : not_allowed("GET", "/ui/workflows/{name}");
  } else if (s.size() == 2 && s[0] == "ledger") {
    response = get ? Ledger(api, visitor, s[1]) : not_allowed("GET", "/ui/ledger/{seq}");
  } else {
    response = ErrorHtml(404, "There is no such page.", &visitor, "/ui/other");
  }
  response.principal = visitor.principal.id;
  return response;
}

Result<std::optional<Visitor>> WebUi::Impl::Identify(const HttpRequest& request, service::Api& api,
                                                     bool* ended) {
  ASSIGN_OR_RETURN(policy::PrincipalStore * store, api.workspace().Principals());
  ASSIGN_OR_RETURN(cairn::store::StateDb * db, api.workspace().StateDb());
  for (const std::string& value : ui::CookieValues(request.Header("cookie"), kCookie)) {
    ASSIGN_OR_RETURN(std::optional<ui::SessionView> session, sessions.Find(db, value));
    if (!session) {
      *ended = true;
      continue;
    }
    // The token is checked again on every request: revoking it, or disabling the principal,
    // ends the session; roles changed since sign-in apply at once.
    Result<engine::Principal> principal = store->AuthenticateTokenId(session->token_id);
    if (!principal.ok()) {
      RETURN_IF_ERROR(sessions.End(db, session->key));
      *ended = true;
      continue;
    }
    Visitor visitor;
    visitor.viewer =
        ui::Viewer{principal->id, session->kind, principal->roles, session->csrf, true};
    visitor.principal = *std::move(principal);
    visitor.session_key = session->key;
    visitor.flash = std::move(session->flash);
    *ended = false;
    return std::optional<Visitor>(std::move(visitor));
  }
  if (request.Header("authorization").empty()) return std::optional<Visitor>();
  ASSIGN_OR_RETURN(service::Caller caller, CallerOf(request, api, std::string(kIngress)));
  ASSIGN_OR_RETURN(policy::PrincipalRecord record, store->Get(caller.principal.id));
  Visitor visitor;
  visitor.viewer = ui::Viewer{caller.principal.id, record.kind, caller.principal.roles, "", false};
  visitor.principal = std::move(caller.principal);
  return std::optional<Visitor>(std::move(visitor));
}

Status WebUi::Impl::CheckOrigin(const HttpRequest& request) const {
  // What the browser says about where the request comes from: only this server's own pages
  // (same-origin) post forms here; "same-site" would be another port or host of the site.
  const std::string site = Lower(request.Header("sec-fetch-site"));
  if (!site.empty() && site != "same-origin" && site != "none") {
    return PermissionDeniedError(
        "This form was sent from another site ({}). Open the page on this server and submit it "
        "there.",
        site);
  }
  const std::string origin = Lower(request.Header("origin"));
  // No Origin, or "null" (what browsers send under this UI's Referrer-Policy: no-referrer):
  // Sec-Fetch-Site above and the CSRF token decide.
  if (origin.empty() || origin == "null") return OkStatus();
  const std::string own = (options.tls ? "https://" : "http://") + Lower(request.Header("host"));
  if (origin == own) return OkStatus();
  for (const std::string& allowed : options.allowed_origins) {
    if (!allowed.empty() && Lower(allowed) == origin) return OkStatus();
  }
  return PermissionDeniedError(
      "This form was sent from another origin ({}), not from this server's pages. Open the page "
      "on this server and submit it there.",
      request.Header("origin"));
}

Status WebUi::Impl::CheckForm(const HttpRequest& request, const Visitor& visitor,
                              const std::multimap<std::string, std::string>& form) const {
  RETURN_IF_ERROR(CheckOrigin(request));
  // A bearer token is not sent by a browser on its own: such a request cannot be forged.
  if (visitor.session_key.empty()) return OkStatus();
  const std::string csrf = FormValue(form, "csrf");
  if (csrf.empty()) {
    return PermissionDeniedError(
        "The form carried no CSRF token, so it was not accepted. Reload the page and submit it "
        "again.");
  }
  if (!ui::SameSecret(csrf, visitor.viewer.csrf)) {
    return PermissionDeniedError(
        "The form's CSRF token does not belong to this session (it may come from an earlier "
        "sign-in), so it was not accepted. Reload the page and submit it again.");
  }
  return OkStatus();
}

namespace {

// The fields of a POST body: 415 unless it is a form (application/x-www-form-urlencoded, what
// the pages' forms send).
Result<std::multimap<std::string, std::string>> ReadForm(const HttpRequest& request) {
  std::string type = Lower(request.Header("content-type"));
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type != "application/x-www-form-urlencoded") {
    return UnimplementedError("this form must be sent as application/x-www-form-urlencoded");
  }
  std::multimap<std::string, std::string> form;
  ParseUrlEncoded(request.body, form);
  return form;
}

HttpResponse FormRefused(const Status& status, const Visitor* visitor, std::string route) {
  return ErrorHtml(status.code() == StatusCode::kUnimplemented ? 415 : HttpStatus(status.code()),
                   status.message(), visitor, std::move(route));
}

}  // namespace

HttpResponse WebUi::Impl::LoginPage(const HttpRequest& request, service::Api& api) {
  const std::string next = SafeNext(request.Param("next"));
  bool ended = false;
  // Already signed in: straight on. A refused bearer token just shows the form.
  Result<std::optional<Visitor>> who = Identify(request, api, &ended);
  if (who.ok() && who->has_value() && !(*who)->session_key.empty()) {
    return Redirect(next.empty() ? "/ui/" : next, "/ui/login");
  }
  std::string notice;
  if (!request.Param("signed_out").empty()) notice = "You have signed out.";
  if (!request.Param("ended").empty() || ended) {
    notice = "Your session has ended (time, sign-out, or the token was revoked). Sign in again.";
  }
  return Html(200, ui::LoginPage(next, notice, ""), "/ui/login");
}

HttpResponse WebUi::Impl::Login(const HttpRequest& request, service::Api& api) {
  Result<std::multimap<std::string, std::string>> form = ReadForm(request);
  if (!form.ok()) return FormRefused(form.status(), nullptr, "/ui/login");
  if (Status origin = CheckOrigin(request); !origin.ok()) {
    return ErrorHtml(origin, nullptr, "/ui/login");
  }
  const std::string next = SafeNext(FormValue(*form, "next"));
  std::string token = FormValue(*form, "token");
  token.erase(0, token.find_first_not_of(" \t\r\n"));
  token.erase(token.find_last_not_of(" \t\r\n") + 1);
  if (token.empty()) return Html(400, ui::LoginPage(next, "", "Paste your token."), "/ui/login");

  Result<policy::PrincipalStore*> store = api.workspace().Principals();
  if (!store.ok()) return ErrorHtml(store.status(), nullptr, "/ui/login");
  policy::TokenRecord record;
  Result<engine::Principal> principal = (*store)->Authenticate(token, &record);
  if (!principal.ok()) {
    return Html(401, ui::LoginPage(next, "", "Sign-in refused: " + principal.status().message()),
                "/ui/login");
  }
  Result<policy::PrincipalRecord> stored = (*store)->Get(principal->id);
  if (!stored.ok()) return ErrorHtml(stored.status(), nullptr, "/ui/login");
  Result<cairn::store::StateDb*> db = api.workspace().StateDb();
  if (!db.ok()) return ErrorHtml(db.status(), nullptr, "/ui/login");
  // A sign-in replaces the session the browser had, if any.
  for (const std::string& value : ui::CookieValues(request.Header("cookie"), kCookie)) {
    Result<std::optional<ui::SessionView>> old = sessions.Find(*db, value);
    Status ended = !old.ok() ? old.status() : *old ? sessions.End(*db, (*old)->key) : OkStatus();
    if (!ended.ok()) return ErrorHtml(ended, nullptr, "/ui/login");
  }
  Result<ui::NewSession> session =
      sessions.Open(*db, principal->id, stored->kind, record.id, record.expires);
  if (!session.ok()) return ErrorHtml(session.status(), nullptr, "/ui/login");
  // Who signed in, with which token (its public id), is in the ledger like any other action.
  Status recorded =
      api.workspace().Record(*principal, kIngress, "ui:login", fmt::format("token {}", record.id));
  if (!recorded.ok()) return ErrorHtml(recorded, nullptr, "/ui/login");
  HttpResponse response = Redirect(next.empty() ? "/ui/" : next, "/ui/login");
  response.headers.emplace_back("Set-Cookie",
                                SessionCookie(session->id, session->max_age.count(), options.tls));
  response.principal = principal->id;
  return response;
}

HttpResponse WebUi::Impl::Logout(const HttpRequest& request, service::Api& api,
                                 const Visitor& visitor) {
  Result<std::multimap<std::string, std::string>> form = ReadForm(request);
  if (!form.ok()) return FormRefused(form.status(), &visitor, "/ui/logout");
  if (Status ok = CheckForm(request, visitor, *form); !ok.ok()) {
    return ErrorHtml(ok, &visitor, "/ui/logout");
  }
  if (!visitor.session_key.empty()) {
    Result<cairn::store::StateDb*> db = api.workspace().StateDb();
    Status ended = db.ok() ? sessions.End(*db, visitor.session_key) : db.status();
    if (!ended.ok()) return ErrorHtml(ended, &visitor, "/ui/logout");
    Status recorded =
        api.workspace().Record(visitor.principal, kIngress, "ui:logout", "session ended");
    if (!recorded.ok()) return ErrorHtml(recorded, nullptr, "/ui/logout");
  }
  HttpResponse response = Redirect("/ui/login?signed_out=1", "/ui/logout");
  response.headers.emplace_back("Set-Cookie", SessionCookie("", 0, options.tls));
  return response;
}

HttpResponse WebUi::Impl::Queue(service::Api& api, const Visitor& visitor) {
  service::CaseFilter filter;
  filter.for_review = true;
  filter.limit = kQueueLimit;
  Result<Json> cases = service::WorkflowApi(&api.workspace()).ListCases(visitor.Caller(), filter);
  if (!cases.ok()) return ErrorHtml(cases.status(), &visitor, "/ui/");
  return Html(200, ui::QueuePage(ui::At(*cases, "cases"), visitor.viewer, visitor.flash), "/ui/");
}

HttpResponse WebUi::Impl::Case(service::Api& api, const Visitor& visitor,
                               std::string_view id_text) {
  Result<int64_t> id = ParseNumber(id_text, "case id");
  if (!id.ok()) return ErrorHtml(id.status(), &visitor, "/ui/cases/{id}");
  Result<Json> c = service::WorkflowApi(&api.workspace()).GetCase(visitor.Caller(), *id);
  if (!c.ok()) return ErrorHtml(c.status(), &visitor, "/ui/cases/{id}");
  return Html(200, ui::CasePage(*c, visitor.viewer, visitor.flash), "/ui/cases/{id}");
}

HttpResponse WebUi::Impl::Decide(const HttpRequest& request, service::Api& api,
                                 const Visitor& visitor, std::string_view id_text,
                                 const std::string& form_kind) {
  const std::string route = "/ui/cases/{id}/" + form_kind;
  Result<int64_t> id = ParseNumber(id_text, "case id");
  if (!id.ok()) return ErrorHtml(id.status(), &visitor, route);
  Result<std::multimap<std::string, std::string>> form = ReadForm(request);
  if (!form.ok()) return FormRefused(form.status(), &visitor, route);
  if (Status ok = CheckForm(request, visitor, *form); !ok.ok()) {
    return ErrorHtml(ok, &visitor, route);
  }
  ui::DecisionDraft draft{form_kind, FormValue(*form, "verdict"), FormValue(*form, "reason"), ""};
  if (draft.verdict != "approve" && draft.verdict != "reject") {
    draft.error = "Choose approve or reject.";
  } else if (Blank(draft.reason)) {
    draft.error = "A reason is required: it is recorded in the ledger with your " + form_kind + ".";
  } else if (draft.reason.size() > kMaxReasonBytes) {
    draft.error = fmt::format("The reason is longer than {} bytes.", kMaxReasonBytes);
  } else if (!ui::IsUtf8(draft.reason)) {
    draft.error = "The reason is not valid UTF-8 text.";
  }
  service::WorkflowApi workflows(&api.workspace());
  if (draft.error.empty()) {
    Result<Json> done =
        form_kind == "decision"
            ? workflows.DecideCase(visitor.Caller(), *id, draft.verdict, draft.reason)
            : workflows.ReviewCase(visitor.Caller(), *id, draft.verdict, draft.reason);
    if (done.ok()) {
      if (!visitor.session_key.empty()) {
        // Best effort: the decision is recorded; only its confirmation would be lost.
        Result<cairn::store::StateDb*> db = api.workspace().StateDb();
        if (db.ok()) {
          (void)sessions.Flash(
              *db, visitor.session_key,
              fmt::format("Case {}: your {} ({}) is recorded.", *id, form_kind, draft.verdict));
        }
      }
      return Redirect("/ui/", route);
    }
    if (done.status().code() != StatusCode::kInvalidArgument) {
      return ErrorHtml(done.status(), &visitor, route);
    }
    draft.error = done.status().message();
  }
  // Refused as given: the case again, with the draft and why (400).
  draft.reason = draft.reason.size() > kMaxReasonBytes ? "" : draft.reason;
  Result<Json> c = workflows.GetCase(visitor.Caller(), *id);
  if (!c.ok()) return ErrorHtml(400, draft.error, &visitor, route);
  return Html(400, ui::CasePage(*c, visitor.viewer, "", draft), route);
}

HttpResponse WebUi::Impl::Workflows(service::Api& api, const Visitor& visitor) {
  Result<Json> list = service::WorkflowApi(&api.workspace()).ListWorkflows(visitor.Caller());
  if (!list.ok()) return ErrorHtml(list.status(), &visitor, "/ui/workflows");
  return Html(200, ui::WorkflowsPage(*list, visitor.viewer, visitor.flash), "/ui/workflows");
}

HttpResponse WebUi::Impl::Workflow(service::Api& api, const Visitor& visitor,
                                   const std::string& name) {
  Result<Json> shown = service::WorkflowApi(&api.workspace()).ShowWorkflow(visitor.Caller(), name);
  if (!shown.ok()) return ErrorHtml(shown.status(), &visitor, "/ui/workflows/{name}");
  return Html(200, ui::WorkflowPage(*shown, visitor.viewer, visitor.flash), "/ui/workflows/{name}");
}

HttpResponse WebUi::Impl::Ledger(service::Api& api, const Visitor& visitor,
                                 std::string_view seq_text) {
  Result<int64_t> seq = ParseNumber(seq_text, "ledger sequence number");
  if (!seq.ok()) return ErrorHtml(seq.status(), &visitor, "/ui/ledger/{seq}");
  Result<Json> proof = api.LedgerProof(visitor.Caller(), *seq, 0);
  if (!proof.ok()) return ErrorHtml(proof.status(), &visitor, "/ui/ledger/{seq}");
  return Html(200, ui::LedgerPage(*proof, visitor.viewer, visitor.flash), "/ui/ledger/{seq}");
}

}  // namespace cairn::server
