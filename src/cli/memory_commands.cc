#include "cli/commands.h"

namespace cairn::cli {

void RegisterMemoryCommands(Cli*) {}

}  // namespace cairn::cli
