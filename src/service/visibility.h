#pragma once

// Whether the session's principal may see a join, a recipe or a search hit of the shared
// context: only when every table and column it names is visible to the principal (metadata
// follows the same rule as data: no grant, no name). Always true for an unrestricted principal.

#include "context/join_graph.h"
#include "context/recipes.h"
#include "context/search.h"
#include "engine/session.h"

namespace cairn::service {

bool CanSeeJoin(engine::Session& session, const context::Join& join);
bool CanSeeRecipe(engine::Session& session, const context::Recipe& recipe);
bool CanSeeHit(engine::Session& session, const context::SearchHit& hit,
               context::RecipeStore* recipes);

}  // namespace cairn::service
