// The REST door end to end: `cairn serve` over a demo enterprise, every route of the served
// OpenAPI document called through fetch (a route added to the document without a test here
// fails the coverage check at the end), each 2xx body and each error body validated against the
// schema the document gives for it, plus the server core's limits (413, 429, 408), health,
// metrics and a graceful stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
// Ajv comes with @seriousme/openapi-schema-validator (and the MCP SDK); its 2020-12 dialect is
// the one OpenAPI 3.1 schemas use.
import Ajv2020 from 'ajv/dist/2020.js';
import { makeDemo, startServer, call, addHoldReview, HELD_CONTAINER_SQL,
  CLEAN_CONTAINER_SQL } from './harness.mjs';

let demo;
let server;
let doc;
let ajv;
const covered = new Set();
const validators = new Map();

const SCHEMA_ID = 'https://cairn.invalid/openapi.json';

// The route template of a concrete path: the documented path whose segments fit, literals
// preferred over parameters from the left (as the server matches).
function templateOf(path) {
  const segments = path.split('/');
  let best;
  let bestScore = -1;
  for (const template of Object.keys(doc.paths)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let score = 0;
    let fits = true;
    for (let i = 0; i < parts.length; i++) {
      score *= 2;
      if (parts[i].startsWith('{')) {
        if (segments[i] === '') fits = false;
      } else if (parts[i] === segments[i]) {
        score += 1;
      } else {
        fits = false;
      }
    }
    if (fits && score > bestScore) { best = template; bestScore = score; }
  }
  return best;
}

function validatorFor(schemaRef) {
  if (!validators.has(schemaRef)) {
    validators.set(schemaRef, ajv.compile({ $ref: `${SCHEMA_ID}${schemaRef}` }));
  }
  return validators.get(schemaRef);
}

// Asserts `body` matches the schema documented for (method, template, status).
function checkAgainstDocument(method, template, status, res) {
  const op = doc.paths[template]?.[method.toLowerCase()];
  if (!op) return;
  let response = op.responses[String(status)] ?? op.responses.default;
  if (response.$ref) {
    response = doc.components.responses[response.$ref.split('/').pop()];
  }
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return;
  assert.ok(res.json !== undefined, `${method} ${template} ${status}: body is not JSON: ${res.text}`);
  const validate = validatorFor(schema.$ref);
  const ok = validate(res.json);
  assert.ok(ok, `${method} ${template} ${status}: body does not match ${schema.$ref}: ` +
               `${JSON.stringify(validate.errors?.slice(0, 3))}\n${res.text.slice(0, 400)}`);
}

// A call through fetch: records the route as covered and checks the body against the document.
async function req(method, path, { token, body, headers, expect } = {}) {
  const res = await call(server.url + path, { method, token, body, headers });
  const template = templateOf(path.split('?')[0]);
  if (template && doc.paths[template][method.toLowerCase()]) {
    covered.add(`${method} ${template}`);
    checkAgainstDocument(method, template, res.status, res);
  }
  if (expect !== undefined) {
    assert.equal(res.status, expect, `${method} ${path}: ${res.text.slice(0, 300)}`);
  }
  if (path.startsWith('/api/v1/')) {
    assert.equal(res.headers.get('cache-control'), 'no-store', `${method} ${path}`);
  }
  return res;
}

function errorCode(res) {
  return res.json?.error?.code;
}

const tok = (id) => demo.tokens[id];

before(async () => {
  demo = makeDemo();
  addHoldReview(demo.dir);
  server = await startServer(demo.dir);
  const res = await call(`${server.url}/openapi.json`);
  assert.equal(res.status, 200);
  doc = res.json;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: SCHEMA_ID, components: { schemas: doc.components.schemas } });
});

after(async () => {
  if (server) await server.stop();
  demo?.cleanup();
});

test('/openapi.json needs no token', async () => {
  const res = await req('GET', '/openapi.json', { expect: 200 });
  assert.equal(res.json.openapi, '3.1.0');
  assert.match(res.headers.get('content-type'), /application\/json/);
});

test('a missing or garbage token is 401 with a JSON error and WWW-Authenticate', async () => {
  for (const headers of [{}, { authorization: 'Bearer cairn_garbage' },
                         { authorization: 'Basic YWRtaW46YWRtaW4=' }]) {
    const res = await req('GET', '/api/v1/sources', { headers, expect: 401 });
    assert.equal(errorCode(res), 'unauthenticated');
    assert.match(res.headers.get('www-authenticate'), /^Bearer/);
    assert.ok(!res.text.includes('cairn_garbage'), 'the refused token is not echoed');
  }
  const res = await req('POST', '/api/v1/query', { body: { sql: 'SELECT 1' }, expect: 401 });
  assert.equal(errorCode(res), 'unauthenticated');
});

