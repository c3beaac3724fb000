#include "cli/commands.h"

namespace cairn::cli {

void RegisterPrincipalCommands(Cli* /*cli*/) {}

}  // namespace cairn::cli
