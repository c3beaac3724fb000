#pragma once

// The 'sqlite' connector kind: one SQLite database file, read-only.
//
//   sources:
//     tos: {kind: sqlite, path: data/tos.sqlite}
//
// Options: `path` (required) — the database file, relative to the configuration file.
//
// Opening: the file is opened with SQLITE_OPEN_READONLY and `PRAGMA query_only = 1`, so the
// source can never be written through Cairn; it is never created. Errors of open():
//   NotFound         the file does not exist (message names the path).
//   InvalidArgument  the file is not an SQLite database (message names the path).
//   Unavailable      it exists but cannot be opened or read (permissions, locks).
//
// Tables(): every table and view except SQLite's own (sqlite_*), sorted by name. Declared types
// are mapped to their affinity: INTEGER, TEXT, BLOB, REAL, NUMERIC, or "" when none was
// declared. row_estimate comes from sqlite_stat1 when present, else from COUNT(*) when the file
// is at most 64 MiB, else -1 (views: -1). Tables the library cannot describe (a virtual table
// whose module is not loaded) are left out. foreign_keys come from pragma foreign_key_list; a
// reference without columns means the referenced table's primary key, and the referenced table
// is named as listed (SQLite matches it case-insensitively). A key whose columns cannot be
// resolved (the referenced table has no primary key) is left out.
//
// Pushdown: =, <, <=, >, >=, IN, IS NULL, IS NOT NULL, LIKE, LIMIT and OFFSET are all evaluated
// by the source, exactly, in a parameterized SELECT (values bound with sqlite3_bind_value).
// Comparisons are written `"col" COLLATE BINARY op ?` so a column declared with another
// collation still compares as the virtual table (BINARY) does. Only the columns a statement
// reads are fetched.
//
// Thread-safety: one connection per Source, shared by every virtual-table cursor; use a Source
// from one thread at a time (the engine runs one thread per session).

#include "connectors/registry.h"

namespace cairn::connectors::sqlite {

// The 'sqlite' connector kind: option specs and the opener.
KindSpec Kind();

}  // namespace cairn::connectors::sqlite
