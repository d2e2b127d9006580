/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- OSCAL documents are walked as plain JSON here; NIST's schemas check their shape */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OSCAL_VERSIONS } from '../../src/core/oscal/oscal-ids.js';
import { demoStore, type DemoStore } from '../helpers/demo-store.js';
import { FIXTURES } from '../helpers/shared.js';

type Json = Record<string, any>;

// OSCAL documents the project wrote in NIST's shapes; validation of every export against NIST's
// schemas is the corpus tier's (test/corpus/oscal-cli.test.ts).
const oscalFixture = (file: string) => path.join(FIXTURES, 'oscal', file);
let demo: DemoStore;
const ccheck = (...args: string[]) => demo.ccheck(...args);
const read = (file: string) => demo.readJson<Json>(file);

beforeAll(async () => (demo = await demoStore()));
afterAll(() => demo.cleanup());

describe('ccheck export oscal / import oscal', () => {
  it('exports the demo run as assessment-results, with evidence hashes, analyzer rows and risks', async () => {
    for (const ov of OSCAL_VERSIONS) {
      const r = await ccheck('export', 'oscal', 'results', '--firm', '金管證總字第0000號', '--period', '2026-11', '--oscal-version', ov, '-o', `ar-${ov}.json`);
      expect(r.code, r.err).toBe(0);
      expect(read(`ar-${ov}.json`)['assessment-results'].metadata['oscal-version']).toBe(ov);
    }
    const ar = read('ar-1.2.1.json')['assessment-results'] as Json;
    const result = ar.results[0] as Json;
    // Every evidence file is a resource with its SHA-256, and the observations point at it.
    const resources = ar['back-matter'].resources as Json[];
    const devices = resources.find((x) => x.title === 'devices.csv')!;
    expect(devices.rlinks[0].hashes[0]).toMatchObject({ algorithm: 'SHA-256', value: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The analyzer's exact row: the rule-set finding on line 19 of the ASA config.
    const row = (result.observations as Json[]).find((o) => o.title.includes('fw-edge-01.asa:19'))!;
    expect(row).toMatchObject({ methods: ['TEST'], types: ['finding'] });
    expect(row.props).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'rule', value: 'legacy-vendor-access' })]));
    expect(row['relevant-evidence'][0].href).toBe(`#${resources.find((x) => x.title === 'fw-edge-01.asa')!.uuid}`);
    // Judged items are findings on their statements; open remediation items are risks with deadlines.
    const states = (result.findings as Json[]).map((f) => f.target.status.state);
    // 8 passes, 5 fails + 1 partial: the demo runs signin-factors, accounts, signin-attempts,
    // log-monitoring (passes) and pd-trails (fails) besides the two network analyzers.
    expect(states.filter((s) => s === 'satisfied')).toHaveLength(8);
    expect(states.filter((s) => s === 'not-satisfied')).toHaveLength(6);
    expect(result.risks).toHaveLength(6);
    expect((result.findings as Json[]).find((f) => f.target['target-id'] === 'p7.1.a.h_smt')).toMatchObject({ target: { status: { state: 'satisfied' } } });
    // Exporting again gives the same document but for the time stamp.
    const again = await ccheck('export', 'oscal', 'results', '--firm', '金管證總字第0000號', '--period', '2026-11', '-o', '-');
    const strip = (d: Json) => JSON.stringify(d).replace(/"last-modified":"[^"]+"/, '');
    expect(strip(JSON.parse(again.out) as Json)).toBe(strip(read('ar-1.2.1.json')));
  });

  it('exports the catalog and the firm’s profile; the profile includes exactly the applicable controls with their reasons', async () => {
    expect((await ccheck('export', 'oscal', 'catalog', '2023-08-23')).code).toBe(0);
    const catalog = read('catalog-2023-08-23.oscal.json');
    expect(catalog.catalog.metadata.version).toBe('2023-08-23');
    const profileFile = readdirSync(path.join(demo.dir, 'demo')).find((f) => /profile.*\.ya?ml$/.test(f))!;
    const r = await ccheck('export', 'oscal', 'profile', '--profile', path.join('demo', profileFile), '--version', '2023-08-23');
    expect(r.code, r.err).toBe(0);
    const profile = read('profile-2023-08-23.oscal.json');
    expect(profile.profile.metadata['oscal-version']).toBe('1.2.1');
    expect(profile.profile.imports[0].href).toBe('catalog-2023-08-23.oscal.json');
    const ids = profile.profile.imports[0]['include-controls'][0]['with-ids'] as string[];
    const controlIds = JSON.stringify(catalog)
      .match(/"id":"p[^"]+"/g)!
      .map((m) => m.slice(6, -1));
    expect(ids.every((id) => controlIds.includes(id))).toBe(true);
    const fromDb = await ccheck('export', 'oscal', 'profile', '--firm', '金管證總字第0000號', '--version', '2023-08-23', '-o', 'db-profile.json');
    expect(fromDb.code, fromDb.err).toBe(0);
    expect(read('db-profile.json').profile.imports).toEqual(profile.profile.imports);
  });

  it('imports another catalog, and never makes it the version firms are inspected against', async () => {
    const r = await ccheck('import', 'oscal', oscalFixture('small-catalog.json'), '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ id: 'oscal-5a1c3e0f', nodes: 6, written: true });
    const versions = await ccheck('catalog', 'versions', '--json');
    expect(versions.out).toContain('oscal-5a1c3e0f');
    const show = await ccheck('catalog', 'show', 'oscal-5a1c3e0f', '--json');
    expect(show.code, show.err).toBe(0);
    // The latest mechanism version stays the default.
    const cat = await ccheck('export', 'oscal', 'catalog', '-o', '-');
    expect((JSON.parse(cat.out) as Json).catalog.metadata.version).toBe('2023-08-23');
  });

  it('refuses other OSCAL models and broken JSON with codes and the place', async () => {
    const ssp = await ccheck('import', 'oscal', oscalFixture('model-system-security-plan.json'));
    expect(ssp.code).toBe(3);
    expect(ssp.err).toContain('[OSCAL_NOT_A_CATALOG]');
    expect(ssp.err).toContain('system-security-plan');
    writeFileSync(path.join(demo.dir, 'broken.json'), '{"catalog": {\n  "uuid": "x",\n  oops\n}');
    const broken = await ccheck('import', 'oscal', 'broken.json');
    expect(broken.code).toBe(3);
    expect(broken.err).toContain('[OSCAL_INVALID]');
    expect(broken.err).toContain('第 3 行');
    const list = await ccheck('catalog', 'versions', '--json');
    expect(list.out).not.toContain('oscal-00000000'); // nothing half-written
  });
});
