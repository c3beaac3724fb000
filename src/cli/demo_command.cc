#include "cli/commands.h"

namespace cairn::cli {

Status RunDemo(const DemoFlags&) { return UnimplementedError("demo: not built yet"); }

}  // namespace cairn::cli