test('sources and tables: the release agent sees less than the administrator', async () => {
  const admin = await req('GET', '/api/v1/sources', { token: tok('admin'), expect: 200 });
  const bot = await req('GET', '/api/v1/sources', { token: tok('release-bot'), expect: 200 });
  assert.deepEqual(admin.json.map((s) => s.name).sort(), ['customs', 'finance', 'lines', 'tos']);
  assert.ok(admin.json.every((s) => s.ok && typeof s.location === 'string'));
  assert.ok(bot.json.every((s) => s.location === undefined), 'locations are for administrators');

  const all = await req('GET', '/api/v1/tables', { token: tok('admin'), expect: 200 });
  const mine = await req('GET', '/api/v1/tables', { token: tok('release-bot'), expect: 200 });
  const names = (res) => res.json.map((t) => `${t.source}.${t.table}`).sort();
  assert.equal(all.json.length, 16);
  assert.deepEqual(names(mine), ['customs.holds', 'customs.releases', 'finance.invoices',
                                 'lines.delivery_orders', 'tos.containers', 'tos.vessels',
                                 'tos.voyages', 'tos.yard_positions']);
  const tos = await req('GET', '/api/v1/tables?source=tos', { token: tok('release-bot'),
                                                              expect: 200 });
  assert.deepEqual(names(tos), ['tos.containers', 'tos.vessels', 'tos.voyages',
                                'tos.yard_positions']);
  const unknown = await req('GET', '/api/v1/tables?source=nope', { token: tok('admin') });
  assert.equal(unknown.status, 404);
  assert.equal(errorCode(unknown), 'not_found');
});

test('describe: columns as each principal sees them; path segments are percent-decoded',
     async () => {
  const admin = await req('GET', '/api/v1/tables/tos/containers', { token: tok('admin'),
                                                                   expect: 200 });
  assert.ok(admin.json.columns.some((c) => c.name === 'consignee_name'));
  const bot = await req('GET', '/api/v1/tables/tos/con%74ainers', { token: tok('release-bot'),
                                                                   expect: 200 });
  assert.deepEqual(bot.json.columns.map((c) => c.name),
                   ['container_no', 'iso_type', 'direction', 'status', 'voyage_id', 'line_code',
                    'bl_number']);
  // Not granted and not existing look the same.
  const hidden = await req('GET', '/api/v1/tables/finance/customers', { token: tok('release-bot') });
  assert.equal(hidden.status, 404);
  assert.equal(errorCode(hidden), 'not_found');
  const missing = await req('GET', '/api/v1/tables/tos/no%20such%20table.x', { token: tok('admin') });
  assert.equal(missing.status, 404);
  assert.match(missing.json.error.message, /no such table\.x|no such table/);
});

test('query: row filters, hidden and masked columns differ by principal', async () => {
  const sql = "SELECT * FROM tos.containers ORDER BY container_no";
  const admin = await req('POST', '/api/v1/query', { token: tok('admin'),
                                                    body: { sql, limit: 1000 }, expect: 200 });
  const bot = await req('POST', '/api/v1/query', { token: tok('release-bot'),
                                                  body: { sql, limit: 1000 }, expect: 200 });
  assert.equal(admin.json.row_count, admin.json.rows.length);
  assert.ok(admin.json.columns.includes('consignee_name'));
  assert.deepEqual(bot.json.columns, ['container_no', 'iso_type', 'direction', 'status',
                                      'voyage_id', 'line_code', 'bl_number']);
  const direction = bot.json.columns.indexOf('direction');
  assert.ok(bot.json.rows.length > 0);
  assert.ok(bot.json.rows.every((r) => r[direction] === 'import'), 'the row filter holds');
  const adminDirection = admin.json.columns.indexOf('direction');
  assert.ok(admin.json.rows.some((r) => r[adminDirection] !== 'import'));

  // A customs agent sees consignee names hashed; the administrator in clear.
  const one = "SELECT container_no, consignee_name FROM tos.containers " +
              "WHERE consignee_name IS NOT NULL ORDER BY container_no LIMIT 1";
  const clear = await req('POST', '/api/v1/query', { token: tok('admin'), body: { sql: one },
                                                    expect: 200 });
  const masked = await req('POST', '/api/v1/query', { token: tok('carlos'), body: { sql: one },
                                                     expect: 200 });
  assert.equal(masked.json.rows.length, 1);
  assert.notEqual(masked.json.rows[0][1], clear.json.rows[0][1]);
  assert.ok(masked.json.rules.length > 0, 'the masking rules are named');

  const denied = await req('POST', '/api/v1/query', { token: tok('release-bot'),
                                                     body: { sql: 'SELECT * FROM finance.customers' } });
  assert.ok([403, 404].includes(denied.status), denied.text);
  const bad = await req('POST', '/api/v1/query', { token: tok('admin'), body: { sql: 'SELEC 1' } });
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad), 'invalid_argument');
  const write = await req('POST', '/api/v1/query', { token: tok('admin'),
                                                    body: { sql: 'DELETE FROM tos.containers' } });
  assert.ok(write.status >= 400 && write.status < 500, write.text);
});

