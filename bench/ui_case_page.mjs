// Latency of the web UI's case page: GET /ui/cases/{id} (HTML, signed in with a session cookie)
// against GET /api/v1/cases/{id} (JSON, bearer token) for the same case, as the same principal.
//
//   node bench/ui_case_page.mjs [--requests 200] [--rows 100]
//
// A fresh demo port (`cairn demo` in a temporary folder), a workflow `bench_rows` whose one
// query step keeps `--rows` rows of tos.containers as evidence and whose one check uses them,
// decided by the release officer; one case of it, started by the administrator. `cairn serve
// --port 0 --access-log off --rate 0` runs as a child process. rita (release_officer) signs in
// through the form; then, one request at a time on one keep-alive connection, 10 warm-up
// requests of each kind, and `--requests` timed ones, alternating HTML and JSON so both see the
// same machine. Both read the case as rita: her policy is applied to the evidence again (its
// query runs through her session and is ledgered), so most of the time is the same work; the
// difference is the page rendering and the session check. Prints p50/p95/p99/max in ms and the
// page size. The binary is $CAIRN_BINARY, else build/cairn.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { makeDemo, startServer, cairn, call } from '../tests/node/harness.mjs';

const { values: opts } = parseArgs({ options: {
  requests: { type: 'string', default: '200' },
  rows: { type: 'string', default: '100' },
} });
const requests = Number(opts.requests);
const rows = Number(opts.rows);

const WORKFLOW = `name: bench_rows
description: A case with ${rows} evidence rows, for timing the case page
principal: release-desk
inputs: {}
steps:
  - id: containers
    kind: query
    title: Containers in the terminal
    sql: SELECT * FROM tos.containers ORDER BY container_no LIMIT ${rows}
  - id: enough
    kind: check
    title: ${rows} containers
    uses: [containers]
    sql: SELECT count(*) = ${rows} AS pass, count(*) || ' rows' AS reason FROM containers
  - id: review
    kind: decide
    role: release_officer
`;

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(name, times, bytes) {
  const sorted = [...times].sort((a, b) => a - b);
  const f = (x) => x.toFixed(1);
  return `| ${name} | ${times.length} | ${f(quantile(sorted, 0.5))} | ${f(quantile(sorted, 0.95))} ` +
    `| ${f(quantile(sorted, 0.99))} | ${f(sorted[sorted.length - 1])} | ${bytes} |`;
}

async function timed(url, headers) {
  const start = performance.now();
  const res = await fetch(url, { headers, redirect: 'manual' });
  const body = await res.text();
  const ms = performance.now() - start;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(body) };
}

const demo = makeDemo();
let server;
try {
  writeFileSync(join(demo.dir, 'bench_rows.yaml'), WORKFLOW);
  cairn(demo.dir, ['workflow', 'add', join(demo.dir, 'bench_rows.yaml')]);
  const rita = cairn(demo.dir, ['token', 'issue', 'rita']).trim();
  server = await startServer(demo.dir, ['--access-log', 'off', '--rate', '0']);

  const started = await call(`${server.url}/api/v1/cases`, { method: 'POST',
    token: demo.tokens.admin, body: { workflow: 'bench_rows', inputs: {} } });
  if (started.status !== 201) throw new Error(`start: ${started.status} ${started.text}`);
  const id = started.json.id;
  const gathered = started.json.steps.find((s) => s.step === 'containers').evidence.rows.length;

  const login = await fetch(`${server.url}/ui/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: new URLSearchParams({ token: rita }).toString() });
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  if (login.status !== 303 || !cookie.startsWith('cairn_ui=')) {
    throw new Error(`sign-in: ${login.status}`);
  }

  const html = { url: `${server.url}/ui/cases/${id}`, headers: { cookie } };
  const json = { url: `${server.url}/api/v1/cases/${id}`,
    headers: { authorization: `Bearer ${rita}` } };
  for (let i = 0; i < 10; i++) {
    await timed(html.url, html.headers);
    await timed(json.url, json.headers);
  }
  const times = { html: [], json: [] };
  const bytes = { html: 0, json: 0 };
  for (let i = 0; i < requests; i++) {
    const a = await timed(html.url, html.headers);
    const b = await timed(json.url, json.headers);
    times.html.push(a.ms);
    times.json.push(b.ms);
    bytes.html = a.bytes;
    bytes.json = b.bytes;
  }
  console.log(`case ${id}: ${gathered} evidence rows, read as rita (release_officer); ` +
    `${requests} requests each, sequential, one connection\n`);
  console.log('| request | n | p50 ms | p95 ms | p99 ms | max ms | body bytes |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(summary('GET /ui/cases/{id} (HTML, session cookie)', times.html, bytes.html));
  console.log(summary('GET /api/v1/cases/{id} (JSON, bearer)', times.json, bytes.json));
} finally {
  if (server) await server.stop();
  demo.cleanup();
}
