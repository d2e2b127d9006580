import { createWriteStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Grant } from '../../src/core/people/roles.js';
import type { InspectionService, Clock } from '../../src/services/inspection-service.js';
import { verifyPackage } from '../../src/services/package-service.js';
import { oscalCatalogExport, oscalProfileExport, oscalResultsExport } from '../../src/services/use-cases/oscal.js';
import { signedPackage } from '../../src/services/use-cases/packages.js';
import { findingsRegister, inspectionReport, inspectionReports } from '../../src/services/use-cases/reports.js';
import { signatureHistory } from '../../src/services/use-cases/signatures.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { builtService } from '../helpers/fresh-service.js';
import { internetTier1 } from '../helpers/profiles.js';
import { accountWith } from '../helpers/actors.js';
import { codeOf } from '../helpers/errors.js';

const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';
const PERIOD = '2026-11';
const account = (grants: Grant[]) => accountWith(grants, '讀者');

/** Issue 10 items 2 and 5: what leaves ccheck is made by use cases that check the actor and return bytes, never files. */
describe.each(DIALECTS)('report, OSCAL, package and signature use cases on %s', { timeout: 180_000 }, (dialect: DialectUnderTest) => {
  let s: InspectionService;
  let dir: string;
  let close: () => Promise<void>;
  let firmId: string;
  const ref = { firm: LICENCE, period: PERIOD };

  // The signed run, built once; each test gets a copy of its own (builtService).
  let built: Awaited<ReturnType<typeof builtService<string>>>;
  beforeAll(async () => {
    built = await builtService(dialect, clock, async (s) => {
      await s.addFirm('alice', internetTier1());
      await s.startRun('alice', LICENCE, PERIOD);
      const results = (await s.results(LICENCE, PERIOD)).results.filter((r) => r.status !== 'not_applicable');
      for (const [i, r] of results.entries()) {
        const item = { ...ref, path: r.path };
        await s.setResult('alice', item, {
          status: i === 0 ? 'fail' : 'pass',
          source: 'attestation',
          justification: 'checked on site',
          expiresOn: '2027-11-27',
        });
        await s.approve('bob', item);
      }
      await s.signRun('carol', ref, { role: 'ciso', authentication: 'local operator' });
      return (await s.firm(LICENCE)).id;
    });
  });
  afterAll(() => built.remove());
  beforeEach(async () => {
    const copy = await built.copy();
    ({ s, dir } = copy);
    close = () => copy.close();
    firmId = built.value;
  });
  afterEach(async () => close());

  const reader = () => account([{ role: 'auditor', firmId }]);
  const admin = () => account([{ role: 'admin', firmId: null }]);
  const otherFirm = () => account([{ role: 'examiner', firmId: 'another-firm' }]);

  it('renders the report in each format as bytes with a suggested name, and writes no file', async () => {
    const before = readdirSync(dir).sort();
    const starts = { html: '<!doctype html', xlsx: 'PK', pdf: '%PDF' } as const;
    for (const format of ['html', 'xlsx', 'pdf'] as const) {
      const r = await inspectionReport({ inspections: s }, reader(), { ...ref, format, lang: 'en' });
      expect(r.name).toBe(`inspection-report-${PERIOD}.${format}`);
      expect(r.body.subarray(0, starts[format].length).toString('latin1').toLowerCase()).toBe(starts[format].toLowerCase());
      expect(r.data.firm.licence).toBe(LICENCE);
    }
    const all = await inspectionReports({ inspections: s }, reader(), ref);
    expect(Object.keys(all.files).sort()).toEqual(['html', 'pdf', 'xlsx']);
    expect(all.results.fail).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses a role without report.read (admin), and a reader of another firm, with FORBIDDEN', async () => {
    for (const who of [admin(), otherFirm()]) {
      expect(await codeOf(inspectionReport({ inspections: s }, who, { ...ref, format: 'pdf' }))).toBe('FORBIDDEN');
      expect(await codeOf(inspectionReports({ inspections: s }, who, ref))).toBe('FORBIDDEN');
      expect(await codeOf(signedPackage({ inspections: s }, who, ref))).toBe('FORBIDDEN');
      expect(await codeOf(signatureHistory({ inspections: s }, who, ref))).toBe('FORBIDDEN');
      expect(await codeOf(findingsRegister({ inspections: s }, who, { firm: LICENCE, format: 'csv' }))).toBe('FORBIDDEN');
      expect(await codeOf(oscalResultsExport({ inspections: s }, who, ref, { oscalVersion: '1.2.1', now: clock.now() }))).toBe('FORBIDDEN');
    }
    // A firm in the database is read only with firm.read on it; the catalog with catalog.read.
    expect(
      await codeOf(
        oscalProfileExport({ catalog: s.catalog, inspections: s }, otherFirm(), { firm: LICENCE }, undefined, { oscalVersion: '1.2.1', now: clock.now() }),
      ),
    ).toBe('FORBIDDEN');
    expect(await codeOf(oscalCatalogExport(s.catalog, account([]), undefined, { oscalVersion: '1.2.1', now: clock.now() }))).toBe('FORBIDDEN');
    // Nothing was built for anyone refused.
    expect(readdirSync(dir)).not.toContain('packages');
  });

  it('rejects a bad input with RESULT_INVALID naming the field', async () => {
    expect(await codeOf(inspectionReport({ inspections: s }, reader(), { ...ref, format: 'docx' as 'pdf' }))).toBe('RESULT_INVALID');
    expect(await codeOf(signedPackage({ inspections: s }, reader(), { ...ref, revision: 0 }))).toBe('RESULT_INVALID');
    expect(await codeOf(oscalResultsExport({ inspections: s }, reader(), ref, { oscalVersion: '9.9' as '1.2.1', now: clock.now() }))).toBe('RESULT_INVALID');
  });

  it('hands out the signed package as a stream of the kept copy: the same bytes each time, and it verifies', async () => {
    const p = await signedPackage({ inspections: s }, reader(), { ...ref, lang: 'en' });
    expect(p.name).toBe(`ccheck-package-${LICENCE}-${PERIOD}-r1.zip`);
    expect(p.manifest).toMatchObject({ period: PERIOD, revision: 1, signoff: { by: 'carol' } });
    const kept = readdirSync(path.join(dir, 'packages'));
    expect(kept).toHaveLength(1); // one flat file, which backups carry
    const file = path.join(dir, 'out.zip');
    await pipeline(p.open(), createWriteStream(file));
    expect((await verifyPackage(file, s)).problems).toEqual([]);
    const again = await signedPackage({ inspections: s }, reader(), ref);
    expect(again.manifest.createdAt).toBe(p.manifest.createdAt);
    expect(again.size).toBe(p.size);
  });

  it('refuses the package of an unsigned revision with RUN_NOT_SIGNED', async () => {
    await s.startRun('alice', LICENCE, '2026-10');
    expect(await codeOf(signedPackage({ inspections: s }, reader(), { firm: LICENCE, period: '2026-10' }))).toBe('RUN_NOT_SIGNED');
  });

  it('gives the e-signature history with the sign-off', async () => {
    const h = await signatureHistory({ inspections: s }, reader(), ref);
    expect(h.revision).toBe(1);
    expect(h.signoff).toMatchObject({ signedBy: 'carol', role: 'ciso' });
    const actions = h.history.map((e) => e.action);
    expect(actions[0]).toBe('start');
    expect(actions).toContain('record');
    expect(actions).toContain('approve');
    expect(actions.at(-1)).toBe('signoff');
  });

  it('gives the findings register and the OSCAL documents as named bytes', async () => {
    const reg = await findingsRegister({ inspections: s }, reader(), { firm: LICENCE, format: 'csv' });
    expect(reg).toMatchObject({ name: 'findings-register.csv', rows: 1 });
    expect(reg.body.toString('utf8')).toContain(PERIOD);
    const xlsx = await findingsRegister({ inspections: s }, reader(), { firm: LICENCE, format: 'xlsx' });
    expect(xlsx.body.subarray(0, 2).toString('latin1')).toBe('PK');
    const ar = await oscalResultsExport({ inspections: s }, reader(), ref, { oscalVersion: '1.2.1', now: clock.now() });
    expect(ar.name).toBe(`assessment-results-${PERIOD}.oscal.json`);
    expect(Object.keys(JSON.parse(ar.body.toString('utf8')) as object)).toEqual(['assessment-results']);
    const prof = await oscalProfileExport({ catalog: s.catalog, inspections: s }, reader(), { firm: LICENCE }, undefined, {
      oscalVersion: '1.2.1',
      now: clock.now(),
    });
    expect(prof.name).toMatch(/^profile-.+\.oscal\.json$/u);
    const cat = await oscalCatalogExport(s.catalog, reader(), undefined, { oscalVersion: '1.2.1', now: clock.now() });
    expect(Object.keys(JSON.parse(cat.body.toString('utf8')) as object)).toEqual(['catalog']);
  });
});