test('query pagination: offset/limit and a next_cursor walk reassemble one big page', async () => {
  const sql = 'SELECT container_no, status FROM tos.containers ORDER BY container_no LIMIT 250';
  const body = (extra) => ({ sql, ...extra });
  const big = await req('POST', '/api/v1/query', { token: tok('admin'), body: body({ limit: 1000 }),
                                                  expect: 200 });
  assert.equal(big.json.rows.length, 250);
  assert.equal(big.json.next_cursor, null);

  const walked = [];
  let cursor;
  let pages = 0;
  do {
    const page = await req('POST', '/api/v1/query', {
      token: tok('admin'), body: body(cursor ? { cursor, limit: 40 } : { limit: 40 }), expect: 200,
    });
    assert.equal(page.json.offset, walked.length);
    assert.equal(page.json.row_count, page.json.rows.length);
    walked.push(...page.json.rows);
    cursor = page.json.next_cursor;
    pages += 1;
    assert.ok(pages < 20);
  } while (cursor);
  assert.equal(pages, 7);
  assert.deepEqual(walked, big.json.rows);

  const third = await req('POST', '/api/v1/query', { token: tok('admin'),
                                                    body: body({ offset: 80, limit: 40 }), expect: 200 });
  assert.deepEqual(third.json.rows, big.json.rows.slice(80, 120));

  const badCursor = await req('POST', '/api/v1/query', { token: tok('admin'),
                                                        body: body({ cursor: 'not-a-cursor' }) });
  assert.equal(badCursor.status, 400);
  assert.equal(errorCode(badCursor), 'invalid_argument');
  const first = await req('POST', '/api/v1/query', { token: tok('admin'), body: body({ limit: 10 }),
                                                    expect: 200 });
  const otherSql = await req('POST', '/api/v1/query', {
    token: tok('admin'), body: { sql: 'SELECT 1', cursor: first.json.next_cursor },
  });
  assert.equal(otherSql.status, 400, 'a cursor is bound to its SQL');
  for (const extra of [{ limit: 0 }, { limit: 1001 }, { limit: '5' }, { offset: -1 },
                       { limt: 5 }]) {
    const res = await req('POST', '/api/v1/query', { token: tok('admin'), body: body(extra) });
    assert.equal(res.status, 400, JSON.stringify(extra));
    assert.equal(errorCode(res), 'invalid_argument');
  }
  const unknown = await req('POST', '/api/v1/query', { token: tok('admin'), body: body({ limt: 5 }) });
  assert.match(unknown.json.error.message, /limt/);
});

test('search: hits only from what the caller may see', async () => {
  const admin = await req('GET', '/api/v1/search?q=consignee&limit=50', { token: tok('admin'),
                                                                         expect: 200 });
  assert.ok(admin.json.hits.length > 0);
  assert.ok(admin.json.hits.some((h) => h.source === 'finance' || h.table === 'bills_of_lading'));
  const bot = await req('GET', '/api/v1/search?q=consignee&limit=50', { token: tok('release-bot'),
                                                                       expect: 200 });
  assert.ok(bot.json.hits.every((h) => !(h.source === 'finance' && h.table === 'customers')));
  assert.ok(bot.json.hits.every((h) => h.column !== 'consignee_name'));
  const res = await req('GET', '/api/v1/search?q=container%20status&limit=2', { token: tok('admin'),
                                                                               expect: 200 });
  assert.ok(res.json.hits.length <= 2);
  assert.equal(res.json.query, 'container status');
  for (const bad of ['/api/v1/search', '/api/v1/search?q=x&limit=abc', '/api/v1/search?q=x&limit=0']) {
    const r = await req('GET', bad, { token: tok('admin') });
    assert.equal(r.status, 400, bad);
    assert.equal(errorCode(r), 'invalid_argument');
  }
});

test('join path tos.containers -> customs.releases, GET and POST alike; the graph', async () => {
  const tables = ['tos.containers', 'customs.releases'];
  const post = await req('POST', '/api/v1/path', { token: tok('release-bot'), body: { tables },
                                                  expect: 200 });
  assert.match(post.json.sql, /JOIN "customs"\."releases"/);
  assert.equal(post.json.tables.length, 2);
  const get = await req('GET', `/api/v1/path?tables=${tables.join(',')}`, { token: tok('release-bot'),
                                                                           expect: 200 });
  assert.equal(get.json.sql, post.json.sql);
  // Columns the question names or compares with a constant, GET and POST alike; a column of
  // another table is refused naming the parameter.
  const fixedGet = await req('GET', `/api/v1/path?tables=${tables.join(',')}` +
                             '&columns=customs.releases.released_at&fixed=tos.containers.container_no',
                             { token: tok('release-bot'), expect: 200 });
  assert.equal(fixedGet.json.sql, post.json.sql);
  const fixedPost = await req('POST', '/api/v1/path', { token: tok('release-bot'), expect: 200,
    body: { tables, fixed: ['tos.containers.container_no'] } });
  assert.equal(fixedPost.json.sql, post.json.sql);
  const badFixed = await req('POST', '/api/v1/path', { token: tok('release-bot'),
    body: { tables, fixed: ['finance.payments.amount'] } });
  assert.equal(badFixed.status, 400);
  assert.match(badFixed.json.error.message, /fixed: 'finance\.payments\.amount'/);
  // The SQL it writes runs.
  const run = await req('POST', '/api/v1/query', { token: tok('release-bot'),
                                                  body: { sql: `${post.json.sql} LIMIT 3` } });
  assert.equal(run.status, 200, run.text);

  const one = await req('GET', '/api/v1/path?tables=tos.containers', { token: tok('admin') });
  assert.equal(one.status, 400);
  const extra = await req('POST', '/api/v1/path', { token: tok('admin'), body: { tables, via: 1 } });
  assert.equal(extra.status, 400);
  assert.match(extra.json.error.message, /'via'/);
  const missing = await req('POST', '/api/v1/path', { token: tok('admin'),
                                                     body: { tables: ['tos.containers', 'nope.x'] } });
  assert.equal(missing.status, 404);

  const graph = await req('GET', '/api/v1/graph', { token: tok('admin'), expect: 200 });
  const botGraph = await req('GET', '/api/v1/graph', { token: tok('release-bot'), expect: 200 });
  assert.ok(graph.json.tables.length > botGraph.json.tables.length);
  assert.ok(botGraph.json.tables.every((t) => !(t.source === 'finance' && t.table === 'customers')));
});

