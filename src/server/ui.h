#pragma once

// The reviewer web UI of `cairn serve`, under /ui/: server-rendered HTML (no script, nothing
// fetched from elsewhere) over the same service calls as the REST door, with ingress "ui" in
// the ledger. People sign in with their bearer token and review the cases waiting for their
// roles, read the evidence as their own policy lets them, and decide.
//
//   GET  /ui/login                 sign-in form; POST /ui/login {token, next} opens a session
//   POST /ui/logout                ends it (CSRF)
//   GET  /ui/                      the queue: cases waiting for one of the viewer's roles
//   GET  /ui/cases/{id}            one case; POST /ui/cases/{id}/decision and
//                                  /ui/cases/{id}/review {csrf, verdict, reason} (then 303 to
//                                  the queue with a flash message)
//   GET  /ui/workflows[/{name}]    workflows, their level, agreement figures and versions
//   GET  /ui/ledger/{seq}          a ledger entry with its inclusion proof (ledger readers)
//   GET  /ui/style.css             the one stylesheet
//
// Sign-in and sessions: server/ui_session.h (cookie "cairn_ui": HttpOnly, SameSite=Strict,
// Path=/ui, Secure over TLS). A request may instead carry "Authorization: Bearer" (no session,
// no cookie, no CSRF token needed: nothing ambient to forge). Without either, a page redirects
// (303) to /ui/login?next=... and a form gets 401.
//
// CSRF: every state-changing POST of a session carries the session's CSRF token in the field
// "csrf" (compared in constant time), and a POST whose Sec-Fetch-Site is other than
// same-origin, or whose Origin is neither this server's own (scheme://Host) nor one of
// `allowed_origins`, is refused; both refusals are 403 pages. (Under Referrer-Policy:
// no-referrer browsers send "Origin: null" even from the same origin, so "null" leaves the
// decision to Sec-Fetch-Site and the token.) Sign-in checks the origin the same way.
//
// Every response carries Content-Security-Policy (default-src 'none'; script-src 'none';
// style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'),
// X-Content-Type-Options: nosniff, Cache-Control: no-store, Referrer-Policy: no-referrer and
// X-Frame-Options: DENY.
//
// Errors are HTML pages with the status of server/common.h's mapping: 400 (bad input, an empty
// reason), 401, 403 (CSRF, origin, wrong role, an agent deciding, not a ledger reader), 404
// (unknown page or case, or one the viewer may not see), 405, 409 (already decided), 415.
//
// Thread-safety: Handle() may run on every worker at once, each with its own Api.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "server/http.h"
#include "server/ui_session.h"
#include "service/api.h"

namespace cairn::server {

struct WebUiOptions {
  bool tls = false;                          // the server's scheme: https, Secure cookies
  std::vector<std::string> allowed_origins;  // Origins accepted besides the server's own
  ui::SessionOptions sessions;
};

class WebUi {
 public:
  explicit WebUi(WebUiOptions options = {});
  ~WebUi();
  WebUi(const WebUi&) = delete;
  WebUi& operator=(const WebUi&) = delete;

  // Handles /ui and every path under /ui/. Sets response.route (a template) and .principal.
  HttpResponse Handle(const HttpRequest& request, service::Api& api);
  // Live sign-in sessions in the state database (of every node), as counted by the last
  // sign-in through this server (a gauge for /metrics).
  size_t sessions() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::server
