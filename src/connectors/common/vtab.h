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

}  // namespace cairn::connectors
