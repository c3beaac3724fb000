#pragma once

// Workflows and their cases: the durable runner, the trust ladder and the evaluation gate.
//
// A workflow is registered from its definition file (definition.h); each content-hashed version
// is kept, never edited in place; one version is current and carries the workflow's level on
// the trust ladder. A case is one run of the current version on one input:
//
//   Start()   the case is stored (status running) and advanced: every query, check and llm
//             step in order, then the recommendation, then — by the level — either it waits
//             for a human of the decide step's role (status waiting) or it is decided
//             automatically; actions of the decision are then delivered.
//   Decide()  a human's verdict with a required reason; only a person (never an agent) with
//             the decide step's role, or an administrator; only on a waiting case.
//   Review()  a human's verdict on an automatically decided case that was sampled for review;
//             disagreements above the threshold demote the workflow automatically.
//   Resume()  after a crash or a restart: finishes every case left running, and re-delivers
//             every action not yet acknowledged (with backoff after failures). `cairn serve`
//             calls it in the background (service/case_dispatcher.h).
//
// Durability: every step's result, the recommendation and the decision are committed to the
// state database before the next step starts; a decision and the actions it triggers are one
// transaction. Each action carries an idempotency key (SHA-256 of case id and step), and
// sinks apply it (outbox: INSERT OR IGNORE; webhook: the Idempotency-Key header), so a crash
// between delivery and acknowledgement repeats no effect. Every step, check, recommendation,
// decision, review, action and level change is a ledger entry (action "case:<what>" or
// "workflow:<what>") naming the case; a committed record whose entry was not yet appended is
// appended by Resume() (column ledger_seq NULL).
//
// One runner per case: Start(), Decide() and Resume() hold the case's lock while they advance
// it or deliver its actions (internal/case_lock.h: a file lock the kernel drops when its holder
// dies, or on PostgreSQL an advisory lock the server drops when its connection ends), so
// runners in several threads, processes and nodes never work on one case at once, and a
// crashed runner's cases are free for the next Resume() at once. Each transition of a case
// (recommended, decided, reviewed, an action delivered) is also an UPDATE conditioned on the
// state it leaves, its changed-row count checked, so it happens once even under PostgreSQL's
// READ COMMITTED: of two decisions racing on two nodes, one is taken and the other fails
// FailedPrecondition ("not waiting" / "decided meanwhile").
//
// The ladder: promotion moves the current version up one level and is refused unless, over
// the cases a human decided at the current level (of this version), count >= min_cases,
// agreement of the recommendation with the human >= min_agreement and (by default) no case
// the human rejected that the recommendation approved. Every level change is ledgered with
// the figures. Automatic demotion happens when, among the last review_window sampled reviews,
// the share of disagreement exceeds max_review_disagreement.
//
// Versions: AddVersion() of a new workflow makes it current at `observe`; of a known workflow
// keeps it as a candidate. Evaluate() replays the recorded evidence of every human-decided
// case through the current version and a candidate; PromoteVersion() makes a candidate
// current (keeping the level) and is refused when its agreement is lower than the current
// version's, it approves a case a human rejected that the current version did not, or none of
// the human-judged cases can be replayed (a changed query's evidence would have to be gathered
// again), unless forced (ledgered as forced, with the reason).
//
// Error codes: InvalidArgument (bad input, naming it), NotFound (unknown workflow, version or
// case — also a case the caller may not see), PermissionDenied (wrong role, an agent deciding,
// a non-administrator managing workflows, promotion criteria not met — with the figures),
// FailedPrecondition (a case that is not waiting, or a candidate that is already current),
// Unavailable (state database busy), DataLoss (a stored record that does not parse).
//
// Thread-safety: one thread at a time (as the Host's state database). Several threads, each
// with its own Workflows and Host, several processes and several nodes may share one state
// database: transactions serialise their writes and case locks their runners. On PostgreSQL
// each Workflows holds one more connection, for its case locks, opened on first use.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/access.h"
#include "engine/session.h"
#include "ledger/ledger.h"
#include "store/state_db.h"
#include "workflow/definition.h"
#include "workflow/evidence.h"
#include "workflow/llm.h"

namespace cairn::workflow {

using Json = nlohmann::ordered_json;

// What the workflows need from the installation they run in (service::Workspace provides it).
class Host {
 public:
  virtual ~Host() = default;
  virtual Result<store::StateDb*> State() = 0;
  virtual Result<ledger::Recorder*> Recorder() = 0;
  // A session acting as `principal`, ledgering its queries with `ingress`.
  virtual Result<engine::Session*> SessionFor(const engine::Principal& principal,
                                              std::string_view ingress) = 0;
  // The principal `id` as stored (roles, attributes). NotFound; FailedPrecondition if disabled.
  virtual Result<engine::Principal> PrincipalById(const std::string& id) = 0;
  // "person" or "agent"; NotFound for an unknown id.
  virtual Result<std::string> PrincipalKind(const std::string& id) = 0;
  // The configured LLM endpoint, or nullopt (llm steps are then skipped and say so).
  virtual Result<std::optional<LlmConfig>> Llm() = 0;
  // Now, ISO-8601 UTC with seconds ("2026-12-04T10:00:00Z").
  virtual std::string Now() = 0;
};

// Who acts and through which door.
struct Actor {
  engine::Principal principal;
  std::string ingress;  // "cli", "rest", "mcp", "web", "worker"
};

inline constexpr int64_t kMaxEvidenceRows = 1000;

namespace internal {
class CaseLocks;
}  // namespace internal

// Applies the "workflow" migrations to `db` (what Workflows::Open does first).
Status MigrateState(store::StateDb* db);

class Workflows {
 public:
  // Applies the "workflow" migrations. `host` is borrowed and must outlive this object.
  static Result<std::unique_ptr<Workflows>> Open(Host* host);
  ~Workflows();

