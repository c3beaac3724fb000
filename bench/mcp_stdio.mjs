// What the MCP benches share: a `cairn mcp` session over stdio on a demo directory, as the local
// administrator (no CAIRN_TOKEN), through the official TypeScript SDK client that the Node
// tests install (tests/node: npm ci). The binary is $CAIRN_BINARY, else build/cairn.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CAIRN } from '../tests/node/harness.mjs';

const sdk = createRequire(new URL('../tests/node/package.json', import.meta.url));
const { Client } = sdk('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = sdk('@modelcontextprotocol/sdk/client/stdio.js');

// Starts `cairn mcp` in `dir` and connects a client named `name`; returns the connected client.
export async function connectStdio(dir, name) {
  const transport = new StdioClientTransport({
    command: CAIRN,
    args: ['--config', join(dir, 'cairn.yaml'), 'mcp'],
    cwd: dir,
    env: { ...process.env, CAIRN_TOKEN: '' },
    stderr: 'pipe',
  });
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return client;
}
