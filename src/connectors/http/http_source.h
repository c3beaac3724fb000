#pragma once

// The 'http' connector kind: REST/JSON APIs as sources, one table per endpoint.
//
//   sources:
//     line:
//       kind: http
//       url: https://api.shipping-line.example/v2   # base URL of every table's path
//       auth_token: "${LINE_API_TOKEN}"            # sent as "Authorization: Bearer <token>"
//       rate_limit: 5          # requests per second for the whole source (token bucket)
//       timeout_ms: 10000      # per request
//       max_response_mb: 16    # per response
//       tables:
//         delivery_orders:
//           path: /delivery-orders
//           params: {status: released}     # sent with every request
//           rows_at: data.items            # where the rows are in the body
//           paginate: {style: cursor, cursor_at: meta.next_cursor, param: cursor,
//                      size_param: limit, size: 100}
//           columns:
//             do_number: text                          # the field of the same name
//             container_no: {at: container.number, type: text}
//             released: boolean
//           filters: {container_no: container}       # WHERE container_no = ? -> ?container=
//         vessels: /vessels                           # columns inferred, no pagination
//
// Source options:
//   url              required; http:// or https:// (TLS always verified). No ${ENV} reference:
//                    secrets go in auth_token or a table's params.
//   auth_token       a secret, only as a ${ENV} reference (the registry refuses clear text);
//                    sent in the auth header of every request, never logged, never in a message.
//   auth_header      the header it is sent in (default Authorization).
//   auth_scheme      written before the token (default Bearer; "" sends the token alone, e.g.
//                    auth_header: X-Api-Key, auth_scheme: "").
//   rate_limit       requests per second across the source's tables (default 10; 0: no limit);
//   burst            requests allowed at once before the rate applies (default 1).
//   timeout_ms       deadline of one request, connection to last byte (default 30000).
//   max_response_mb  cap on one response's body (default 16); over it the query fails with
//                    ResourceExhausted naming the URL.
//   max_pages        pages one scan may fetch (default 1000); a scan that would fetch more fails
//                    with ResourceExhausted rather than return a silently truncated table.
//   tables           required; table name -> endpoint: a path, or a mapping of
//     path       appended to url (may carry a fixed query string);
//     params     query parameters sent with every request; a value holding a ${ENV} reference
//                is a secret (an API key in the query): sent, shown as *** in every message;
//     rows_at    dotted JSON path of the rows array ("data.items"); default: the body is the
//                array. JSON null there is an empty page; anything else not an array is an error.
//     paginate   {style: none | page | offset | cursor | link, ...} (see Pagination);
//     columns    name -> type, or name -> {at: dotted.path, type}; default: inferred (Types);
//     filters    column -> query parameter (or a list of columns sent under their own names)
//                for equality pushdown (see Pushdown).
//
// Pagination (page_reader.h has the stop rules):
//   page    ?page=start, start+1, ... (param default "page", start default 1);
//   offset  ?offset=0, then the rows received so far (param default "offset"; size_param
//           default "limit");
//   cursor  the next cursor is read at cursor_at in each body and sent as param (default
//           "cursor");
//   link    the RFC 8288 Link header's rel="next" URL is followed as given (same origin only).
//   Every style may send a page size: size_param and size. A scan stops after an empty page,
//   a missing cursor or a missing next link; a repeated cursor or URL, or a page repeating the
//   previous one, is an error naming the source; more than max_pages pages is an error.
//
// Types. Declared types: integer, real, text, boolean (stored as INTEGER 0/1) and json (any
// value as its JSON text). JSON null or a missing field is NULL. Any other value must fit its
// column's type: a string in an integer column, a number in a text column, or an object in a
// boolean column fails the query with InvalidArgument naming source, table, row, page and
// column ("line.orders: row 57 (page 3): column weight_kg: expected integer, got string
// \"n/a\""). Values are never coerced or silently made NULL: a filter or join over a changed
// value would answer wrongly without a sign. (An integral real such as 12.0 counts as integer.)
// Without `columns`, Tables() GETs the first page and infers them (json_rows.h): nested
// objects are flattened (consignee.name -> consignee_name), integers stay integer unless a real
// is seen, mixed or array fields are json; the first page must have rows. ColumnInfo::source_type
// records "http: inferred from N rows" or "http: declared <type> at <path>".
//
// Pushdown. An equality (`col = value`, or a join key bound per outer row) on a column listed in
// `filters` is sent as that query parameter, its value percent-encoded; SQLite still checks
// every row (omit = 0), so a server that ignores the parameter, or matches more loosely, gives
// the same result, only slower. `col = NULL` sends nothing and returns no rows; a BLOB value is
// not sent. Nothing else (ranges, IN, LIKE) is sent to the server; a LIMIT (and OFFSET) that
// SQLite leaves to the table, when no other term is left to it, ends the scan early: no page
// after the one holding the last row wanted is fetched.
//
// Errors name the source and table, the request ("GET <url>", query secrets as ***), and for an
// HTTP error its status and the start of the body (the auth token is masked even if the server
// echoes it). Codes: Unavailable for a refused connection, a timeout, a TLS failure, 5xx, 408
// and 429; FailedPrecondition for other non-2xx statuses (a 404 path, a 401 token); malformed
// JSON is InvalidArgument naming the byte offset; ResourceExhausted for the response cap and
// max_pages. A source that is down fails the queries that read it; other sources keep answering.
//
// Rows have no identity across scans (the rowid is a per-scan counter), like views: an OR over
// different columns of one http table may lose rows that match several branches (src/README.md,
// Known limits). Nothing is cached between scans: every scan reads the endpoint again, so an
// http table on the inner side of a join without a pushed filter is read once per outer row.
//
// Check() GETs the first page of the first table. Tables() is cached after its first success.
// Not thread-safe (one session, one thread, as source.h allows), except the rate limit, which is
// shared by every connection on the source.

#include "connectors/registry.h"

namespace cairn::connectors::http {

// The 'http' connector kind: option specs and the opener. open() checks every option value
// (InvalidArgument at its file:line:column) but sends no request.
KindSpec Kind();

}  // namespace cairn::connectors::http
