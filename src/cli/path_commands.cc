#include "cli/commands.h"

namespace cairn::cli {

void RegisterPathCommands(Cli*) {}

}  // namespace cairn::cli
