#pragma once

// The one mapping from SQLite result codes to status codes, for every module that talks to a
// SQLite file of its own (the state database, the ledger, the workflow outbox).

#include "core/status.h"

namespace cairn::store {

// The status code for SQLite's extended result code `rc`: a unique or primary key violated is
// AlreadyExists, another constraint InvalidArgument; a busy, locked, unopenable, full, read-only
// or failing file Unavailable (it may work later, or elsewhere); a corrupt file or one that is
// not a database DataLoss; anything else Internal.
StatusCode SqliteStatusCode(int rc);

}  // namespace cairn::store
