#pragma once

// The 'csv' connector kind: a directory of CSV files, one table per file.
//
//   sources:
//     customs: {kind: csv, path: data/customs, delimiter: ";", header: true,
//               sample_rows: 1000, null_value: "NA", index_max_mb: 64}
//
// Tables. Every regular file in `path` whose name ends in ".csv" (any letter case) is a table
// named after the file's stem (declarations.csv -> "declarations"); other files and
// subdirectories are ignored; tables are listed in byte order of the file names. Names are quoted
// everywhere, so any stem is usable, but two files whose stems differ only in ASCII letter case
// map to the same SQLite table and are rejected (InvalidArgument naming both files).
//
// Options:
//   path         required; the directory, relative to the config file.
//   delimiter    one byte, default ","; "tab" or "\t" mean a tab. Not '"', CR or LF.
//   header       true (default) or false; when false the columns are named c1..cN, N being the
//                field count of the first record.
//   sample_rows  rows read to infer column types (default 1000, at least 1).
//   null_value   the unquoted field text that means NULL (default "": an empty unquoted field is
//                NULL). A quoted field is never NULL: "" is the empty string, "NA" is text.
//   index_max_mb memory bound, in MiB, of each equality index (see Indexes; default 64, 0 turns
//                indexes off, at most 2^40).
//
// Syntax: RFC 4180 as described in csv_reader.h (quotes, doubled quotes, line breaks inside
// quotes, LF/CRLF/CR line ends, a UTF-8 byte-order mark skipped, blank lines skipped, UTF-8
// required in every field).
//
// Header: the first record names the columns, as written (nothing trimmed). An empty name or a
// name repeated (ignoring ASCII case, as SQLite does) is InvalidArgument from Tables()
// ("customs: declarations.csv:1: column 4: duplicate column name 'id' (also column 1)"); so is an
// empty file.
//
// Types: each column's declared type is inferred from the first `sample_rows` records as described
// in csv_values.h (INTEGER, REAL, else TEXT; an all-NULL column is TEXT) and recorded in
// ColumnInfo::source_type as "csv: inferred from N rows". Values come back typed: an INTEGER
// column yields integers, a REAL column doubles, a TEXT column text exactly as written. A later
// value that does not fit its column's type (e.g. "n/a" in an INTEGER column after the sample) is
// neither coerced nor dropped: it comes back as TEXT, which SQLite's dynamic typing allows.
//
// Errors at query time. A record with the wrong number of fields, bad quoting or invalid UTF-8
// fails the scan (SQLITE_ERROR) with a message naming source, file, physical line (1-based, where
// the record starts, or where the bad byte is) and field number, e.g.
//   "customs: declarations.csv:17: column 6: expected 5 fields, found 6".
// Records within the type-inference sample are not checked by Tables(): inference stops at the
// first bad record and the error surfaces from the query that reaches it.
//
// rowid is the physical line on which the record starts (unique, increasing within a file).
//
// Streaming: a scan reads through a 64 KiB buffer; memory stays bounded by the buffer plus one
// record (a record over 64 MiB is an error). Apart from indexes, nothing of a file is kept
// between scans.
//
// Indexes. SQLite builds no automatic index on a virtual table, so without help a CSV table on
// the inner side of a join is re-read for every outer row. xBestIndex therefore offers an
// equality (`col = v`) or IN (`col IN (...)`, taken all at once) constraint on any column; the
// first query that uses it reads the file once and builds an in-memory index of that column
// (csv_index.h): value -> byte offset and line of each record. Later probes read only the
// matching records, and check each as a scan does (field count, quoting, UTF-8, same messages).
//   * What is indexed: the value the table returns for the field (integer, real, or text for
//     TEXT columns and values that do not fit their column's type) and, for text that reads as a
//     number, that number too; NULL fields are not. Lookups return a superset of the rows SQLite
//     finds equal under its affinity rules ('42' against an INTEGER column, 42.0 against 42, 42
//     against the text "42"), and the constraint is left for SQLite to re-check (omit = 0), so
//     results are exactly those of a full scan. `= NULL` finds nothing. A comparison under a
//     collation other than BINARY is not offered.
//   * Lifetime: indexes belong to the Source, shared by every connection and cursor on it, and
//     live as long as it does (each keeps its file open). A scan's first probe compares the
//     file's size, modification time and inode with those at the build and rebuilds the index
//     when they differ; the scan's later probes (the inner side of one join, one statement) use
//     the index that probe found, as a full scan reads the file it opened.
//   * Errors: a malformed record anywhere in the file fails the query that builds the index, with
//     the message a scan gives ("customs: declarations.csv:17: column 6: expected 5 fields, found
//     6"), even when the matching rows come before it.
//   * Memory: each index (one per table column used) is bounded by index_max_mb. It is offered
//     only when the table's estimated rows x 128 bytes (kEstimatedBytesPerRow) fit; a build that
//     still outgrows the bound (long values) is dropped, that query falls back to a scan that
//     filters on the same keys, and the column is not offered again for the source's life.
//   * Costs given to the planner: a full scan costs about rows x (columns + 1); a probe about
//     log2(rows) + 4 plus columns + 1 per row it returns, estimated as rows per key once the index
//     is built (10 before; four probes for an IN list). The build's one full read is not charged,
//     so the planner prefers the probe even on first use.
//
// Sources from this kind: Check() is NotFound when the directory does not exist, InvalidArgument
// when the path is not a directory, Unavailable when it cannot be listed. Tables() is cached after
// its first success. Not thread-safe (one session, one thread, as source.h allows), except that
// the index cache is guarded by a mutex.

#include "connectors/registry.h"

namespace cairn::connectors::csv {

// The 'csv' connector kind: option specs and the opener. open() checks option values
// (InvalidArgument at the option's file:line:column) but does not touch the directory.
KindSpec Kind();

}  // namespace cairn::connectors::csv
