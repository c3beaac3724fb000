// Recall with a large glossary: what the glossary's terms cost each `recall_recipes` call of a
// long-running MCP session (`cairn mcp` over stdio, the official TypeScript SDK client).
//
//   node bench/recall_glossary.mjs [--terms 5000] [--calls 200] [--rounds 3]
//
// Each round makes a fresh demo port (tests/node/harness.mjs: `cairn demo`, `cairn discover`;
// the demo states 35 port terms), remembers the recipes below, and times --calls recalls of the
// questions below, in turn, in one session (after 24 untimed ones, and after a first session
// whose figures are dropped): the baseline. Then it states --terms more terms,
// written into the state database in one transaction by the `sqlite3` CLI (the way a bulk
// import from a business glossary would land: two-word names over the port's words, each with
// a definition, a reference and two synonyms), and times the same recalls in a new session.
// Prints the median latency of a call, and the 90th percentile, in each case and their ratio;
// medians over --rounds. Each question must recall its own recipe first in both cases (exit 1
// otherwise): the extra terms name nothing the questions' words lack. The binary is
// $CAIRN_BINARY, else build/cairn.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { makeDemo } from '../tests/node/harness.mjs';
import { connectStdio } from './mcp_stdio.mjs';

const { values: opts } = parseArgs({ options: {
  terms: { type: 'string', default: '5000' },
  calls: { type: 'string', default: '200' },
  rounds: { type: 'string', default: '3' },
} });
const termCount = Number(opts.terms);
const callCount = Number(opts.calls);
const rounds = Number(opts.rounds);
for (const [name, value] of [['--terms', termCount], ['--calls', callCount],
  ['--rounds', rounds]]) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`recall_glossary: ${name} must be a positive integer`);
    process.exit(2);
  }
}

// Recipes of the demo port, and the questions recalled (three with a word the recipes do not
// use, so that the glossary's synonyms are read).
const RECIPES = [
  ['How many containers are in the yard per direction?',
    "SELECT direction, COUNT(*) FROM tos.containers WHERE status = 'in_yard' GROUP BY direction"],
  ['Which vessels have the largest TEU capacity?',
    'SELECT name, teu_capacity FROM tos.vessels ORDER BY teu_capacity DESC LIMIT 10'],
  ['How many customs holds are there per authority?',
    'SELECT authority, COUNT(*) FROM customs.holds GROUP BY authority'],
  ['Invoice totals per currency and status',
    'SELECT currency, status, SUM(amount) FROM finance.invoices GROUP BY currency, status'],
];
const QUESTIONS = [
  'How many boxes are in the yard per direction?',
  'Which ships have the largest TEU capacity?',
  'How many customs holds are there per authority?',
  'Bill totals per currency and status',
];

const WORDS = ['container', 'box', 'vessel', 'ship', 'yard', 'berth', 'crane', 'gate', 'truck',
  'rail', 'customs', 'hold', 'release', 'invoice', 'bill', 'payment', 'carrier', 'line',
  'consignee', 'shipper', 'manifest', 'declaration', 'tariff', 'duty', 'seal', 'reefer',
  'hazard', 'weight', 'slot', 'stack', 'bay', 'row', 'tier', 'voyage', 'call', 'port',
  'terminal', 'depot', 'chassis', 'booking', 'order', 'delivery', 'pickup', 'storage', 'fee',
  'demurrage', 'detention', 'inspection', 'scan', 'agent', 'broker', 'authority', 'permit',
  'status', 'flow', 'import', 'export', 'transit', 'empty', 'full', 'open', 'closed'];

