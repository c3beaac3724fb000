#pragma once

// Helpers shared by the files that implement Session (session.cc, session_attach.cc); not part
// of the engine's interface.

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/source.h"
#include "core/status.h"
#include "core/strings.h"

namespace cairn::engine::internal {

// SQLite's message for a table it cannot find; the session attaches sources on it.
inline constexpr std::string_view kNoSuchTable = "no such table: ";

// The table named `table` (exactly, else case-insensitively), or NotFound naming it.
inline Result<connectors::TableInfo> FindTable(std::vector<connectors::TableInfo> tables,
                                               const std::string& source,
                                               const std::string& table) {
  for (auto& info : tables) {
    if (info.name == table) return std::move(info);
  }
  for (auto& info : tables) {
    if (AsciiLower(info.name) == AsciiLower(table)) return std::move(info);
  }
  return NotFoundError("source '{}' has no table '{}'", source, table);
}

}  // namespace cairn::engine::internal
