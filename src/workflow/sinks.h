#pragma once

// Delivering a workflow action to its sink (definition.h's ActionSink), so that its effect
// happens exactly once.
//
// Every delivery carries an idempotency key chosen by the caller (stable for one action of one
// case, e.g. "<case id>/<step id>"), and a caller retries a failed delivery with the same key
// until it succeeds or it gives up. Delivery is therefore at-least-once; what makes the effect
// exactly-once is that the receiving side de-duplicates by the key:
//
//   outbox   An SQLite file (created with its parent directories if missing; WAL,
//            synchronous=FULL, so a returned OK survives a power loss) with the table
//              outbox(idempotency_key TEXT PRIMARY KEY, created_at TEXT, payload TEXT)
//            written with INSERT OR IGNORE: delivering a key again (after a crash between
//            delivery and recording it, say) is a no-op that returns OK, and the first payload
//            stays. created_at is ISO-8601 UTC with milliseconds ("2026-12-04T10:00:00.123Z");
//            payload is the JSON text. Another program consumes the table.
//   webhook  POST <url> with the JSON payload and the headers
//              Content-Type: application/json
//              Idempotency-Key: <key>
//            A WEBHOOK RECEIVER MUST DE-DUPLICATE BY Idempotency-Key: the same action may
//            arrive more than once (a response lost after the receiver acted is retried). A
//            receiver answers 409 Conflict for a key it has already seen (counted as
//            delivered), 2xx when it acted.
//
// Outcomes of Deliver (the caller retries only kUnavailable, waiting BackoffMs()):
//   OK                   delivered (or already delivered: outbox key present, webhook 409).
//   kInvalidArgument     empty idempotency key, a malformed webhook URL, a payload that is not
//                        valid UTF-8, a non-positive webhook timeout. Not retried.
//   kFailedPrecondition  the webhook refused the action: an HTTP status other than 2xx, 409,
//                        408, 429 and 5xx (redirects are not followed). The message is
//                        "webhook <url> refused the action: HTTP <status>: <first 200 bytes of
//                        the body>". Not retried.
//   kUnavailable         worth retrying: HTTP 5xx, 408 or 429, a network failure or timeout
//                        (the webhook's timeout_ms bounds the whole request; a timeout is
//                        reported as kUnavailable, not kDeadlineExceeded, because the action
//                        may or may not have happened and a retry with the same key settles
//                        it), a response over 1 MiB, an outbox locked by another writer for
//                        more than 5 s or on a failing disk.
//   kDataLoss            the outbox file is not an SQLite database or is corrupt.
//   kInternal            any other SQLite failure.
//
// Thread-safety: every function is reentrant. Concurrent deliveries to one outbox (threads or
// processes) are serialised by SQLite's file locks.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "workflow/definition.h"

namespace cairn::workflow {

// Delivers `payload` to `sink` under `idempotency_key`; see above.
Status Deliver(const ActionSink& sink, const std::string& idempotency_key,
               const nlohmann::json& payload);

// The number of rows of the outbox at `path`. NotFound if the file or its outbox table does
// not exist.
Result<int64_t> CountOutbox(const std::filesystem::path& path);

// The rows of the outbox at `path` in delivery order, each
//   {"idempotency_key": "...", "created_at": "...", "payload": <the JSON>}.
// NotFound if the file or its outbox table does not exist; DataLoss if a payload is not JSON.
Result<std::vector<nlohmann::json>> ReadOutbox(const std::filesystem::path& path);

// How long to wait before the next delivery attempt after `attempts` failed ones (1 for the
// first failure): 1 s, 2 s, 4 s, ... doubling, capped at 5 minutes. Deterministic; callers
// may add jitter. attempts < 1 counts as 1.
int64_t BackoffMs(int attempts);

// The cap of BackoffMs(): 5 minutes.
inline constexpr int64_t kMaxBackoffMs = 5 * 60 * 1000;

}  // namespace cairn::workflow
