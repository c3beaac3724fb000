// What a restricted principal may see of the shared context: a join, a recipe or a search hit
// shows only when every table and column it names is visible to the principal (metadata follows
// the same rule as data: no grant, no name).

#include "service/visibility.h"

namespace cairn::service {

bool CanSeeJoin(engine::Session& session, const context::Join& join) {
  if (!session.restricted()) return true;
  for (const context::JoinSide* side : {&join.from, &join.to}) {
    if (!session.CanSee(side->source, side->table)) return false;
    for (const std::string& column : side->columns) {
      if (!session.CanSee(side->source, side->table, column)) return false;
    }
  }
  return true;
}

bool CanSeeRecipe(engine::Session& session, const context::Recipe& recipe) {
  if (!session.restricted()) return true;
  for (const auto& table : recipe.tables) {
    if (!session.CanSee(table.source, table.table)) return false;
  }
  for (const auto& read : recipe.columns) {
    if (!session.CanSee(read.source, read.table, read.column)) return false;
  }
  return true;
}

bool CanSeeHit(engine::Session& session, const context::SearchHit& hit,
               context::RecipeStore* recipes) {
  if (!session.restricted()) return true;
  switch (hit.kind) {
    case context::SearchKind::kTable:
      return session.CanSee(hit.source, hit.table);
    case context::SearchKind::kColumn:
      return session.CanSee(hit.source, hit.table, hit.column);
    case context::SearchKind::kTerm:
      return true;
    case context::SearchKind::kRecipe: {
      int64_t id = 0;
      try {
        id = std::stoll(hit.ref);
      } catch (const std::exception&) {
        return false;
      }
      Result<context::Recipe> recipe = recipes->Get(id);
      return recipe.ok() && CanSeeRecipe(session, *recipe);
    }
  }
  return false;
}

}  // namespace cairn::service
