#pragma once

// The 'csv' connector kind: a directory of CSV files, one table per file.
//
//   sources:
//     customs: {kind: csv, path: data/customs, delimiter: ";", header: true,
//               sample_rows: 1000, null_value: "NA"}
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
// record (a record over 64 MiB is an error). Nothing of a file is kept between scans.
//
// Sources from this kind: Check() is NotFound when the directory does not exist, InvalidArgument
// when the path is not a directory, Unavailable when it cannot be listed. Tables() is cached after
// its first success. Not thread-safe (one session, one thread, as source.h allows).

#include "connectors/registry.h"

namespace cairn::connectors::csv {

// The 'csv' connector kind: option specs and the opener. open() checks option values
// (InvalidArgument at the option's file:line:column) but does not touch the directory.
KindSpec Kind();

}  // namespace cairn::connectors::csv
