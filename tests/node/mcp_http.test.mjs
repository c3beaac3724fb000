// MCP over Streamable HTTP (`cairn serve`, /mcp) with the official TypeScript SDK client and raw
// fetch: the release agent's flow on the demo port (search -> join path -> query, seeing only
// what policy.yaml grants role release_agent), resources, tool errors, sessions bound to their
// principal, and the transport's HTTP rules.
import { test, before, after } from 'node:test';
import { connect as connectSocket } from 'node:net';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { makeDemo, startServer, call, ledgerTail, toolData, toolErrorCode } from './harness.mjs';

const TOOLS = ['search_context', 'describe_table', 'find_join_path', 'run_query', 'recall_recipes',
  'run_recipe', 'remember_recipe', 'list_sources', 'start_case', 'get_case', 'list_cases'];

let demo;
let server;
let mcpUrl;

before(async () => {
  demo = makeDemo();
  server = await startServer(demo.dir);
  mcpUrl = `${server.url}/mcp`;
});

after(async () => {
  if (server) await server.stop();
  if (demo) demo.cleanup();
});

async function connect(token) {
  const client = new Client({ name: 'cairn-node-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return { client, transport };
}

async function tool(client, name, args) {
  return client.callTool({ name, arguments: args });
}

// The ledger's last entries as the administrator sees them.
function ledger() {
  return ledgerTail(demo.dir);
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

// A raw initialize; returns the session id.
async function rawInit(token, extra = {}) {
  const res = await call(mcpUrl, {
    method: 'POST', token, headers: { ...HEADERS, ...extra },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {},
        clientInfo: { name: 'raw', version: '1' } } }),
  });
  assert.equal(res.status, 200, res.text);
  const session = res.headers.get('mcp-session-id');
  assert.match(session, /^[0-9a-f]{64}$/);
  return session;
}

async function rawPost(token, session, body, extra = {}) {
  const headers = { ...HEADERS, ...extra };
  if (session) headers['mcp-session-id'] = session;
  if (body instanceof Uint8Array) {  // raw bytes (call() would serialize them as JSON)
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(mcpUrl, { method: 'POST', headers, body });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, headers: res.headers, json, text };
  }
  return call(mcpUrl, { method: 'POST', token, headers,
    body: typeof body === 'string' ? body : JSON.stringify(body) });
}

// Announces a body of `size` bytes on a raw socket and resolves with the status line's code
// (the server answers 413 from the Content-Length alone and closes, without reading the body;
// fetch() would only report the failed upload).
function oversizedStatus(token, session, size) {
  return new Promise((resolveStatus, reject) => {
    const { hostname, port } = new URL(mcpUrl);
    const socket = connectSocket({ host: hostname, port: Number(port) }, () => {
      socket.write(`POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`
        + 'Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n'
        + `Authorization: Bearer ${token}\r\nMcp-Session-Id: ${session}\r\n`
        + `Content-Length: ${size}\r\n\r\n`);
      socket.write(' '.repeat(1024));
    });
    let received = '';
    socket.on('data', (d) => { received += d; });
    socket.on('error', () => {});
    socket.on('close', () => {
      const m = received.match(/^HTTP\/1\.1 (\d{3})/);
      if (m) resolveStatus(Number(m[1])); else reject(new Error(`no status: ${received}`));
    });
  });
}

test('initialize negotiates the latest version and lists the tools with schemas', async () => {
  const { client } = await connect(demo.tokens['release-bot']);
  try {
    assert.equal(client.getServerVersion().name, 'cairn');
    assert.match(client.getInstructions(), /recall_recipes/);
    const caps = client.getServerCapabilities();
    assert.ok(caps.tools && caps.resources);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOLS].sort());
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.inputSchema.additionalProperties, false, t.name);
      assert.equal(t.outputSchema.type, 'object');
      assert.equal(t.annotations.readOnlyHint, !['remember_recipe', 'start_case'].includes(t.name));
      assert.equal(t.annotations.openWorldHint, false);
      assert.ok(t.description.length > 20);
    }
    await client.ping();
  } finally {
    await client.close();
  }
});

