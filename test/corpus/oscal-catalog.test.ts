import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOscalCatalog } from '../../src/core/oscal/import-oscal-catalog.js';
import { OSCAL_VERSIONS } from '../../src/core/oscal/oscal-ids.js';
import { offlineCatalogStore } from '../../src/services/catalog-service.js';
import { oscalSchemaProblems } from '../../src/io/oscal-schema.js';
import { oscalCatalog } from '../../src/reports/oscal/oscal-catalog.js';
import { OSCAL_DIR, oscalSchema } from '../helpers/oscal.js';
import { errorOf } from '../helpers/errors.js';

// Corpus tier: NIST's OSCAL schemas and example content, read from the shared folder.
// The shipped versions (no database, no imports).
const versions = (await offlineCatalogStore('/nonexistent-ccheck-home').list()).map((e) => e.version);

describe('OSCAL catalog export and import against NIST’s schemas and examples', () => {
  it.each(OSCAL_VERSIONS.flatMap((ov) => versions.map((v) => [ov, v.id] as const)))(
    'OSCAL %s: version %s validates against NIST schema 1.1.3 and 1.2.1 and imports back node for node',
    (ov, id) => {
      const version = versions.find((v) => v.id === id)!;
      const doc = oscalCatalog(version, { oscalVersion: ov, lastModified: '2026-11-27T09:00:00+08:00' });
      for (const schemaVersion of OSCAL_VERSIONS) expect(oscalSchemaProblems(doc, oscalSchema(schemaVersion), id)).toEqual([]);
      const back = importOscalCatalog({ document: JSON.parse(JSON.stringify(doc)), fileName: `${id}.json`, sha256: 'x' });
      expect(back.id).toBe(version.id);
      expect(back.effectiveDate).toBe(version.effectiveDate);
      expect(back.nodes).toEqual(version.nodes);
    },
  );

  it('imports NIST basic-catalog (ISO 27002 excerpt) with its label tree and parameters spelled out', () => {
    const file = path.join(OSCAL_DIR, 'content', 'basic-catalog.json');
    const v = importOscalCatalog({ document: JSON.parse(readFileSync(file, 'utf8')), fileName: 'basic-catalog.json', sha256: 'x' });
    expect(v.id).toBe('oscal-74c8ba1e');
    expect(v.source).toMatchObject({ kind: 'oscal_catalog', uuid: '74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724', oscalVersion: '1.1.2' });
    expect(v.nodes.map((n) => n.path).slice(0, 3)).toEqual(['1', '1/s1.1', '1/s1.1/1.1.1']);
    expect(v.nodes[2]).toMatchObject({ level: 'item', title: 'Information security roles and responsibilities' });
    expect(v.nodes[2]!.text).toContain('A value has been assigned to [a choice from a selection].');
    expect(v.nodes.every((n) => n.appliesTo === 'all_brokers' && n.frequency === null)).toBe(true);
    expect(v.nodes.some((n) => n.text?.includes('{{'))).toBe(false);
  });

  it('imports the NIST SP 800-53 rev5 LOW baseline resolved catalog', () => {
    const file = path.join(OSCAL_DIR, 'content', 'NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json');
    const v = importOscalCatalog({ document: JSON.parse(readFileSync(file, 'utf8')), fileName: path.basename(file), sha256: 'x' });
    expect(v.nodes).toHaveLength(167);
    const ac1 = v.nodes.find((n) => n.path === 'ac/AC-01')!;
    expect(ac1).toMatchObject({ level: 'subsection', parentPath: 'ac', title: 'Policy and Procedures' });
    // the statement's items, one per line, and the parameter's label instead of the insert markup
    expect(ac1.text).toMatch(/^a\. Develop, document, and disseminate to \[organization-defined personnel or roles\]:\n {2}1\. /);
    // Imported, it exports again as valid OSCAL and comes back node for node.
    const again = oscalCatalog(v, { oscalVersion: '1.2.1', lastModified: '2026-11-27T09:00:00+08:00' });
    for (const schemaVersion of OSCAL_VERSIONS) expect(oscalSchemaProblems(again, oscalSchema(schemaVersion), 'again')).toEqual([]);
    expect(importOscalCatalog({ document: JSON.parse(JSON.stringify(again)), fileName: 'again.json', sha256: 'x' }).nodes).toEqual(v.nodes);
  });

  it('refuses every other NIST model with OSCAL_NOT_A_CATALOG naming the model', () => {
    for (const f of readdirSync(path.join(OSCAL_DIR, 'content')).filter((f) => f.endsWith('.json') && !/catalog/.test(f))) {
      const doc = JSON.parse(readFileSync(path.join(OSCAL_DIR, 'content', f), 'utf8')) as object;
      const e = errorOf(() => importOscalCatalog({ document: doc, fileName: f, sha256: 'x' }));
      expect(e.code, f).toBe('OSCAL_NOT_A_CATALOG');
      expect(e.location?.field, f).toMatch(
        /^\/(profile|component-definition|system-security-plan|assessment-plan|assessment-results|plan-of-action-and-milestones)$/,
      );
    }
  });
});
