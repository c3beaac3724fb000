#pragma once

// Small helpers for writing SQLite virtual-table callbacks.
//
// Every callback body runs inside Guard(), so no C++ exception crosses SQLite's C frames: a
// std::bad_alloc becomes SQLITE_NOMEM, any other exception SQLITE_ERROR with its text in
// zErrMsg.

#include <sqlite3.h>

#include <exception>
#include <new>
#include <string>

namespace cairn::connectors {

// Replaces vtab->zErrMsg with `message` (copied with sqlite3_mprintf).
inline void SetVtabError(sqlite3_vtab* vtab, const std::string& message) {
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%s", message.c_str());
}

// Runs `body` (returning an SQLite result code) and converts escaping exceptions.
template <typename Body>
int Guard(sqlite3_vtab* vtab, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    if (vtab != nullptr) SetVtabError(vtab, std::string("internal error: ") + e.what());
    return SQLITE_ERROR;
  } catch (...) {
    if (vtab != nullptr) SetVtabError(vtab, "internal error: unknown exception");
    return SQLITE_ERROR;
  }
}

// The callbacks of a read-only, eponymous-free virtual table whose schema lives only in
// memory: xCreate does what xConnect does, xDestroy == xDisconnect, no xUpdate or transactions.
struct ReadOnlyCallbacks {
  int (*connect)(sqlite3*, void*, int, const char* const*, sqlite3_vtab**, char**);
  int (*best_index)(sqlite3_vtab*, sqlite3_index_info*);
  int (*disconnect)(sqlite3_vtab*);
  int (*open)(sqlite3_vtab*, sqlite3_vtab_cursor**);
  int (*close)(sqlite3_vtab_cursor*);
  int (*filter)(sqlite3_vtab_cursor*, int, const char*, int, sqlite3_value**);
  int (*next)(sqlite3_vtab_cursor*);
  int (*eof)(sqlite3_vtab_cursor*);
  int (*column)(sqlite3_vtab_cursor*, sqlite3_context*, int);
  int (*rowid)(sqlite3_vtab_cursor*, sqlite3_int64*);
  // xCreate: must differ from `connect` (a module whose xCreate is its xConnect is eponymous:
  // `SELECT * FROM <module name>` would reach it without a table to show).
  int (*create)(sqlite3*, void*, int, const char* const*, sqlite3_vtab**, char**);
};

// The sqlite3_module every connector kind registers (iVersion 2, nothing else set). Not
// eponymous: its module name is not a table.
inline sqlite3_module ReadOnlyModule(const ReadOnlyCallbacks& c) {
  sqlite3_module module = {};
  module.iVersion = 2;
  module.xCreate = c.create;
  module.xConnect = c.connect;
  module.xBestIndex = c.best_index;
  module.xDisconnect = c.disconnect;
  module.xDestroy = c.disconnect;
  module.xOpen = c.open;
  module.xClose = c.close;
  module.xFilter = c.filter;
  module.xNext = c.next;
  module.xEof = c.eof;
  module.xColumn = c.column;
  module.xRowid = c.rowid;
  return module;
}

}  // namespace cairn::connectors
