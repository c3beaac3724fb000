#pragma once

// The 'postgres' connector kind: tables of a PostgreSQL database as SQLite virtual tables, with
// filters pushed down as parameterized SQL and results streamed in bounded memory.
//
//   sources:
//     warehouse: {kind: postgres, host: 10.0.0.5, port: 5432, dbname: erp, user: cairn,
//                 password: "${ERP_PASSWORD}", schemas: [sales, public]}
//
// Options: host, dbname (required); port (5432); user; password (a ${ENV_VAR} reference, never
// printed); sslmode (libpq's, default prefer); schemas (list, default [public]);
// statement_timeout_ms (30000, applied to every statement, each FETCH included);
// connect_timeout_s (10); fetch_size (most rows per FETCH, default 10000; a scan starts with 256
// and then sizes batches by the measured row width so one batch stays near 8 MiB);
// batch_lookups_mb (64, the default; 0: off), see "Batched lookups" below; probe_cache_mb (0,
// the default: off; the cache's cap in MiB when on) and probe_cache_after (0: automatic; needs
// probe_cache_mb), see "Repeated lookups" below.
//
// open() connects at once: Unavailable naming host:port when the server cannot be reached,
// Unauthenticated when it refuses the login (the message is PostgreSQL's, never the password),
// InvalidArgument for a bad option value.
//
// Tables(): every table, partitioned table, view, materialized view and foreign table of the
// chosen schemas that is not a partition, from pg_catalog, sorted by schema then name. Names:
// with one schema a table is named by its relname ("orders"); with several, every table is
// named "<schema>.<relname>" ("sales.orders", written "warehouse"."sales.orders" in SQL), which
// cannot collide across schemas (unless schema or table names themselves contain dots).
// row_estimate is pg_class.reltuples (-1 when never analyzed, and for views). A configured schema
// that does not exist is NotFound. foreign_keys come from pg_constraint (contype 'f'), columns in
// key order, the referenced table named as above; a key referencing a table outside the chosen
// schemas is left out.
//
// Sampling: every table has a HIDDEN column `_cairn_sample_percent` (absent from SELECT * and
// from TableInfo). An equality on it, `WHERE _cairn_sample_percent = 5`, makes the remote query
// read `FROM t TABLESAMPLE SYSTEM ($n::float8)` (page-level sampling: about that percentage of
// the rows, cheaply); the value travels as a parameter and must be a number in (0, 100]
// (InvalidArgument otherwise). Discovery uses it to profile large tables.
//
// Type mapping (declared type / value conversion):
//   int2, int4, int8, oid          INTEGER  exact
//   bool                           INTEGER  t -> 1, f -> 0
//   float4, float8                 REAL
//   numeric                        REAL     converted to double: arithmetic and comparisons
//                                           behave like SQLite's; digits beyond a double's
//                                           precision are lost (source_type says numeric)
//   bytea                          BLOB     decoded
//   everything else                TEXT     PostgreSQL's text output (ISO dates, UTF-8)
// source_type is format_type() (e.g. "character varying(160)"); domains map by their base type.
//
// Pushdown (xBestIndex/xFilter). Values always travel as $n parameters, never in the SQL text;
// identifiers are quoted. A term is pushed only where the translation keeps SQLite's meaning:
//   IS NULL / IS NOT NULL           every column; exact.
//   =, <, <=, >, >=, IN             integer, bool, float8, numeric, text/varchar, bytea columns
//                                   and date/time/uuid/json(b)/enum columns (compared as their text
//                                   output); exact. Text ranges use COLLATE "C" (byte order, as
//                                   SQLite's BINARY). The value first gets the column's affinity
//                                   as SQLite would apply it ('5' against an INTEGER column is
//                                   5); a value of another storage class then has a constant
//                                   answer by SQLite's class order (NULL < numbers < text <
//                                   blob), so the term becomes IS NOT NULL or matches nothing.
//                                   A real against an integer column is rounded to the integer
//                                   bound that keeps the same rows. float4, char(n) and other
//                                   types are left to SQLite.
//   LIKE                            text, integer and text-output columns, as
//                                   `ILIKE $n ESCAPE ''` — a superset of SQLite's
//                                   ASCII-case-insensitive LIKE — and SQLite re-checks each row.
//   ORDER BY                        every column the comparisons above accept, in SQLite's
//                                   order: NULLs lowest (NULLS FIRST ascending; no NULLS clause
//                                   on NOT NULL columns, so an index can serve it), text as
//                                   COLLATE "C", floats with NaN read as NULL.
//   LIMIT / OFFSET                  when SQLite offers them, every other term is pushed exactly
//                                   and any ORDER BY is pushed too (see common/pushdown.h).
// Equality on every primary-key column is planned as a unique lookup. Comparisons under a
// collation other than BINARY (x = 'a' COLLATE NOCASE) stay with SQLite.
// Known limits: text equality assumes the database's collation is deterministic (the default;
// ICU nondeterministic collations are not); an integer beyond 2^53 compared with a float8 or
// numeric column is rounded to a double by PostgreSQL, where SQLite compares exactly.
//
// Execution: a unique lookup, or a query with a pushed LIMIT no larger than fetch_size, runs as
// one statement (prepared on the server after its second use). A query with an equality or IN
// filter first tries one statement limited to fetch_size + 1 rows and falls back to a cursor
// only when that overflows. Anything else streams through a NO SCROLL cursor inside a READ ONLY
// transaction, one batch at a time, with the next FETCH requested before the current batch is
// consumed (so the server works while SQLite does): at most two batches per scan are in memory,
// whatever the table size. Several cursors of one source (joins) share the connection and the
// transaction (see pg_connection.h).
//
// Batched lookups (on by default). SQLite joins by nested loops: the inner table of a join is
// looked up once per outer row, through the same cursor (one per table and statement), each
// lookup a round trip, and SQLite tells a lookup nothing about the keys to come. The engine that
// runs the connection can (connectors::LookupKeys in source.h; engine/lookup_keys.cc): when the
// lookup's key is a plain column of another table of the statement, it reads that column's
// distinct values ahead. So a cursor whose lookups are a single equality (and nothing else
// pushed) on an integer (int2/int4/int8/oid) or text/varchar column asks for them after 8
// lookups, fetches the rows of those keys with `WHERE key = ANY($1)` statements of 10,000 keys
// each (through a cursor, in batches as a scan), and answers each later lookup of one of those
// keys from memory; any other key is looked up by itself, as before.
//   * Same rows: a key in the set returns exactly the rows whose key equals it (the cache's
//     byte equality of PostgreSQL's text, as for "Repeated lookups" below), none when it has
//     none; the set may hold keys that are never looked up (outer rows that other terms drop).
//   * Per statement and snapshot: the rows live in the cursor, fetched once per statement.
//   * Bounded memory: the keys and their rows take at most batch_lookups_mb MiB (default 64);
//     the engine gives at most 1,000,000 keys. Over either, the batch is dropped and the lookups
//     go on one by one for the rest of the statement; a failure while fetching behaves as one
//     while reading the table below.
//   * When the engine cannot tell the keys (the key is an expression, the outer side a subquery,
//     a restricted principal's guard in between, a raw SQLite connection without the engine),
//     nothing changes.
//
// Repeated lookups. Without batched lookups (batch_lookups_mb: 0, or keys the engine cannot
// tell), each lookup is a round trip. With probe_cache_mb set (it is off by default: reading the
// table trades rows sent and memory for round trips, which measured about even on
// bench/cairn_bench.cc's join: bench/RESULTS.md), a cursor whose lookups are a single equality (and
// nothing else pushed) on an integer column (int2/int4/int8/oid) or a text/varchar column of a
// table or materialized view with a row estimate reads that table once, after max(8, row estimate /
// 200) lookups (the round trips made by then would have read about as many rows: BestIndex prices a
// round trip at 200 rows; the option probe_cache_after sets the count instead), and answers its
// later lookups from memory. It reads only the columns the statement uses plus the key, through a
// cursor as a scan does, and keeps PostgreSQL's text output of each value, converted as a streamed
// row is.
//   * Same rows: a lookup returns the rows whose key's text equals the parameter the server
//     would have been sent, byte for byte, which for these types is PostgreSQL's = (integers in
//     canonical decimal; text under the deterministic collation the pushdown assumes already).
//     NULL keys are never found, as `= NULL` finds nothing; duplicate keys return every row;
//     a value SQLite's affinity makes no key (7.5, 'abc' against an integer) matches nothing
//     before the cache is asked, as before. SQLite applies its own filters above, as on any
//     scan. Other types (numeric, float, dates, uuid...) and other shapes are looked up one
//     by one, as before.
//   * Per statement: the rows live in the cursor, which SQLite closes when the statement ends or
//     is reset; the next statement (or the same one run again) reads the table again. Within
//     one statement the rows are those of one snapshot, where lookups one by one would each see
//     the latest committed data.
//   * Bounded memory: the cache holds at most probe_cache_mb MiB (row data and index, counted as
//     allocated), on top of the one or two FETCH batches a scan holds. A table whose estimate
//     cannot fit is not read; one that overflows while being read is dropped at once and that
//     cursor goes on with one lookup per round trip for the rest of the statement.
//   * Errors: when reading the table fails and no other scan of the source is open, the cache is
//     dropped and the lookups go on one by one (each reporting its own error, naming the
//     source); when other scans share the transaction (which the failure aborts), the statement
//     fails with the server's error, naming the source.
// Not cached: lookups through the guard of a restricted principal (each of its scans is a new
// inner statement, so a new cursor), views and keyless partitioned tables (no row estimate).
//
// Thread-safety: one connection per Source; use a Source from one thread at a time.

#include <chrono>

#include "connectors/registry.h"

namespace cairn::connectors::postgres {

// CurrentTable() reads the catalog again (every table of the chosen schemas, as Tables() does,
// but not into Tables()' cache); one reading serves the calls of the next kCurrentCatalogFor (a
// recall verifies several recipes, each reading its tables), so a change is seen within it.
inline constexpr std::chrono::milliseconds kCurrentCatalogFor{1000};

// The 'postgres' connector kind: option specs and the opener.
KindSpec Kind();

}  // namespace cairn::connectors::postgres
