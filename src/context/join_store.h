#pragma once

// The joins of the context store: declared, inferred, confirmed and rejected.
//
// Discovery replaces the declared and inferred joins wholesale (ReplaceDiscovered); verdicts
// stated by principals (confirmed, rejected) survive it: a rediscovered join that carries a
// verdict keeps its kind and score; only its evidence is refreshed. A join is identified by its two
// sides (source, table, columns in order).
//
// Thread-safety: as the StateDb it uses. The StateDb must outlive the JoinStore.

#include <optional>
#include <vector>

#include "context/model.h"
#include "core/status.h"
#include "store/state_db.h"

namespace cairn::context {

class JoinStore {
 public:
  // Applies the "joins" migrations. Errors from the StateDb.
  static Result<JoinStore> Open(store::StateDb* db);

  // Replaces every declared and inferred join with `joins` (each of kind kDeclared or
  // kInferred; InvalidArgument otherwise), in one transaction. Joins with a verdict keep it.
  Status ReplaceDiscovered(const std::vector<Join>& joins);

  // Every join, ordered by kind (declared, confirmed, inferred, rejected), then score
  // descending, then names.
  Result<std::vector<Join>> List();

  // Records a principal's verdict (kConfirmed or kRejected) on the join from -> to, creating
  // it if it was never discovered (score 1 for confirmed, 0 for rejected). A verdict on a
  // declared join is allowed (it overrides it). InvalidArgument for another kind or an empty
  // side.
  Result<Join> SetVerdict(const JoinSide& from, const JoinSide& to, JoinKind verdict,
                          const std::string& principal, const std::string& note);

  // The join with this id; NotFound otherwise.
  Result<Join> Get(int64_t id);

 private:
  explicit JoinStore(store::StateDb* db) : db_(db) {}
  store::StateDb* db_;
};

}  // namespace cairn::context