test('joins: list; confirm and reject as administrator, 403 for the release agent', async () => {
  const list = await req('GET', '/api/v1/joins', { token: tok('admin'), expect: 200 });
  assert.ok(list.json.joins.length > 0);
  const botList = await req('GET', '/api/v1/joins', { token: tok('release-bot'), expect: 200 });
  assert.ok(botList.json.joins.length < list.json.joins.length);
  // A join away from the containers -> releases path tested above.
  const join = list.json.joins.find((j) => j.from.table !== 'releases' && j.to.table !== 'releases') ??
               list.json.joins[0];

  const deniedConfirm = await req('POST', `/api/v1/joins/${join.id}/confirm`,
                                  { token: tok('release-bot') });
  assert.equal(deniedConfirm.status, 403);
  assert.equal(errorCode(deniedConfirm), 'permission_denied');
  const deniedReject = await req('POST', `/api/v1/joins/${join.id}/reject`,
                                 { token: tok('release-bot') });
  assert.equal(deniedReject.status, 403);

  const rejected = await req('POST', `/api/v1/joins/${join.id}/reject`, { token: tok('admin'),
                                                                        expect: 200 });
  assert.equal(rejected.json.kind, 'rejected');
  assert.equal(rejected.json.stated_by, 'admin');
  const confirmed = await req('POST', `/api/v1/joins/${join.id}/confirm`, { token: tok('admin'),
                                                                          body: {}, expect: 200 });
  assert.equal(confirmed.json.kind, 'confirmed');

  const bad = await req('POST', '/api/v1/joins/abc/confirm', { token: tok('admin') });
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad), 'invalid_argument');
  const unknown = await req('POST', '/api/v1/joins/999999/confirm', { token: tok('admin') });
  assert.equal(unknown.status, 404);
  const withBody = await req('POST', `/api/v1/joins/${join.id}/confirm`,
                             { token: tok('admin'), body: { note: 'x' } });
  assert.equal(withBody.status, 400, 'confirm takes no fields');
});

test('recipes: remember (201), list, get, recall by GET and POST', async () => {
  const question = 'Which import containers are released by customs?';
  const sql = 'SELECT c.container_no FROM tos.containers c JOIN customs.releases r ' +
              'ON r.container_no = c.container_no';
  const made = await req('POST', '/api/v1/recipes', { token: tok('release-bot'),
                                                     body: { question, sql, note: 'via REST' },
                                                     expect: 201 });
  assert.equal(made.json.question, question);
  assert.equal(made.json.stated_by, 'release-bot');
  const id = made.json.id;

  const list = await req('GET', '/api/v1/recipes', { token: tok('release-bot'), expect: 200 });
  assert.ok(list.json.recipes.some((r) => r.id === id));
  const one = await req('GET', `/api/v1/recipes/${id}`, { token: tok('release-bot'), expect: 200 });
  assert.equal(one.json.sql, sql);

  const got = await req('GET', `/api/v1/recipes/recall?q=${encodeURIComponent('released containers')}`,
                        { token: tok('release-bot'), expect: 200 });
  assert.equal(got.json.recipes[0]?.id, id);
  const posted = await req('POST', '/api/v1/recipes/recall', {
    token: tok('release-bot'), body: { question: 'containers released by customs', limit: 3 },
    expect: 200,
  });
  assert.equal(posted.json.recipes[0]?.id, id);
  assert.equal(typeof posted.json.recipes[0].score, 'number');

  // Run by id (freshness checked first), one page as /api/v1/query returns it, then the next.
  const ran = await req('POST', `/api/v1/recipes/${id}/run`, { token: tok('release-bot'),
                                                              body: { limit: 1 }, expect: 200 });
  assert.equal(ran.json.recipe_id, id);
  assert.deepEqual(ran.json.columns, ['container_no']);
  assert.equal(ran.json.rows.length, 1);
  const next = await req('POST', `/api/v1/recipes/${id}/run`, {
    token: tok('release-bot'), body: { cursor: ran.json.next_cursor, limit: 1 }, expect: 200 });
  assert.notDeepEqual(next.json.rows, ran.json.rows);
  const unbodied = await req('POST', `/api/v1/recipes/${id}/run`, { token: tok('release-bot'),
                                                                   expect: 200 });
  assert.equal(unbodied.json.recipe_id, id);
  const extra = await req('POST', `/api/v1/recipes/${id}/run`, { token: tok('release-bot'),
                                                                body: { sql: 'SELECT 1' } });
  assert.equal(extra.status, 400);
  assert.match(extra.json.error.message, /sql/);

  // Not visible to a finance clerk, who may not read tos.containers: not found.
  const hidden = await req('GET', `/api/v1/recipes/${id}`, { token: tok('frieda') });
  assert.equal(hidden.status, 404);
  const hiddenRun = await req('POST', `/api/v1/recipes/${id}/run`, { token: tok('frieda') });
  assert.equal(hiddenRun.status, 404);
  for (const [path, code] of [[`/api/v1/recipes/x${id}`, 400], ['/api/v1/recipes/987654', 404],
                              ['/api/v1/recipes/recall', 400]]) {
    const res = await req('GET', path, { token: tok('admin') });
    assert.equal(res.status, code, path);
  }
  const missing = await req('POST', '/api/v1/recipes', { token: tok('admin'), body: { question } });
  assert.equal(missing.status, 400);
  assert.match(missing.json.error.message, /'sql'/);
});

