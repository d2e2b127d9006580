/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any -- OSCAL documents are walked as plain JSON here; NIST's schemas check their shape */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OSCAL_VERSIONS } from '../../src/core/oscal/oscal-ids.js';
import { oscalSchemaProblems } from '../../src/io/oscal-schema.js';
import { demoStore, type DemoStore } from '../helpers/demo-store.js';
import { oscalContent, oscalSchema } from '../helpers/oscal.js';

type Json = Record<string, any>;

const valid = (doc: unknown, name: string) => {
  for (const v of OSCAL_VERSIONS) expect(oscalSchemaProblems(doc, oscalSchema(v), name), `${name} against ${v}`).toEqual([]);
};
let demo: DemoStore;
const ccheck = (...args: string[]) => demo.ccheck(...args);
const read = (file: string) => demo.readJson<Json>(file);

beforeAll(async () => (demo = await demoStore()));
afterAll(() => demo.cleanup());

// Corpus tier: every export validated against NIST's OSCAL schemas; NIST's examples imported.
// What the exports say is tested on the project's own files in test/oscal/oscal-cli.test.ts.
describe('ccheck export oscal / import oscal against NIST’s schemas and examples', () => {
  it('exports assessment-results, the catalog and the firm’s profile that NIST’s schemas accept', async () => {
    for (const ov of OSCAL_VERSIONS) {
      const r = await ccheck('export', 'oscal', 'results', '--firm', '金管證總字第0000號', '--period', '2026-11', '--oscal-version', ov, '-o', `ar-${ov}.json`);
      expect(r.code, r.err).toBe(0);
      valid(read(`ar-${ov}.json`), `ar-${ov}.json`);
    }
    expect((await ccheck('export', 'oscal', 'catalog', '2023-08-23')).code).toBe(0);
    valid(read('catalog-2023-08-23.oscal.json'), 'catalog');
    const profileFile = readdirSync(path.join(demo.dir, 'demo')).find((f) => /profile.*\.ya?ml$/.test(f))!;
    const r = await ccheck('export', 'oscal', 'profile', '--profile', path.join('demo', profileFile), '--version', '2023-08-23');
    expect(r.code, r.err).toBe(0);
    valid(read('profile-2023-08-23.oscal.json'), 'profile');
  });

  it('imports NIST’s example catalog after validating it, and never makes it the version firms are inspected against', async () => {
    const r = await ccheck('import', 'oscal', oscalContent('basic-catalog.json'), '--schema', oscalSchema('1.2.1'), '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ id: 'oscal-74c8ba1e', nodes: 8, written: true });
    expect((await ccheck('catalog', 'show', 'oscal-74c8ba1e', '--json')).code).toBe(0);
    const cat = await ccheck('export', 'oscal', 'catalog', '-o', '-');
    expect((JSON.parse(cat.out) as Json).catalog.metadata.version).toBe('2023-08-23');
  });

  it('refuses NIST’s other models and schema violations with codes and the field', async () => {
    const ssp = await ccheck('import', 'oscal', oscalContent('ssp-example.json'));
    expect(ssp.code).toBe(3);
    expect(ssp.err).toContain('[OSCAL_NOT_A_CATALOG]');
    expect(ssp.err).toContain('system-security-plan');
    const doc = JSON.parse(readFileSync(oscalContent('basic-catalog.json'), 'utf8')) as Json;
    doc.catalog.metadata['last-modified'] = 'yesterday';
    writeFileSync(path.join(demo.dir, 'bad-date.json'), JSON.stringify(doc));
    const bad = await ccheck('import', 'oscal', 'bad-date.json', '--schema', oscalSchema('1.1.3'), '--json');
    expect(bad.code).toBe(3);
    const err = (JSON.parse(bad.out || bad.err) as Json).error;
    expect(err.code).toBe('OSCAL_SCHEMA_INVALID');
    expect(JSON.stringify(err)).toContain('/catalog/metadata/last-modified');
    const list = await ccheck('catalog', 'versions', '--json');
    expect(list.out.match(/oscal-74c8ba1e/g)?.length ?? 0).toBeLessThanOrEqual(1); // nothing half-written
  });
});
