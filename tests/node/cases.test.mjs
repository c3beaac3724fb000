// Workflow cases through MCP (Streamable HTTP, the official TypeScript SDK client): an agent
// starts a case and reads it (start_case, get_case, list_cases), every result in the
// untrusted-data envelope; no tool decides; a person decides over REST and the agent reads the
// decision. The REST routes themselves are covered in rest.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { makeDemo, startServer, call, ledgerTail, addHoldReview, HELD_CONTAINER_SQL, toolData, toolErrorCode,
  CLEAN_CONTAINER_SQL } from './harness.mjs';


let demo;
let server;
let held;
let clean;

async function first(sql) {
  const res = await call(`${server.url}/api/v1/query`, {
    method: 'POST', token: demo.tokens.admin, body: { sql } });
  assert.equal(res.status, 200, res.text);
  return res.json.rows[0][0];
}

before(async () => {
  demo = makeDemo();
  addHoldReview(demo.dir);
  server = await startServer(demo.dir);
  held = await first(HELD_CONTAINER_SQL);
  clean = await first(CLEAN_CONTAINER_SQL);
});

after(async () => {
  if (server) await server.stop();
  if (demo) demo.cleanup();
});

async function connect(token) {
  const client = new Client({ name: 'cairn-node-cases', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

test('the case tools say that agents gather and people decide; none decides', async () => {
  const client = await connect(demo.tokens['release-bot']);
  try {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of ['start_case', 'get_case', 'list_cases']) {
      assert.ok(byName.has(name), name);
      assert.equal(byName.get(name).inputSchema.additionalProperties, false);
    }
    assert.match(byName.get('start_case').description, /humans decide/);
    assert.match(byName.get('start_case').description, /no tool lets an agent approve/);
    assert.equal(byName.get('start_case').annotations.readOnlyHint, false);
    assert.equal(byName.get('get_case').annotations.readOnlyHint, true);
    assert.deepEqual(byName.get('start_case').inputSchema.required, ['workflow']);
    assert.deepEqual(byName.get('get_case').inputSchema.required, ['id']);
    assert.ok(!tools.some((t) => /decide|decision|approve|review/.test(t.name)),
      tools.map((t) => t.name).join(','));
  } finally {
    await client.close();
  }
});

test('an agent starts and reads a case over MCP; a person decides over REST', async () => {
  const client = await connect(demo.tokens['release-bot']);
  try {
    const started = toolData(await client.callTool({ name: 'start_case',
      arguments: { workflow: 'hold_review', inputs: { container_no: held } } }));
    assert.equal(started.workflow, 'hold_review');
    assert.equal(started.status, 'waiting');
    assert.equal(started.started_by, 'release-bot');
    assert.equal(started.recommendation, null);  // hidden at observe
    const holds = started.steps.find((s) => s.step === 'holds');
    assert.ok(holds.evidence.rows.length >= 1);
    assert.equal(started.steps.find((s) => s.step === 'no_open_hold').check.outcome, 'fail');

    const got = toolData(await client.callTool({ name: 'get_case', arguments: { id: started.id } }));
    assert.equal(got.id, started.id);
    assert.deepEqual(got.inputs, { container_no: held });

    const listed = toolData(await client.callTool({ name: 'list_cases',
      arguments: { workflow: 'hold_review', status: 'waiting' } }));
    assert.ok(listed.cases.some((c) => c.id === started.id));

    // Errors are isError results with stable codes.
    assert.equal(toolErrorCode(await client.callTool({ name: 'get_case', arguments: { id: 999999 } })),
      'not_found');
    assert.equal(toolErrorCode(await client.callTool({ name: 'start_case',
      arguments: { workflow: 'hold_review', inputs: { container_no: 'nope' } } })),
    'invalid_argument');
    assert.equal(toolErrorCode(await client.callTool({ name: 'start_case',
      arguments: { workflow: 'hold_review', inputs: { container_no: 7 } } })), 'invalid_argument');
    assert.equal(toolErrorCode(await client.callTool({ name: 'start_case',
      arguments: { workflow: 'no_such', inputs: {} } })), 'not_found');
    assert.equal(toolErrorCode(await client.callTool({ name: 'get_case', arguments: {} })),
      'invalid_argument');

    // The agent may not decide through REST either; the customs agent may.
    const path = `${server.url}/api/v1/cases/${started.id}/decision`;
    const denied = await call(path, { method: 'POST', token: demo.tokens['release-bot'],
      body: { verdict: 'approve', reason: 'looks fine' } });
    assert.equal(denied.status, 403, denied.text);
    const decided = await call(path, { method: 'POST', token: demo.tokens.carlos,
      body: { verdict: 'reject', reason: 'the hold is still open' } });
    assert.equal(decided.status, 200, decided.text);

    const after = toolData(await client.callTool({ name: 'get_case', arguments: { id: started.id } }));
    assert.equal(after.decision.verdict, 'reject');
    assert.equal(after.decision.by, 'carlos');
    assert.equal(after.status, 'done');

    // The ledger names the door: the case started over MCP, decided over REST.
    const entries = ledgerTail(demo.dir);
    assert.ok(entries.some((e) => e.action === 'case:start' && e.principal === 'release-bot' &&
                                  e.ingress === 'mcp'));
    assert.ok(entries.some((e) => e.action === 'case:decide' && e.principal === 'release-bot' &&
                                  e.decision.startsWith('deny')));
    assert.ok(entries.some((e) => e.action === 'case:decide' && e.principal === 'carlos' &&
                                  e.ingress === 'rest' && e.decision.startsWith('reject')));
  } finally {
    await client.close();
  }
});

test('a person without the decide role does not see the agent\'s cases over MCP', async () => {
  const bot = await connect(demo.tokens['release-bot']);
  const olga = await connect(demo.tokens.olga);
  try {
    const started = toolData(await bot.callTool({ name: 'start_case',
      arguments: { workflow: 'hold_review', inputs: { container_no: clean } } }));
    assert.equal(toolErrorCode(await olga.callTool({ name: 'get_case',
      arguments: { id: started.id } })), 'not_found');
    const listed = toolData(await olga.callTool({ name: 'list_cases', arguments: {} }));
    assert.ok(!listed.cases.some((c) => c.id === started.id));
  } finally {
    await bot.close();
    await olga.close();
  }
});
