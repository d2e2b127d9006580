import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOscalCatalog } from '../../src/core/oscal/import-oscal-catalog.js';
import { OSCAL_VERSIONS } from '../../src/core/oscal/oscal-ids.js';
import { offlineCatalogStore } from '../../src/services/catalog-service.js';
import { oscalCatalog } from '../../src/reports/oscal/oscal-catalog.js';
import { FIXTURES } from '../helpers/shared.js';
import { errorOf } from '../helpers/errors.js';

// OSCAL documents the project wrote in NIST's shapes (test/fixtures/oscal/). Validation against
// NIST's own schemas, and the import of NIST's examples, are the corpus tier's:
// test/corpus/oscal-catalog.test.ts.
const OSCAL = path.join(FIXTURES, 'oscal');

// The shipped versions (no database, no imports).
const versions = (await offlineCatalogStore('/nonexistent-ccheck-home').list()).map((e) => e.version);

describe('OSCAL catalog export and import', () => {
  it.each(OSCAL_VERSIONS.flatMap((ov) => versions.map((v) => [ov, v.id] as const)))('OSCAL %s: version %s imports back node for node', (ov, id) => {
    const version = versions.find((v) => v.id === id)!;
    const doc = oscalCatalog(version, { oscalVersion: ov, lastModified: '2026-11-27T09:00:00+08:00' });
    expect((doc.catalog as { metadata: { 'oscal-version': string } }).metadata['oscal-version']).toBe(ov);
    const back = importOscalCatalog({ document: JSON.parse(JSON.stringify(doc)), fileName: `${id}.json`, sha256: 'x' });
    expect(back.id).toBe(version.id);
    expect(back.effectiveDate).toBe(version.effectiveDate);
    expect(back.nodes).toEqual(version.nodes);
  });

  it('exports the same document twice (UUIDs derived from the content hash)', () => {
    const v = versions[0]!;
    const a = oscalCatalog(v, { oscalVersion: '1.2.1', lastModified: '2026-11-27T09:00:00+08:00' });
    expect(oscalCatalog(v, { oscalVersion: '1.2.1', lastModified: '2026-11-27T09:00:00+08:00' })).toEqual(a);
    expect((a.catalog as { uuid: string }).uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('imports another catalog with its label tree and parameters spelled out', () => {
    const v = importOscalCatalog({
      document: JSON.parse(readFileSync(path.join(OSCAL, 'small-catalog.json'), 'utf8')),
      fileName: 'small-catalog.json',
      sha256: 'x',
    });
    expect(v.id).toBe('oscal-5a1c3e0f');
    expect(v.source).toMatchObject({ kind: 'oscal_catalog', uuid: '5a1c3e0f-8d2b-4c6a-9f41-2b7d9e6c0a13', oscalVersion: '1.1.2' });
    expect(v.nodes.map((n) => n.path)).toEqual(['1', '1/s1.1', '1/s1.1/1.1.1', '1/s1.1/1.1.2', '2', '2/2.1']);
    expect(v.nodes[2]).toMatchObject({ level: 'item', parentPath: '1/s1.1', title: 'Review of firewall rules' });
    expect(v.nodes[2]!.text).toBe('Firewall rules should be reviewed [a review cycle].\n\nSee also [(logging)](#s1.1.2).');
    expect(v.nodes.every((n) => n.appliesTo === 'all_brokers' && n.frequency === null)).toBe(true);
    expect(v.nodes.some((n) => n.text?.includes('{{'))).toBe(false);
    // Imported, it exports again and comes back node for node.
    const again = oscalCatalog(v, { oscalVersion: '1.2.1', lastModified: '2026-11-27T09:00:00+08:00' });
    expect(importOscalCatalog({ document: JSON.parse(JSON.stringify(again)), fileName: 'again.json', sha256: 'x' }).nodes).toEqual(v.nodes);
  });

  it('refuses every other OSCAL model with OSCAL_NOT_A_CATALOG naming the model', () => {
    const models = readdirSync(OSCAL).filter((f) => f.startsWith('model-'));
    expect(models).toHaveLength(6);
    for (const f of models) {
      const doc = JSON.parse(readFileSync(path.join(OSCAL, f), 'utf8')) as object;
      const e = errorOf(() => importOscalCatalog({ document: doc, fileName: f, sha256: 'x' }));
      expect(e.code, f).toBe('OSCAL_NOT_A_CATALOG');
      expect(e.location?.field, f).toBe(`/${f.slice('model-'.length, -'.json'.length)}`);
    }
  });

  it('names the JSON field of a broken catalog', () => {
    const doc = { catalog: { uuid: 'u', metadata: { title: 't', version: '1', 'oscal-version': '1.2.1' }, groups: [{ id: 'g', controls: [{ id: 'c' }] }] } };
    const e = errorOf(() => importOscalCatalog({ document: doc, fileName: 'bad.json', sha256: 'x' }));
    expect(e.code).toBe('OSCAL_INVALID');
    expect(e.location).toEqual({ file: 'bad.json', field: '/catalog/groups/0/title' });
    // every problem at once, each with its field
    expect(e.problems.map((p) => p.location.field)).toEqual(['/catalog/groups/0/title', '/catalog/groups/0/controls/0/title']);
  });
});