// --terms terms with unique two-word names ("reefer gate 17"), as one SQL script.
function termsSql(count) {
  const lines = ['BEGIN;'];
  for (let i = 0; i < count; i++) {
    const a = WORDS[i % WORDS.length];
    const b = WORDS[Math.floor(i / WORDS.length) % WORDS.length];
    const name = `${a} ${b} ${i}`;
    lines.push('INSERT INTO glossary_terms (term, definition, see, synonyms, stated_by) VALUES (' +
      `'${name}', 'The ${a} of a ${b}, as the business says it (${i}).', '["tos.containers"]', ` +
      `'["${b} ${a} ${i}", "${a}-${b}-${i}"]', 'bench');`);
  }
  lines.push('COMMIT;');
  return lines.join('\n');
}

const connect = (dir) => connectStdio(dir, 'cairn-recall-glossary-bench');

async function call(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) {
    throw new Error(`${name} failed: ${JSON.stringify(result.structuredContent)}`);
  }
  return result.structuredContent.data;
}

// Times --calls recalls in one session; returns {p50, p90} in ms and the top recipe per question.
async function timeRecalls(dir) {
  const client = await connect(dir);
  try {
    const tops = [];
    for (const question of QUESTIONS) {  // untimed: the session's first reads
      tops.push((await call(client, 'recall_recipes', { question, limit: 1 })).recipes[0]?.id);
    }
    for (let i = 0; i < 20; i++) {
      await call(client, 'recall_recipes', { question: QUESTIONS[i % QUESTIONS.length], limit: 1 });
    }
    const ms = [];
    for (let i = 0; i < callCount; i++) {
      const start = performance.now();
      await call(client, 'recall_recipes', { question: QUESTIONS[i % QUESTIONS.length], limit: 1 });
      ms.push(performance.now() - start);
    }
    ms.sort((a, b) => a - b);
    return { p50: ms[Math.floor(ms.length / 2)], p90: ms[Math.floor(ms.length * 0.9)], tops };
  } finally {
    await client.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = [];
for (let round = 0; round < rounds; round++) {
  const demo = makeDemo();
  try {
    const client = await connect(demo.dir);
    const ids = [];
    for (const [question, sql] of RECIPES) {
      ids.push((await call(client, 'remember_recipe', { question, sql })).id);
    }
    await client.close();
    await timeRecalls(demo.dir);  // the first session after the demo's set-up runs slower
    const base = await timeRecalls(demo.dir);
    execFileSync('sqlite3', [join(demo.dir, '.cairn', 'state.sqlite')],
      { input: termsSql(termCount) });
    const large = await timeRecalls(demo.dir);
    if (JSON.stringify(base.tops) !== JSON.stringify(large.tops)) {
      console.error(`recall_glossary: the first recipes changed with ${termCount} more terms: ` +
        `${JSON.stringify(base.tops)} -> ${JSON.stringify(large.tops)}`);
      process.exit(1);
    }
    if (JSON.stringify(base.tops) !== JSON.stringify(ids)) {
      console.error(`recall_glossary: the questions did not recall their recipes first: ` +
        `${JSON.stringify(base.tops)}, remembered ${JSON.stringify(ids)}`);
      process.exit(1);
    }
    runs.push({ base, large });
  } finally {
    demo.cleanup();
  }
}

const f = (ms) => `${ms.toFixed(2)} ms`;
const b50 = median(runs.map((r) => r.base.p50));
const l50 = median(runs.map((r) => r.large.p50));
const b90 = median(runs.map((r) => r.base.p90));
const l90 = median(runs.map((r) => r.large.p90));
console.log(`recall_recipes (limit 1) in one \`cairn mcp\` session, ${callCount} calls over ` +
  `${QUESTIONS.length} questions, medians of ${rounds} round(s)\n`);
console.log('| glossary | median call | 90th percentile |');
console.log('|---|---:|---:|');
console.log(`| the demo's 35 terms | ${f(b50)} | ${f(b90)} |`);
console.log(`| 35 + ${termCount} terms | ${f(l50)} | ${f(l90)} |`);
console.log(`| ratio | ${(l50 / b50).toFixed(2)}× | ${(l90 / b90).toFixed(2)}× |`);
