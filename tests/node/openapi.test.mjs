// The OpenAPI document served at /openapi.json: valid OpenAPI 3.1 for an independent validator
// (@seriousme/openapi-schema-validator), every schema in it valid JSON Schema 2020-12 for Ajv in
// strict mode, and the conventions the REST door promises (operation ids, bearer security with
// 401 documented, the common Error schema, closed request bodies).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { makeDemo, startServer, call } from './harness.mjs';

let demo;
let server;
let doc;
let text;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function* operations() {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      if (METHODS.includes(method)) yield { path, method, op: item[method] };
    }
  }
}

function resolve(node) {
  if (!node?.$ref) return node;
  const parts = node.$ref.replace(/^#\//, '').split('/');
  return parts.reduce((at, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

before(async () => {
  demo = makeDemo();
  server = await startServer(demo.dir);
  const res = await call(`${server.url}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  doc = res.json;
  text = res.text;
});

after(async () => {
  if (server) await server.stop();
  demo?.cleanup();
});

test('the document is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 2000));
  assert.equal(validator.version, '3.1');
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.info.title, 'Cairn');
  assert.equal(typeof doc.info.version, 'string');
  // Every internal reference resolves.
  const resolved = validator.resolveRefs();
  assert.ok(resolved.paths['/api/v1/query'].post);
});

test('the validator is not vacuous: a broken copy is refused', async () => {
  const broken = structuredClone(doc);
  delete broken.paths['/api/v1/sources'].get.responses;
  broken.paths['/api/v1/tables'].get.parameters[0].in = 'body';
  const result = await new Validator().validate(broken);
  assert.equal(result.valid, false);
});

test('the document is the same on every request, and needs no token', async () => {
  const again = await call(`${server.url}/openapi.json`, { token: 'cairn_not_a_token' });
  assert.equal(again.status, 200);
  assert.equal(again.text, text);
});

test('every operation has an operationId, a summary and responses; ids are unique', () => {
  const ids = new Set();
  let count = 0;
  for (const { path, method, op } of operations()) {
    count += 1;
    assert.equal(typeof op.operationId, 'string', `${method} ${path}`);
    assert.match(op.operationId, /^[a-z][A-Za-z0-9]*$/);
    assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
    ids.add(op.operationId);
    assert.ok(op.summary, `${method} ${path} has no summary`);
    assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path}`);
    const success = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s));
    assert.equal(success.length, 1, `${method} ${path}: one success status`);
    const body = resolve(op.responses[success[0]]);
    assert.ok(body.content['application/json'].schema, `${method} ${path}: success schema`);
  }
  assert.ok(count >= 28, `only ${count} operations`);
});

test('bearer security everywhere but /openapi.json, with 401 documented', () => {
  assert.deepEqual(doc.components.securitySchemes.bearer, {
    ...doc.components.securitySchemes.bearer, type: 'http', scheme: 'bearer',
  });
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  assert.deepEqual(doc.servers, [{ url: '/' }]);
  for (const { path, method, op } of operations()) {
    const secured = op.security === undefined ? doc.security.length > 0 : op.security.length > 0;
    if (path === '/openapi.json') {
      assert.deepEqual(op.security, [], 'the document needs no token');
      continue;
    }
    assert.ok(path.startsWith('/api/v1/'), path);
    assert.ok(secured, `${method} ${path} is not secured`);
    for (const status of ['400', '401', '403', '404', '409', '429', '503']) {
      assert.ok(op.responses[status], `${method} ${path} does not document ${status}`);
    }
    if (op.requestBody) {
      assert.ok(op.responses['413'] && op.responses['415'], `${method} ${path}: 413/415`);
    }
  }
});

test('errors use the common Error schema', () => {
  const error = doc.components.schemas.Error;
  assert.deepEqual(error.required, ['error']);
  assert.deepEqual(error.properties.error.required, ['code', 'message']);
  for (const { path, method, op } of operations()) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (/^2/.test(status)) continue;
      const schema = resolve(response).content['application/json'].schema;
      assert.equal(schema.$ref, '#/components/schemas/Error', `${method} ${path} ${status}`);
    }
  }
});

test('parameters: every path template parameter is declared; integers are bounded', () => {
  for (const { path, method, op } of operations()) {
    const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    assert.deepEqual(declared.sort(), inTemplate.sort(), `${method} ${path}`);
    for (const p of op.parameters ?? []) {
      assert.ok(p.schema?.type, `${method} ${path} ${p.name}: schema type`);
      assert.ok(p.description, `${method} ${path} ${p.name}: description`);
      if (p.schema.type === 'integer') {
        assert.equal(typeof p.schema.minimum, 'number', `${method} ${path} ${p.name}: minimum`);
      }
    }
  }
});

test('request bodies are closed JSON objects', () => {
  let bodies = 0;
  for (const { path, method, op } of operations()) {
    if (!op.requestBody) {
      assert.ok(method !== 'put' && method !== 'patch', `${method} ${path} without a body`);
      continue;
    }
    bodies += 1;
    const schema = op.requestBody.content['application/json'].schema;
    assert.equal(schema.type, 'object', `${method} ${path}`);
    assert.equal(schema.additionalProperties, false, `${method} ${path}`);
    for (const name of schema.required ?? []) {
      assert.ok(schema.properties[name], `${method} ${path}: required ${name} is a property`);
    }
    assert.equal(op.requestBody.required, (schema.required ?? []).length > 0, `${method} ${path}`);
  }
  assert.ok(bodies >= 6, `only ${bodies} request bodies`);
});

test('every schema compiles as JSON Schema 2020-12 in Ajv strict mode', () => {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictTuples: false });
  const id = 'https://cairn.invalid/openapi.json';
  ajv.addKeyword('components');
  ajv.addSchema({ $id: id, components: { schemas: doc.components.schemas } });
  for (const name of Object.keys(doc.components.schemas)) {
    assert.doesNotThrow(() => ajv.compile({ $ref: `${id}#/components/schemas/${name}` }), name);
  }
  for (const { path, method, op } of operations()) {
    if (!op.requestBody) continue;
    const schema = op.requestBody.content['application/json'].schema;
    assert.doesNotThrow(() => ajv.compile(schema), `${method} ${path}`);
  }
  // The response examples a client relies on most.
  const page = ajv.compile({ $ref: `${id}#/components/schemas/QueryPage` });
  assert.ok(page({ columns: ['a'], rows: [[1], [null], ['x'], [{ base64: 'AA==' }]], offset: 0,
                   row_count: 4, has_more: false, next_cursor: null, truncated: false,
                   label: 'public', rules: [] }), JSON.stringify(page.errors));
  assert.ok(!page({ columns: ['a'], rows: [[[1]]], offset: 0, row_count: 1, next_cursor: null,
                    truncated: false }));
});