test('ledger: administrators read, prove and verify; the release agent may not', async () => {
  const tail = await req('GET', '/api/v1/ledger/tail?n=200', { token: tok('admin'), expect: 200 });
  const entries = tail.json.entries;
  assert.ok(entries.length > 10);
  const rest = entries.filter((e) => e.ingress === 'rest');
  assert.ok(rest.length > 0, 'REST calls are ledgered with ingress "rest"');
  assert.ok(rest.some((e) => e.principal === 'release-bot' && e.action === 'query'));
  assert.ok(rest.some((e) => e.action === 'join_verdict'));
  for (let i = 1; i < entries.length; i++) assert.ok(entries[i].seq > entries[i - 1].seq);

  const last = entries.at(-1);
  const entry = await req('GET', `/api/v1/ledger/entries/${last.seq}`, { token: tok('admin'),
                                                                        expect: 200 });
  assert.equal(entry.json.leaf_hash, last.leaf_hash);
  const proof = await req('GET', `/api/v1/ledger/entries/${last.seq}/proof`, { token: tok('admin'),
                                                                              expect: 200 });
  assert.equal(proof.json.leaf_hash, last.leaf_hash);
  assert.ok(proof.json.tree_size > last.seq);
  const older = await req('GET', `/api/v1/ledger/entries/0/proof?tree_size=${last.seq + 1}`,
                          { token: tok('admin'), expect: 200 });
  assert.equal(older.json.tree_size, last.seq + 1);
  const verify = await req('GET', '/api/v1/ledger/verify', { token: tok('admin'), expect: 200 });
  assert.equal(verify.json.ok, true);

  // The auditor is a ledger reader by policy.
  await req('GET', '/api/v1/ledger/tail?n=1', { token: tok('ada'), expect: 200 });
  for (const path of ['/api/v1/ledger/tail', `/api/v1/ledger/entries/${last.seq}`,
                      `/api/v1/ledger/entries/${last.seq}/proof`, '/api/v1/ledger/verify']) {
    const res = await req('GET', path, { token: tok('release-bot') });
    assert.equal(res.status, 403, path);
    assert.equal(errorCode(res), 'permission_denied');
  }
  for (const path of ['/api/v1/ledger/tail?n=abc', '/api/v1/ledger/tail?n=0',
                      '/api/v1/ledger/tail?n=1001', '/api/v1/ledger/entries/1.5',
                      '/api/v1/ledger/entries/-1', '/api/v1/ledger/entries/0/proof?tree_size=x']) {
    const res = await req('GET', path, { token: tok('admin') });
    assert.equal(res.status, 400, path);
    assert.equal(errorCode(res), 'invalid_argument');
  }
  const far = await req('GET', '/api/v1/ledger/entries/99999999', { token: tok('admin') });
  assert.equal(far.status, 404);
});

test('principals and tokens: administrators only; an issued token works until revoked', async () => {
  const denied = await req('GET', '/api/v1/principals', { token: tok('release-bot') });
  assert.equal(denied.status, 403);
  assert.equal(errorCode(denied), 'permission_denied');
  const deniedAdd = await req('POST', '/api/v1/principals', { token: tok('olga'),
                                                             body: { id: 'sneaky', roles: ['admin'] } });
  assert.equal(deniedAdd.status, 403);

  const list = await req('GET', '/api/v1/principals', { token: tok('admin'), expect: 200 });
  assert.ok(list.json.principals.some((p) => p.id === 'release-bot'));
  const added = await req('POST', '/api/v1/principals', {
    token: tok('admin'), expect: 201,
    body: { id: 'gate-bot', kind: 'agent', roles: ['release_agent'], attributes: { gate: 'G1' } },
  });
  assert.equal(added.json.id, 'gate-bot');
  const again = await req('POST', '/api/v1/principals', { token: tok('admin'), body: { id: 'gate-bot' } });
  assert.equal(again.status, 409);
  const typo = await req('POST', '/api/v1/principals', { token: tok('admin'),
                                                        body: { id: 'x-bot', role: ['a'] } });
  assert.equal(typo.status, 400);
  assert.match(typo.json.error.message, /'role'/);

  const denyIssue = await req('POST', '/api/v1/principals/gate-bot/tokens', { token: tok('release-bot') });
  assert.equal(denyIssue.status, 403);
  const issued = await req('POST', '/api/v1/principals/gate-bot/tokens', {
    token: tok('admin'), body: { ttl_seconds: 3600 }, expect: 201,
  });
  const secret = issued.json.token;
  assert.equal(issued.json.principal, 'gate-bot');
  assert.equal(typeof issued.json.expires_at, 'string');
  const tables = await req('GET', '/api/v1/tables', { token: secret, expect: 200 });
  assert.ok(tables.json.some((t) => t.table === 'releases'));

  const tokens = await req('GET', '/api/v1/principals/gate-bot/tokens', { token: tok('admin'),
                                                                        expect: 200 });
  assert.deepEqual(tokens.json.tokens.map((t) => t.id), [issued.json.id]);
  assert.ok(!tokens.text.includes(secret), 'secrets are shown once');
  await req('GET', '/api/v1/principals/gate-bot/tokens', { token: tok('release-bot'), expect: 403 });

  await req('POST', '/api/v1/principals/gate-bot/disable', { token: tok('admin'), expect: 200 });
  const off = await req('GET', '/api/v1/sources', { token: secret });
  assert.equal(off.status, 401);
  const on = await req('POST', '/api/v1/principals/gate-bot/enable', { token: tok('admin'),
                                                                     expect: 200 });
  assert.equal(on.json.disabled, false);
  await req('GET', '/api/v1/sources', { token: secret, expect: 200 });
  await req('POST', '/api/v1/principals/gate-bot/disable', { token: tok('release-bot'), expect: 403 });
  await req('POST', '/api/v1/principals/gate-bot/enable', { token: tok('release-bot'), expect: 403 });

  await req('DELETE', `/api/v1/tokens/${issued.json.id}`, { token: tok('release-bot'), expect: 403 });
  const revoked = await req('DELETE', `/api/v1/tokens/${issued.json.id}`, { token: tok('admin'),
                                                                          expect: 200 });
  assert.equal(revoked.json.revoked, true);
  const after = await req('GET', '/api/v1/sources', { token: secret });
  assert.equal(after.status, 401);
  assert.equal(errorCode(after), 'unauthenticated');
  const unknownToken = await req('DELETE', '/api/v1/tokens/000000000000', { token: tok('admin') });
  assert.equal(unknownToken.status, 404);
  const noOne = await req('POST', '/api/v1/principals/nobody/tokens', { token: tok('admin') });
  assert.equal(noOne.status, 404);
});

