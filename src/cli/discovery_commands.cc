#include "cli/commands.h"

namespace cairn::cli {

void RegisterDiscoveryCommands(Cli*) {}

}  // namespace cairn::cli
