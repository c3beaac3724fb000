#pragma once

// Context as files: the context store written as a tree of small Markdown files that an agent
// with only file-system tools can read selectively.
//
//   DIR/README.md                      index: sources, tables, recipes, glossary, joins
//   DIR/sources/<source>.md            one per source: its tables
//   DIR/tables/<source>/<table>.md     columns (types, semantic types, profile figures,
//                                      descriptions), declared keys, joins, recipes using it
//   DIR/recipes/<id>.md                question, SQL, freshness, tables and columns read
//   DIR/glossary.md                    terms and their definitions
//   DIR/joins.md                       the join graph as a list and a Mermaid block
//   DIR/.cairn-context                 marks DIR as written by Cairn
//
// Names become file names through SafeFileName(), so no source or table name can escape DIR.
// Content is deterministic (everything sorted, no export time): the same context exports to the
// same bytes. The tree is written into a sibling temporary directory and then swapped in, so a
// re-export removes files of tables that no longer exist and a reader never sees a half tree.
// DIR must be absent, empty, or a previous export (holding .cairn-context): kFailedPrecondition
// otherwise, so that no unrelated directory is replaced.
//
// Errors: kUnavailable when a file cannot be written (naming it); kFailedPrecondition as above;
// GatherExport returns the StateDb's errors (unreachable sources are exported with their error).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/source.h"
#include "context/glossary.h"
#include "context/model.h"
#include "context/profile.h"
#include "context/recipes.h"
#include "core/status.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace cairn::context {

// Everything an export writes, gathered first so that writing is a pure function of it.
struct ExportSnapshot {
  struct Source {
    std::string name;
    std::string kind;
    std::string location;  // without secrets
    Status status;         // of reading its schema
    std::vector<connectors::TableInfo> tables;
  };
  std::vector<Source> sources;         // sorted by name
  std::vector<TableProfile> profiles;  // discovery's, when it has run
  std::vector<Description> descriptions;
  std::vector<Join> joins;
  std::vector<Recipe> recipes;
  std::vector<GlossaryTerm> terms;
};

// Reads the sources' schemas through `session` and everything stored in `db`.
Result<ExportSnapshot> GatherExport(store::StateDb* db, engine::Session* session);

struct ExportStats {
  int64_t files = 0;
  int64_t tables = 0;
  int64_t recipes = 0;
};

// Writes the tree for `snapshot` at `dir` (see the top of the file).
Result<ExportStats> WriteContextTree(const ExportSnapshot& snapshot,
                                     const std::filesystem::path& dir);

// A file name (without extension) for any name: ASCII letters, digits, '-', '_' and inner '.'
// are kept; every other byte becomes %XX, a leading '.' too ("../x" -> "%2E.%2Fx"), the empty
// name becomes "%00"; names longer than 120 bytes are cut and suffixed with a hash.
std::string SafeFileName(std::string_view name);

}  // namespace cairn::context