test('workflows and cases: agents gather, humans decide; the ladder is for administrators',
  async () => {
    const first = async (sql) =>
      (await req('POST', '/api/v1/query', { token: tok('admin'), body: { sql }, expect: 200 }))
        .json.rows[0][0];
    const held = await first(HELD_CONTAINER_SQL);
    const clean = await first(CLEAN_CONTAINER_SQL);
    const bot = tok('release-bot');
    const carlos = tok('carlos');  // customs_agent: the decide role
    const olga = tok('olga');      // port_operator

    // Every principal lists and reads workflows.
    const list = await req('GET', '/api/v1/workflows', { token: bot, expect: 200 });
    const wf = list.json.workflows.find((w) => w.name === 'hold_review');
    assert.equal(wf.decide_role, 'customs_agent');
    assert.equal(wf.level, 'observe');
    const shown = await req('GET', '/api/v1/workflows/hold_review', { token: olga, expect: 200 });
    assert.equal(shown.json.principal, 'release-bot');
    assert.equal(errorCode(await req('GET', '/api/v1/workflows/no_such',
                                     { token: olga, expect: 404 })), 'not_found');

    // The agent starts a case and reads it; at observe it does not see the recommendation.
    const started = await req('POST', '/api/v1/cases', {
      token: bot, body: { workflow: 'hold_review', inputs: { container_no: held } }, expect: 201 });
    const id = started.json.id;
    assert.equal(started.json.status, 'waiting');
    assert.equal(started.json.waiting_role, 'customs_agent');
    assert.equal(started.json.recommendation, null);
    const check = started.json.steps.find((st) => st.step === 'no_open_hold');
    assert.equal(check.check.outcome, 'fail');
    const got = await req('GET', `/api/v1/cases/${id}`, { token: bot, expect: 200 });
    assert.equal(got.json.id, id);
    assert.ok(got.json.steps.find((st) => st.step === 'holds').evidence.rows.length >= 1);
    // ... but never decides.
    const denied = await req('POST', `/api/v1/cases/${id}/decision`, {
      token: bot, body: { verdict: 'approve', reason: 'the bot thinks so' }, expect: 403 });
    assert.equal(errorCode(denied), 'permission_denied');
    assert.match(denied.json.error.message, /agent/);

    // A person without the role: the case is unknown to her; her own case she may not decide.
    await req('GET', `/api/v1/cases/${id}`, { token: olga, expect: 404 });
    const own = await req('POST', '/api/v1/cases', {
      token: olga, body: { workflow: 'hold_review', inputs: { container_no: clean } }, expect: 201 });
    const wrongRole = await req('POST', `/api/v1/cases/${own.json.id}/decision`, {
      token: olga, body: { verdict: 'approve', reason: 'mine' }, expect: 403 });
    assert.match(wrongRole.json.error.message, /customs_agent/);

    // Malformed decisions.
    const noReason = await req('POST', `/api/v1/cases/${id}/decision`, {
      token: carlos, body: { verdict: 'approve' }, expect: 400 });
    assert.equal(errorCode(noReason), 'invalid_argument');
    assert.match(noReason.json.error.message, /reason/);
    await req('POST', `/api/v1/cases/${id}/decision`, {
      token: carlos, body: { verdict: 'approve', reason: '   ' }, expect: 400 });
    await req('POST', `/api/v1/cases/${id}/decision`, {
      token: carlos, body: { verdict: 'maybe', reason: 'unsure' }, expect: 400 });
    await req('POST', '/api/v1/cases/999999/decision', {
      token: carlos, body: { verdict: 'reject', reason: 'x' }, expect: 404 });

    // The customs agent's queue, then the decision, once.
    const queue = await req('GET',
      '/api/v1/cases?workflow=hold_review&status=waiting&for_review=true&limit=50',
      { token: carlos, expect: 200 });
    assert.ok(queue.json.cases.some((c) => c.id === id));
    await req('GET', '/api/v1/cases?for_review=maybe', { token: carlos, expect: 400 });
    await req('GET', '/api/v1/cases?status=bogus', { token: carlos, expect: 400 });
    await req('GET', '/api/v1/cases?limit=0', { token: carlos, expect: 400 });
    const decided = await req('POST', `/api/v1/cases/${id}/decision`, {
      token: carlos, body: { verdict: 'reject', reason: 'the hold is still open' }, expect: 200 });
    assert.equal(decided.json.decision.verdict, 'reject');
    assert.equal(decided.json.decision.kind, 'human');
    assert.equal(decided.json.decision.by, 'carlos');
    const again = await req('POST', `/api/v1/cases/${id}/decision`, {
      token: carlos, body: { verdict: 'approve', reason: 'changed my mind' }, expect: 409 });
    assert.equal(errorCode(again), 'failed_precondition');
    const mine = await req('GET', '/api/v1/cases', { token: bot, expect: 200 });
    assert.ok(mine.json.cases.some((c) => c.id === id && c.decision === 'reject'));

    // Bad starts.
    await req('POST', '/api/v1/cases', {
      token: bot, body: { workflow: 'hold_review', inputs: { container_no: 'nope' } }, expect: 400 });
    await req('POST', '/api/v1/cases', {
      token: bot, body: { workflow: 'hold_review', inputs: { container_no: 7 } }, expect: 400 });
    await req('POST', '/api/v1/cases', { token: bot, body: { inputs: {} }, expect: 400 });
    await req('POST', '/api/v1/cases', {
      token: bot, body: { workflow: 'no_such', inputs: {} }, expect: 404 });

    // The ladder: administrators only, criteria or force with a reason.
    const promote = '/api/v1/workflows/hold_review/promote';
    await req('POST', promote, { token: carlos, body: { force: true, reason: 'x' }, expect: 403 });
    const criteria = await req('POST', promote, { token: tok('admin'), body: {}, expect: 403 });
    assert.match(criteria.json.error.message, /needed/);
    await req('POST', promote, { token: tok('admin'), body: { force: true }, expect: 400 });
    const suggest = await req('POST', promote, {
      token: tok('admin'), body: { force: true, reason: 'pilot' }, expect: 200 });
    assert.equal(suggest.json.level, 'suggest');
    const auto = await req('POST', promote, {
      token: tok('admin'), body: { force: true, reason: 'pilot' }, expect: 200 });
    assert.equal(auto.json.level, 'auto_with_exceptions');
    assert.ok(auto.json.events.some((e) => e.kind === 'promote' && e.forced));

    // Automatic decisions are sampled for a person's review.
    const autoCase = await req('POST', '/api/v1/cases', {
      token: bot, body: { workflow: 'hold_review', inputs: { container_no: clean } }, expect: 201 });
    assert.equal(autoCase.json.decision.kind, 'auto');
    assert.equal(autoCase.json.review.required, true);
    const review = `/api/v1/cases/${autoCase.json.id}/review`;
    await req('POST', review, {
      token: bot, body: { verdict: 'approve', reason: 'fine' }, expect: 403 });
    const reviewed = await req('POST', review, {
      token: carlos, body: { verdict: 'approve', reason: 'checked the holds' }, expect: 200 });
    assert.equal(reviewed.json.review.verdict, 'approve');
    await req('POST', review, {
      token: carlos, body: { verdict: 'approve', reason: 'again' }, expect: 409 });

    const demote = '/api/v1/workflows/hold_review/demote';
    await req('POST', demote, { token: bot, body: {}, expect: 403 });
    await req('POST', demote, { token: tok('admin'), body: { to: 'nowhere' }, expect: 400 });
    const down = await req('POST', demote, {
      token: tok('admin'), body: { to: 'observe', reason: 'pilot over' }, expect: 200 });
    assert.equal(down.json.level, 'observe');
    await req('POST', demote, { token: tok('admin'), body: {}, expect: 409 });
  });

