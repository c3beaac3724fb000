// `cairn mcp` (MCP over stdio) with the official TypeScript SDK client and raw lines: the
// release agent's flow on the demo port as the principal of CAIRN_TOKEN (ingress mcp-stdio in
// the ledger), the local administrator without a token, and garbage on stdin answered with
// JSON-RPC errors on stdout (nothing else is ever written there).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { makeDemo, cairn, CAIRN, ledgerTail } from './harness.mjs';

let demo;

before(() => { demo = makeDemo(); });
after(() => { if (demo) demo.cleanup(); });

async function connect(token) {
  const transport = new StdioClientTransport({
    command: CAIRN,
    args: ['--config', join(demo.dir, 'cairn.yaml'), 'mcp'],
    cwd: demo.dir,
    env: { ...process.env, CAIRN_TOKEN: token ?? '' },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'cairn-node-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

function data(result) {
  assert.equal(result.isError, false, JSON.stringify(result));
  assert.equal(result.structuredContent.untrusted, true);
  assert.match(result.content[0].text, /^<untrusted-data label="(public|internal|confidential|restricted)">/);
  return result.structuredContent.data;
}

// Feeds `lines` to `cairn mcp` and returns the JSON messages it wrote, one per stdout line.
function rawStdio(input, token) {
  const out = cairn(demo.dir, ['mcp'], { env: { CAIRN_TOKEN: token ?? '' }, input });
  return out.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
}

// The ledger's last entries as the administrator sees them.
function ledger() {
  return ledgerTail(demo.dir);
}

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

test('the release agent over stdio: tools, the flow, its view, and the ledger', async () => {
  const bot = await connect(demo.tokens['release-bot']);
  try {
    assert.equal(bot.getServerVersion().name, 'cairn');
    const { tools } = await bot.listTools();
    assert.equal(tools.length, 11);
    for (const t of tools) {
      assert.equal(t.inputSchema.additionalProperties, false);
      assert.equal(t.outputSchema.type, 'object');
    }
    data(await bot.callTool({ name: 'recall_recipes', arguments: { question: 'container release status' } }));
    const found = data(await bot.callTool({ name: 'search_context', arguments: { query: 'container release' } }));
    assert.ok(found.hits.length > 0);
    const path = data(await bot.callTool({ name: 'find_join_path',
      arguments: { tables: ['tos.containers', 'customs.releases'] } }));
    // The columns a question compares with a constant are taken as such (one way to join here).
    const fixed = data(await bot.callTool({ name: 'find_join_path',
      arguments: { tables: ['tos.containers', 'customs.releases'], fixed_columns: ['tos.containers.container_no'] } }));
    assert.equal(fixed.sql, path.sql);
    const badFixed = await bot.callTool({ name: 'find_join_path',
      arguments: { tables: ['tos.containers', 'customs.releases'], fixed_columns: ['containers'] } });
    assert.equal(badFixed.isError, true);
    assert.match(badFixed.content[0].text, /fixed: 'containers' must be/);
    const page = data(await bot.callTool({ name: 'run_query', arguments: { sql: path.sql, limit: 50 } }));
    assert.ok(page.rows.length > 0);
    assert.ok(!page.columns.includes('consignee_name'));
    const directions = data(await bot.callTool({ name: 'run_query',
      arguments: { sql: 'SELECT DISTINCT direction FROM tos.containers' } }));
    assert.deepEqual(directions.rows, [['import']]);

    const denied = await bot.callTool({ name: 'describe_table', arguments: { table: 'finance.payments' } });
    assert.equal(denied.isError, true);
    assert.equal(denied.structuredContent.error.code, 'not_found');
    const invalid = await bot.callTool({ name: 'find_join_path', arguments: { tables: ['tos.containers'] } });
    assert.equal(invalid.isError, true);
    assert.match(invalid.content[0].text, /'tables' must have at least 2 items/);
    await assert.rejects(bot.callTool({ name: 'nope', arguments: {} }), (e) => e.code === -32602);

    const { resources } = await bot.listResources();
    assert.ok(resources.some((r) => r.uri === 'cairn://customs/releases'));
    assert.ok(!resources.some((r) => r.uri === 'cairn://finance/payments'));
    await assert.rejects(bot.readResource({ uri: 'cairn://finance/payments' }), (e) => e.code === -32002);
  } finally {
    await bot.close();
  }
  const entries = ledger()
    .filter((e) => e.principal === 'release-bot' && e.ingress === 'mcp-stdio');
  const actions = new Set(entries.map((e) => e.action));
  for (const action of ['api:recall', 'api:search', 'api:path', 'query']) {
    assert.ok(actions.has(action), `${action} not in ${[...actions].join(', ')}`);
  }
});

test('without a token the local administrator acts, and sees what the agent may not', async () => {
  const admin = await connect(undefined);
  try {
    const directions = data(await admin.callTool({ name: 'run_query',
      arguments: { sql: 'SELECT DISTINCT direction FROM tos.containers ORDER BY 1' } }));
    assert.deepEqual(directions.rows, [['export'], ['import']]);
    const described = data(await admin.callTool({ name: 'describe_table', arguments: { table: 'finance.payments' } }));
    assert.ok(described.columns.length > 0);
  } finally {
    await admin.close();
  }
});

test('garbage on stdin gets JSON-RPC errors on stdout, one line each', () => {
  const lines = [
    INIT,
    '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    '{this is not json',
    Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":2,"method":"ping","x":"'), Buffer.from([0xff, 0xfe]),
      Buffer.from('"}')]).toString('latin1'),
    '[{"jsonrpc":"2.0","id":3,"method":"ping"}]',
    '{"jsonrpc":"2.0","id":4,"method":"no/such/method"}',
    '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"run_query","arguments":{"sql":"SELECT 1 AS one"}}}',
  ];
  const input = Buffer.from(`${lines.join('\n')}\n`, 'latin1');
  const out = rawStdio(input, demo.tokens['release-bot']);
  assert.equal(out.length, 6, JSON.stringify(out));
  assert.equal(out[0].result.serverInfo.name, 'cairn');
  assert.deepEqual([out[1].error.code, out[1].id], [-32700, null]);
  assert.deepEqual([out[2].error.code, out[2].id], [-32700, null]);
  assert.deepEqual([out[3].error.code, out[3].id], [-32600, null]);
  assert.deepEqual([out[4].error.code, out[4].id], [-32601, 4]);
  assert.deepEqual(out[5].result.structuredContent.data.rows, [[1]]);
});

test('requests before initialize are refused; an oversized line is an error and reading goes on', () => {
  const huge = `{"jsonrpc":"2.0","id":2,"method":"ping","pad":"${'x'.repeat(5 * 1024 * 1024)}"}`;
  const input = [
    '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    INIT,
    huge,
    '{"jsonrpc":"2.0","id":3,"method":"ping"}',
  ].join('\n');
  const out = rawStdio(`${input}\n`, demo.tokens['release-bot']);
  assert.equal(out.length, 4, JSON.stringify(out).slice(0, 500));
  assert.equal(out[0].error.code, -32600);
  assert.equal(out[0].id, 1);
  assert.equal(out[1].id, 1);
  assert.ok(out[1].result);
  assert.equal(out[2].error.code, -32600);
  assert.match(out[2].error.message, /4 MiB/);
  assert.deepEqual(out[3], { jsonrpc: '2.0', id: 3, result: {} });
});