test('the release agent finds, joins and queries release information, and sees only its grant', async () => {
  const bot = await connect(demo.tokens['release-bot']);
  const admin = await connect(demo.tokens.admin);
  try {
    const recalled = toolData(await tool(bot.client, 'recall_recipes', { question: 'which containers are released' }));
    assert.ok(Array.isArray(recalled.recipes));

    const found = toolData(await tool(bot.client, 'search_context', { query: 'container release', limit: 20 }));
    assert.ok(found.hits.length > 0, JSON.stringify(found));
    const where = found.hits.map((h) => `${h.source}.${h.table}`);
    assert.ok(where.some((t) => t === 'customs.releases' || t === 'tos.containers'), where.join(' '));
    assert.ok(!where.some((t) => t === 'finance.customers' || t === 'finance.payments'), where.join(' '));

    const described = toolData(await tool(bot.client, 'describe_table', { table: 'tos.containers' }));
    const columns = described.columns.map((c) => c.name);
    assert.ok(columns.includes('container_no'));
    assert.ok(!columns.includes('consignee_name'), columns.join(','));
    assert.ok(!columns.includes('gross_weight_kg'), columns.join(','));

    const path = toolData(await tool(bot.client, 'find_join_path', { tables: ['tos.containers', 'customs.releases'] }));
    assert.match(path.sql, /"?customs"?\."?releases"?/);
    assert.match(path.sql, /"?tos"?\."?containers"?/);

    const botRun = await tool(bot.client, 'run_query', { sql: path.sql, limit: 1000 });
    const botPage = toolData(botRun);
    assert.equal(botRun.structuredContent.label, botPage.label);
    assert.ok(botPage.rows.length > 0);
    assert.ok(!botPage.columns.includes('consignee_name'), botPage.columns.join(','));
    const adminPage = toolData(await tool(admin.client, 'run_query', { sql: path.sql, limit: 1000 }));
    assert.ok(adminPage.columns.includes('consignee_name'), adminPage.columns.join(','));

    // The row filter: the release agent sees import containers only.
    const sql = 'SELECT direction, count(*) AS n FROM tos.containers GROUP BY direction ORDER BY direction';
    const botDirections = toolData(await tool(bot.client, 'run_query', { sql })).rows.map((r) => r[0]);
    const adminDirections = toolData(await tool(admin.client, 'run_query', { sql })).rows.map((r) => r[0]);
    assert.deepEqual(botDirections, ['import']);
    assert.deepEqual(adminDirections, ['export', 'import']);

    // Every step is in the ledger, as release-bot through ingress "mcp".
    const entries = ledger().filter((e) => e.principal === 'release-bot' && e.ingress === 'mcp');
    const actions = new Set(entries.map((e) => e.action));
    for (const action of ['api:recall', 'api:search', 'api:describe', 'api:path', 'query']) {
      assert.ok(actions.has(action), `${action} not in ${[...actions].join(', ')}`);
    }
    assert.ok(entries.some((e) => e.action === 'query' && /releases/.test(e.subject)));
  } finally {
    await bot.client.close();
    await admin.client.close();
  }
});