test('malformed requests: 404, 405, 415, 400 invalid_json and invalid_argument', async () => {
  const unknown = await req('GET', '/api/v1/nope', { token: tok('admin') });
  assert.equal(unknown.status, 404);
  assert.equal(errorCode(unknown), 'not_found');
  const wrong = await req('DELETE', '/api/v1/query', { token: tok('admin') });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'POST');
  assert.equal(errorCode(wrong), 'method_not_allowed');

  const q = JSON.stringify({ sql: 'SELECT 1' });
  const plain = await req('POST', '/api/v1/query', { token: tok('admin'), body: q,
                                                    headers: { 'content-type': 'text/plain' } });
  assert.equal(plain.status, 415);
  assert.equal(errorCode(plain), 'unsupported_media_type');
  const charset = await req('POST', '/api/v1/query', {
    token: tok('admin'), body: q, headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  assert.equal(charset.status, 200);
  const malformed = await req('POST', '/api/v1/query', {
    token: tok('admin'), body: '{"sql": "SELECT 1"', headers: { 'content-type': 'application/json' },
  });
  assert.equal(malformed.status, 400);
  assert.equal(errorCode(malformed), 'invalid_json');
  const badUtf8 = Buffer.concat([Buffer.from('{"sql": "SELECT \''), Buffer.from([0xc3, 0x28]),
                                 Buffer.from('\'"}')]);
  const utf8 = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST', body: badUtf8,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tok('admin')}` },
  });
  assert.equal(utf8.status, 400);
  assert.equal((await utf8.json()).error.code, 'invalid_json');
  const array = await req('POST', '/api/v1/query', { token: tok('admin'), body: ['SELECT 1'] });
  assert.equal(array.status, 400);
  assert.equal(errorCode(array), 'invalid_json');
});