  // --- workflows and versions (administrators) ---
  // {"workflow","version","status":"current"|"candidate"|"unchanged","level"}.
  Result<Json> AddVersion(const Actor& actor, const Definition& definition);
  // [{"name","version","level","level_since","description","principal","cases","waiting"}]
  Result<Json> List(const Actor& actor);
  // {"name", "version", "level", "definition": ToJson(), "text", "versions": [...],
  //  "events": [...], "figures": Figures()}
  Result<Json> Show(const Actor& actor, const std::string& name);
  // The current version's definition.
  Result<Definition> Current(const std::string& name);
  // Agreement at the current level: {"level","cases","agree","agreement","rejected_disagree",
  //  "criteria":{...},"eligible":bool,"why":[...]}
  Result<Json> Figures(const std::string& name);
  // Moves the current version up one level if the criteria hold (PermissionDenied naming the
  // figures otherwise); `force` skips them and is ledgered as forced. Returns Show().
  Result<Json> Promote(const Actor& actor, const std::string& name, bool force,
                       const std::string& reason);
  // Moves down one level (to `to` if given). Returns Show().
  Result<Json> Demote(const Actor& actor, const std::string& name, std::optional<Level> to,
                      const std::string& reason);
  // Replays past human-decided cases through the current version and `candidate`.
  // {"workflow","current":{"version","cases","agree","agreement","rejected_approved"},
  //  "candidate":{...},"changed":[{"case","human","current","candidate","checks":[...]}],
  //  "not_replayable":[{"case","why"}],"gate":{"pass":bool,"why":[...]}}
  Result<Json> Evaluate(const Actor& actor, const std::string& name, const Definition& candidate);
  // Makes `candidate` current after Evaluate()'s gate (or `force`, with `reason`).
  Result<Json> PromoteVersion(const Actor& actor, const std::string& name,
                              const Definition& candidate, bool force, const std::string& reason);

  // --- cases ---
  // Starts and advances a case; returns Get(). Any authenticated principal. `as_of` (ISO-8601
  // UTC "2026-03-02T00:00:00Z", not in the future; default now) is the case's :now, for
  // judging a decision as of a past date (backfills, replays, the demo's frozen port).
  Result<Json> Start(const Actor& actor, const std::string& workflow,
                     const std::map<std::string, std::string>& inputs,
                     const std::string& as_of = "");
  // One case as `actor` may see it (NotFound if not): status, inputs, steps with their evidence
  // (rows as the actor's own principal sees them: re-read through its session when it is not
  // the workflow's principal), checks, recommendation (hidden at level observe from
  // non-administrators), suggestion, decision, review, actions, ledger sequences, and `error`:
  // why the case could not be advanced the last time it was tried (null once it advances).
  Result<Json> Get(const Actor& actor, int64_t id);
  // Cases the actor may see, newest first: filter by workflow, status ("waiting", ...), and
  // `for_review` (waiting for one of the actor's roles, or sampled for review). Each is
  // {"id","workflow","version","status","started_by","started_at","inputs","recommendation",
  //  "decision","decided_by","waiting_role","review_pending","checks":{"pass","fail","unknown"}}.
  Result<Json> ListCases(const Actor& actor, const std::string& workflow, const std::string& status,
                         bool for_review, int64_t limit);
  Result<Json> Decide(const Actor& actor, int64_t id, Verdict verdict, const std::string& reason);
  Result<Json> Review(const Actor& actor, int64_t id, Verdict verdict, const std::string& reason);
  // Finishes interrupted cases and delivers due actions:
  //  {"resumed":N,"interrupted":N,"busy":N,"errors":[{"case","code","error"}],
  //   "actions_delivered":N,"actions_failed":N,"actions_pending":N,"stopped":bool}
  // resumed: open cases advanced by this call, of which `interrupted` had been cut short (left
  // running, or decided without the decision's ledger entry) and the others only had actions
  // due (a case whose every pending action waits for its retry time is not touched); busy:
  // open cases another runner holds (left to it); errors: cases that could not
  // be advanced (each is tried again by the next call, and one never blocks the others);
  // actions delivered or refused for good by this call, and actions still pending (retried
  // later, with backoff). `stop`, when given, is asked between cases: once it answers true,
  // the remaining cases are left for the next call ("stopped": true).
  Result<Json> Resume(const Actor& actor, const std::function<bool()>& stop = {});

  // How long Start() and Decide() wait for a case another runner holds.
  static constexpr std::chrono::seconds kLockWait{30};

 private:
  explicit Workflows(Host* host);
  struct Deliveries {
    int64_t delivered = 0;  // actions delivered
    int64_t refused = 0;    // actions refused for good
  };
  // The case locks of the state database, opened on first use.
  Result<internal::CaseLocks*> Locks();
  // Runs every step a running case has not finished, then recommends and decides (or waits),
  // then delivers due actions. Each result is committed before the next step. The caller holds
  // the case's lock.
  Status Advance(const Actor& actor, int64_t id, Deliveries* counts = nullptr);
  // Delivers the case's pending actions that are due; marks the case done when none is left.
  // Counts what it delivered and what was refused into `counts` when given. The caller holds
  // the case's lock.
  Status DeliverActions(const Actor& actor, int64_t id, Deliveries* counts = nullptr);
  // Whether `actor` may see case `row` (administrator, the starter, the workflow's principal,
  // or a holder of the decide step's role).
  bool MaySee(const Actor& actor, const std::string& started_by, const Definition& def) const;

  Host* host_;
  std::unique_ptr<internal::CaseLocks> locks_;
};

}  // namespace cairn::workflow
