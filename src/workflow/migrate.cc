// The workflow module's migrations for whoever prepares a state without opening Workflows
// (`cairn state migrate`).

#include "workflow/internal/store.h"
#include "workflow/workflows.h"

namespace cairn::workflow {

Status MigrateState(store::StateDb* db) {
  return db->Migrate("workflow", internal::Migrations()).status();
}

}  // namespace cairn::workflow