// Sends raw bytes on a fresh connection; resolves with everything the server sent until it
// closed the connection (or `ms` passed).
function rawExchange(port, chunks, ms = 5000) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('connect', () => { for (const chunk of chunks) socket.write(chunk); });
    socket.on('data', (d) => { received += d; });
    const done = () => { clearTimeout(timer); resolve(received); };
    socket.on('close', done);
    socket.on('error', () => {});
  });
}

test('a body over 4 MiB is 413 from the server core', async () => {
  // Announced by Content-Length: answered without reading the body. (Through fetch, whose
  // upload may still be running when the server answers and closes, the client can see EPIPE
  // instead of the response, so the exchange is done on a raw socket.)
  const size = 5 * 1024 * 1024;
  const head = `POST /api/v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
               `Authorization: Bearer ${tok('admin')}\r\nContent-Type: application/json\r\n` +
               `Content-Length: ${size}\r\nConnection: close\r\n\r\n`;
  const received = await rawExchange(server.port, [head, '{"sql": "SELECT \'', 'x'.repeat(65536)]);
  assert.match(received, /^HTTP\/1\.1 413 /);
  const body = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4));
  assert.equal(body.error.code, 'payload_too_large');
  // The server is still fine afterwards.
  await req('GET', '/api/v1/sources', { token: tok('admin'), expect: 200 });
});

test('/healthz, /readyz and /metrics', async () => {
  const health = await call(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  const ready = await call(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  const metrics = await call(`${server.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type'), /^text\/plain/);
  assert.match(metrics.text, /^# (HELP|TYPE) /m);
  assert.match(metrics.text, /cairn_http_requests_total\{[^}]*route="\/api\/v1\/query"/);
  assert.match(metrics.text, /cairn_http_requests_total\{[^}]*route="\/api\/v1\/tables\/\{source\}\/\{table\}"/);
});

// Sends `head` (an incomplete request header) in pieces every `everyMs`; resolves with what
// the server sent and when it closed.
function slowHeaders(port, everyMs, maxMs) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let closed = false;
    const started = Date.now();
    let timer;
    socket.on('connect', () => {
      socket.write('GET /api/v1/sources HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      let n = 0;
      timer = setInterval(() => {
        if (closed) return;
        if (Date.now() - started > maxMs) {
          clearInterval(timer);
          socket.destroy();
          resolve({ received, closed: false, ms: Date.now() - started });
          return;
        }
        socket.write(`X-Slow-${n++}: a\r\n`);
      }, everyMs);
    });
    socket.on('data', (d) => { received += d; });
    const done = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      resolve({ received, closed: true, ms: Date.now() - started });
    };
    socket.on('close', done);
    socket.on('error', done);
  });
}

test('a second server: rate limit (429), slowloris (408) and a graceful SIGTERM', async () => {
  const second = await startServer(demo.dir, ['--rate', '5', '--burst', '5',
                                              '--header-timeout-ms', '500']);
  let stopped = false;
  try {
    // Rate limit: per token, 5 per second with a burst of 5.
    const statuses = [];
    let limited;
    for (let i = 0; i < 15; i++) {
      const res = await call(`${second.url}/api/v1/sources`, { token: tok('olga') });
      statuses.push(res.status);
      if (res.status === 429 && !limited) limited = res;
    }
    assert.ok(statuses.slice(0, 5).every((s) => s === 200), statuses.join(','));
    assert.ok(limited, `no 429 in ${statuses.join(',')}`);
    assert.equal(limited.json?.error?.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // Another token has its own budget.
    const other = await call(`${second.url}/api/v1/sources`, { token: tok('carlos') });
    assert.equal(other.status, 200);

    // Slowloris: headers trickling in slower than the header timeout.
    const slow = await slowHeaders(second.port, 150, 5000);
    assert.ok(slow.closed, 'the server closes a connection whose headers never finish');
    assert.ok(slow.ms < 3000, `closed after ${slow.ms} ms`);
    if (slow.received) assert.match(slow.received, /^HTTP\/1\.1 408/);

    // Graceful stop: a request in flight when SIGTERM arrives still completes.
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) ' +
                'SELECT count(*) FROM c';
    const inFlight = call(`${second.url}/api/v1/query`, { method: 'POST', token: tok('admin'),
                                                         body: { sql } });
    await new Promise((r) => setTimeout(r, 400));
    const code = await second.stop();
    stopped = true;
    const res = await inFlight;
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.rows, [[3000000]]);
    assert.equal(code, 0, second.stderr());
  } finally {
    if (!stopped) await second.stop();
  }
});

test('every route of the document was called', () => {
  const missing = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      const key = `${method.toUpperCase()} ${path}`;
      if (!covered.has(key)) missing.push(key);
    }
  }
  assert.deepEqual(missing, [], 'documented routes without a test');
});