test('paging with the cursor, recipes and list_sources', async () => {
  const { client } = await connect(demo.tokens['release-bot']);
  try {
    const sql = 'SELECT container_no FROM tos.containers ORDER BY container_no';
    const first = toolData(await tool(client, 'run_query', { sql, limit: 3 }));
    assert.equal(first.rows.length, 3);
    assert.equal(typeof first.next_cursor, 'string');
    const second = toolData(await tool(client, 'run_query', { sql, limit: 3, cursor: first.next_cursor }));
    assert.notEqual(second.rows[0][0], first.rows[0][0]);
    assert.ok(second.rows[0][0] > first.rows[2][0]);

    const stored = toolData(await tool(client, 'remember_recipe', {
      question: 'Which import containers were released by customs?',
      sql: 'SELECT c.container_no FROM tos.containers c JOIN customs.releases r ON r.container_no = c.container_no',
      note: 'node test' }));
    assert.equal(typeof stored.id, 'number');
    assert.deepEqual(stored.tables, ['customs.releases', 'tos.containers']);
    assert.equal(stored.sql, undefined);  // not the caller's SQL back
    const recalled = toolData(await tool(client, 'recall_recipes', { question: 'containers released by customs' }));
    assert.ok(recalled.recipes.some((r) => r.id === stored.id), JSON.stringify(recalled));
    // Run by id, checked for freshness first; an unknown id is not found.
    const ran = toolData(await tool(client, 'run_recipe', { id: stored.id, limit: 2 }));
    assert.equal(ran.recipe_id, stored.id);
    assert.deepEqual(ran.columns, ['container_no']);
    assert.equal(ran.rows.length, 2);
    assert.equal(toolErrorCode(await tool(client, 'run_recipe', { id: 987654 })), 'not_found');

    const sources = toolData(await tool(client, 'list_sources', {}));
    const tos = sources.sources.find((s) => s.name === 'tos');
    assert.ok(tos.table_names.includes('containers'));
    const finance = sources.sources.find((s) => s.name === 'finance');
    if (finance) assert.ok(!finance.table_names.includes('customers'));
  } finally {
    await client.close();
  }
});

