import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, ACTOR_HEADER, apiStore, grant, type ApiStore } from '../helpers/api-app.js';

/** The routes of the contract (docs/API.md) that the document must describe, in OpenAPI's path form. */
const CONTRACT = [
  'get /api/firms',
  'post /api/firms',
  'get /api/firms/{firm}',
  'put /api/firms/{firm}/profile',
  'put /api/firms/{firm}/retention',
  'get /api/firms/{firm}/plan',
  'get /api/firms/{firm}/calendar.ics',
  'get /api/firms/{firm}/dashboard',
  'get /api/firms/{firm}/runs',
  'post /api/firms/{firm}/runs',
  'get /api/firms/{firm}/runs/{period}',
  'put /api/firms/{firm}/runs/{period}/items/{path}/result',
  'post /api/firms/{firm}/runs/{period}/items/{path}/approve',
  'post /api/firms/{firm}/runs/{period}/items/{path}/reject',
  'post /api/firms/{firm}/evidence',
  'get /api/firms/{firm}/evidence/{sha256}',
  'post /api/firms/{firm}/runs/{period}/analyze',
  'get /api/jobs/{id}',
  'post /api/firms/{firm}/runs/{period}/signoff',
  'post /api/firms/{firm}/runs/{period}/revise',
  'get /api/firms/{firm}/runs/{period}/report.pdf',
  'get /api/firms/{firm}/runs/{period}/report.html',
  'get /api/firms/{firm}/runs/{period}/report.xlsx',
  'get /api/firms/{firm}/runs/{period}/package.zip',
  'get /api/firms/{firm}/runs/{period}/signatures',
  'post /api/packages/verify',
  'get /api/firms/{firm}/findings',
  'patch /api/firms/{firm}/findings/{id}',
  'get /api/catalog/versions',
  'get /api/catalog/versions/{id}',
  'get /api/catalog/diff',
  'get /api/analyzers',
  'get /api/audit',
  'post /api/audit/verify',
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  readonly summary?: string;
  readonly parameters?: readonly { name: string; in: string; required?: boolean; schema?: object }[];
  readonly requestBody?: { content: Record<string, { schema: object }> };
  readonly responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}
interface Doc {
  readonly openapi: string;
  readonly info: { title: string; version: string };
  readonly paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

describe('the OpenAPI document at /api/docs/json', () => {
  let st: ApiStore;
  let doc: Doc;
  beforeAll(async () => {
    st = await apiStore('sqlite', (firmId) => ({ officer: account('o', 'o', [grant('officer', firmId)]) }));
    const res = await st.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<Doc>();
  });
  afterAll(() => st.close());

  it('is OpenAPI 3.0 with a title and a version', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
  });

  it('describes every route of the contract, and only routes the app serves', () => {
    const described = Object.entries(doc.paths).flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m} ${p}`));
    expect(described).toEqual(expect.arrayContaining(CONTRACT));
    for (const op of described) {
      const [method, p] = op.split(' ') as [string, string];
      expect(st.app.hasRoute({ method: method.toUpperCase(), url: p.replace(/\{(\w+)\}/g, ':$1') }), op).toBe(true);
    }
  });

  it('declares each path parameter, required, and gives every operation responses and a summary', () => {
    for (const [p, item] of Object.entries(doc.paths)) {
      const vars = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        const where = `${m} ${p}`;
        const inPath = (op.parameters ?? []).filter((x) => x.in === 'path');
        expect(inPath.map((x) => x.name).sort(), where).toEqual([...vars].sort());
        for (const x of inPath) expect(x.required, where).toBe(true);
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        for (const r of Object.values(op.responses)) expect(typeof r.description, where).toBe('string');
        if (p.startsWith('/api/') && p !== '/api/health') expect(op.summary, where).toBeTruthy();
      }
    }
  });

  it('holds only JSON Schemas that compile (every parameter, body and response schema)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    // OpenAPI 3.0 schema extensions ajv does not know as keywords.
    ajv.addKeyword({ keyword: 'example' });
    let compiled = 0;
    for (const item of Object.values(doc.paths))
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        const schemas = [
          ...(op.parameters ?? []).map((x) => x.schema),
          ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
          ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema)),
        ].filter((x): x is object => x !== undefined);
        for (const schema of schemas) {
          ajv.compile(schema);
          compiled++;
        }
      }
    expect(compiled).toBeGreaterThan(100);
  });

  it('validates what the routes answer against their own response schemas (a run page and the firm list)', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    await st.s.startRun('setup', st.firmId, '2026-11');
    for (const [url, p] of [
      ['/api/firms', '/api/firms'],
      [`/api/firms/${st.firmId}/runs/2026-11`, '/api/firms/{firm}/runs/{period}'],
      [`/api/firms/${st.firmId}/dashboard`, '/api/firms/{firm}/dashboard'],
    ] as const) {
      const res = await st.app.inject({ method: 'GET', url, headers: { [ACTOR_HEADER]: 'officer' } });
      const schema = doc.paths[p]!.get!.responses['200']!.content!['application/json']!.schema;
      const validate = ajv.compile(schema);
      expect(validate(res.json()), `${url}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