test('resources: the tables the principal may see, joins, recipes; hidden ones are not found', async () => {
  const { client } = await connect(demo.tokens['release-bot']);
  try {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    assert.ok(uris.includes('cairn://tos/containers'));
    assert.ok(uris.includes('cairn://customs/releases'));
    assert.ok(uris.includes('cairn://joins'));
    assert.ok(!uris.includes('cairn://finance/customers'));
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(),
      ['cairn://recipe/{id}', 'cairn://{source}/{table}']);

    const table = await client.readResource({ uri: 'cairn://tos/containers' });
    const text = table.contents[0].text;
    assert.equal(table.contents[0].mimeType, 'text/markdown');
    assert.match(text, /# tos\.containers/);
    assert.match(text, /container_no/);
    assert.doesNotMatch(text, /consignee_name/);
    assert.match(text, /<untrusted-data/);

    const joins = await client.readResource({ uri: 'cairn://joins' });
    assert.match(joins.contents[0].text, /# Join graph/);

    const recipe = uris.find((u) => u.startsWith('cairn://recipe/'));
    if (recipe) {
      const read = await client.readResource({ uri: recipe });
      assert.match(read.contents[0].text, /```sql/);
    }

    const codes = [];
    for (const uri of ['cairn://finance/customers', 'cairn://finance/no_such_table', 'cairn://recipe/999999']) {
      await assert.rejects(client.readResource({ uri }), (e) => {
        codes.push(e.code);
        return true;
      });
    }
    assert.deepEqual(codes, [-32002, -32002, -32002]);
  } finally {
    await client.close();
  }
});

test('tool errors: unknown tool, invalid arguments, denied and nonexistent tables alike', async () => {
  const { client } = await connect(demo.tokens['release-bot']);
  try {
    await assert.rejects(tool(client, 'drop_everything', {}), (e) => e.code === -32602);
    const invalid = await tool(client, 'run_query', { sql: 'SELECT 1', limit: 5000 });
    assert.equal(toolErrorCode(invalid), 'invalid_argument');
    assert.match(invalid.content[0].text, /'limit' must be at most 1000/);
    const missing = await tool(client, 'search_context', {});
    assert.match(missing.structuredContent.error.message, /missing required argument 'query'/);
    const extra = await tool(client, 'describe_table', { table: 'tos.containers', verbose: true });
    assert.match(extra.structuredContent.error.message, /unexpected argument 'verbose'/);

    const denied = await tool(client, 'describe_table', { table: 'finance.customers' });
    const nonexistent = await tool(client, 'describe_table', { table: 'finance.no_such_table' });
    assert.equal(toolErrorCode(denied), 'not_found');
    assert.equal(toolErrorCode(nonexistent), 'not_found');
    const deniedQuery = await tool(client, 'run_query', { sql: 'SELECT * FROM finance.customers' });
    assert.equal(deniedQuery.isError, true);
    assert.doesNotMatch(JSON.stringify(deniedQuery), /vat_number/);

    const entries = ledger().filter((e) => e.principal === 'release-bot' && e.ingress === 'mcp');
    assert.ok(entries.some((e) => e.action === 'mcp:tools/call' && e.subject.includes('drop_everything')));
    assert.ok(entries.some((e) => e.action === 'mcp:tools/call' && e.subject.includes('run_query')));
  } finally {
    await client.close();
  }
});

test('a request larger than the server body limit is refused with 413', async () => {
  const { client, transport } = await connect(demo.tokens['release-bot']);
  try {
    const huge = `SELECT '${'x'.repeat(5 * 1024 * 1024)}'`;
    // Through the SDK the refusal surfaces as an error (413, or a failed upload when the
    // server closes first), never as a result.
    await assert.rejects(tool(client, 'run_query', { sql: huge }));
    assert.equal(await oversizedStatus(demo.tokens['release-bot'], transport.sessionId, 5 * 1024 * 1024), 413);
    // The session still works.
    const small = await tool(client, 'run_query', { sql: 'SELECT 1 AS one' });
    assert.deepEqual(toolData(small).rows, [[1]]);
  } finally {
    await client.close().catch(() => {});
  }
});

test('concurrent sessions of two principals stay apart; a session id is bound to its principal', async () => {
  const bot = await connect(demo.tokens['release-bot']);
  const olga = await connect(demo.tokens.olga);
  try {
    const sql = 'SELECT block, count(*) AS n FROM tos.yard_positions GROUP BY block ORDER BY block';
    const runs = [];
    for (let i = 0; i < 4; i += 1) {
      runs.push(tool(bot.client, 'run_query', { sql }), tool(olga.client, 'run_query', { sql }));
    }
    const results = (await Promise.all(runs)).map(toolData);
    const botBlocks = results[0].rows.map((r) => r[0]);
    const olgaBlocks = results[1].rows.map((r) => r[0]);
    assert.deepEqual(olgaBlocks, ['A']);  // olga's row filter: block = :yard_block
    assert.ok(botBlocks.length > 1, JSON.stringify(botBlocks));
    for (let i = 0; i < results.length; i += 2) {
      assert.deepEqual(results[i].rows, results[0].rows);
      assert.deepEqual(results[i + 1].rows, results[1].rows);
    }
    // release-bot's session id presented with another principal's token: as if unknown.
    const ping = { jsonrpc: '2.0', id: 9, method: 'ping' };
    const replayed = await rawPost(demo.tokens.olga, bot.transport.sessionId, ping);
    assert.equal(replayed.status, 404);
    const replayedAdmin = await rawPost(demo.tokens.admin, bot.transport.sessionId, ping);
    assert.equal(replayedAdmin.status, 404);
    const unknown = await rawPost(demo.tokens.olga, 'f'.repeat(64), ping);
    assert.equal(unknown.status, 404);
    assert.equal(replayed.text, unknown.text);
    // The owner still uses it.
    const own = await rawPost(demo.tokens['release-bot'], bot.transport.sessionId, ping);
    assert.equal(own.status, 200);
    assert.deepEqual(own.json.result, {});
  } finally {
    await bot.client.close();
    await olga.client.close();
  }
});

test('raw HTTP: authentication, origin, media types and JSON-RPC framing', async () => {
  const bot = demo.tokens['release-bot'];
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

  const noToken = await rawPost(undefined, undefined, init);
  assert.equal(noToken.status, 401);
  assert.match(noToken.headers.get('www-authenticate'), /Bearer/);
  const badToken = await rawPost('cairn_not_a_token', undefined, init);
  assert.equal(badToken.status, 401);

  const foreign = await rawPost(bot, undefined, init, { origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  const rebinding = await rawPost(bot, undefined, init, { origin: 'http://localhost.evil.example:80' });
  assert.equal(rebinding.status, 403);
  const local = await rawPost(bot, undefined, init, { origin: `http://localhost:${server.port}` });
  assert.equal(local.status, 200);
  assert.equal(local.json.result.protocolVersion, '2025-11-25');

  const wrongType = await rawPost(bot, undefined, JSON.stringify(init), { 'content-type': 'text/plain' });
  assert.equal(wrongType.status, 415);
  const notAcceptable = await rawPost(bot, undefined, init, { accept: 'text/html' });
  assert.equal(notAcceptable.status, 406);

  const session = await rawInit(bot);
  const initialized = await rawPost(bot, session, { jsonrpc: '2.0', method: 'notifications/initialized' });
  assert.equal(initialized.status, 202);
  assert.equal(initialized.text, '');

  const malformed = await rawPost(bot, session, '{"jsonrpc": "2.0", "id": 1, "method": ');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.error.code, -32700);
  assert.equal(malformed.json.id, null);

  const invalidUtf8 = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":2,"method":"ping","x":"'),
    Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
  const utf8 = await rawPost(bot, session, new Uint8Array(invalidUtf8));
  assert.equal(utf8.status, 400);
  assert.equal(utf8.json.error.code, -32700);

  const batch = await rawPost(bot, session, [{ jsonrpc: '2.0', id: 3, method: 'ping' },
    { jsonrpc: '2.0', id: 4, method: 'ping' }]);
  assert.equal(batch.status, 400);
  assert.equal(batch.json.error.code, -32600);

  const unknownMethod = await rawPost(bot, session, { jsonrpc: '2.0', id: 5, method: 'sampling/createMessage' });
  assert.equal(unknownMethod.status, 200);
  assert.equal(unknownMethod.json.error.code, -32601);

  const noSession = await rawPost(bot, undefined, { jsonrpc: '2.0', id: 6, method: 'tools/list' });
  assert.equal(noSession.status, 400);

  const badVersion = await rawPost(bot, session, { jsonrpc: '2.0', id: 7, method: 'ping' },
    { 'mcp-protocol-version': '1900-01-01' });
  assert.equal(badVersion.status, 400);
  const goodVersion = await rawPost(bot, session, { jsonrpc: '2.0', id: 8, method: 'ping' },
    { 'mcp-protocol-version': '2025-06-18' });
  assert.equal(goodVersion.status, 200);

  const get = await call(mcpUrl, { token: bot, headers: { accept: 'text/event-stream', 'mcp-session-id': session } });
  assert.equal(get.status, 405);
  assert.match(get.headers.get('allow'), /POST/);

  const foreignDelete = await call(mcpUrl, { method: 'DELETE', token: demo.tokens.olga, headers: { 'mcp-session-id': session } });
  assert.equal(foreignDelete.status, 404);
  const del = await call(mcpUrl, { method: 'DELETE', token: bot, headers: { 'mcp-session-id': session } });
  assert.equal(del.status, 204);
  const afterDelete = await rawPost(bot, session, { jsonrpc: '2.0', id: 9, method: 'ping' });
  assert.equal(afterDelete.status, 404);
  const deleteAgain = await call(mcpUrl, { method: 'DELETE', token: bot, headers: { 'mcp-session-id': session } });
  assert.equal(deleteAgain.status, 404);
});
